package dev.keraslite.internal;

import org.tensorflow.internal.c_api.TFE_TensorHandle;

/**
 * What every use of a released eager value reports: that keras-lite released it when its tape or
 * scope closed, and how to keep it.
 *
 * <p>Why a stand-in handle: once keras-lite frees an eager result, TensorFlow Java sees a null handle
 * and reports "Eager session has been closed" from {@code asTensor()}, {@code shape()}, {@code
 * dataType()} and its op builders, although the session is open. All those paths first ask the
 * handle {@code isNull()}; a released output's handle is replaced by {@link #HANDLE}, whose {@code
 * isNull()} throws this class's message instead. It owns no memory (address 0, no deallocator).
 */
public final class ReleasedValues {
  private ReleasedValues() {}

  /** The stand-in for the handles of every released output. */
  public static final TFE_TensorHandle HANDLE = new ReleasedHandle();

  /** The message every path gives for a released value; {@code what} names the use, or null. */
  public static String message(String what) {
    return (what == null ? "This eager value" : what)
        + " was released when its GradientTape or EagerScope closed (keras-lite frees a step's"
        + " values then; the session is still open). Read it before the tape or scope closes, or"
        + " keep it alive with eager.keep(value) or Recording.keep(tf, value).";
  }

  /** Whether {@code handle} is the stand-in of a released output. */
  public static boolean isReleased(Object handle) {
    return handle == HANDLE;
  }

  private static final class ReleasedHandle extends TFE_TensorHandle {
    ReleasedHandle() {
      super((org.bytedeco.javacpp.Pointer) null);
    }

    @Override
    public boolean isNull() {
      throw new IllegalStateException(message(null));
    }

    @Override
    public String toString() {
      return "<released eager value>";
    }
  }
}
