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
 * Leaky rectified linear unit (Keras's {@code LeakyReLU} layer): {@code x} for {@code x >= 0},
 * {@code negativeSlope * x} otherwise. Keras 3's layer default is {@code negative_slope=0.3} (the
 * {@code leaky_relu} activation function's is 0.2).
 */
public class LeakyReLU extends Layer {
  /** Keras 3's default {@code negative_slope} of the layer. */
  public static final float DEFAULT_NEGATIVE_SLOPE = 0.3f;

  private final float negativeSlope;

  /** The layer with Keras's default slope, 0.3. */
  public LeakyReLU() {
    this(DEFAULT_NEGATIVE_SLOPE);
  }

  /**
   * The layer with slope {@code negativeSlope} for negative inputs.
   *
   * @throws IllegalArgumentException for a negative or non-finite slope (Keras refuses them too)
   */
  public LeakyReLU(float negativeSlope) {
    if (!(negativeSlope >= 0) || Float.isInfinite(negativeSlope)) {
      throw new IllegalArgumentException(
          "LeakyReLU: negativeSlope must be a non-negative number, received " + negativeSlope);
    }
    this.negativeSlope = negativeSlope;
  }

  @Override
  public LeakyReLU name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public LeakyReLU activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public LeakyReLU activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** The slope for negative inputs. */
  public float negativeSlope() {
    return negativeSlope;
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    return tf.nn.leakyRelu(input, LeakyRelu.alpha(negativeSlope));
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    return inputShape;
  }

  /** Keras 3's {@code LeakyReLU.get_config()}: the base keys and {@code negative_slope}. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("negative_slope", LayerConfig.decimal(negativeSlope));
    return config;
  }

  /**
   * The layer a Keras config describes: {@code negative_slope} (Keras 3) or {@code alpha} (what
   * Keras 2 wrote, which Keras 3 also accepts), default 0.3.
   */
  public static LeakyReLU fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("LeakyReLU", config);
    double slope =
        c.has("negative_slope")
            ? c.getDouble("negative_slope", DEFAULT_NEGATIVE_SLOPE)
            : c.getDouble("alpha", DEFAULT_NEGATIVE_SLOPE);
    return c.applyBase(new LeakyReLU((float) slope));
  }
}
