package dev.keraslite.losses;

import dev.keraslite.losses.internal.ShapeAlignment;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Hinge}: {@code mean(maximum(1 - y_true * y_pred, 0), axis=-1)}. Labels are expected
 * in {-1, 1}; when every label of a batch is 0 or 1 they are mapped to -1 and 1 first, as in Keras.
 */
public class Hinge extends Loss {
  /** Named {@code "hinge"}, reduced over the batch. */
  public Hinge() {
    this(Reduction.SUM_OVER_BATCH_SIZE);
  }

  /** With the given reduction. */
  public Hinge(Reduction reduction) {
    super("hinge", reduction);
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
    ShapeAlignment.Pair<TFloat32, TFloat32> p =
        ShapeAlignment.squeezeOrExpandToSameRank(tf, yTrue, yPred);
    Operand<TFloat32> labels = toSigned(tf, p.first());
    Operand<TFloat32> margin =
        tf.math.sub(LossMath.scalar(tf, 1), tf.math.mul(labels, p.second()));
    return LossMath.mean(tf, tf.math.maximum(margin, LossMath.scalar(tf, 0)), -1);
  }

  /** Keras's {@code convert_binary_labels_to_hinge}: {0, 1} labels become {-1, 1}. */
  private static Operand<TFloat32> toSigned(Ops tf, Operand<TFloat32> y) {
    Operand<TBool> binary =
        tf.math.logicalOr(
            tf.math.equal(y, LossMath.scalar(tf, 0)), tf.math.equal(y, LossMath.scalar(tf, 1)));
    Operand<TBool> allBinary =
        tf.reduceAll(binary, tf.range(tf.constant(0), tf.rank(y), tf.constant(1)));
    Operand<TFloat32> signed =
        tf.math.sub(tf.math.mul(LossMath.scalar(tf, 2), y), LossMath.scalar(tf, 1));
    return tf.select(allBinary, signed, y);
  }
}
