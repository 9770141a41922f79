package dev.keraslite.internal.fast;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A growable block of native scratch memory from {@code malloc}, with no JavaCPP deallocator (so
 * neither the garbage collector nor a caller's {@code PointerScope} frees it); its owner calls
 * {@link #free()}.
 */
final class NativeBuffer {
  private Pointer memory;
  private long capacity;

  /** The buffer as at least {@code count} longs. */
  LongPointer longs(long count) {
    ensure(8 * count);
    return new LongPointer(memory).capacity(Math.max(1, count));
  }

  /** The buffer as at least {@code count} bytes. */
  BytePointer bytes(long count) {
    ensure(count);
    return new BytePointer(memory).capacity(Math.max(1, count));
  }

  private void ensure(long size) {
    if (size <= capacity && memory != null) {
      return;
    }
    long grown = Math.max(64, Math.max(size, 2 * capacity));
    Pointer bigger = malloc(grown);
    free();
    memory = bigger;
    capacity = grown;
  }

  /** Frees the memory; the buffer can be used again afterwards. */
  void free() {
    if (memory != null) {
      Pointer.free(memory);
      memory = null;
      capacity = 0;
    }
  }

  /** {@code malloc(size)}, failing loudly. */
  static Pointer malloc(long size) {
    Pointer memory = Pointer.malloc(size);
    if (memory == null || memory.isNull()) {
      throw new OutOfMemoryError("malloc(" + size + ") failed");
    }
    return memory;
  }
}
