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
 * Concatenates its inputs along an axis, the last by default (Keras's {@code
 * Concatenate(axis=-1)}); all other dimensions must agree.
 */
public class Concatenate extends Merge {
  private final int axis;

  /** Concatenation along the last axis. */
  public Concatenate() {
    this(-1);
  }

  /** Concatenation along {@code axis}; negative values count from the end. */
  public Concatenate(int axis) {
    this.axis = axis;
  }

  @Override
  public Concatenate name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public Concatenate activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public Concatenate activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** The axis, as given. */
  public int axis() {
    return axis;
  }

  @Override
  protected Operand<TFloat32> merge(Ops tf, List<Operand<TFloat32>> inputs) {
    return tf.concat(inputs, tf.constant(axis));
  }

  @Override
  public Shape computeOutputShape(List<Shape> inputShapes) {
    int rank = inputShapes.get(0).numDimensions();
    int a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) {
      throw new IllegalArgumentException(
          describe() + ": axis " + axis + " is out of range for inputs of shape "
              + formatAll(inputShapes));
    }
    long[] out = inputShapes.get(0).asArray();
    for (Shape s : inputShapes.subList(1, inputShapes.size())) {
      if (s.numDimensions() != rank) {
        throw mismatch(inputShapes);
      }
      for (int i = 0; i < rank; i++) {
        long d = s.get(i);
        if (i == a) {
          out[i] = out[i] < 0 || d < 0 ? Shape.UNKNOWN_SIZE : out[i] + d;
        } else if (out[i] < 0) {
          out[i] = d;
        } else if (d >= 0 && d != out[i]) {
          throw mismatch(inputShapes);
        }
      }
    }
    return Shape.of(out);
  }

  private IllegalArgumentException mismatch(List<Shape> shapes) {
    return new IllegalArgumentException(
        describe() + ": expected inputs with matching shapes except on the concatenation axis "
            + axis + ", received shapes " + formatAll(shapes));
  }

  /** Keras 3's config keys: axis. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("axis", axis);
    return config;
  }

  /** A layer from a Keras config. */
  public static Concatenate fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("Concatenate", config);
    return c.applyBase(new Concatenate(Math.toIntExact(c.getLong("axis", -1))));
  }
}
