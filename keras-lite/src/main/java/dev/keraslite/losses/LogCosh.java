package dev.keraslite.losses;

import dev.keraslite.losses.internal.ShapeAlignment;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code LogCosh}: {@code mean(log(cosh(y_pred - y_true)), axis=-1)}, computed as {@code x +
 * softplus(-2x) - log(2)} so that large errors do not overflow {@code cosh}.
 */
public class LogCosh extends Loss {
  /** Named {@code "log_cosh"}, reduced over the batch. */
  public LogCosh() {
    this(Reduction.SUM_OVER_BATCH_SIZE);
  }

  /** With the given reduction. */
  public LogCosh(Reduction reduction) {
    super("log_cosh", reduction);
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
    ShapeAlignment.Pair<TFloat32, TFloat32> p =
        ShapeAlignment.squeezeOrExpandToSameRank(tf, yTrue, yPred);
    Operand<TFloat32> x = tf.math.sub(p.second(), p.first());
    Operand<TFloat32> softplus = tf.math.softplus(tf.math.mul(x, LossMath.scalar(tf, -2)));
    Operand<TFloat32> logCosh =
        tf.math.sub(tf.math.add(x, softplus), LossMath.scalar(tf, Math.log(2.0)));
    return LossMath.mean(tf, logCosh, -1);
  }
}
