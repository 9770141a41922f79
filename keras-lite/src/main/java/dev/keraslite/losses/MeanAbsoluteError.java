package dev.keraslite.losses;

import dev.keraslite.losses.internal.ShapeAlignment;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** {@code mean(abs(y_true - y_pred), axis=-1)}: Keras's {@code MeanAbsoluteError}, alias "mae". */
public class MeanAbsoluteError extends Loss {
  /** Named {@code "mean_absolute_error"}, reduced with {@link Reduction#SUM_OVER_BATCH_SIZE}. */
  public MeanAbsoluteError() {
    this(Reduction.SUM_OVER_BATCH_SIZE);
  }

  /** With the given reduction. */
  public MeanAbsoluteError(Reduction reduction) {
    super("mean_absolute_error", reduction);
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
    ShapeAlignment.Pair<TFloat32, TFloat32> p =
        ShapeAlignment.squeezeOrExpandToSameRank(tf, yTrue, yPred);
    return LossMath.mean(tf, tf.math.abs(tf.math.sub(p.first(), p.second())), -1);
  }
}
