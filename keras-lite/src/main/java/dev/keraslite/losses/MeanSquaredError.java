package dev.keraslite.losses;

import dev.keraslite.losses.internal.ShapeAlignment;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** {@code mean(square(y_true - y_pred), axis=-1)}: Keras's {@code MeanSquaredError}, alias "mse". */
public class MeanSquaredError extends Loss {
  /** Named {@code "mean_squared_error"}, reduced with {@link Reduction#SUM_OVER_BATCH_SIZE}. */
  public MeanSquaredError() {
    this(Reduction.SUM_OVER_BATCH_SIZE);
  }

  /** With the given reduction. */
  public MeanSquaredError(Reduction reduction) {
    super("mean_squared_error", reduction);
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
    ShapeAlignment.Pair<TFloat32, TFloat32> p =
        ShapeAlignment.squeezeOrExpandToSameRank(tf, yTrue, yPred);
    return LossMath.mean(tf, tf.math.square(tf.math.sub(p.first(), p.second())), -1);
  }
}
