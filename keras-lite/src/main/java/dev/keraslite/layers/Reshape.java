package dev.keraslite.layers;

import dev.keraslite.layers.internal.Shapes;
import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import dev.keraslite.Recording;
import java.util.Map;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Reshapes each example to {@code targetShape}, keeping the batch axis; one target dimension may be
 * {@code -1}, inferred from the others (Keras's {@code Reshape}).
 *
 * <pre>{@code
 * new Reshape(7 * 7 * 64)   // [batch, 7, 7, 64] -> [batch, 3136]
 * new Reshape(-1, 1)        // [batch, 5] -> [batch, 5, 1]
 * }</pre>
 */
public class Reshape extends Layer {
  private final long[] targetShape;

  /**
   * A layer reshaping each example to {@code targetShape} (no batch dimension).
   *
   * @throws IllegalArgumentException for sizes other than positive ones and a single {@code -1}
   */
  public Reshape(long... targetShape) {
    int unknown = 0;
    for (long d : targetShape) {
      if (d == -1) {
        unknown++;
      } else if (d <= 0) {
        throw new IllegalArgumentException(
            "Reshape: target dimensions must be positive or -1, received "
                + Shapes.format(Shape.of(targetShape)));
      }
    }
    if (unknown > 1) {
      throw new IllegalArgumentException(
          "Reshape: at most one target dimension can be -1, received "
              + Shapes.format(Shape.of(targetShape)));
    }
    this.targetShape = targetShape.clone();
    setInputSpec(InputSpec.minRank(1));
  }

  @Override
  public Reshape name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public Reshape activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public Reshape activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** The target shape per example, as given. */
  public Shape targetShape() {
    return Shape.of(targetShape);
  }

  @Override
  protected void checkInputShapes(List<Shape> inputShapes) {
    for (Shape s : inputShapes) {
      computeOutputShape(s);
    }
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    Shape out = computeOutputShape(Recording.shape(input));
    long batch = Recording.shape(input).get(0);
    if (batch >= 0 || Shapes.sizeFrom(out, 1) >= 0) {
      long[] dims = out.asArray();
      dims[0] = batch >= 0 ? batch : -1;
      return tf.reshape(input, tf.constant(dims));
    }
    // Unknown batch and a -1 left in the target: take the batch size from the input at run time.
    Operand<TInt64> b =
        tf.slice(tf.shape(input, TInt64.class), tf.constant(new long[] {0}), tf.constant(new long[] {1}));
    return tf.reshape(input, tf.concat(List.of(b, tf.constant(targetShape)), tf.constant(0)));
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    long inner = Shapes.sizeFrom(inputShape, 1);
    long known = 1;
    int unknownAt = -1;
    for (int i = 0; i < targetShape.length; i++) {
      if (targetShape[i] == -1) {
        unknownAt = i;
      } else {
        known *= targetShape[i];
      }
    }
    long[] dims = new long[targetShape.length + 1];
    dims[0] = inputShape.get(0);
    System.arraycopy(targetShape, 0, dims, 1, targetShape.length);
    if (inner >= 0) {
      boolean fits = unknownAt >= 0 ? inner % known == 0 : inner == known;
      if (!fits) {
        throw inputError(
            "cannot reshape " + inner + " values per example to " + Shapes.format(Shape.of(targetShape))
                + " (the total size must be unchanged)",
            inputShape);
      }
      if (unknownAt >= 0) {
        dims[unknownAt + 1] = inner / known;
      }
    }
    return Shape.of(dims);
  }

  /** Keras 3's config keys: target_shape. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    java.util.List<Long> target = new java.util.ArrayList<>();
    for (long d : targetShape) {
      target.add(d);
    }
    config.put("target_shape", target);
    return config;
  }

  /** A layer from a Keras config. */
  public static Reshape fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("Reshape", config);
    java.util.List<Long> target = c.getLongList("target_shape");
    long[] dims = new long[target.size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = target.get(i);
    }
    return c.applyBase(new Reshape(dims));
  }
}
