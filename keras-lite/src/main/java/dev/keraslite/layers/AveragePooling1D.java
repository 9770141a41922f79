package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Average pooling along sequences (Keras's {@code AveragePooling1D}): the mean of each channel in
 * each window; with {@code "same"} padding the mean is over the positions inside the input only, as
 * TensorFlow's {@code AvgPool} (and so Keras) computes it.
 * Keras 3's defaults: a window of 2, strides equal to the window, {@code "valid"} padding, {@code
 * channels_last}.
 *
 * <pre>{@code
 * new AveragePooling1D(2)
 * }</pre>
 */
public class AveragePooling1D extends Pooling1D {
  /** A window of 2 steps. */
  public AveragePooling1D() {
    this(DEFAULT_POOL_SIZE);
  }

  /** A window of {@code poolSize} steps. */
  public AveragePooling1D(int poolSize) {
    super(poolSize);
  }

  @Override
  public AveragePooling1D name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public AveragePooling1D activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public AveragePooling1D activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** The step of the window (default: the window's size); null restores the default. */
  public AveragePooling1D strides(Integer strides) {
    setStrides(strides);
    return this;
  }

  /** {@code "valid"} (default) or {@code "same"}. */
  public AveragePooling1D padding(String padding) {
    setPadding(padding);
    return this;
  }

  /** {@code "channels_last"} (default) or {@code "channels_first"}. */
  public AveragePooling1D dataFormat(String dataFormat) {
    setDataFormat(dataFormat);
    return this;
  }

  @Override
  protected Operand<TFloat32> pool2d(
      Ops tf, Operand<TFloat32> images, int[] ksize, int[] strides, String padding) {
    return tf.nn.avgPool(images, List.of(1L, 1L, (long) ksize[2], 1L), List.of(1L, 1L, (long) strides[2], 1L), padding);
  }

  /**
   * The layer a Keras config describes ({@code pool_size}, {@code strides}, {@code padding}, {@code
   * data_format}; absent keys take Keras's defaults).
   */
  public static AveragePooling1D fromConfig(Map<String, Object> config) {
    return configure(new AveragePooling1D(poolSize("AveragePooling1D", config)), config);
  }
}
