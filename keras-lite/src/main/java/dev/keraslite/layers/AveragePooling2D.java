package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Average pooling over images (Keras's {@code AveragePooling2D}): the mean of each channel in each
 * window. Keras 3's defaults: a 2x2 window, strides equal to the window, {@code "valid"} padding.
 * With {@code "same"} padding a window that overhangs the image averages only the positions inside
 * it (TensorFlow's {@code AvgPool}), so borders are not pulled towards zero.
 */
public class AveragePooling2D extends Pooling2D {
  /** A 2x2 window. */
  public AveragePooling2D() {
    this(DEFAULT_POOL_SIZE);
  }

  /** A square window of side {@code poolSize}. */
  public AveragePooling2D(int poolSize) {
    this(new int[] {poolSize});
  }

  /** A window of {@code poolSize = {height, width}}. */
  public AveragePooling2D(int[] poolSize) {
    super(poolSize);
  }

  @Override
  public AveragePooling2D name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public AveragePooling2D activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public AveragePooling2D activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** The step of the window along height and width (default: the window's size). */
  public AveragePooling2D strides(int strides) {
    setStrides(new int[] {strides});
    return this;
  }

  /** The steps {@code {height, width}} of the window; null restores the default (the window's size). */
  public AveragePooling2D strides(int[] strides) {
    setStrides(strides);
    return this;
  }

  /** {@code "valid"} (default) or {@code "same"}. */
  public AveragePooling2D padding(String padding) {
    setPadding(padding);
    return this;
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    return tf.nn.avgPool(input, ksizeAttr(), stridesAttr(), paddingAttr());
  }

  /** A layer from a Keras config. */
  public static AveragePooling2D fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("AveragePooling2D", config);
    return Pooling2D.configure(new AveragePooling2D(c.getInts("pool_size", 2, new int[] {2, 2})), c);
  }
}
