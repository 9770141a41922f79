package dev.keraslite.metrics;

import dev.keraslite.Recording;
import dev.keraslite.losses.internal.ShapeAlignment;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code SparseCategoricalAccuracy}: how often the arg-max of the predictions equals the
 * integer label (labels shaped like the predictions without their class axis, or with it as 1).
 */
public class SparseCategoricalAccuracy extends MeanMetricWrapper {
  /** Named {@code "sparse_categorical_accuracy"}. */
  public SparseCategoricalAccuracy() {
    this("sparse_categorical_accuracy");
  }

  /** With the given name. */
  public SparseCategoricalAccuracy(String name) {
    super(name);
  }

  @Override
  protected void checkInputs(Operand<?> yTrue, Operand<?> yPred) {
    MetricInputs.requireRank(this, yPred, 1);
    MetricInputs.requireSparseShape(this, yTrue, yPred);
  }

  @Override
  protected Operand<TFloat32> values(Ops tf, Operand<?> yTrue, Operand<?> yPred) {
    // Keras compares in y_pred's dtype: the label becomes float32, and so does the arg-max.
    Operand<TFloat32> labels = ShapeAlignment.squeezeSparseLabels(tf, MetricInputs.toFloat32(tf, yTrue), yPred);
    Operand<TFloat32> predicted =
        tf.dtypes.cast(tf.math.argMax(yPred, Recording.scalar(tf, TInt32.class, -1)), TFloat32.class);
    return tf.dtypes.cast(tf.math.equal(labels, predicted), TFloat32.class);
  }
}
