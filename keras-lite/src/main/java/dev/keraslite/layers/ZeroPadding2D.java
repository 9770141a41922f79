package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Pads images {@code [batch, height, width, channels]} with rows and columns of zeros (Keras's
 * {@code ZeroPadding2D}), channels last. Keras 3's default pads one row and column on every side.
 *
 * <pre>{@code
 * new ZeroPadding2D(2)                              // 2 on every side
 * new ZeroPadding2D(1, 3)                           // 1 above and below, 3 left and right
 * new ZeroPadding2D(new int[][] {{0, 1}, {0, 1}})   // ((top, bottom), (left, right))
 * }</pre>
 */
public class ZeroPadding2D extends Layer {
  private static final int RANK = 4;

  /** {@code {{top, bottom}, {left, right}}}. */
  private final int[][] padding;

  /** Keras's default: one row or column of zeros on every side. */
  public ZeroPadding2D() {
    this(1);
  }

  /**
   * {@code padding} rows and columns on every side.
   *
   * @throws IllegalArgumentException for a negative amount
   */
  public ZeroPadding2D(int padding) {
    this(padding, padding);
  }

  /**
   * {@code height} rows above and below, {@code width} columns left and right.
   *
   * @throws IllegalArgumentException for a negative amount
   */
  public ZeroPadding2D(int height, int width) {
    this(new int[][] {{height, height}, {width, width}});
  }

  /**
   * {@code {{top, bottom}, {left, right}}}.
   *
   * @throws IllegalArgumentException unless it is two pairs of non-negative integers
   */
  public ZeroPadding2D(int[][] padding) {
    if (padding == null
        || padding.length != 2
        || padding[0] == null
        || padding[1] == null
        || padding[0].length != 2
        || padding[1].length != 2) {
      throw new IllegalArgumentException(
          "ZeroPadding2D: padding must be an integer, 2 integers or ((top, bottom), (left, right)),"
              + " received " + Arrays.deepToString(padding));
    }
    for (int[] pair : padding) {
      for (int p : pair) {
        if (p < 0) {
          throw new IllegalArgumentException(
              "ZeroPadding2D: padding must be non-negative, received " + Arrays.deepToString(padding));
        }
      }
    }
    this.padding = new int[][] {padding[0].clone(), padding[1].clone()};
    setInputSpec(InputSpec.rank(RANK));
  }

  @Override
  public ZeroPadding2D name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public ZeroPadding2D activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public ZeroPadding2D activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** {@code {{top, bottom}, {left, right}}}. */
  public int[][] padding() {
    return new int[][] {padding[0].clone(), padding[1].clone()};
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    int[][] all = {{0, 0}, padding[0].clone(), padding[1].clone(), {0, 0}};
    return tf.pad(input, tf.constant(all), tf.constant(0f));
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    String problem = InputSpec.rank(RANK).mismatch(inputShape);
    if (problem != null) {
      throw inputError(problem, inputShape);
    }
    return Shape.of(
        inputShape.get(0),
        padded(inputShape.get(1), padding[0]),
        padded(inputShape.get(2), padding[1]),
        inputShape.get(3));
  }

  private static long padded(long size, int[] pair) {
    return size < 0 ? -1 : size + pair[0] + pair[1];
  }

  /** Keras 3's keys: {@code padding} as {@code [[top, bottom], [left, right]]} and {@code data_format}. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("padding", List.of(LayerConfig.list(padding[0]), LayerConfig.list(padding[1])));
    config.put("data_format", "channels_last");
    return config;
  }

  /**
   * The layer {@link #getConfig()} describes; {@code padding} may be an integer, a pair or a pair
   * of pairs, as Keras's constructor takes.
   *
   * @throws IllegalArgumentException for other values or {@code channels_first}
   */
  public static ZeroPadding2D fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("ZeroPadding2D", config);
    c.requireDefault("data_format", "channels_last");
    Object p = c.raw("padding");
    ZeroPadding2D layer;
    if (p == null) {
      layer = new ZeroPadding2D();
    } else if (p instanceof List<?> list && list.size() == 2 && list.get(0) instanceof List) {
      LayerConfig pairs = LayerConfig.of("ZeroPadding2D", Map.of("rows", list.get(0), "cols", list.get(1)));
      layer = new ZeroPadding2D(new int[][] {pairs.getInts("rows", 2, null), pairs.getInts("cols", 2, null)});
    } else if (p instanceof Number n) {
      layer = new ZeroPadding2D(Math.toIntExact(n.longValue()));
    } else {
      int[] v = c.getInts("padding", 2, null);
      layer = new ZeroPadding2D(v[0], v[1]);
    }
    return c.applyBase(layer);
  }

}
