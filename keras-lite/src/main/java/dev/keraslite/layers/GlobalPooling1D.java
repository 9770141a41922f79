package dev.keraslite.layers;

import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * What {@link GlobalAveragePooling1D} and {@link GlobalMaxPooling1D} share (Keras's {@code
 * BaseGlobalPooling} for rank 1): each channel of sequences {@code [batch, steps, channels]}
 * ({@code channels_last}, the default) or {@code [batch, channels, steps]} ({@code channels_first})
 * pooled over all steps, giving {@code [batch, channels]}, or with {@code keepdims} the steps axis
 * kept with size 1 (Keras's default: false). No weights.
 */
abstract class GlobalPooling1D extends Layer {
  private static final int RANK = 3;

  private String dataFormat = Conv1D.CHANNELS_LAST;
  private boolean keepdims;

  /** A layer with Keras's defaults. */
  protected GlobalPooling1D() {
    setInputSpec(InputSpec.rank(RANK));
  }

  /** Sets the data format; subclasses expose it with their own return type. */
  protected final void setDataFormat(String dataFormat) {
    checkNotBuilt("dataFormat");
    this.dataFormat = Conv1D.dataFormat(describe(), dataFormat);
  }

  /** Sets keepdims; subclasses expose it with their own return type. */
  protected final void setKeepdims(boolean keepdims) {
    checkNotBuilt("keepdims");
    this.keepdims = keepdims;
  }

  /** {@code "channels_last"} or {@code "channels_first"}. */
  public String dataFormat() {
    return dataFormat;
  }

  /** Whether the pooled steps axis stays, with size 1. */
  public boolean keepdims() {
    return keepdims;
  }

  /** The axis reduced: the steps. */
  protected final int stepAxis() {
    return Conv1D.CHANNELS_FIRST.equals(dataFormat) ? 2 : 1;
  }

  @Override
  protected abstract Operand<TFloat32> call(Ops tf, Operand<TFloat32> input);

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    String problem = InputSpec.rank(RANK).mismatch(inputShape);
    if (problem != null) {
      throw inputError(problem, inputShape);
    }
    boolean first = stepAxis() == 2;
    long channels = inputShape.get(first ? 1 : 2);
    if (!keepdims) {
      return Shape.of(inputShape.get(0), channels);
    }
    return first ? Shape.of(inputShape.get(0), channels, 1) : Shape.of(inputShape.get(0), 1, channels);
  }

  /** Keras 3's {@code BaseGlobalPooling.get_config()}: the base keys, {@code data_format}, {@code keepdims}. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("data_format", dataFormat);
    config.put("keepdims", keepdims);
    return config;
  }

  /** Reads {@code data_format}, {@code keepdims} and the base keys into {@code layer}. */
  static <P extends GlobalPooling1D> P configure(P layer, Map<String, Object> config) {
    LayerConfig c = LayerConfig.of(layer.typeName(), config);
    layer.setDataFormat(c.getString("data_format", Conv1D.CHANNELS_LAST));
    layer.setKeepdims(c.getBoolean("keepdims", false));
    return c.applyBase(layer);
  }
}
