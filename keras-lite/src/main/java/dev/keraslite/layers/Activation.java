package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import java.util.Map;
import dev.keraslite.activations.Activations;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Applies an activation function to its input (Keras's {@code Activation} layer):
 *
 * <pre>{@code
 * new Activation("relu")
 * new Activation(Activations.leakyRelu(0.1f))
 * }</pre>
 */
public class Activation extends Layer {
  private final dev.keraslite.activations.Activation function;

  /**
   * The activation with Keras name {@code name}.
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public Activation(String name) {
    this(Activations.get(Objects.requireNonNull(name, "name")));
  }

  /** A layer applying {@code function}. */
  public Activation(dev.keraslite.activations.Activation function) {
    this.function = Objects.requireNonNull(function, "function");
  }

  /** Keras 3's {@code supports_masking}: an input mask passes through unchanged. */
  @Override
  public boolean supportsMasking() {
    return true;
  }

  @Override
  public Activation name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public Activation activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public Activation activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** The function applied. */
  public dev.keraslite.activations.Activation function() {
    return function;
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    return function.apply(tf, input);
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    return inputShape;
  }

  /** Keras 3's config keys: activation (its name). */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("activation", LayerConfig.serialize(function));
    return config;
  }

  /** A layer from a Keras config. */
  public static Activation fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("Activation", config);
    return c.applyBase(new Activation(c.activation("activation")));
  }
}
