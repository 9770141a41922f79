package dev.keraslite.optimizers;

import java.util.Arrays;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Keras's {@code PiecewiseConstantDecay}: {@code values[0]} while {@code step <= boundaries[0]},
 * {@code values[i]} while {@code boundaries[i-1] < step <= boundaries[i]}, and the last value once
 * {@code step > boundaries[last]}.
 */
public final class PiecewiseConstantDecay implements LearningRateSchedule {
  private final long[] boundaries;
  private final float[] values;

  /**
   * @param boundaries strictly increasing step numbers
   * @param values the rates of the intervals: one more than {@code boundaries}
   */
  public PiecewiseConstantDecay(long[] boundaries, float[] values) {
    if (boundaries.length == 0 || values.length != boundaries.length + 1) {
      throw new IllegalArgumentException(
          "PiecewiseConstantDecay: expected one more value than boundaries and at least one"
              + " boundary, received boundaries="
              + Arrays.toString(boundaries)
              + " of length "
              + boundaries.length
              + " and values="
              + Arrays.toString(values)
              + " of length "
              + values.length);
    }
    for (int i = 1; i < boundaries.length; i++) {
      if (boundaries[i] <= boundaries[i - 1]) {
        throw new IllegalArgumentException(
            "PiecewiseConstantDecay: boundaries must be strictly increasing, received "
                + Arrays.toString(boundaries));
      }
    }
    this.boundaries = boundaries.clone();
    this.values = values.clone();
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TInt64> step) {
    // As Keras does: a sum of interval indicators times their values, so no control flow is needed.
    int last = boundaries.length - 1;
    Operand<TFloat32> result =
        weighted(tf, tf.math.lessEqual(step, tf.constant(boundaries[0])), values[0]);
    result =
        tf.math.add(
            result,
            weighted(tf, tf.math.greater(step, tf.constant(boundaries[last])), values[last + 1]));
    for (int i = 1; i <= last; i++) {
      Operand<org.tensorflow.types.TBool> inRange =
          tf.math.logicalAnd(
              tf.math.greater(step, tf.constant(boundaries[i - 1])),
              tf.math.lessEqual(step, tf.constant(boundaries[i])));
      result = tf.math.add(result, weighted(tf, inRange, values[i]));
    }
    return result;
  }

  private static Operand<TFloat32> weighted(
      Ops tf, Operand<org.tensorflow.types.TBool> condition, float value) {
    return tf.math.mul(tf.dtypes.cast(condition, TFloat32.class), tf.constant(value));
  }

  public long[] boundaries() {
    return boundaries.clone();
  }

  public float[] values() {
    return values.clone();
  }
}
