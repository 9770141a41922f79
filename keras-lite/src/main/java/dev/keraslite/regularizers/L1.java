package dev.keraslite.regularizers;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Keras's {@code L1}: the penalty {@code l1 * sum(|x|)}, {@code l1} 0.01 by default. */
public final class L1 implements Regularizer {
  /** Keras's default factor. */
  public static final double DEFAULT_L1 = 0.01;

  private final double l1;

  /** {@code L1(0.01)}, Keras's default. */
  public L1() {
    this(DEFAULT_L1);
  }

  /**
   * @throws IllegalArgumentException unless {@code l1} is finite and non-negative
   */
  public L1(double l1) {
    this.l1 = Regularizers.factor("L1", "l1", l1);
  }

  /** The factor. */
  public double l1() {
    return l1;
  }

  @Override
  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
    return Regularizers.l1(tf, x, l1);
  }

  /** {@code {"l1": 0.01}}. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("l1", l1);
    return config;
  }

  /**
   * The regularizer {@link #getConfig()} describes; a missing {@code l1} is Keras's default.
   *
   * @throws IllegalArgumentException for a bad factor or an unknown key
   */
  public static L1 fromConfig(Map<String, Object> config) {
    Regularizers.onlyKeys("L1", config, "l1");
    return new L1(Regularizers.factor("L1", config, "l1", DEFAULT_L1));
  }

  @Override
  public String toString() {
    return "L1(l1=" + l1 + ")";
  }
}
