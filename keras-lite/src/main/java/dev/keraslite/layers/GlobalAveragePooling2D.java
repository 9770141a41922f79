package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/**
 * The mean of each channel over the whole image (Keras's {@code GlobalAveragePooling2D}):
 * {@code [batch, height, width, channels]} to {@code [batch, channels]} (Keras's default {@code
 * keepdims=false}).
 */
public class GlobalAveragePooling2D extends GlobalPooling2D {
  /** A layer with Keras's defaults. */
  public GlobalAveragePooling2D() {}

  @Override
  public GlobalAveragePooling2D name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public GlobalAveragePooling2D activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public GlobalAveragePooling2D activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** Keeps the pooled height and width as axes of size 1 (default false). */
  public GlobalAveragePooling2D keepdims(boolean keepdims) {
    setKeepdims(keepdims);
    return this;
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    return tf.math.mean(input, spatialAxes(tf), Mean.keepDims(keepdims()));
  }

  /** A layer from a Keras config; only channels_last data. */
  public static GlobalAveragePooling2D fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("GlobalAveragePooling2D", config);
    c.requireDefault("data_format", "channels_last");
    return c.applyBase(new GlobalAveragePooling2D().keepdims(c.getBoolean("keepdims", false)));
  }
}
