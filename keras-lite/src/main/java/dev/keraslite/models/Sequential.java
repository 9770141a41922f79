package dev.keraslite.models;

import dev.keraslite.layers.InputLayer;
import dev.keraslite.layers.KerasTensor;
import dev.keraslite.layers.Layer;
import dev.keraslite.layers.internal.Shapes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A plain stack of layers, each feeding the next (Keras's {@code Sequential}):
 *
 * <pre>{@code
 * Sequential model = new Sequential(
 *     new Flatten(), new Dense(100).activation(Activations.relu()), new Dense(10), new Softmax());
 * }</pre>
 *
 * Started with an {@link Input}, the model knows every layer's output shape as soon as the layer is
 * added: incompatible layers are refused by {@link #add}, {@link #summary()} shows shapes, and
 * {@link #build(Ops)} creates all weights without data.
 */
public class Sequential extends Model {
  private final List<Layer> layers = new ArrayList<>();
  private final List<Shape> outputShapes = new ArrayList<>();
  private Shape inputShape;
  private KerasTensor input;
  private KerasTensor last;

  /** A model stacking {@code layers}; shapes are learned on the first apply or build. */
  public Sequential(Layer... layers) {
    for (Layer layer : layers) {
      add(layer);
    }
  }

  /**
   * A model with a known input shape, stacking {@code layers}.
   *
   * @param input a tensor from {@code Input.of(...)}, not yet used by any layer
   * @throws IllegalArgumentException if a layer does not accept its predecessor's output
   */
  public Sequential(KerasTensor input, Layer... layers) {
    Objects.requireNonNull(input, "input");
    if (!(input.node().layer() instanceof InputLayer)) {
      throw new IllegalArgumentException(
          "Sequential: the first argument must come from Input.of(...), received " + input);
    }
    this.inputShape = input.shape();
    this.input = input;
    this.last = input;
    for (Layer layer : layers) {
      add(layer);
    }
  }

  @Override
  public Sequential name(String name) {
    super.name(name);
    return this;
  }

  /**
   * Adds a layer on top. With a known input shape the layer is checked against its predecessor's
   * output shape first, and refused (model unchanged) if it does not fit.
   */
  public Sequential add(Layer layer) {
    Objects.requireNonNull(layer, "layer");
    if (layer == this || layers.contains(layer)) {
      throw new IllegalArgumentException(
          describe() + ": " + layer + " is already part of the model");
    }
    if (last != null) {
      KerasTensor next = layer.apply(last);
      outputShapes.add(next.shape());
      last = next;
    }
    layers.add(layer);
    return this;
  }

  /** The {@link Input} the model was started with, if any. */
  @Override
  public List<KerasTensor> inputs() {
    return input == null ? List.of() : List.of(input);
  }

  /** The {@code Input} the model was started with, for export. */
  @Override
  protected java.util.Map<String, Shape> exportInputs() {
    if (input == null) {
      return super.exportInputs();
    }
    return java.util.Map.of(input.node().layer().name(), inputShape);
  }

  /** The layers, bottom to top. */
  @Override
  public List<Layer> layers() {
    return Collections.unmodifiableList(layers);
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    if (layers.isEmpty()) {
      throw new IllegalStateException(describe() + " has no layers: add some before applying it");
    }
    Operand<TFloat32> x = input;
    for (Layer layer : layers) {
      x = layer.apply(tf, x);
    }
    return x;
  }

  @Override
  protected void checkInputShapes(List<Shape> inputShapes) {
    if (inputShapes.size() != 1) {
      throw new IllegalArgumentException(
          describe() + ": expected a single input, received " + inputShapes.size() + " inputs");
    }
    Shape s = inputShapes.get(0);
    if (inputShape != null && !s.isUnknown() && !compatible(inputShape, s)) {
      throw inputError("expected input of shape " + Shapes.format(inputShape), s);
    }
  }

  private static boolean compatible(Shape expected, Shape actual) {
    if (expected.numDimensions() != actual.numDimensions()) {
      return false;
    }
    for (int i = 0; i < expected.numDimensions(); i++) {
      long e = expected.get(i);
      long a = actual.get(i);
      if (e >= 0 && a >= 0 && e != a) {
        return false;
      }
    }
    return true;
  }

  /**
   * Builds the layers in order, each for its predecessor's output shape, without running the model;
   * a layer that cannot compute its output shape, and those after it, are built on the first apply.
   */
  @Override
  protected void build(Shape inputShape) {
    Shape shape = inputShape;
    for (Layer layer : layers) {
      layer.build(ops(), shape);
      try {
        shape = layer.computeOutputShape(shape);
      } catch (UnsupportedOperationException e) {
        return;
      }
    }
  }

  @Override
  public void build(Ops tf, List<Shape> inputShapes) {
    buildInContext(tf, inputShapes);
  }

  /** Builds every layer for the input given to the constructor. */
  @Override
  public void build(Ops tf) {
    if (inputShape == null) {
      super.build(tf);
    }
    buildInContext(tf, List.of(inputShape));
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    Shape shape = inputShape;
    for (Layer layer : layers) {
      shape = layer.computeOutputShape(shape);
    }
    return shape;
  }

  @Override
  List<ModelSummary.Row> summaryRows() {
    List<ModelSummary.Row> rows = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      String shape =
          i < outputShapes.size()
              ? Shapes.formatTuple(outputShapes.get(i))
              : l.outputShape().map(Shapes::formatTuple).orElse("multiple");
      rows.add(row(l, shape, List.of()));
    }
    return rows;
  }
}
