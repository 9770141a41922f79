package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Max pooling along sequences (Keras's {@code MaxPooling1D}): the largest value of each channel in
 * each window (with {@code "same"} padding, padded positions never win).
 * Keras 3's defaults: a window of 2, strides equal to the window, {@code "valid"} padding, {@code
 * channels_last}.
 *
 * <pre>{@code
 * new MaxPooling1D(3).strides(1).padding("same")
 * }</pre>
 */
public class MaxPooling1D extends Pooling1D {
  /** A window of 2 steps. */
  public MaxPooling1D() {
    this(DEFAULT_POOL_SIZE);
  }

  /** A window of {@code poolSize} steps. */
  public MaxPooling1D(int poolSize) {
    super(poolSize);
  }

  @Override
  public MaxPooling1D name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public MaxPooling1D activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public MaxPooling1D activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** The step of the window (default: the window's size); null restores the default. */
  public MaxPooling1D strides(Integer strides) {
    setStrides(strides);
    return this;
  }

  /** {@code "valid"} (default) or {@code "same"}. */
  public MaxPooling1D padding(String padding) {
    setPadding(padding);
    return this;
  }

  /** {@code "channels_last"} (default) or {@code "channels_first"}. */
  public MaxPooling1D dataFormat(String dataFormat) {
    setDataFormat(dataFormat);
    return this;
  }

  /** TensorFlow's {@code MaxPool}, which oneDNN runs, not {@code MaxPoolV2} (see {@link MaxPooling2D}). */
  @Override
  protected Operand<TFloat32> pool2d(
      Ops tf, Operand<TFloat32> images, int[] ksize, int[] strides, String padding) {
    return MaxPooling2D.maxPool(
        tf, images, java.util.Arrays.stream(ksize).asLongStream().toArray(),
        java.util.Arrays.stream(strides).asLongStream().toArray(), padding);
  }

  /**
   * The layer a Keras config describes ({@code pool_size}, {@code strides}, {@code padding}, {@code
   * data_format}; absent keys take Keras's defaults).
   */
  public static MaxPooling1D fromConfig(Map<String, Object> config) {
    return configure(new MaxPooling1D(poolSize("MaxPooling1D", config)), config);
  }
}
