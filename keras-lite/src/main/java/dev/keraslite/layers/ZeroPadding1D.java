package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Adds zeros before and after the steps of sequences (Keras's {@code ZeroPadding1D}): {@code
 * [batch, steps, channels]} to {@code [batch, left + steps + right, channels]} ({@code
 * channels_last}, the default; the steps are axis 2 with {@code channels_first}). Keras 3's default
 * padding: one zero on each side.
 *
 * <pre>{@code
 * new ZeroPadding1D(2)              // 2 zeros before and after
 * new ZeroPadding1D(new int[] {1, 3})  // 1 before, 3 after
 * }</pre>
 */
public class ZeroPadding1D extends Layer {
  private static final int RANK = 3;

  private final int left;
  private final int right;
  private String dataFormat = Conv1D.CHANNELS_LAST;

  /** One zero on each side. */
  public ZeroPadding1D() {
    this(1);
  }

  /** {@code padding} zeros on each side. */
  public ZeroPadding1D(int padding) {
    this(new int[] {padding});
  }

  /**
   * {@code {left, right}} zeros (one value: on both sides).
   *
   * @throws IllegalArgumentException unless one or two non-negative integers
   */
  public ZeroPadding1D(int[] padding) {
    if (padding == null || padding.length < 1 || padding.length > 2
        || padding[0] < 0 || padding[padding.length - 1] < 0) {
      throw new IllegalArgumentException(
          "ZeroPadding1D: padding must be one or two non-negative integers, received "
              + (padding == null ? "null" : java.util.Arrays.toString(padding)));
    }
    this.left = padding[0];
    this.right = padding[padding.length - 1];
    setInputSpec(InputSpec.rank(RANK));
  }

  @Override
  public ZeroPadding1D name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public ZeroPadding1D activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public ZeroPadding1D activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** {@code "channels_last"} (default) or {@code "channels_first"}. */
  public ZeroPadding1D dataFormat(String dataFormat) {
    checkNotBuilt("dataFormat");
    this.dataFormat = Conv1D.dataFormat(describe(), dataFormat);
    return this;
  }

  /** {@code {left, right}}. */
  public int[] padding() {
    return new int[] {left, right};
  }

  /** {@code "channels_last"} or {@code "channels_first"}. */
  public String dataFormat() {
    return dataFormat;
  }

  private int stepAxis() {
    return Conv1D.CHANNELS_FIRST.equals(dataFormat) ? 2 : 1;
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    int[][] pads = new int[RANK][2];
    pads[stepAxis()] = new int[] {left, right};
    return tf.pad(input, tf.constant(pads), tf.constant(0f));
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    String problem = InputSpec.rank(RANK).mismatch(inputShape);
    if (problem != null) {
      throw inputError(problem, inputShape);
    }
    long[] dims = inputShape.asArray();
    if (dims[stepAxis()] >= 0) {
      dims[stepAxis()] += left + right;
    }
    return Shape.of(dims);
  }

  /** Keras 3's {@code ZeroPadding1D.get_config()}: the base keys, {@code padding} {@code [left, right]}, {@code data_format}. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("padding", LayerConfig.list(left, right));
    config.put("data_format", dataFormat);
    return config;
  }

  /** The layer a Keras config describes ({@code padding}: an integer or {@code [left, right]}). */
  public static ZeroPadding1D fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("ZeroPadding1D", config);
    int[] padding = c.getInts("padding", 2, new int[] {1, 1});
    ZeroPadding1D layer = new ZeroPadding1D(padding);
    layer.dataFormat(c.getString("data_format", Conv1D.CHANNELS_LAST));
    return c.applyBase(layer);
  }
}
