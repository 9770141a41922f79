package dev.keraslite.losses;

import dev.keraslite.losses.internal.ShapeAlignment;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code CosineSimilarity} loss: {@code -sum(l2_normalize(y_true) * l2_normalize(y_pred),
 * axis)}, between -1 (same direction) and 1; a zero vector gives 0.
 */
public class CosineSimilarity extends Loss {
  private final int axis;

  /** Along the last axis, named {@code "cosine_similarity"}, reduced over the batch. */
  public CosineSimilarity() {
    this(-1);
  }

  /** Along {@code axis}. */
  public CosineSimilarity(int axis) {
    this(axis, Reduction.SUM_OVER_BATCH_SIZE);
  }

  /** Along {@code axis}, with the given reduction. */
  public CosineSimilarity(int axis, Reduction reduction) {
    super("cosine_similarity", reduction);
    this.axis = axis;
  }

  /** The axis along which similarity is measured. */
  public int axis() {
    return axis;
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
    ShapeAlignment.Pair<TFloat32, TFloat32> p =
        ShapeAlignment.squeezeOrExpandToSameRank(tf, yTrue, yPred);
    Operand<TFloat32> product = tf.math.mul(normalize(tf, p.first()), normalize(tf, p.second()));
    return tf.math.neg(LossMath.sum(tf, product, axis, false));
  }

  // x * rsqrt(max(sum(x^2), eps^2)): the clamp gives zero vectors a finite norm (Keras's ops.normalize).
  private Operand<TFloat32> normalize(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> squareSum =
        tf.reduceSum(tf.math.square(x), tf.constant(axis), ReduceSum.keepDims(true));
    Operand<TFloat32> floor = LossMath.scalar(tf, 1e-14);
    return tf.math.mul(x, tf.math.rsqrt(tf.math.maximum(squareSum, floor)));
  }
}
