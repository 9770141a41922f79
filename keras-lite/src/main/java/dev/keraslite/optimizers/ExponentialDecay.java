package dev.keraslite.optimizers;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Keras's {@code ExponentialDecay}: {@code initialLearningRate * decayRate ^ (step / decaySteps)},
 * with the exponent rounded down to an integer when {@code staircase} is set.
 */
public final class ExponentialDecay implements LearningRateSchedule {
  private final float initialLearningRate;
  private final long decaySteps;
  private final float decayRate;
  private final boolean staircase;

  /** A smooth decay ({@code staircase = false}). */
  public ExponentialDecay(float initialLearningRate, long decaySteps, float decayRate) {
    this(initialLearningRate, decaySteps, decayRate, false);
  }

  /**
   * @param initialLearningRate the rate at step 0
   * @param decaySteps the number of steps over which the rate is multiplied by {@code decayRate};
   *     must be positive
   * @param decayRate the factor per {@code decaySteps} steps
   * @param staircase whether the rate changes only every {@code decaySteps} steps
   */
  public ExponentialDecay(
      float initialLearningRate, long decaySteps, float decayRate, boolean staircase) {
    if (decaySteps <= 0) {
      throw new IllegalArgumentException(
          "ExponentialDecay: decaySteps must be > 0, received " + decaySteps);
    }
    this.initialLearningRate = initialLearningRate;
    this.decaySteps = decaySteps;
    this.decayRate = decayRate;
    this.staircase = staircase;
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TInt64> step) {
    Operand<TFloat32> p =
        tf.math.div(tf.dtypes.cast(step, TFloat32.class), tf.constant((float) decaySteps));
    if (staircase) {
      p = tf.math.floor(p);
    }
    return tf.math.mul(tf.constant(initialLearningRate), tf.math.pow(tf.constant(decayRate), p));
  }

  public float initialLearningRate() {
    return initialLearningRate;
  }

  public long decaySteps() {
    return decaySteps;
  }

  public float decayRate() {
    return decayRate;
  }

  public boolean staircase() {
    return staircase;
  }
}
