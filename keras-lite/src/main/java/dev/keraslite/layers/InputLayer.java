package dev.keraslite.layers;

import dev.keraslite.layers.internal.Shapes;
import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import java.util.Map;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The entry point of a functional model: holds the input shape and produces the symbolic tensor
 * that {@code Input.of(...)} returns. Applied to real data it passes the input through.
 */
public final class InputLayer extends Layer {
  private final Shape shape;
  private final KerasTensor output;

  /**
   * An input of {@code shape} per example (no batch dimension; {@code -1} for an unknown size).
   */
  public InputLayer(long... shape) {
    for (long d : shape) {
      if (d == 0 || d < -1) {
        throw new IllegalArgumentException(
            "Input: dimensions must be positive or -1 (unknown), received " + Shapes.format(Shape.of(shape)));
      }
    }
    this.shape = Shape.of(shape).prepend(Shape.UNKNOWN_SIZE);
    setInputSpec(InputSpec.rank(this.shape.numDimensions()));
    this.output = new Node(this, List.of(), List.of(this.shape), 0).outputs().get(0);
  }

  @Override
  public InputLayer name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public InputLayer activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public InputLayer activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** The symbolic tensor this input feeds into the graph. */
  public KerasTensor output() {
    return output;
  }

  /** The full input shape, batch dimension first (unknown). */
  public Shape shape() {
    return shape;
  }

  @Override
  protected void checkInputShapes(List<Shape> inputShapes) {
    for (Shape s : inputShapes) {
      for (int i = 1; i < shape.numDimensions(); i++) {
        if (shape.get(i) >= 0 && s.get(i) >= 0 && s.get(i) != shape.get(i)) {
          throw inputError("expected input of shape " + Shapes.format(shape), s);
        }
      }
    }
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    return input;
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    return inputShape;
  }

  /** Keras 3's config keys: batch_shape (batch first, null for unknown sizes), dtype, sparse, name. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = new java.util.LinkedHashMap<>();
    java.util.List<Long> batchShape = new java.util.ArrayList<>();
    for (long d : shape.asArray()) {
      batchShape.add(d < 0 ? null : d);
    }
    config.put("batch_shape", batchShape);
    config.put("dtype", "float32");
    config.put("sparse", false);
    config.put("name", name());
    return config;
  }

  /**
   * An input layer from a Keras config: Keras 3's {@code batch_shape} or Keras 2's {@code
   * batch_input_shape} (a fixed batch size is dropped: keras-lite inputs take any batch).
   */
  public static InputLayer fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("InputLayer", config);
    c.requireDefault("sparse", false);
    c.requireDefault("ragged", false);
    String key = c.has("batch_shape") ? "batch_shape" : "batch_input_shape";
    if (!c.has(key)) {
      throw c.error("needs batch_shape (Keras 3) or batch_input_shape (Keras 2)");
    }
    java.util.List<Long> dims = c.getLongList(key);
    long[] perExample = new long[dims.size() - 1];
    for (int i = 1; i < dims.size(); i++) {
      perExample[i - 1] = dims.get(i);
    }
    InputLayer layer = new InputLayer(perExample);
    if (c.raw("name") instanceof String) {
      layer.name((String) c.raw("name"));
    }
    String dtype = c.getString("dtype", "float32");
    if (!dtype.equals("float32")) {
      throw c.error("dtype " + dtype + " is not supported by keras-lite (only float32)");
    }
    return layer;
  }
}
