package dev.keraslite.constraints;

import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A projection applied to a weight after each optimizer update (Keras's {@code
 * keras.constraints.Constraint}): training assigns {@code constraint(weight)} to the weight, so the
 * weight satisfies it between steps. A lambda is a constraint too, but only the named classes can be
 * saved in a Keras config.
 */
@FunctionalInterface
public interface Constraint {

  /** The projected weight, of the same shape as {@code w}, built with ops on {@code tf}. */
  Operand<TFloat32> apply(Ops tf, Operand<TFloat32> w);

  /**
   * Keras's {@code get_config()}: the arguments that rebuild this constraint.
   *
   * @throws UnsupportedOperationException for a constraint without a Keras form (a lambda)
   */
  default Map<String, Object> getConfig() {
    throw new UnsupportedOperationException(
        "constraint " + this + " has no Keras config; use MaxNorm, NonNeg, UnitNorm or MinMaxNorm"
            + " to save a model that holds it");
  }
}
