package dev.keraslite.layers;

import dev.keraslite.layers.internal.Shapes;
import org.tensorflow.ndarray.Shape;

/**
 * A symbolic tensor of the functional API: a shape (batch dimension unknown) and the layer call
 * that produces it. Made by {@code Input.of(...)} and by applying layers to symbolic tensors; no
 * TensorFlow value is behind it.
 */
public final class KerasTensor {
  private final Shape shape;
  private final Node node;
  private final int index;

  KerasTensor(Shape shape, Node node, int index) {
    this.shape = shape;
    this.node = node;
    this.index = index;
  }

  /** The full shape, batch dimension first (unknown, {@code -1}). */
  public Shape shape() {
    return shape;
  }

  /** The layer call that produces this tensor. */
  public Node node() {
    return node;
  }

  /** Which of that call's outputs this is. */
  public int index() {
    return index;
  }

  /** Keras's reference in summaries: {@code dense[0][0]} (layer, call, output). */
  public String reference() {
    return node.layer().name() + "[" + node.index() + "][" + index + "]";
  }

  @Override
  public String toString() {
    return "<KerasTensor shape=" + Shapes.formatTuple(shape) + ", dtype=float32, name="
        + node.layer().name() + ">";
  }
}
