package dev.keraslite.metrics;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code TopKCategoricalAccuracy}: how often the one-hot label's class is among the {@code k}
 * largest predictions.
 */
public class TopKCategoricalAccuracy extends MeanMetricWrapper {
  /** Keras's default {@code k}. */
  public static final int DEFAULT_K = 5;

  private final int k;

  /** {@code k} 5, named {@code "top_k_categorical_accuracy"}. */
  public TopKCategoricalAccuracy() {
    this(DEFAULT_K);
  }

  /** With the given {@code k}. */
  public TopKCategoricalAccuracy(int k) {
    this(k, "top_k_categorical_accuracy");
  }

  /** With the given {@code k} and name. */
  public TopKCategoricalAccuracy(int k, String name) {
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
    MetricInputs.requireSameShape(this, yTrue, yPred);
  }

  @Override
  protected Operand<TFloat32> values(Ops tf, Operand<?> yTrue, Operand<?> yPred) {
    Operand<TInt32> target = tf.math.argMax(yTrue, tf.constant(-1), TInt32.class);
    return TopK.inTopK(tf, MetricInputs.toFloat32(tf, yPred), target, k);
  }
}
