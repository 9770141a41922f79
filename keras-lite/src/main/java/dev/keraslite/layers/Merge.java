package dev.keraslite.layers;

import dev.keraslite.layers.internal.Shapes;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The base of layers that combine two or more inputs of compatible shapes into one ({@link
 * Concatenate}, {@link Add}). They are applied to lists: {@code apply(tf, List.of(a, b))}, or
 * {@code apply(a, b)} on symbolic tensors.
 */
public abstract class Merge extends Layer {
  /** A merge layer named after its class. */
  protected Merge() {}

  @Override
  protected final void checkInputShapes(List<Shape> inputShapes) {
    if (inputShapes.size() < 2) {
      throw new IllegalArgumentException(
          describe() + ": expected a list of at least 2 inputs, received " + inputShapes.size()
              + " input" + (inputShapes.size() == 1 ? " of shape " + Shapes.format(inputShapes.get(0)) : ""));
    }
    for (Shape s : inputShapes) {
      if (s.isUnknown()) {
        throw new IllegalArgumentException(describe() + ": the rank of every input must be known");
      }
    }
    computeOutputShape(inputShapes);
  }

  @Override
  protected final Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    throw new IllegalArgumentException(
        describe() + ": expected a list of at least 2 inputs, received a single input");
  }

  @Override
  protected final Operand<TFloat32> call(Ops tf, List<Operand<TFloat32>> inputs, boolean training) {
    return merge(tf, inputs);
  }

  /** Combines the inputs, whose shapes have been checked by {@link #computeOutputShape(List)}. */
  protected abstract Operand<TFloat32> merge(Ops tf, List<Operand<TFloat32>> inputs);

  /**
   * The merged shape; throws {@link IllegalArgumentException} naming the layer and the shapes when
   * they are incompatible.
   */
  @Override
  public abstract Shape computeOutputShape(List<Shape> inputShapes);

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    return computeOutputShape(List.of(inputShape));
  }

  /** The shapes, formatted for messages: {@code [2, 3], [2, 4]}. */
  protected static String formatAll(List<Shape> shapes) {
    StringBuilder sb = new StringBuilder();
    for (Shape s : shapes) {
      sb.append(sb.length() > 0 ? ", " : "").append(Shapes.format(s));
    }
    return sb.toString();
  }
}
