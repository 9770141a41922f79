package dev.keraslite.internal.fast;

import java.lang.ref.ReferenceQueue;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Pointer;

/**
 * Everything native that one eager context's dispatcher created and not yet deleted.
 *
 * <ul>
 *   <li>A value released by {@code NativeHandles.release} (scopes, tapes) is deleted at once.
 *   <li>A value the garbage collector reclaims is deleted at the dispatcher's next op ({@link
 *       #drain}), on the dispatching thread. Since dead handles weigh little on the Java heap, the
 *       owner also asks for a collection when the process's resident memory passes JavaCPP's limit
 *       ({@code org.bytedeco.javacpp.maxPhysicalBytes}), as TensorFlow Java's JavaCPP deallocators
 *       do, but once per {@value #PRESSURE_CHECK_INTERVAL} handles instead of once per handle.
 *   <li>Whatever is left when the session closes is deleted then, before the context ({@link
 *       #close}), and its Java pointers read as null.
 * </ul>
 */
final class NativeOwner {
  static final int PRESSURE_CHECK_INTERVAL = 4096;

  private final ReferenceQueue<Pointer> collected = new ReferenceQueue<>();
  private final NativeCell head = NativeCell.sentinel(this);
  private final List<Runnable> onClose = new ArrayList<>();
  private volatile boolean closed;
  private int sinceCheck;
  private int live;

  /** Starts owning the object at {@code address}, whose Java pointer is {@code pointer}. */
  NativeCell track(Pointer pointer, long address, byte kind) {
    NativeCell cell = new NativeCell(pointer, address, kind, this, collected);
    boolean open;
    synchronized (this) {
      open = !closed;
      cell.next = head.next;
      cell.prev = head;
      head.next.prev = cell;
      head.next = cell;
      live++;
    }
    if (!open) {
      // The session closed under us (another thread): nothing may outlive the context.
      pointer.setNull();
      cell.free();
      throw new IllegalStateException("Eager session has been closed");
    }
    return cell;
  }

  /** Deletes what the garbage collector has reclaimed; checks memory pressure now and then. */
  void drain() {
    NativeCell cell;
    while ((cell = (NativeCell) collected.poll()) != null) {
      cell.free();
    }
    if (++sinceCheck >= PRESSURE_CHECK_INTERVAL) {
      sinceCheck = 0;
      long limit = Pointer.maxPhysicalBytes();
      if (limit > 0 && Pointer.physicalBytesInaccurate(limit) > limit) {
        System.gc();
      }
    }
  }

  /** Registers cleanup to run when the session closes, after the owned objects are deleted. */
  synchronized void onClose(Runnable action) {
    onClose.add(action);
  }

  /** How many owned objects are not deleted yet. */
  synchronized int liveCount() {
    return live;
  }

  /** Called by a cell under this owner's monitor as it unlinks itself. */
  void unlinked() {
    live--;
  }

  /** Whether {@link #close} has run. */
  boolean isClosed() {
    return closed;
  }

  /** Throws the exception TensorFlow Java throws for a closed session. */
  void checkOpen() {
    if (closed) {
      throw new IllegalStateException("Eager session has been closed");
    }
  }

  /** Deletes every object still owned, then runs the close actions. Idempotent. */
  void close() {
    List<Runnable> actions;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      actions = new ArrayList<>(onClose);
      onClose.clear();
    }
    while (true) {
      NativeCell cell;
      synchronized (this) {
        cell = head.next;
        if (cell == head) {
          break;
        }
      }
      Pointer pointer = cell.get();
      if (pointer != null) {
        pointer.setNull();
      }
      cell.free();
    }
    for (Runnable action : actions) {
      action.run();
    }
  }
}
