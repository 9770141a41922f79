package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Max;
import org.tensorflow.types.TFloat32;

/**
 * The largest value of each channel over all steps (Keras's {@code GlobalMaxPooling1D}): {@code [batch, steps,
 * channels]} to {@code [batch, channels]}. Keras 3's defaults: {@code channels_last}, {@code
 * keepdims=false}. (Keras's mask argument is not supported: keras-lite has no masking.)
 */
public class GlobalMaxPooling1D extends GlobalPooling1D {
  /** A layer with Keras's defaults. */
  public GlobalMaxPooling1D() {}

  @Override
  public GlobalMaxPooling1D name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public GlobalMaxPooling1D activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public GlobalMaxPooling1D activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** {@code "channels_last"} (default) or {@code "channels_first"}. */
  public GlobalMaxPooling1D dataFormat(String dataFormat) {
    setDataFormat(dataFormat);
    return this;
  }

  /** Keeps the pooled steps axis with size 1 (default false). */
  public GlobalMaxPooling1D keepdims(boolean keepdims) {
    setKeepdims(keepdims);
    return this;
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    return tf.max(input, tf.constant(stepAxis()), Max.keepDims(keepdims()));
  }

  /** The layer a Keras config describes ({@code data_format}, {@code keepdims}). */
  public static GlobalMaxPooling1D fromConfig(Map<String, Object> config) {
    return configure(new GlobalMaxPooling1D(), config);
  }
}
