package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Thresholded rectified linear unit (Keras 2's {@code ThresholdedReLU} layer, found in files that
 * tf.keras wrote; Keras 3 dropped it in favour of {@code ReLU(threshold=...)}): {@code x} for
 * {@code x > theta}, 0 otherwise, with Keras's default {@code theta=1.0}.
 */
public class ThresholdedReLU extends Layer {
  /** Keras's default {@code theta}. */
  public static final float DEFAULT_THETA = 1.0f;

  private final float theta;

  /** The layer with {@code theta=1.0}. */
  public ThresholdedReLU() {
    this(DEFAULT_THETA);
  }

  /**
   * The layer passing only inputs above {@code theta}.
   *
   * @throws IllegalArgumentException for a negative or non-finite theta (as Keras)
   */
  public ThresholdedReLU(float theta) {
    if (!(theta >= 0) || Float.isInfinite(theta)) {
      throw new IllegalArgumentException(
          "ThresholdedReLU: theta must be a non-negative number, received " + theta);
    }
    this.theta = theta;
  }

  @Override
  public ThresholdedReLU name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public ThresholdedReLU activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public ThresholdedReLU activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** The threshold. */
  public float theta() {
    return theta;
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    // Select differentiates to the input where it passes and to zero elsewhere.
    return tf.select(tf.math.greater(input, tf.constant(theta)), input, tf.zerosLike(input));
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    return inputShape;
  }

  /** Keras 2's {@code ThresholdedReLU.get_config()}: the base keys and {@code theta}. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("theta", LayerConfig.decimal(theta));
    return config;
  }

  /** The layer a Keras config describes ({@code theta}, default 1.0). */
  public static ThresholdedReLU fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("ThresholdedReLU", config);
    return c.applyBase(
        new ThresholdedReLU((float) c.getDouble("theta", DEFAULT_THETA)));
  }
}
