package dev.keraslite.internal.fast;

import org.tensorflow.internal.c_api.TFE_TensorHandle;

/**
 * An output {@code TFE_TensorHandle} of a fast-path op. Unlike TensorFlow Java's handles it carries
 * no JavaCPP deallocator (whose registration checks the process's resident memory on every
 * allocation): its {@link NativeCell} deletes it. {@link #close()}, which {@code
 * NativeHandles.release} calls, deletes it at once and makes it read as null, so TensorFlow Java and
 * the dispatcher report a later use as an {@link IllegalStateException} instead of touching freed
 * memory.
 */
final class OwnedHandle extends TFE_TensorHandle {
  private final NativeCell cell;

  OwnedHandle(long address, NativeOwner owner) {
    this.address = address;
    this.cell = owner.track(this, address, NativeCell.TENSOR_HANDLE);
  }

  @Override
  public void close() {
    // Null first: anything racing with the delete sees a released handle, not a dangling one.
    setNull();
    cell.free();
  }

  @Override
  public void deallocate() {
    close();
  }
}
