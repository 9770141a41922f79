package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import java.util.Map;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Max pooling over images (Keras's {@code MaxPooling2D}): the largest value of each channel in each
 * window. Keras 3's defaults: a 2x2 window, strides equal to the window, {@code "valid"} padding
 * (with {@code "same"}, padded positions never win).
 *
 * <pre>{@code
 * MaxPooling2D pool = new MaxPooling2D(2).strides(2);
 * }</pre>
 */
public class MaxPooling2D extends Pooling2D {
  /** A 2x2 window. */
  public MaxPooling2D() {
    this(DEFAULT_POOL_SIZE);
  }

  /** A square window of side {@code poolSize}. */
  public MaxPooling2D(int poolSize) {
    this(new int[] {poolSize});
  }

  /** A window of {@code poolSize = {height, width}}. */
  public MaxPooling2D(int[] poolSize) {
    super(poolSize);
  }

  /** For the alias {@link MaxPool2D}, whose layers are named as this class's. */
  MaxPooling2D(String namePrefix, int[] poolSize) {
    super(namePrefix, poolSize);
  }

  @Override
  public MaxPooling2D name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public MaxPooling2D activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public MaxPooling2D activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** The step of the window along height and width (default: the window's size). */
  public MaxPooling2D strides(int strides) {
    setStrides(new int[] {strides});
    return this;
  }

  /** The steps {@code {height, width}} of the window; null restores the default (the window's size). */
  public MaxPooling2D strides(int[] strides) {
    setStrides(strides);
    return this;
  }

  /** {@code "valid"} (default) or {@code "same"}. */
  public MaxPooling2D padding(String padding) {
    setPadding(padding);
    return this;
  }

  /**
   * TensorFlow's {@code MaxPool}, the op with window and strides as attributes, built by name:
   * TensorFlow Java's {@code tf.nn.maxPool} builds {@code MaxPoolV2} (window and strides as
   * tensors), which TensorFlow's oneDNN graph rewrite leaves to Eigen, and whose Eigen gradient
   * {@code MaxPoolGradV2} took 10-11 ms of the tutorial CNN's ~50-90 ms training step (step stats,
   * {@code MixedPrecisionProfile stepstats}); {@code MaxPool} and its gradient {@code MaxPoolGrad}
   * run on oneDNN's pooling kernels in compiled steps.
   */
  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    return maxPool(tf, input, toLongs(ksizeAttr()), toLongs(stridesAttr()), paddingAttr());
  }

  /**
   * TensorFlow's {@code MaxPool} on NHWC {@code images}, window and strides as attributes (see
   * {@link #call}); {@link MaxPooling1D} pools its sequences as images of height 1 with it.
   */
  static Operand<TFloat32> maxPool(
      Ops tf, Operand<TFloat32> images, long[] ksize, long[] strides, String padding) {
    @SuppressWarnings({"unchecked", "rawtypes"})
    Operand<TFloat32> pooled =
        (Operand) tf.scope()
                .opBuilder("MaxPool", "MaxPool")
                .addInput(images.asOutput())
                .setAttr("ksize", ksize)
                .setAttr("strides", strides)
                .setAttr("padding", padding)
                .setAttr("data_format", "NHWC")
                .build()
                .output(0);
    return pooled;
  }

  private static long[] toLongs(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).toArray();
  }


  /** A layer from a Keras config. */
  public static MaxPooling2D fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("MaxPooling2D", config);
    return Pooling2D.configure(new MaxPooling2D(c.getInts("pool_size", 2, new int[] {2, 2})), c);
  }
}
