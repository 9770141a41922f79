package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import dev.keraslite.activations.Activations;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Exponential linear unit (Keras's {@code ELU} layer): {@code x} for {@code x > 0}, {@code alpha *
 * (exp(x) - 1)} otherwise, with Keras's default {@code alpha=1.0}.
 */
public class ELU extends Layer {
  /** Keras's default {@code alpha}. */
  public static final float DEFAULT_ALPHA = Activations.ELU_ALPHA;

  private final float alpha;
  private final dev.keraslite.activations.Activation function;

  /** The layer with {@code alpha=1.0}. */
  public ELU() {
    this(DEFAULT_ALPHA);
  }

  /**
   * The layer with scale {@code alpha} for negative inputs.
   *
   * @throws IllegalArgumentException for a non-finite alpha
   */
  public ELU(float alpha) {
    if (!Float.isFinite(alpha)) {
      throw new IllegalArgumentException("ELU: alpha must be a finite number, received " + alpha);
    }
    this.alpha = alpha;
    this.function = Activations.elu(alpha);
  }

  @Override
  public ELU name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public ELU activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public ELU activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** The scale of the negative part. */
  public float alpha() {
    return alpha;
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    return function.apply(tf, input);
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    return inputShape;
  }

  /**
   * The base keys and {@code alpha}. Keras 3's {@code ELU} does not override {@code get_config()}
   * and so drops alpha when saving; keras-lite writes it, as Keras 2 did, since Keras 3's {@code
   * from_config} passes it to the constructor, which accepts it.
   */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("alpha", LayerConfig.decimal(alpha));
    return config;
  }

  /** The layer a Keras config describes ({@code alpha}, default 1.0). */
  public static ELU fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("ELU", config);
    return c.applyBase(new ELU((float) c.getDouble("alpha", DEFAULT_ALPHA)));
  }
}
