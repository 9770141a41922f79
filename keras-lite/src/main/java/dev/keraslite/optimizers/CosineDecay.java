package dev.keraslite.optimizers;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Keras's {@code CosineDecay}, with its optional linear warmup.
 *
 * <p>Without warmup: {@code initial * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decaySteps)) + alpha)}
 * with {@code s = min(step, decaySteps)}. With warmup the rate first rises linearly from {@code
 * initialLearningRate} to {@code warmupTarget} over {@code warmupSteps} steps, then decays from
 * {@code warmupTarget} as above over the next {@code decaySteps} steps.
 */
public final class CosineDecay implements LearningRateSchedule {
  private final float initialLearningRate;
  private final long decaySteps;
  private final float alpha;
  private final Float warmupTarget;
  private final long warmupSteps;

  /** A decay to 0 ({@code alpha = 0}). */
  public CosineDecay(float initialLearningRate, long decaySteps) {
    this(initialLearningRate, decaySteps, 0f);
  }

  /**
   * @param initialLearningRate the rate at step 0
   * @param decaySteps the number of steps to decay over; must be positive
   * @param alpha the final rate as a fraction of the initial one
   */
  public CosineDecay(float initialLearningRate, long decaySteps, float alpha) {
    this(initialLearningRate, decaySteps, alpha, null, 0);
  }

  /**
   * A decay after a linear warmup.
   *
   * @param warmupTarget the rate reached at the end of the warmup, where the decay starts
   * @param warmupSteps the length of the warmup; must not be negative
   */
  public CosineDecay(
      float initialLearningRate,
      long decaySteps,
      float alpha,
      Float warmupTarget,
      long warmupSteps) {
    if (decaySteps <= 0) {
      throw new IllegalArgumentException(
          "CosineDecay: decaySteps must be > 0, received " + decaySteps);
    }
    if (warmupSteps < 0) {
      throw new IllegalArgumentException(
          "CosineDecay: warmupSteps must be >= 0, received " + warmupSteps);
    }
    this.initialLearningRate = initialLearningRate;
    this.decaySteps = decaySteps;
    this.alpha = alpha;
    this.warmupTarget = warmupTarget;
    this.warmupSteps = warmupSteps;
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TInt64> step) {
    Operand<TFloat32> s = tf.dtypes.cast(step, TFloat32.class);
    Operand<TFloat32> decay = tf.constant((float) decaySteps);
    if (warmupTarget == null) {
      return decayed(tf, tf.math.minimum(s, decay), decay, tf.constant(initialLearningRate));
    }
    Operand<TFloat32> warm = tf.constant((float) warmupSteps);
    s = tf.math.minimum(s, tf.math.add(decay, warm));
    Operand<TFloat32> initial = tf.constant(initialLearningRate);
    Operand<TFloat32> target = tf.constant(warmupTarget);
    // Both branches are cheap scalars: select between them instead of a cond (which TensorFlow Java
    // cannot build eagerly); the warmup branch's division is unused when warmupSteps is 0.
    Operand<TFloat32> warmup =
        tf.math.add(tf.math.mul(tf.math.sub(target, initial), tf.math.div(s, warm)), initial);
    Operand<TFloat32> afterWarmup = decayed(tf, tf.math.sub(s, warm), decay, target);
    return tf.select(tf.math.less(s, warm), warmup, afterWarmup);
  }

  private Operand<TFloat32> decayed(
      Ops tf, Operand<TFloat32> s, Operand<TFloat32> decay, Operand<TFloat32> from) {
    Operand<TFloat32> cosine =
        tf.math.mul(
            tf.constant(0.5f),
            tf.math.add(
                tf.constant(1f),
                tf.math.cos(tf.math.mul(tf.constant((float) Math.PI), tf.math.div(s, decay)))));
    Operand<TFloat32> scaled =
        tf.math.add(tf.math.mul(tf.constant(1f - alpha), cosine), tf.constant(alpha));
    return tf.math.mul(from, scaled);
  }

  public float initialLearningRate() {
    return initialLearningRate;
  }

  public long decaySteps() {
    return decaySteps;
  }

  public float alpha() {
    return alpha;
  }
}
