package dev.keraslite.metrics;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code MeanAbsoluteError} metric: the running mean of {@code mean(abs(y_true - y_pred),
 * axis=-1)}, the per-sample values of {@link dev.keraslite.losses.MeanAbsoluteError}.
 */
public class MeanAbsoluteError extends MeanMetricWrapper {
  private static final dev.keraslite.losses.MeanAbsoluteError LOSS =
      new dev.keraslite.losses.MeanAbsoluteError();

  /** Named {@code "mean_absolute_error"}. */
  public MeanAbsoluteError() {
    this("mean_absolute_error");
  }

  /** With the given name. */
  public MeanAbsoluteError(String name) {
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
