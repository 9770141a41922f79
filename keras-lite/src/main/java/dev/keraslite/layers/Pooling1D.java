package dev.keraslite.layers;

import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;

/**
 * What {@link MaxPooling1D} and {@link AveragePooling1D} share (Keras's {@code BasePooling} for
 * rank 1): a window of {@code poolSize} steps sliding by {@code strides} along sequences {@code
 * [batch, steps, channels]} ({@code channels_last}, the default) or {@code [batch, channels,
 * steps]} ({@code channels_first}), each channel pooled on its own. Keras 3's defaults: a window of
 * 2, strides equal to the window, {@code "valid"} padding. No weights.
 */
abstract class Pooling1D extends Layer {
  /** Keras's default window: 2 steps. */
  public static final int DEFAULT_POOL_SIZE = 2;

  private static final int RANK = 3;

  private final int poolSize;
  private int strides;
  private String padding = ConvWindows.VALID;
  private String dataFormat = Conv1D.CHANNELS_LAST;

  /**
   * A window of {@code poolSize} steps.
   *
   * @throws IllegalArgumentException unless it is positive
   */
  protected Pooling1D(int poolSize) {
    if (poolSize <= 0) {
      throw new IllegalArgumentException(
          typeName() + ": poolSize must be a positive integer, received " + poolSize);
    }
    this.poolSize = poolSize;
    this.strides = poolSize;
    setInputSpec(InputSpec.rank(RANK));
  }

  /** Sets the strides (null: the window's size); subclasses expose it with their own return type. */
  protected final void setStrides(Integer strides) {
    checkNotBuilt("strides");
    if (strides != null && strides <= 0) {
      throw new IllegalArgumentException(
          describe() + ": strides must be a positive integer, received " + strides);
    }
    // Keras's strides=None: the window's own size, so windows tile without overlap.
    this.strides = strides == null ? poolSize : strides;
  }

  /** Sets the padding; subclasses expose it with their own return type. */
  protected final void setPadding(String padding) {
    checkNotBuilt("padding");
    this.padding = ConvWindows.padding(describe(), padding);
  }

  /** Sets the data format; subclasses expose it with their own return type. */
  protected final void setDataFormat(String dataFormat) {
    checkNotBuilt("dataFormat");
    this.dataFormat = Conv1D.dataFormat(describe(), dataFormat);
  }

  /** The window's length in steps. */
  public int poolSize() {
    return poolSize;
  }

  /** The step of the window. */
  public int strides() {
    return strides;
  }

  /** {@code "valid"} or {@code "same"}. */
  public String padding() {
    return padding;
  }

  /** {@code "channels_last"} or {@code "channels_first"}. */
  public String dataFormat() {
    return dataFormat;
  }

  private boolean channelsFirst() {
    return Conv1D.CHANNELS_FIRST.equals(dataFormat);
  }

  private int stepAxis() {
    return channelsFirst() ? 2 : 1;
  }

  @Override
  protected void checkInputShapes(List<Shape> inputShapes) {
    for (Shape s : inputShapes) {
      if (s.isUnknown()) {
        continue;
      }
      long in = s.get(stepAxis());
      if (in >= 0 && ConvWindows.outputLength(in, poolSize, strides, 1, padding) <= 0) {
        throw inputError(
            "expected sequences of at least " + poolSize + " steps (axis " + stepAxis() + ") for a"
                + " window of " + poolSize + " with valid padding", s);
      }
    }
  }

  /**
   * The pooling op on images {@code [batch, 1, steps, channels]} with window {@code ksize} and
   * {@code strides} ({@code [1, 1, n, 1]}) and TensorFlow's padding name.
   */
  protected abstract Operand<TFloat32> pool2d(
      Ops tf, Operand<TFloat32> images, int[] ksize, int[] strides, String padding);

  @Override
  protected final Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    // TensorFlow's pooling kernels are 2D and channels-last on CPU: pool images of height 1, and
    // transpose channels_first around them.
    Operand<TFloat32> x =
        channelsFirst() ? tf.linalg.transpose(input, tf.constant(new int[] {0, 2, 1})) : input;
    Operand<TFloat32> pooled =
        pool2d(
            tf, tf.expandDims(x, tf.constant(1)), new int[] {1, 1, poolSize, 1},
            new int[] {1, 1, strides, 1}, ConvWindows.tfPadding(padding));
    Operand<TFloat32> y = tf.squeeze(pooled, Squeeze.axis(List.of(1L)));
    return channelsFirst() ? tf.linalg.transpose(y, tf.constant(new int[] {0, 2, 1})) : y;
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    String problem = InputSpec.rank(RANK).mismatch(inputShape);
    if (problem != null) {
      throw inputError(problem, inputShape);
    }
    long steps = ConvWindows.outputLength(inputShape.get(stepAxis()), poolSize, strides, 1, padding);
    return channelsFirst()
        ? Shape.of(inputShape.get(0), inputShape.get(1), steps)
        : Shape.of(inputShape.get(0), steps, inputShape.get(2));
  }

  /**
   * Keras 3's {@code BasePooling.get_config()}: the base keys, then {@code pool_size}, {@code
   * padding}, {@code strides} (tuples as lists) and {@code data_format}.
   */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("pool_size", LayerConfig.list(poolSize));
    config.put("padding", padding);
    config.put("strides", LayerConfig.list(strides));
    config.put("data_format", dataFormat);
    return config;
  }

  /** Reads {@code strides}, {@code padding}, {@code data_format} and the base keys into {@code layer}. */
  static <P extends Pooling1D> P configure(P layer, Map<String, Object> config) {
    LayerConfig c = LayerConfig.of(layer.typeName(), config);
    int[] strides = c.getInts("strides", 1, null);
    layer.setStrides(strides == null ? null : strides[0]);
    layer.setPadding(c.getString("padding", ConvWindows.VALID));
    layer.setDataFormat(c.getString("data_format", Conv1D.CHANNELS_LAST));
    return c.applyBase(layer);
  }

  /** The window a config gives ({@code pool_size}, Keras's default 2). */
  static int poolSize(String className, Map<String, Object> config) {
    return LayerConfig.of(className, config).getInts("pool_size", 1, new int[] {DEFAULT_POOL_SIZE})[0];
  }
}
