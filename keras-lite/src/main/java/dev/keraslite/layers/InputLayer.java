package dev.keraslite.layers;

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
}
