package dev.keraslite.metrics;

import dev.keraslite.losses.internal.ShapeAlignment;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Accuracy}: how often predictions equal labels exactly, element by element (both
 * compared as float32).
 */
public class Accuracy extends MeanMetricWrapper {
  /** Named {@code "accuracy"}. */
  public Accuracy() {
    this("accuracy");
  }

  /** With the given name. */
  public Accuracy(String name) {
    super(name);
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
    return tf.dtypes.cast(tf.math.equal(p.first(), p.second()), TFloat32.class);
  }
}
