package dev.keraslite.metrics;

import dev.keraslite.losses.internal.ShapeAlignment;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code BinaryAccuracy}: how often {@code y_pred > threshold} agrees with the 0/1 labels.
 */
public class BinaryAccuracy extends MeanMetricWrapper {
  /** Keras's default threshold. */
  public static final float DEFAULT_THRESHOLD = 0.5f;

  private final float threshold;

  /** Threshold 0.5, named {@code "binary_accuracy"}. */
  public BinaryAccuracy() {
    this(DEFAULT_THRESHOLD);
  }

  /** With the given threshold. */
  public BinaryAccuracy(float threshold) {
    this(threshold, "binary_accuracy");
  }

  /** With the given threshold and name. */
  public BinaryAccuracy(float threshold, String name) {
    super(name);
    this.threshold = threshold;
  }

  /** Predictions above it count as 1. */
  public float threshold() {
    return threshold;
  }

  @Override
  protected void checkInputs(Operand<?> yTrue, Operand<?> yPred) {
    MetricInputs.requireSameShape(this, yTrue, yPred);
  }

  @Override
  protected Operand<TFloat32> values(Ops tf, Operand<?> yTrue, Operand<?> yPred) {
    ShapeAlignment.Pair<TFloat32, TFloat32> p =
        ShapeAlignment.squeezeOrExpandToSameRank(
            tf, MetricInputs.toFloat32(tf, yTrue), MetricInputs.toFloat32(tf, yPred));
    Operand<TFloat32> predicted =
        tf.dtypes.cast(tf.math.greater(p.second(), tf.constant(threshold)), TFloat32.class);
    return tf.dtypes.cast(tf.math.equal(p.first(), predicted), TFloat32.class);
  }
}
