package dev.keraslite.constraints;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code MaxNorm}: rescales the slices of a weight whose L2 norm over {@code axis} exceeds
 * {@code maxValue} to that norm, {@code w * clip(norms, 0, maxValue) / (epsilon + norms)}. Keras's
 * defaults: {@code maxValue} 2, {@code axis} 0 (for a Dense kernel {@code [in, units]}, each unit's
 * incoming weights).
 */
public final class MaxNorm implements Constraint {
  /** Keras's default maximum norm. */
  public static final double DEFAULT_MAX_VALUE = 2.0;

  private final double maxValue;
  private final int[] axis;

  /** {@code MaxNorm(2, axis 0)}, Keras's default. */
  public MaxNorm() {
    this(DEFAULT_MAX_VALUE, 0);
  }

  /**
   * Norms at most {@code maxValue} over axis 0.
   *
   * @throws IllegalArgumentException for a negative or non-finite {@code maxValue}
   */
  public MaxNorm(double maxValue) {
    this(maxValue, 0);
  }

  /**
   * @param axis the axes the norm is taken over (negative ones count from the end)
   * @throws IllegalArgumentException for a negative or non-finite {@code maxValue}, or no axis
   */
  public MaxNorm(double maxValue, int... axis) {
    this.maxValue = Constraints.nonNegative("MaxNorm", "maxValue", maxValue);
    this.axis = Constraints.axes("MaxNorm", axis);
  }

  /** The maximum norm. */
  public double maxValue() {
    return maxValue;
  }

  /** The axes of the norm. */
  public int[] axis() {
    return axis.clone();
  }

  @Override
  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> w) {
    Operand<TFloat32> norms = Constraints.norms(tf, w, axis);
    Operand<TFloat32> desired =
        tf.clipByValue(norms, tf.constant(0f), tf.constant((float) maxValue));
    return Constraints.rescale(tf, w, desired, norms);
  }

  /** {@code {"max_value": 2.0, "axis": 0}}. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("max_value", maxValue);
    config.put("axis", Constraints.axisConfig(axis));
    return config;
  }

  /**
   * The constraint {@link #getConfig()} describes; missing keys take Keras's defaults.
   *
   * @throws IllegalArgumentException for bad values or an unknown key
   */
  public static MaxNorm fromConfig(Map<String, Object> config) {
    Constraints.onlyKeys("MaxNorm", config, "max_value", "axis");
    return new MaxNorm(
        Constraints.number("MaxNorm", config, "max_value", DEFAULT_MAX_VALUE),
        Constraints.axisFrom("MaxNorm", config, new int[] {0}));
  }

  @Override
  public String toString() {
    return "MaxNorm(maxValue=" + maxValue + ", axis=" + Arrays.toString(axis) + ")";
  }
}
