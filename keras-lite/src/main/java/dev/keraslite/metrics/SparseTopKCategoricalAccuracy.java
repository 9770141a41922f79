package dev.keraslite.metrics;

import dev.keraslite.losses.internal.ShapeAlignment;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code SparseTopKCategoricalAccuracy}: how often the integer label is among the {@code k}
 * largest predictions.
 */
public class SparseTopKCategoricalAccuracy extends MeanMetricWrapper {
  private final int k;

  /** {@code k} 5, named {@code "sparse_top_k_categorical_accuracy"}. */
  public SparseTopKCategoricalAccuracy() {
    this(TopKCategoricalAccuracy.DEFAULT_K);
  }

  /** With the given {@code k}. */
  public SparseTopKCategoricalAccuracy(int k) {
    this(k, "sparse_top_k_categorical_accuracy");
  }

  /** With the given {@code k} and name. */
  public SparseTopKCategoricalAccuracy(int k, String name) {
    super(name);
    this.k = TopK.checkK(this, k);
  }

  /** How many of the largest predictions count. */
  public int k() {
    return k;
  }

  @Override
  protected void checkInputs(Operand<?> yTrue, Operand<?> yPred) {
    MetricInputs.requireRank(this, yPred, 2);
    MetricInputs.requireSparseShape(this, yTrue, yPred);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  protected Operand<TFloat32> values(Ops tf, Operand<?> yTrue, Operand<?> yPred) {
    Operand<TInt32> labels = tf.dtypes.cast((Operand) yTrue, TInt32.class);
    return TopK.inTopK(tf, MetricInputs.toFloat32(tf, yPred), ShapeAlignment.squeezeSparseLabels(tf, labels, yPred), k);
  }
}
