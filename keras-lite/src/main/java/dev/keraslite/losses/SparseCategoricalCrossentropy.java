package dev.keraslite.losses;

import dev.keraslite.losses.internal.ShapeAlignment;
import dev.keraslite.Recording;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/**
 * Keras's {@code SparseCategoricalCrossentropy}: cross-entropy against integer class indices, shaped
 * like the predictions without their class axis (a trailing dimension of 1 is accepted).
 *
 * <p>With probabilities the value is {@code -log(clip(p[label]))}, after renormalising {@code p} to sum
 * to 1 and clipping it to {@code [1e-7, 1 - 1e-7]}, so it equals {@link CategoricalCrossentropy} on
 * one-hot labels exactly; Keras's TensorFlow backend differs from this by float32 rounding only. With
 * {@code fromLogits} TensorFlow's fused {@code SparseSoftmaxCrossEntropyWithLogits} kernel is used.
 *
 * <p>{@code ignoreClass} (for instance a "void" class in segmentation) gives entries with that label a
 * loss of 0 and leaves them out of the mean, as Keras's mask does.
 */
public class SparseCategoricalCrossentropy extends Loss {
  private final boolean fromLogits;
  private final Integer ignoreClass;

  /** Probabilities, every class counted, named {@code "sparse_categorical_crossentropy"}. */
  public SparseCategoricalCrossentropy() {
    this(false);
  }

  /** Whether {@code yPred} holds logits rather than probabilities. */
  public SparseCategoricalCrossentropy(boolean fromLogits) {
    this(fromLogits, null, Reduction.SUM_OVER_BATCH_SIZE);
  }

  /**
   * @param fromLogits whether {@code yPred} holds logits
   * @param ignoreClass a label whose entries are left out of the loss, or null
   * @param reduction how {@link #apply} reduces the per-sample losses
   */
  public SparseCategoricalCrossentropy(
      boolean fromLogits, Integer ignoreClass, Reduction reduction) {
    super("sparse_categorical_crossentropy", reduction);
    this.fromLogits = fromLogits;
    this.ignoreClass = ignoreClass;
  }

  /** Whether predictions are logits. */
  public boolean fromLogits() {
    return fromLogits;
  }

  /** The ignored label, or null. */
  public Integer ignoreClass() {
    return ignoreClass;
  }

  /** Labels must have the shape of {@code yPred} without its last axis (or with it as 1). */
  @Override
  protected void checkShapes(Shape yTrue, Shape yPred) {
    if (yTrue.isUnknown() || yPred.isUnknown()) {
      return;
    }
    if (yPred.numDimensions() < 1) {
      throw new IllegalArgumentException(
          "Loss '" + name() + "': expected y_pred with a class axis, received shape " + yPred);
    }
    Shape batch = yPred.take(yPred.numDimensions() - 1);
    Shape labels =
        yTrue.numDimensions() == yPred.numDimensions() && yTrue.get(yTrue.numDimensions() - 1) == 1
            ? yTrue.take(yTrue.numDimensions() - 1)
            : yTrue;
    if (!labels.isCompatibleWith(batch)) {
      throw new IllegalArgumentException(
          "Loss '" + name() + "': expected y_true of shape " + batch + " (y_pred " + yPred
              + " without its class axis), received y_true shape " + yTrue);
    }
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
    Operand<TFloat32> labels = ShapeAlignment.squeezeSparseLabels(tf, yTrue, yPred);
    Operand<TBool> valid = null;
    if (ignoreClass != null) {
      valid = validMask(tf, labels);
      labels = tf.select(valid, labels, LossMath.scalar(tf, 0));
      yPred = tf.select(tf.expandDims(valid, tf.constant(-1)), yPred, LossMath.scalar(tf, 0));
    }
    Operand<TInt64> classes = tf.dtypes.cast(labels, TInt64.class);
    Operand<TFloat32> loss =
        fromLogits ? fused(tf, classes, yPred) : fromProbabilities(tf, classes, yPred);
    return valid == null ? loss : tf.select(valid, loss, LossMath.scalar(tf, 0));
  }

  @Override
  Operand<TFloat32> callOnIntegerLabels(
      Ops tf, Operand<? extends TNumber> yTrue, Operand<TFloat32> yPred) {
    boolean integers = yTrue.type() == TInt32.class || yTrue.type() == TInt64.class;
    if (!fromLogits || ignoreClass != null || !integers
        || getClass() != SparseCategoricalCrossentropy.class) {
      return null;
    }
    return fused(tf, ShapeAlignment.squeezeSparseLabels(tf, yTrue, yPred), yPred);
  }

  @Override
  protected Operand<TBool> mask(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
    return ignoreClass == null ? null : validMask(tf, ShapeAlignment.squeezeSparseLabels(tf, yTrue, yPred));
  }

  private Operand<TBool> validMask(Ops tf, Operand<TFloat32> labels) {
    return tf.math.notEqual(labels, LossMath.scalar(tf, ignoreClass));
  }

  private static Operand<TFloat32> fused(
      Ops tf, Operand<? extends TNumber> labels, Operand<TFloat32> logits) {
    if (Recording.shape(logits).numDimensions() == 2) {
      return tf.nn.sparseSoftmaxCrossEntropyWithLogits(logits, labels).loss();
    }
    Operand<TFloat32> loss =
        tf.nn.sparseSoftmaxCrossEntropyWithLogits(
                tf.reshape(logits, CategoricalCrossentropy.flatShape(tf, logits)),
                tf.reshape(labels, tf.constant(new int[] {-1})))
            .loss();
    return tf.reshape(loss, CategoricalCrossentropy.batchShape(tf, logits));
  }

  private Operand<TFloat32> fromProbabilities(
      Ops tf, Operand<TInt64> labels, Operand<TFloat32> probabilities) {
    int last = Recording.shape(probabilities).numDimensions() - 1;
    Operand<TFloat32> total =
        tf.reduceSum(probabilities, tf.constant(-1), ReduceSum.keepDims(true));
    // Rows zeroed by ignoreClass sum to 0; divNoNan keeps them finite (their loss is masked anyway).
    Operand<TFloat32> normalized =
        ignoreClass == null
            ? tf.math.div(probabilities, total)
            : tf.math.divNoNan(probabilities, total);
    Operand<TFloat32> logP = tf.math.log(LossMath.clipProbabilities(tf, normalized));
    Operand<TInt32> depth = CategoricalCrossentropy.dimension(tf, probabilities, last);
    Operand<TFloat32> oneHot =
        tf.oneHot(labels, depth, LossMath.scalar(tf, 1), LossMath.scalar(tf, 0));
    return tf.math.neg(LossMath.sum(tf, tf.math.mul(oneHot, logP), -1, false));
  }
}
