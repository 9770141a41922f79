package dev.keraslite.data;

import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * One element of a {@link Dataset} as TensorFlow tensors: features {@code x} ({@code TFloat32}) and
 * labels {@code y} ({@code TInt32} or {@code TFloat32}, absent for features-only datasets), shaped
 * {@code [B, ...]} after {@link Dataset#batch}.
 *
 * <p>The tensors live in native memory, which the garbage collector does not see: close the batch
 * when the step that uses it is done, so that no more than a batch or two is alive at a time.
 *
 * <pre>{@code
 * for (Batch batch : dataset) {
 *   try (batch) {
 *     Operand<TFloat32> x = tf.constantOf(batch.x());
 *     ...
 *   }
 * }
 * }</pre>
 */
public final class Batch implements AutoCloseable {
  private final TFloat32 x;
  private final TNumber y;
  private boolean closed;

  private Batch(TFloat32 x, TNumber y) {
    this.x = x;
    this.y = y;
  }

  /** A batch of these tensors, which it now owns. */
  static Batch of(TFloat32 x, TNumber y) {
    return new Batch(x, y);
  }

  /** Copies a host element into new tensors. */
  static Batch of(Element element) {
    FloatNdArray xs = element.xArray();
    TFloat32 x = TFloat32.tensorOf(xs.shape(), xs::copyTo);
    try {
      return new Batch(x, labels(element.yArray()));
    } catch (RuntimeException | Error e) {
      x.close();
      throw e;
    }
  }

  private static TNumber labels(NdArray<?> ys) {
    if (ys == null) {
      return null;
    }
    if (ys instanceof IntNdArray) {
      IntNdArray ints = (IntNdArray) ys;
      return TInt32.tensorOf(ints.shape(), ints::copyTo);
    }
    FloatNdArray floats = (FloatNdArray) ys;
    return TFloat32.tensorOf(floats.shape(), floats::copyTo);
  }

  /** The features, float32 {@code [B, ...]}. */
  public TFloat32 x() {
    checkOpen();
    return x;
  }

  /** The labels, {@code TInt32} or {@code TFloat32} {@code [B, ...]}; null for features only. */
  public TNumber y() {
    checkOpen();
    return y;
  }

  /** Whether this batch has labels. */
  public boolean hasLabels() {
    return y != null;
  }

  /** The number of samples: the first dimension of {@code x} (1 for an unbatched scalar). */
  public long size() {
    return x.shape().isScalar() ? 1 : x.shape().get(0);
  }

  /** Frees the tensors' native memory. Closing twice is harmless. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      x.close();
      if (y != null) {
        y.close();
      }
    }
  }

  @Override
  public String toString() {
    return "Batch(x: float32 "
        + x.shape()
        + (y == null ? "" : ", y: " + (y instanceof TInt32 ? "int32 " : "float32 ") + y.shape())
        + (closed ? ", closed" : "")
        + ")";
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(
          "Batch: the batch was closed; read its tensors before close()");
    }
  }
}
