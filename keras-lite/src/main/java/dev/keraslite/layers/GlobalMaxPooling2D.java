package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Max;
import org.tensorflow.types.TFloat32;

/**
 * The largest value of each channel over the whole image (Keras's {@code GlobalMaxPooling2D}):
 * {@code [batch, height, width, channels]} to {@code [batch, channels]} (Keras's default {@code
 * keepdims=false}).
 */
public class GlobalMaxPooling2D extends GlobalPooling2D {
  /** A layer with Keras's defaults. */
  public GlobalMaxPooling2D() {}

  @Override
  public GlobalMaxPooling2D name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public GlobalMaxPooling2D activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public GlobalMaxPooling2D activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** Keeps the pooled height and width as axes of size 1 (default false). */
  public GlobalMaxPooling2D keepdims(boolean keepdims) {
    setKeepdims(keepdims);
    return this;
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    return tf.max(input, spatialAxes(tf), Max.keepDims(keepdims()));
  }

  /** A layer from a Keras config; only channels_last data. */
  public static GlobalMaxPooling2D fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("GlobalMaxPooling2D", config);
    c.requireDefault("data_format", "channels_last");
    return c.applyBase(new GlobalMaxPooling2D().keepdims(c.getBoolean("keepdims", false)));
  }
}
