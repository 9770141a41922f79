package dev.keraslite.regularizers;

import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A penalty on a tensor, added to the training loss (Keras's {@code keras.regularizers.Regularizer}):
 * layers apply a weight regularizer to a weight ({@code kernelRegularizer}) and an activity
 * regularizer to their output. A lambda is a regularizer too, but only {@link L1}, {@link L2} and
 * {@link L1L2} can be saved in a Keras config:
 *
 * <pre>{@code
 * Regularizer sumOfCubes = (tf, x) -> tf.reduceSum(tf.math.pow(x, tf.constant(3f)), Regularizers.allAxes(tf, x));
 * }</pre>
 */
@FunctionalInterface
public interface Regularizer {

  /** The penalty for {@code x}: a float32 scalar built with ops on {@code tf}. */
  Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x);

  /**
   * Keras's {@code get_config()}: the arguments that rebuild this regularizer ({@code {"l2": 0.01}}).
   *
   * @throws UnsupportedOperationException for a regularizer without a Keras form (a lambda)
   */
  default Map<String, Object> getConfig() {
    throw new UnsupportedOperationException(
        "regularizer " + this + " has no Keras config; use L1, L2 or L1L2 to save a model that"
            + " holds it");
  }
}
