package dev.keraslite.metrics;

import dev.keraslite.losses.internal.ShapeAlignment;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code RootMeanSquaredError}: {@code sqrt} of the running (weighted) mean of the squared
 * errors, each sample's errors averaged first.
 */
public class RootMeanSquaredError extends MeanMetricWrapper {
  /** Named {@code "root_mean_squared_error"}. */
  public RootMeanSquaredError() {
    this("root_mean_squared_error");
  }

  /** With the given name. */
  public RootMeanSquaredError(String name) {
    super(name);
  }

  @Override
  protected void checkInputs(Operand<?> yTrue, Operand<?> yPred) {
    MetricInputs.requireSameShape(this, yTrue, yPred);
  }

  /** The squared errors, element by element; the mean's sample reduction averages each row. */
  @Override
  protected Operand<TFloat32> values(Ops tf, Operand<?> yTrue, Operand<?> yPred) {
    ShapeAlignment.Pair<TFloat32, TFloat32> p =
        ShapeAlignment.squeezeOrExpandToSameRank(
            tf, MetricInputs.toFloat32(tf, yTrue), MetricInputs.toFloat32(tf, yPred));
    return tf.math.square(tf.math.sub(p.second(), p.first()));
  }

  @Override
  public Operand<TFloat32> result(Ops tf) {
    return tf.math.sqrt(super.result(tf));
  }
}
