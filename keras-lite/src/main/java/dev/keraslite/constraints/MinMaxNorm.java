package dev.keraslite.constraints;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code MinMaxNorm}: moves the L2 norm of each slice of a weight over {@code axis} into
 * {@code [minValue, maxValue]}, by a fraction {@code rate} of the way: {@code w * (rate *
 * clip(norms, minValue, maxValue) + (1 - rate) * norms) / (epsilon + norms)}. Keras's defaults:
 * {@code minValue} 0, {@code maxValue} 1, {@code rate} 1, {@code axis} 0.
 */
public final class MinMaxNorm implements Constraint {
  private final double minValue;
  private final double maxValue;
  private final double rate;
  private final int[] axis;

  /** {@code MinMaxNorm(0, 1, rate 1, axis 0)}, Keras's default. */
  public MinMaxNorm() {
    this(0.0, 1.0, 1.0, 0);
  }

  /**
   * Norms in {@code [minValue, maxValue]} over axis 0, reached in one application (rate 1).
   *
   * @throws IllegalArgumentException unless {@code 0 <= minValue <= maxValue}, both finite
   */
  public MinMaxNorm(double minValue, double maxValue) {
    this(minValue, maxValue, 1.0, 0);
  }

  /**
   * @throws IllegalArgumentException unless {@code 0 <= minValue <= maxValue}, both finite, {@code
   *     rate} finite and at least one axis
   */
  public MinMaxNorm(double minValue, double maxValue, double rate, int... axis) {
    this.minValue = Constraints.nonNegative("MinMaxNorm", "minValue", minValue);
    this.maxValue = Constraints.nonNegative("MinMaxNorm", "maxValue", maxValue);
    if (minValue > maxValue) {
      throw new IllegalArgumentException(
          "MinMaxNorm: minValue must not exceed maxValue, received minValue=" + minValue
              + ", maxValue=" + maxValue);
    }
    if (!Double.isFinite(rate)) {
      throw new IllegalArgumentException("MinMaxNorm: rate must be finite, received " + rate);
    }
    this.rate = rate;
    this.axis = Constraints.axes("MinMaxNorm", axis);
  }

  /** The smallest norm. */
  public double minValue() {
    return minValue;
  }

  /** The largest norm. */
  public double maxValue() {
    return maxValue;
  }

  /** How far towards the interval each application moves a norm (1: all the way). */
  public double rate() {
    return rate;
  }

  /** The axes of the norm. */
  public int[] axis() {
    return axis.clone();
  }

  @Override
  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> w) {
    Operand<TFloat32> norms = Constraints.norms(tf, w, axis);
    Operand<TFloat32> clipped =
        tf.clipByValue(norms, tf.constant((float) minValue), tf.constant((float) maxValue));
    Operand<TFloat32> desired =
        tf.math.add(
            tf.math.mul(tf.constant((float) rate), clipped),
            tf.math.mul(tf.constant((float) (1 - rate)), norms));
    return Constraints.rescale(tf, w, desired, norms);
  }

  /** {@code {"min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 0}}. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("min_value", minValue);
    config.put("max_value", maxValue);
    config.put("rate", rate);
    config.put("axis", Constraints.axisConfig(axis));
    return config;
  }

  /**
   * The constraint {@link #getConfig()} describes; missing keys take Keras's defaults.
   *
   * @throws IllegalArgumentException for bad values or an unknown key
   */
  public static MinMaxNorm fromConfig(Map<String, Object> config) {
    Constraints.onlyKeys("MinMaxNorm", config, "min_value", "max_value", "rate", "axis");
    return new MinMaxNorm(
        Constraints.number("MinMaxNorm", config, "min_value", 0.0),
        Constraints.number("MinMaxNorm", config, "max_value", 1.0),
        Constraints.number("MinMaxNorm", config, "rate", 1.0),
        Constraints.axisFrom("MinMaxNorm", config, new int[] {0}));
  }

  @Override
  public String toString() {
    return "MinMaxNorm(minValue=" + minValue + ", maxValue=" + maxValue + ", rate=" + rate
        + ", axis=" + Arrays.toString(axis) + ")";
  }
}
