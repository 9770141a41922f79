package dev.keraslite.losses;

import dev.keraslite.losses.internal.ShapeAlignment;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Keras's {@code Poisson}: {@code mean(y_pred - y_true * log(y_pred + 1e-7), axis=-1)}. */
public class Poisson extends Loss {
  /** Named {@code "poisson"}, reduced over the batch. */
  public Poisson() {
    this(Reduction.SUM_OVER_BATCH_SIZE);
  }

  /** With the given reduction. */
  public Poisson(Reduction reduction) {
    super("poisson", reduction);
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
    ShapeAlignment.Pair<TFloat32, TFloat32> aligned =
        ShapeAlignment.squeezeOrExpandToSameRank(tf, yTrue, yPred);
    yTrue = aligned.first();
    yPred = aligned.second();
    Operand<TFloat32> logPred =
        tf.math.log(tf.math.add(yPred, LossMath.scalar(tf, LossMath.EPSILON)));
    return LossMath.mean(tf, tf.math.sub(yPred, tf.math.mul(yTrue, logPred)), -1);
  }
}
