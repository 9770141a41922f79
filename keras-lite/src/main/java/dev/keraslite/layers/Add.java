package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import java.util.Map;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Adds its inputs element-wise (Keras's {@code Add}); their shapes must be equal or broadcast to
 * each other.
 */
public class Add extends Merge {
  /** An add layer. */
  public Add() {}

  @Override
  public Add name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public Add activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public Add activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  @Override
  protected Operand<TFloat32> merge(Ops tf, List<Operand<TFloat32>> inputs) {
    Operand<TFloat32> sum = inputs.get(0);
    for (Operand<TFloat32> x : inputs.subList(1, inputs.size())) {
      sum = tf.math.add(sum, x);
    }
    return sum;
  }

  @Override
  public Shape computeOutputShape(List<Shape> inputShapes) {
    Shape out = inputShapes.get(0);
    for (Shape s : inputShapes.subList(1, inputShapes.size())) {
      out = broadcast(out, s, inputShapes);
    }
    return out;
  }

  private Shape broadcast(Shape a, Shape b, List<Shape> all) {
    int rank = Math.max(a.numDimensions(), b.numDimensions());
    long[] out = new long[rank];
    for (int i = 1; i <= rank; i++) {
      long x = i <= a.numDimensions() ? a.get(a.numDimensions() - i) : 1;
      long y = i <= b.numDimensions() ? b.get(b.numDimensions() - i) : 1;
      long d;
      if (x == 1) {
        d = y;
      } else if (y == 1) {
        d = x;
      } else if (x < 0 || y < 0) {
        d = x < 0 ? y : x;
      } else if (x == y) {
        d = x;
      } else {
        throw new IllegalArgumentException(
            describe() + ": expected inputs of equal or broadcastable shapes, received shapes "
                + Merge.formatAll(all));
      }
      out[rank - i] = d;
    }
    return Shape.of(out);
  }

  /** A layer from a Keras config (name, trainable, dtype only). */
  public static Add fromConfig(Map<String, Object> config) {
    return LayerConfig.of("Add", config).applyBase(new Add());
  }
}
