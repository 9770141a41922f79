package dev.keraslite.internal.fast;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * A growable block of native scratch memory from {@code malloc}, with no JavaCPP deallocator (so
 * neither the garbage collector nor a caller's {@code PointerScope} frees it); its owner calls
 * {@link #free()}. Java reads and writes it through a direct buffer view, which costs no JNI call.
 */
final class NativeBuffer {
  private Pointer memory;
  private long capacity;
  private ByteBuffer view;
  private LongBuffer longView;
  private PointerPointer<?> pointers;

  /** The buffer as at least {@code count} 64-bit words (addresses), for Java to fill. */
  LongBuffer longs(int count) {
    ensure(8L * count);
    return longView;
  }

  /** The same memory as a {@code void**} argument. */
  PointerPointer<?> asPointers() {
    return pointers;
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
    long grown = Math.max(256, Math.max(size, 2 * capacity));
    if (grown > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("native scratch buffer of " + grown + " bytes");
    }
    Pointer bigger = malloc(grown);
    free();
    memory = bigger;
    capacity = grown;
    view = new BytePointer(memory).capacity(grown).asByteBuffer().order(ByteOrder.nativeOrder());
    longView = view.asLongBuffer();
    pointers = new PointerPointer<>(memory).capacity(grown / 8);
  }

  /** Frees the memory; the buffer can be used again afterwards. */
  void free() {
    if (memory != null) {
      Pointer.free(memory);
      memory = null;
      capacity = 0;
      view = null;
      longView = null;
      pointers = null;
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
