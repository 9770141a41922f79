package dev.keraslite.losses;

import dev.keraslite.losses.internal.ShapeAlignment;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@code mean(square(log(max(y_pred, 1e-7) + 1) - log(max(y_true, 1e-7) + 1)), axis=-1)}: Keras's
 * {@code MeanSquaredLogarithmicError}, alias "msle".
 */
public class MeanSquaredLogarithmicError extends Loss {
  /** Named {@code "mean_squared_logarithmic_error"}, reduced over the batch. */
  public MeanSquaredLogarithmicError() {
    this(Reduction.SUM_OVER_BATCH_SIZE);
  }

  /** With the given reduction. */
  public MeanSquaredLogarithmicError(Reduction reduction) {
    super("mean_squared_logarithmic_error", reduction);
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
    ShapeAlignment.Pair<TFloat32, TFloat32> p =
        ShapeAlignment.squeezeOrExpandToSameRank(tf, yTrue, yPred);
    Operand<TFloat32> first = logOnePlus(tf, p.second());
    Operand<TFloat32> second = logOnePlus(tf, p.first());
    return LossMath.mean(tf, tf.math.square(tf.math.sub(first, second)), -1);
  }

  // Keras writes log(x + 1), not log1p(x); the same op order keeps the float32 numbers identical.
  private static Operand<TFloat32> logOnePlus(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> floor = tf.math.maximum(x, LossMath.scalar(tf, LossMath.EPSILON));
    return tf.math.log(tf.math.add(floor, LossMath.scalar(tf, 1)));
  }
}
