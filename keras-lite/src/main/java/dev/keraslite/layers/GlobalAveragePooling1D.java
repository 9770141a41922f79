package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/**
 * The mean of each channel over all steps (Keras's {@code GlobalAveragePooling1D}): {@code [batch, steps,
 * channels]} to {@code [batch, channels]}. Keras 3's defaults: {@code channels_last}, {@code
 * keepdims=false}. (Keras's mask argument is not supported: keras-lite has no masking.)
 */
public class GlobalAveragePooling1D extends GlobalPooling1D {
  /** A layer with Keras's defaults. */
  public GlobalAveragePooling1D() {}

  @Override
  public GlobalAveragePooling1D name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public GlobalAveragePooling1D activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public GlobalAveragePooling1D activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** {@code "channels_last"} (default) or {@code "channels_first"}. */
  public GlobalAveragePooling1D dataFormat(String dataFormat) {
    setDataFormat(dataFormat);
    return this;
  }

  /** Keeps the pooled steps axis with size 1 (default false). */
  public GlobalAveragePooling1D keepdims(boolean keepdims) {
    setKeepdims(keepdims);
    return this;
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    return tf.math.mean(input, tf.constant(stepAxis()), Mean.keepDims(keepdims()));
  }

  /** The layer a Keras config describes ({@code data_format}, {@code keepdims}). */
  public static GlobalAveragePooling1D fromConfig(Map<String, Object> config) {
    return configure(new GlobalAveragePooling1D(), config);
  }
}
