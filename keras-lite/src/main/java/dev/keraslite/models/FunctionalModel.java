package dev.keraslite.models;

import dev.keraslite.layers.InputLayer;
import dev.keraslite.layers.KerasTensor;
import dev.keraslite.layers.Layer;
import dev.keraslite.layers.Node;
import dev.keraslite.layers.internal.Shapes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A model defined by a graph of symbolic layer calls ({@link Model#of}): applying it replays the
 * calls in topological order on real tensors.
 */
final class FunctionalModel extends Model {
  private final List<KerasTensor> inputs;
  private final List<KerasTensor> outputs;
  private final List<Node> nodes;
  private final List<Layer> layers;

  private FunctionalModel(
      List<KerasTensor> inputs, List<KerasTensor> outputs, List<Node> nodes, List<Layer> layers) {
    super("functional");
    this.inputs = inputs;
    this.outputs = outputs;
    this.nodes = nodes;
    this.layers = layers;
  }

  /** Validates the graph before anything is created, so a refused graph leaves no trace. */
  static FunctionalModel create(List<KerasTensor> inputs, List<KerasTensor> outputs) {
    if (inputs == null || inputs.isEmpty() || outputs == null || outputs.isEmpty()) {
      throw new IllegalArgumentException("Model.of: a functional model needs inputs and outputs");
    }
    Set<KerasTensor> inputSet = Collections.newSetFromMap(new IdentityHashMap<>());
    for (KerasTensor in : inputs) {
      if (in == null || !(in.node().layer() instanceof InputLayer)) {
        throw new IllegalArgumentException(
            "Model.of: inputs must be tensors returned by Input.of(...), received " + in);
      }
      if (!inputSet.add(in)) {
        throw new IllegalArgumentException("Model.of: input " + in + " is listed twice");
      }
    }
    List<Node> order = new ArrayList<>();
    Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
    for (KerasTensor in : inputs) {
      visited.add(in.node());
      order.add(in.node());
    }
    for (KerasTensor out : outputs) {
      if (out == null) {
        throw new IllegalArgumentException("Model.of: an output is null");
      }
      visit(out, null, inputSet, visited, order);
    }
    Map<Layer, Boolean> unique = new IdentityHashMap<>();
    Map<String, Layer> byName = new LinkedHashMap<>();
    List<Layer> layerList = new ArrayList<>();
    for (Node node : order) {
      Layer l = node.layer();
      if (unique.put(l, Boolean.TRUE) == null) {
        Layer clash = byName.put(l.name(), l);
        if (clash != null) {
          throw new IllegalArgumentException(
              "Model.of: layer names must be unique in a model; '" + l.name() + "' names both "
                  + clash + " and " + l);
        }
        layerList.add(l);
      }
    }
    return new FunctionalModel(
        List.copyOf(inputs), List.copyOf(outputs), List.copyOf(order), List.copyOf(layerList));
  }

  /** Keras's class name for graph-defined models. */
  @Override
  public String typeName() {
    return "Functional";
  }

  /** Depth-first, inputs before the calls that use them: a topological order of the calls. */
  private static void visit(
      KerasTensor tensor, Node consumer, Set<KerasTensor> inputSet, Set<Node> visited, List<Node> order) {
    Node node = tensor.node();
    if (node.layer() instanceof InputLayer && !inputSet.contains(tensor)) {
      throw new IllegalArgumentException(
          "Model.of: graph disconnected: cannot obtain the value of " + tensor
              + (consumer == null ? "" : " needed by layer '" + consumer.layer().name() + "'")
              + "; pass it among the model's inputs");
    }
    if (!visited.add(node)) {
      return;
    }
    for (KerasTensor in : node.inputs()) {
      visit(in, node, inputSet, visited, order);
    }
    order.add(node);
  }

  @Override
  public List<KerasTensor> inputs() {
    return inputs;
  }

  @Override
  public List<KerasTensor> outputs() {
    return outputs;
  }

  @Override
  public List<Layer> layers() {
    return layers;
  }

  @Override
  protected void checkInputShapes(List<Shape> inputShapes) {
    if (inputShapes.size() != inputs.size()) {
      throw new IllegalArgumentException(
          describe() + ": expected " + inputs.size() + " input" + (inputs.size() == 1 ? "" : "s")
              + ", received " + inputShapes.size());
    }
    for (int i = 0; i < inputShapes.size(); i++) {
      Shape expected = inputs.get(i).shape();
      Shape actual = inputShapes.get(i);
      if (!actual.isUnknown() && !compatible(expected, actual)) {
        throw inputError(
            (inputs.size() > 1 ? "input " + i + ": " : "") + "expected input of shape "
                + Shapes.format(expected),
            actual);
      }
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

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    return callOutputs(tf, List.of(input), false).get(0);
  }

  @Override
  protected List<Operand<TFloat32>> callOutputs(
      Ops tf, List<Operand<TFloat32>> inputValues, boolean training) {
    // The training flag reaches the layers through the call context of this apply.
    Map<KerasTensor, Operand<TFloat32>> values = new IdentityHashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      values.put(inputs.get(i), inputValues.get(i));
    }
    for (Node node : nodes) {
      if (node.layer() instanceof InputLayer) {
        continue;
      }
      List<Operand<TFloat32>> args = new ArrayList<>(node.inputs().size());
      for (KerasTensor t : node.inputs()) {
        args.add(values.get(t));
      }
      List<Operand<TFloat32>> results = node.layer().applyOutputs(tf, args);
      for (int j = 0; j < node.outputs().size(); j++) {
        values.put(node.outputs().get(j), results.get(j));
      }
    }
    List<Operand<TFloat32>> result = new ArrayList<>(outputs.size());
    for (KerasTensor out : outputs) {
      result.add(values.get(out));
    }
    return result;
  }

  /** Builds every layer for the shapes recorded in the graph, running no op. */
  @Override
  protected void build(List<Shape> inputShapes) {
    for (Node node : nodes) {
      if (node.layer() instanceof InputLayer) {
        continue;
      }
      List<Shape> shapes = new ArrayList<>(node.inputs().size());
      for (KerasTensor t : node.inputs()) {
        shapes.add(t.shape());
      }
      node.layer().build(ops(), shapes);
    }
  }

  @Override
  public void build(Ops tf, List<Shape> inputShapes) {
    buildInContext(tf, inputShapes);
  }

  /** The {@code Input}s in order, by their layers' names, for export. */
  @Override
  protected java.util.Map<String, Shape> exportInputs() {
    java.util.Map<String, Shape> out = new java.util.LinkedHashMap<>();
    for (KerasTensor in : inputs) {
      out.put(in.node().layer().name(), in.shape());
    }
    return out;
  }

  @Override
  public void build(Ops tf) {
    List<Shape> shapes = new ArrayList<>(inputs.size());
    for (KerasTensor in : inputs) {
      shapes.add(in.shape());
    }
    buildInContext(tf, shapes);
  }

  @Override
  public List<Shape> computeOutputShapes(List<Shape> inputShapes) {
    List<Shape> shapes = new ArrayList<>(outputs.size());
    for (KerasTensor out : outputs) {
      shapes.add(out.shape());
    }
    return shapes;
  }

  @Override
  public Shape computeOutputShape(List<Shape> inputShapes) {
    return computeOutputShapes(inputShapes).get(0);
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    return computeOutputShape(List.of(inputShape));
  }

  @Override
  List<ModelSummary.Row> summaryRows() {
    List<ModelSummary.Row> rows = new ArrayList<>();
    for (Layer layer : layers) {
      String shape = null;
      List<String> links = new ArrayList<>();
      for (Node node : nodes) {
        if (node.layer() != layer) {
          continue;
        }
        if (shape == null) {
          shape = Shapes.formatTuple(node.outputs().get(0).shape());
        } else if (!shape.equals(Shapes.formatTuple(node.outputs().get(0).shape()))) {
          shape = "multiple";
        }
        for (KerasTensor in : node.inputs()) {
          links.add(in.reference());
        }
      }
      rows.add(row(layer, shape, links));
    }
    return rows;
  }

  /** Connections are shown unless the graph is a plain chain (Keras's rule). */
  @Override
  boolean showsConnections() {
    if (inputs.size() != 1 || outputs.size() != 1 || layers.size() != nodes.size()) {
      return true;
    }
    Map<KerasTensor, Integer> uses = new IdentityHashMap<>();
    for (Node node : nodes) {
      if (node.inputs().size() > 1 || node.outputs().size() > 1) {
        return true;
      }
      for (KerasTensor in : node.inputs()) {
        if (uses.merge(in, 1, Integer::sum) > 1) {
          return true;
        }
      }
    }
    return false;
  }
}
