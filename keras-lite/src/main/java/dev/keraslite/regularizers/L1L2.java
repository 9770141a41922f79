package dev.keraslite.regularizers;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code L1L2}: the penalty {@code l1 * sum(|x|) + l2 * sum(x²)}. As in Keras, both factors
 * default to 0 here (only the {@link L1} and {@link L2} classes default to 0.01); a zero factor adds
 * no term.
 */
public final class L1L2 implements Regularizer {
  private final double l1;
  private final double l2;

  /** {@code L1L2(0, 0)}, Keras's default: no penalty until a factor is set. */
  public L1L2() {
    this(0.0, 0.0);
  }

  /**
   * @throws IllegalArgumentException unless both factors are finite and non-negative
   */
  public L1L2(double l1, double l2) {
    this.l1 = Regularizers.factor("L1L2", "l1", l1);
    this.l2 = Regularizers.factor("L1L2", "l2", l2);
  }

  /** The L1 factor. */
  public double l1() {
    return l1;
  }

  /** The L2 factor. */
  public double l2() {
    return l2;
  }

  @Override
  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> penalty = tf.constant(0f);
    // Keras skips a zero factor's term; the value is the same, and the gradient has no 0 * sign.
    if (l1 != 0) {
      penalty = tf.math.add(penalty, Regularizers.l1(tf, x, l1));
    }
    if (l2 != 0) {
      penalty = tf.math.add(penalty, Regularizers.l2(tf, x, l2));
    }
    return penalty;
  }

  /** {@code {"l1": ..., "l2": ...}}. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("l1", l1);
    config.put("l2", l2);
    return config;
  }

  /**
   * The regularizer {@link #getConfig()} describes; a missing factor is 0.
   *
   * @throws IllegalArgumentException for a bad factor or an unknown key
   */
  public static L1L2 fromConfig(Map<String, Object> config) {
    Regularizers.onlyKeys("L1L2", config, "l1", "l2");
    return new L1L2(
        Regularizers.factor("L1L2", config, "l1", 0.0), Regularizers.factor("L1L2", config, "l2", 0.0));
  }

  @Override
  public String toString() {
    return "L1L2(l1=" + l1 + ", l2=" + l2 + ")";
  }
}
