package dev.keraslite.losses;

import dev.keraslite.losses.internal.ShapeAlignment;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code KLDivergence}: {@code sum(y_true * log(y_true / y_pred), axis=-1)} with both
 * arguments clipped to {@code [1e-7, 1]}.
 */
public class KLDivergence extends Loss {
  /** Named {@code "kl_divergence"}, reduced over the batch. */
  public KLDivergence() {
    this(Reduction.SUM_OVER_BATCH_SIZE);
  }

  /** With the given reduction. */
  public KLDivergence(Reduction reduction) {
    super("kl_divergence", reduction);
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
    ShapeAlignment.Pair<TFloat32, TFloat32> aligned =
        ShapeAlignment.squeezeOrExpandToSameRank(tf, yTrue, yPred);
    yTrue = aligned.first();
    yPred = aligned.second();
    Operand<TFloat32> t = LossMath.clip(tf, yTrue, LossMath.EPSILON, 1f);
    Operand<TFloat32> p = LossMath.clip(tf, yPred, LossMath.EPSILON, 1f);
    return LossMath.sum(tf, tf.math.mul(t, tf.math.log(tf.math.div(t, p))), -1, false);
  }
}
