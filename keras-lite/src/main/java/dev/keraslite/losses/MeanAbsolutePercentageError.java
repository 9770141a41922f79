package dev.keraslite.losses;

import dev.keraslite.losses.internal.ShapeAlignment;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@code 100 * mean(abs((y_true - y_pred) / max(abs(y_true), 1e-7)), axis=-1)}: Keras's {@code
 * MeanAbsolutePercentageError}, alias "mape".
 */
public class MeanAbsolutePercentageError extends Loss {
  /** Named {@code "mean_absolute_percentage_error"}, reduced over the batch. */
  public MeanAbsolutePercentageError() {
    this(Reduction.SUM_OVER_BATCH_SIZE);
  }

  /** With the given reduction. */
  public MeanAbsolutePercentageError(Reduction reduction) {
    super("mean_absolute_percentage_error", reduction);
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
    ShapeAlignment.Pair<TFloat32, TFloat32> p =
        ShapeAlignment.squeezeOrExpandToSameRank(tf, yTrue, yPred);
    Operand<TFloat32> denominator =
        tf.math.maximum(tf.math.abs(p.first()), LossMath.scalar(tf, LossMath.EPSILON));
    Operand<TFloat32> diff = tf.math.abs(tf.math.div(tf.math.sub(p.first(), p.second()), denominator));
    return tf.math.mul(LossMath.scalar(tf, 100), LossMath.mean(tf, diff, -1));
  }
}
