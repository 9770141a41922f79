package dev.keraslite.losses;

import dev.keraslite.losses.internal.ShapeAlignment;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code BinaryCrossentropy}: per element {@code -(y log p + (1 - y) log(1 - p))}, averaged
 * over {@code axis}. Probabilities are clipped to {@code [1e-7, 1 - 1e-7]}; with {@code fromLogits}
 * the stable form {@code max(x, 0) - x y + log(1 + exp(-|x|))} of TensorFlow's {@code
 * sigmoid_cross_entropy_with_logits} is used instead. Label smoothing pulls labels towards 0.5.
 */
public class BinaryCrossentropy extends Loss {
  private final boolean fromLogits;
  private final float labelSmoothing;
  private final int axis;

  /** Probabilities, no label smoothing, last axis, named {@code "binary_crossentropy"}. */
  public BinaryCrossentropy() {
    this(false);
  }

  /** Whether {@code yPred} holds logits rather than probabilities. */
  public BinaryCrossentropy(boolean fromLogits) {
    this(fromLogits, 0f);
  }

  /** With label smoothing in [0, 1]: labels become {@code y (1 - s) + 0.5 s}. */
  public BinaryCrossentropy(boolean fromLogits, float labelSmoothing) {
    this(fromLogits, labelSmoothing, -1, Reduction.SUM_OVER_BATCH_SIZE);
  }

  /**
   * @param fromLogits whether {@code yPred} holds logits
   * @param labelSmoothing in [0, 1]
   * @param axis the axis the per-element losses are averaged over
   * @param reduction how {@link #apply} reduces the per-sample losses
   */
  public BinaryCrossentropy(
      boolean fromLogits, float labelSmoothing, int axis, Reduction reduction) {
    super("binary_crossentropy", reduction);
    this.fromLogits = fromLogits;
    this.labelSmoothing = CategoricalCrossentropy.checkSmoothing("binary_crossentropy", labelSmoothing);
    this.axis = axis;
  }

  /** Whether predictions are logits. */
  public boolean fromLogits() {
    return fromLogits;
  }

  /** The label smoothing factor. */
  public float labelSmoothing() {
    return labelSmoothing;
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
    ShapeAlignment.Pair<TFloat32, TFloat32> p =
        ShapeAlignment.squeezeOrExpandToSameRank(tf, yTrue, yPred);
    Operand<TFloat32> y = p.first();
    if (labelSmoothing > 0) {
      y = tf.math.add(
          tf.math.mul(y, tf.constant(1f - labelSmoothing)), tf.constant(0.5f * labelSmoothing));
    }
    Operand<TFloat32> elementwise =
        fromLogits ? fromLogits(tf, y, p.second()) : fromProbabilities(tf, y, p.second());
    return LossMath.mean(tf, elementwise, axis);
  }

  private static Operand<TFloat32> fromLogits(Ops tf, Operand<TFloat32> y, Operand<TFloat32> x) {
    Operand<TFloat32> softplusNegAbs = tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(x))));
    return tf.math.add(tf.math.sub(tf.nn.relu(x), tf.math.mul(x, y)), softplusNegAbs);
  }

  private static Operand<TFloat32> fromProbabilities(
      Ops tf, Operand<TFloat32> y, Operand<TFloat32> probabilities) {
    Operand<TFloat32> p = LossMath.clipProbabilities(tf, probabilities);
    Operand<TFloat32> one = LossMath.scalar(tf, 1);
    Operand<TFloat32> positive = tf.math.mul(y, tf.math.log(p));
    Operand<TFloat32> negative =
        tf.math.mul(tf.math.sub(one, y), tf.math.log(tf.math.sub(one, p)));
    return tf.math.neg(tf.math.add(positive, negative));
  }
}
