package dev.keraslite.losses;

import dev.keraslite.losses.internal.ShapeAlignment;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Huber} loss: per element {@code 0.5 * e^2} where {@code |e| <= delta}, else {@code
 * delta * |e| - 0.5 * delta^2}, with {@code e = y_pred - y_true}; averaged over the last axis.
 */
public class Huber extends Loss {
  /** Keras's default {@code delta}. */
  public static final float DEFAULT_DELTA = 1.0f;

  private final float delta;

  /** {@code delta} 1.0, named {@code "huber_loss"}, reduced over the batch. */
  public Huber() {
    this(DEFAULT_DELTA);
  }

  /** With the given {@code delta}, where the loss turns from quadratic to linear. */
  public Huber(float delta) {
    this(delta, Reduction.SUM_OVER_BATCH_SIZE);
  }

  /** With the given {@code delta} and reduction. */
  public Huber(float delta, Reduction reduction) {
    super("huber_loss", reduction);
    this.delta = delta;
  }

  /** Where the loss turns from quadratic to linear. */
  public float delta() {
    return delta;
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
    ShapeAlignment.Pair<TFloat32, TFloat32> p =
        ShapeAlignment.squeezeOrExpandToSameRank(tf, yTrue, yPred);
    Operand<TFloat32> error = tf.math.sub(p.second(), p.first());
    Operand<TFloat32> absError = tf.math.abs(error);
    Operand<TFloat32> d = tf.constant(delta);
    Operand<TFloat32> half = tf.constant(0.5f);
    Operand<TFloat32> quadratic = tf.math.mul(half, tf.math.square(error));
    Operand<TFloat32> linear =
        tf.math.sub(tf.math.mul(d, absError), tf.math.mul(half, tf.math.square(d)));
    return LossMath.mean(tf, tf.select(tf.math.lessEqual(absError, d), quadratic, linear), -1);
  }
}
