package dev.keraslite.internal.fast;

import static org.tensorflow.internal.c_api.global.tensorflow.TFE_DeleteOp;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_DeleteTensorHandle;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import org.bytedeco.javacpp.Pointer;
import org.tensorflow.internal.c_api.TFE_Op;
import org.tensorflow.internal.c_api.TFE_TensorHandle;

/**
 * Ownership of one native object ({@code TFE_TensorHandle} or {@code TFE_Op}) produced by the
 * dispatcher: it is deleted exactly once, by whichever comes first of an explicit close of its Java
 * pointer, the garbage collector reclaiming that pointer, or the session closing.
 *
 * <p>The cell refers to its pointer weakly (so it does not keep it alive) and keeps the address
 * itself (so it can delete the object after the pointer is gone). Cells of one context form a
 * doubly linked list in their {@link NativeOwner}, guarded by the owner's monitor.
 */
final class NativeCell extends WeakReference<Pointer> {
  static final byte TENSOR_HANDLE = 0;
  static final byte OP = 1;

  private final NativeOwner owner;
  private final byte kind;
  private long address;
  NativeCell prev;
  NativeCell next;

  NativeCell(
      Pointer pointer, long address, byte kind, NativeOwner owner, ReferenceQueue<Pointer> queue) {
    super(pointer, queue);
    this.address = address;
    this.kind = kind;
    this.owner = owner;
  }

  /** The list head of an owner: never holds an object. */
  static NativeCell sentinel(NativeOwner owner) {
    NativeCell head = new NativeCell(null, 0, TENSOR_HANDLE, owner, null);
    head.prev = head;
    head.next = head;
    return head;
  }

  /** Deletes the native object unless that already happened. */
  void free() {
    long a;
    synchronized (owner) {
      a = address;
      if (a == 0) {
        return;
      }
      address = 0;
      prev.next = next;
      next.prev = prev;
      prev = next = this;
      owner.unlinked();
    }
    clear(); // nothing left for the reference queue to report
    delete(kind, a);
  }

  private static void delete(byte kind, long address) {
    if (kind == TENSOR_HANDLE) {
      TFE_DeleteTensorHandle(new RawHandle(address));
    } else {
      TFE_DeleteOp(new RawOp(address));
    }
  }

  /** A bare pointer to pass an address to the C API. */
  private static final class RawHandle extends TFE_TensorHandle {
    RawHandle(long address) {
      this.address = address;
    }
  }

  /** A bare pointer to pass an address to the C API. */
  private static final class RawOp extends TFE_Op {
    RawOp(long address) {
      this.address = address;
    }
  }
}
