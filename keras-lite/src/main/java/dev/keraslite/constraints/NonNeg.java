package dev.keraslite.constraints;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Keras's {@code NonNeg}: sets the negative entries of a weight to zero. */
public final class NonNeg implements Constraint {

  @Override
  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> w) {
    // As Keras: w * (w >= 0), which keeps zeros and non-negative entries as they are.
    return tf.math.mul(
        w, tf.dtypes.cast(tf.math.greaterEqual(w, tf.constant(0f)), TFloat32.class));
  }

  /** No options: {@code {}}. */
  @Override
  public Map<String, Object> getConfig() {
    return new LinkedHashMap<>();
  }

  @Override
  public String toString() {
    return "NonNeg()";
  }
}
