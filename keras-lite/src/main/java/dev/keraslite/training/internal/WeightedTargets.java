package dev.keraslite.training.internal;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * Targets with {@code fit}'s per-sample weights riding along as one more column: {@code [N, k+1]}
 * float32, the {@code k} target values of a sample then its weight.
 *
 * <p>Why: a {@link dev.keraslite.data.Dataset} carries (x, y) only, and a weight must stay with its
 * sample through the shuffle and the batching. Packed into y, it does, with no change to the data
 * pipeline; the loop splits it off again before the step sees the batch, so train and test steps
 * receive the targets as given (int32 class indices cast back from float32, exact below 2^24) and
 * the weights as their {@code sampleWeight}.
 *
 * @param rowShape the shape of one sample's targets
 * @param ints whether the targets were int32
 */
record WeightedTargets(Shape rowShape, boolean ints) {
  /** Largest integer every float32 holds exactly. */
  private static final int EXACT = 1 << 24;

  /** {@code y} (int32 or float32, {@code [N, ...]}) and {@code weights} ({@code [N]}) packed. */
  static Packed pack(String what, NdArray<?> y, FloatNdArray weights) {
    long n = y.shape().get(0);
    Shape ws = weights.shape();
    boolean column = ws.numDimensions() == 2 && ws.get(1) == 1;
    if (!(ws.numDimensions() == 1 || column) || ws.get(0) != n) {
      throw new IllegalArgumentException(
          what + ": sampleWeight must hold one weight per sample, shape [" + n + "], received shape "
              + ws);
    }
    Shape rowShape = y.shape().tail();
    int k = Math.toIntExact(Math.max(1, rowShape.size()));
    int rows = Math.toIntExact(n);
    float[] w = new float[rows];
    weights.copyTo(DataBuffers.of(w, false, false));
    float[] out = new float[Math.multiplyExact(rows, k + 1)];
    boolean ints = y instanceof IntNdArray;
    if (ints) {
      int[] v = new int[rows * k];
      ((IntNdArray) y).copyTo(DataBuffers.of(v, false, false));
      for (int i = 0; i < v.length; i++) {
        if (Math.abs(v[i]) > EXACT) {
          throw new IllegalArgumentException(
              what + ": with sampleWeight, integer targets must be within +-2^24; label " + v[i]
                  + " at sample " + (i / k));
        }
        out[(i / k) * (k + 1) + i % k] = v[i];
      }
    } else {
      float[] v = new float[rows * k];
      ((FloatNdArray) y).copyTo(DataBuffers.of(v, false, false));
      for (int i = 0; i < v.length; i++) {
        out[(i / k) * (k + 1) + i % k] = v[i];
      }
    }
    for (int i = 0; i < rows; i++) {
      float wi = w[i];
      if (wi - wi != 0) {
        throw new IllegalArgumentException(
            what + ": sampleWeight holds a non-finite value (" + wi + ") at sample " + i);
      }
      out[i * (k + 1) + k] = wi;
    }
    return new Packed(
        NdArrays.wrap(Shape.of(n, k + 1), DataBuffers.of(out, false, false)),
        new WeightedTargets(rowShape, ints));
  }

  /** Packed targets and how to split them. */
  record Packed(FloatNdArray y, WeightedTargets packing) {}

  /** A batch's targets as given, from the packed {@code [B, k+1]}. */
  Operand<? extends TNumber> targets(Ops tf, Operand<? extends TNumber> packed) {
    int k = Math.toIntExact(Math.max(1, rowShape.size()));
    Operand<TFloat32> values =
        tf.slice(
            tf.dtypes.cast(packed, TFloat32.class),
            tf.constant(new int[] {0, 0}),
            tf.constant(new int[] {-1, k}));
    long[] dims = Shape.of(-1).append(rowShape).asArray();
    Operand<TFloat32> shaped = tf.reshape(values, tf.constant(dims));
    return ints ? tf.dtypes.cast(shaped, TInt32.class) : shaped;
  }

  /** A batch's weights, {@code [B]}, from the packed {@code [B, k+1]}. */
  Operand<TFloat32> weights(Ops tf, Operand<? extends TNumber> packed) {
    int k = Math.toIntExact(Math.max(1, rowShape.size()));
    Operand<TFloat32> column =
        tf.slice(
            tf.dtypes.cast(packed, TFloat32.class),
            tf.constant(new int[] {0, k}),
            tf.constant(new int[] {-1, 1}));
    return tf.reshape(column, tf.constant(new int[] {-1}));
  }
}
