package dev.keraslite.metrics;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code MeanSquaredError} metric: the running mean of {@code mean(square(y_true - y_pred),
 * axis=-1)}, the per-sample values of {@link dev.keraslite.losses.MeanSquaredError}.
 */
public class MeanSquaredError extends MeanMetricWrapper {
  private static final dev.keraslite.losses.MeanSquaredError LOSS =
      new dev.keraslite.losses.MeanSquaredError();

  /** Named {@code "mean_squared_error"}. */
  public MeanSquaredError() {
    this("mean_squared_error");
  }

  /** With the given name. */
  public MeanSquaredError(String name) {
    super(name);
  }

  @Override
  protected void checkInputs(Operand<?> yTrue, Operand<?> yPred) {
    MetricInputs.requireSameShape(this, yTrue, yPred);
  }

  @Override
  protected Operand<TFloat32> values(Ops tf, Operand<?> yTrue, Operand<?> yPred) {
    return LOSS.call(tf, MetricInputs.toFloat32(tf, yTrue), MetricInputs.toFloat32(tf, yPred));
  }
}
