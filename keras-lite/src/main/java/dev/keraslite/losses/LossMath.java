package dev.keraslite.losses;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/** The few numerical conventions the built-in losses share with Keras's backend. */
final class LossMath {
  /** Keras's {@code backend.epsilon()}. */
  static final float EPSILON = 1e-7f;

  private LossMath() {}

  /**
   * Clips probabilities to {@code [1e-7, 1 - 1e-7]} as Keras does before taking logarithms; the upper
   * bound is {@code 1 - 1e-7} rounded to float32 (0.99999988), exactly as TensorFlow sees it.
   */
  static Operand<TFloat32> clipProbabilities(Ops tf, Operand<TFloat32> p) {
    return clip(tf, p, EPSILON, (float) (1.0 - EPSILON));
  }

  /**
   * {@code maximum(minimum(x, hi), lo)}: TensorFlow's {@code tf.clip_by_value} as Python builds it
   * (not the {@code ClipByValue} kernel), so values and gradients match Keras's.
   */
  static Operand<TFloat32> clip(Ops tf, Operand<TFloat32> x, float lo, float hi) {
    return tf.math.maximum(tf.math.minimum(x, tf.constant(hi)), tf.constant(lo));
  }

  static Operand<TFloat32> mean(Ops tf, Operand<TFloat32> x, int axis) {
    return tf.math.mean(x, tf.constant(axis), Mean.keepDims(false));
  }

  static Operand<TFloat32> sum(Ops tf, Operand<TFloat32> x, int axis, boolean keepDims) {
    return tf.reduceSum(x, tf.constant(axis), ReduceSum.keepDims(keepDims));
  }

  static Operand<TFloat32> scalar(Ops tf, double value) {
    return tf.constant((float) value);
  }

  /** {@code axis} counted from the front, for a tensor of known rank. */
  static int canonicalAxis(String loss, int axis, int rank) {
    int a = axis < 0 ? axis + rank : axis;
    if (rank >= 0 && (a < 0 || a >= rank)) {
      throw new IllegalArgumentException(
          "Loss '" + loss + "': axis " + axis + " is out of range for y_pred of rank " + rank);
    }
    return a;
  }
}
