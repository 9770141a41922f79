package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import java.util.Map;
import dev.keraslite.activations.Activations;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Softmax over an axis, the last by default (Keras's {@code Softmax(axis=-1)}). */
public class Softmax extends Layer {
  private final int axis;
  private final dev.keraslite.activations.Activation function;

  /** Softmax over the last axis. */
  public Softmax() {
    this(-1);
  }

  /** Softmax over {@code axis}; negative values count from the end. */
  public Softmax(int axis) {
    this.axis = axis;
    this.function = Activations.softmax(axis);
    setInputSpec(InputSpec.minRank(axis < 0 ? -axis : axis + 1));
  }

  @Override
  public Softmax name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public Softmax activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public Softmax activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** The normalised axis. */
  public int axis() {
    return axis;
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    return function.apply(tf, input);
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    return inputShape;
  }

  /** Keras 3's config keys: axis. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("axis", axis);
    return config;
  }

  /** A layer from a Keras config (axis -1 when absent). */
  public static Softmax fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("Softmax", config);
    Object axis = c.raw("axis");
    if (axis instanceof java.util.List) {
      java.util.List<Long> axes = c.getLongList("axis");
      if (axes.size() != 1) {
        throw c.error("softmax over several axes " + axis + " is not supported by keras-lite");
      }
      return c.applyBase(new Softmax(Math.toIntExact(axes.get(0))));
    }
    return c.applyBase(new Softmax(Math.toIntExact(c.getLong("axis", -1))));
  }
}
