package dev.keraslite.layers;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.ndarray.Shape;

/**
 * One symbolic call of a layer in the functional API: the layer, the tensors it was applied to and
 * the tensors it produced. {@code Model.of(inputs, outputs)} replays these calls in order.
 */
public final class Node {
  private final Layer layer;
  private final List<KerasTensor> inputs;
  private final List<KerasTensor> outputs;
  private final int index;

  Node(Layer layer, List<KerasTensor> inputs, List<Shape> outputShapes, int index) {
    this.layer = layer;
    this.inputs = List.copyOf(inputs);
    this.index = index;
    List<KerasTensor> outs = new ArrayList<>(outputShapes.size());
    for (int i = 0; i < outputShapes.size(); i++) {
      outs.add(new KerasTensor(outputShapes.get(i), this, i));
    }
    this.outputs = List.copyOf(outs);
  }

  /** The layer called. */
  public Layer layer() {
    return layer;
  }

  /** The symbolic tensors it was applied to (none for an input layer). */
  public List<KerasTensor> inputs() {
    return inputs;
  }

  /** The symbolic tensors it produced. */
  public List<KerasTensor> outputs() {
    return outputs;
  }

  /** How many symbolic calls of the same layer came before this one. */
  public int index() {
    return index;
  }
}
