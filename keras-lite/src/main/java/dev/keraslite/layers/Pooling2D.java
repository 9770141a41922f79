package dev.keraslite.layers;

import java.util.Map;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * What {@link MaxPooling2D} and {@link AveragePooling2D} share (Keras's {@code BasePooling}): a
 * window of {@code poolSize} sliding by {@code strides} over images {@code [batch, height, width,
 * channels]} (channels last), each channel pooled on its own. Keras 3's defaults: a 2x2 window,
 * strides equal to the window, {@code "valid"} padding. Pooling has no weights.
 */
abstract class Pooling2D extends Layer {
  /** Keras's default window: 2x2. */
  public static final int DEFAULT_POOL_SIZE = 2;

  private static final int RANK = 4;

  private final int[] poolSize;
  private int[] strides;
  private String padding = ConvWindows.VALID;

  /**
   * A window of {@code poolSize = {height, width}} (one value means a square).
   *
   * @throws IllegalArgumentException unless it is one or two positive integers
   */
  protected Pooling2D(int[] poolSize) {
    this.poolSize = ConvWindows.pair(typeName(), "poolSize", poolSize);
    this.strides = this.poolSize.clone();
    setInputSpec(InputSpec.rank(RANK));
  }

  /** As {@link #Pooling2D(int[])}, with automatic names starting with {@code namePrefix} (for aliases). */
  protected Pooling2D(String namePrefix, int[] poolSize) {
    super(namePrefix);
    this.poolSize = ConvWindows.pair(typeName(), "poolSize", poolSize);
    this.strides = this.poolSize.clone();
    setInputSpec(InputSpec.rank(RANK));
  }

  /** Sets the strides; subclasses expose it with their own return type. */
  protected final void setStrides(int[] strides) {
    checkNotBuilt("strides");
    // Keras's strides=None: the window's own size, so windows tile without overlap.
    this.strides = strides == null ? poolSize.clone() : ConvWindows.pair(describe(), "strides", strides);
  }

  /** Sets the padding; subclasses expose it with their own return type. */
  protected final void setPadding(String padding) {
    checkNotBuilt("padding");
    this.padding = ConvWindows.padding(describe(), padding);
  }

  /** The window's {@code {height, width}}. */
  public int[] poolSize() {
    return poolSize.clone();
  }

  /** The steps {@code {height, width}}. */
  public int[] strides() {
    return strides.clone();
  }

  /** {@code "valid"} or {@code "same"}. */
  public String padding() {
    return padding;
  }

  /** {@code [1, ph, pw, 1]}, TensorFlow's window attribute. */
  protected final List<Long> ksizeAttr() {
    return ConvWindows.nhwc(poolSize);
  }

  /** {@code [1, sh, sw, 1]}, TensorFlow's strides attribute. */
  protected final List<Long> stridesAttr() {
    return ConvWindows.nhwc(strides);
  }

  /** {@code "VALID"} or {@code "SAME"}, TensorFlow's padding attribute. */
  protected final String paddingAttr() {
    return ConvWindows.tfPadding(padding);
  }

  @Override
  protected void checkInputShapes(List<Shape> inputShapes) {
    for (Shape s : inputShapes) {
      if (s.isUnknown()) {
        continue;
      }
      for (int axis = 0; axis < 2; axis++) {
        long in = s.get(1 + axis);
        if (in >= 0 && ConvWindows.outputLength(in, poolSize[axis], strides[axis], 1, padding) <= 0) {
          throw inputError(
              "expected images of at least " + poolSize[0] + "x" + poolSize[1]
                  + " for a " + poolSize[0] + "x" + poolSize[1] + " window with valid padding", s);
        }
      }
    }
  }

  @Override
  protected abstract Operand<TFloat32> call(Ops tf, Operand<TFloat32> input);

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    String problem = InputSpec.rank(RANK).mismatch(inputShape);
    if (problem != null) {
      throw inputError(problem, inputShape);
    }
    return Shape.of(
        inputShape.get(0),
        ConvWindows.outputLength(inputShape.get(1), poolSize[0], strides[0], 1, padding),
        ConvWindows.outputLength(inputShape.get(2), poolSize[1], strides[1], 1, padding),
        inputShape.get(3));
  }

  /** Keras 3's config keys: pool_size, padding, strides, data_format. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("pool_size", LayerConfig.list(poolSize));
    config.put("padding", padding.toLowerCase(java.util.Locale.ROOT));
    config.put("strides", LayerConfig.list(strides));
    config.put("data_format", "channels_last");
    return config;
  }

  /** Applies the pooling keys of a Keras config to a new layer (for the subclasses' fromConfig). */
  static <P extends Pooling2D> P configure(P layer, LayerConfig c) {
    c.requireDefault("data_format", "channels_last");
    layer.setStrides(c.has("strides") ? c.getInts("strides", 2, null) : null);
    layer.setPadding(c.getString("padding", "valid"));
    return c.applyBase(layer);
  }
}
