package dev.keraslite.metrics;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Keras's {@code CategoricalAccuracy}: how often the arg-max of the predictions equals the arg-max of
 * the one-hot labels (the first maximum wins ties).
 */
public class CategoricalAccuracy extends MeanMetricWrapper {
  /** Named {@code "categorical_accuracy"}. */
  public CategoricalAccuracy() {
    this("categorical_accuracy");
  }

  /** With the given name. */
  public CategoricalAccuracy(String name) {
    super(name);
  }

  @Override
  protected void checkInputs(Operand<?> yTrue, Operand<?> yPred) {
    MetricInputs.requireRank(this, yPred, 1);
    MetricInputs.requireSameShape(this, yTrue, yPred);
  }

  @Override
  protected Operand<TFloat32> values(Ops tf, Operand<?> yTrue, Operand<?> yPred) {
    Operand<TInt64> trueClass = tf.math.argMax(yTrue, tf.constant(-1));
    Operand<TInt64> predictedClass = tf.math.argMax(yPred, tf.constant(-1));
    return tf.dtypes.cast(tf.math.equal(trueClass, predictedClass), TFloat32.class);
  }
}
