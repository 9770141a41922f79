package dev.keraslite.constraints;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code UnitNorm}: rescales each slice of a weight to unit L2 norm over {@code axis}
 * (default 0), {@code w / (epsilon + norms)}.
 */
public final class UnitNorm implements Constraint {
  private final int[] axis;

  /** {@code UnitNorm(axis 0)}, Keras's default. */
  public UnitNorm() {
    this(0);
  }

  /**
   * @param axis the axes the norm is taken over (negative ones count from the end)
   * @throws IllegalArgumentException for no axis
   */
  public UnitNorm(int... axis) {
    this.axis = Constraints.axes("UnitNorm", axis);
  }

  /** The axes of the norm. */
  public int[] axis() {
    return axis.clone();
  }

  @Override
  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> w) {
    return tf.math.div(w, tf.math.add(tf.constant(Constraints.EPSILON), Constraints.norms(tf, w, axis)));
  }

  /** {@code {"axis": 0}}. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("axis", Constraints.axisConfig(axis));
    return config;
  }

  /**
   * The constraint {@link #getConfig()} describes; a missing axis is 0.
   *
   * @throws IllegalArgumentException for a bad axis or an unknown key
   */
  public static UnitNorm fromConfig(Map<String, Object> config) {
    Constraints.onlyKeys("UnitNorm", config, "axis");
    return new UnitNorm(Constraints.axisFrom("UnitNorm", config, new int[] {0}));
  }

  @Override
  public String toString() {
    return "UnitNorm(axis=" + Arrays.toString(axis) + ")";
  }
}
