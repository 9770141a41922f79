package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TFloat32;

/**
 * The rectified linear unit layer (Keras's {@code ReLU}) with Keras 3's three options:
 *
 * <pre>{@code
 * f(x) = max_value                          if x >= max_value
 * f(x) = x                                  if threshold < x < max_value  (x > threshold when threshold != 0)
 * f(x) = negative_slope * (x - threshold)   otherwise
 * }</pre>
 *
 * <p>It computes what {@code keras.activations.relu} does, op for op: {@code LeakyRelu} when only
 * a negative slope is set, {@code Relu6} for {@code maxValue(6)} without threshold (MobileNet's
 * ReLU6), otherwise {@code Relu} or a threshold select, then a clip to {@code [0, max_value]}, then
 * {@code - negative_slope * relu(threshold - x)}.
 *
 * <pre>{@code
 * new ReLU().maxValue(6)   // ReLU6
 * }</pre>
 */
public class ReLU extends Layer {
  private Double maxValue;
  private double negativeSlope;
  private double threshold;

  /** A plain {@code max(x, 0)}. */
  public ReLU() {}

  @Override
  public ReLU name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public ReLU activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public ReLU activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /**
   * The largest output (default none: unbounded); {@code null} removes the bound.
   *
   * @throws IllegalArgumentException for a negative value
   */
  public ReLU maxValue(Double maxValue) {
    checkNotBuilt("maxValue");
    if (maxValue != null && !(maxValue >= 0)) {
      throw new IllegalArgumentException(
          describe() + ": maxValue cannot be negative, received " + maxValue);
    }
    this.maxValue = maxValue;
    return this;
  }

  /** As {@link #maxValue(Double)}. */
  public ReLU maxValue(double maxValue) {
    return maxValue(Double.valueOf(maxValue));
  }

  /**
   * The slope below the threshold (default 0).
   *
   * @throws IllegalArgumentException for a negative value
   */
  public ReLU negativeSlope(double negativeSlope) {
    checkNotBuilt("negativeSlope");
    if (!(negativeSlope >= 0)) {
      throw new IllegalArgumentException(
          describe() + ": negativeSlope cannot be negative, received " + negativeSlope);
    }
    this.negativeSlope = negativeSlope;
    return this;
  }

  /**
   * The input value below which the output is zero, or follows the negative slope (default 0).
   *
   * @throws IllegalArgumentException for a negative value
   */
  public ReLU threshold(double threshold) {
    checkNotBuilt("threshold");
    if (!(threshold >= 0)) {
      throw new IllegalArgumentException(
          describe() + ": threshold cannot be negative, received " + threshold);
    }
    this.threshold = threshold;
    return this;
  }

  /** The largest output, or null when unbounded. */
  public Double maxValue() {
    return maxValue;
  }

  /** The slope below the threshold. */
  public double negativeSlope() {
    return negativeSlope;
  }

  /** The threshold. */
  public double threshold() {
    return threshold;
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    Operand<TFloat32> x = input;
    Operand<TFloat32> negativePart = null;
    if (negativeSlope != 0) {
      if (maxValue == null && threshold == 0) {
        return tf.nn.leakyRelu(x, LeakyRelu.alpha((float) negativeSlope));
      }
      Operand<TFloat32> shifted =
          threshold != 0 ? tf.math.sub(DTypes.scalarLike(tf, x, threshold), x) : tf.math.neg(x);
      negativePart = tf.nn.relu(shifted);
    }
    boolean clip = maxValue != null;
    Operand<TFloat32> y;
    if (threshold != 0) {
      y = tf.select(tf.math.greater(x, DTypes.scalarLike(tf, x, threshold)), x, tf.zerosLike(x));
    } else if (maxValue != null && maxValue == 6.0) {
      y = tf.nn.relu6(x);
      clip = false;
    } else {
      y = tf.nn.relu(x);
    }
    if (clip) {
      y = tf.math.minimum(tf.math.maximum(y, DTypes.scalarLike(tf, x, 0)), DTypes.scalarLike(tf, x, maxValue));
    }
    if (negativePart != null) {
      y = tf.math.sub(y, tf.math.mul(DTypes.scalarLike(tf, x, negativeSlope), negativePart));
    }
    return y;
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    return inputShape;
  }

  /** Keras 3's keys: {@code max_value} (null when unbounded), {@code negative_slope}, {@code threshold}. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("max_value", maxValue);
    config.put("negative_slope", negativeSlope);
    config.put("threshold", threshold);
    return config;
  }

  /**
   * The layer {@link #getConfig()} describes.
   *
   * @throws IllegalArgumentException for values the constructor refuses
   */
  public static ReLU fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("ReLU", config);
    ReLU layer = c.applyBase(new ReLU());
    if (c.has("max_value")) {
      layer.maxValue(c.getDouble("max_value", 0));
    }
    return layer
        .negativeSlope(c.getDouble("negative_slope", 0))
        .threshold(c.getDouble("threshold", 0));
  }

}
