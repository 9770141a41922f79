package dev.keraslite.regularizers;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Keras's {@code L2}: the penalty {@code l2 * sum(x²)}, {@code l2} 0.01 by default. */
public final class L2 implements Regularizer {
  /** Keras's default factor. */
  public static final double DEFAULT_L2 = 0.01;

  private final double l2;

  /** {@code L2(0.01)}, Keras's default. */
  public L2() {
    this(DEFAULT_L2);
  }

  /**
   * @throws IllegalArgumentException unless {@code l2} is finite and non-negative
   */
  public L2(double l2) {
    this.l2 = Regularizers.factor("L2", "l2", l2);
  }

  /** The factor. */
  public double l2() {
    return l2;
  }

  @Override
  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
    return Regularizers.l2(tf, x, l2);
  }

  /** {@code {"l2": 0.01}}. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("l2", l2);
    return config;
  }

  /**
   * The regularizer {@link #getConfig()} describes; a missing {@code l2} is Keras's default.
   *
   * @throws IllegalArgumentException for a bad factor or an unknown key
   */
  public static L2 fromConfig(Map<String, Object> config) {
    Regularizers.onlyKeys("L2", config, "l2");
    return new L2(Regularizers.factor("L2", config, "l2", DEFAULT_L2));
  }

  @Override
  public String toString() {
    return "L2(l2=" + l2 + ")";
  }
}
