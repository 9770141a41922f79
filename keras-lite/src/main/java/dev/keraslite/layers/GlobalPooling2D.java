package dev.keraslite.layers;

import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * What {@link GlobalAveragePooling2D} and {@link GlobalMaxPooling2D} share (Keras's {@code
 * BaseGlobalPooling}): each channel of images {@code [batch, height, width, channels]} (channels
 * last) pooled over the whole image, giving {@code [batch, channels]}, or {@code [batch, 1, 1,
 * channels]} with {@code keepdims} (Keras's default: false). No weights.
 */
abstract class GlobalPooling2D extends Layer {
  private static final int RANK = 4;

  private boolean keepdims;

  /** A layer with Keras's defaults. */
  protected GlobalPooling2D() {
    setInputSpec(InputSpec.rank(RANK));
  }

  /** Sets keepdims; subclasses expose it with their own return type. */
  protected final void setKeepdims(boolean keepdims) {
    checkNotBuilt("keepdims");
    this.keepdims = keepdims;
  }

  /** Whether the pooled height and width stay as axes of size 1. */
  public boolean keepdims() {
    return keepdims;
  }

  /** The spatial axes, height and width, that are reduced. */
  protected static Operand<TInt32> spatialAxes(Ops tf) {
    return tf.constant(new int[] {1, 2});
  }

  @Override
  protected abstract Operand<TFloat32> call(Ops tf, Operand<TFloat32> input);

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    String problem = InputSpec.rank(RANK).mismatch(inputShape);
    if (problem != null) {
      throw inputError(problem, inputShape);
    }
    return keepdims
        ? Shape.of(inputShape.get(0), 1, 1, inputShape.get(3))
        : Shape.of(inputShape.get(0), inputShape.get(3));
  }

  /** Keras 3's config keys: data_format, keepdims. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("data_format", "channels_last");
    config.put("keepdims", keepdims);
    return config;
  }
}
