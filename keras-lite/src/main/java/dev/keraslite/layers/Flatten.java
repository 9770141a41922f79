package dev.keraslite.layers;

import dev.keraslite.layers.internal.Shapes;
import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import dev.keraslite.Recording;
import java.util.Map;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Flattens each example to a vector, keeping the batch axis: {@code [batch, 28, 28, 1]} becomes
 * {@code [batch, 784]}; a rank-1 input {@code [batch]} becomes {@code [batch, 1]} (Keras).
 */
public class Flatten extends Layer {
  /** A flatten layer. */
  public Flatten() {
    setInputSpec(InputSpec.minRank(1));
  }

  @Override
  public Flatten name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public Flatten activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public Flatten activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    Shape shape = Recording.shape(input);
    long inner = Shapes.sizeFrom(shape, 1);
    if (inner >= 0) {
      return tf.reshape(input, Recording.ints(tf, new long[] {-1, inner}));
    }
    // Unknown inner sizes (a traced graph): keep the run-time batch size, infer the rest.
    Operand<TInt64> batch =
        tf.slice(tf.shape(input, TInt64.class), tf.constant(new long[] {0}), tf.constant(new long[] {1}));
    return tf.reshape(input, tf.concat(List.of(batch, tf.constant(new long[] {-1})), tf.constant(0)));
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    return Shape.of(inputShape.get(0), Shapes.sizeFrom(inputShape, 1));
  }

  /** Keras 3's config keys: data_format (always channels_last here). */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("data_format", "channels_last");
    return config;
  }

  /** A layer from a Keras config; only channels_last data. */
  public static Flatten fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("Flatten", config);
    c.requireDefault("data_format", "channels_last");
    return c.applyBase(new Flatten());
  }
}
