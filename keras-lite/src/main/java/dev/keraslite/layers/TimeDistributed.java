package dev.keraslite.layers;

import dev.keraslite.layers.internal.Shapes;
import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import dev.keraslite.Recording;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Applies a layer to every time step of sequences {@code [batch, time, ...]} (Keras's {@code
 * TimeDistributed}): the same layer, with the same weights, maps each {@code [batch, ...]} slice,
 * and the results are stacked back along the time axis.
 *
 * <p>The steps are not looped over: time is folded into the batch ({@code [batch * time, ...]}),
 * the layer is applied once, and the result is unfolded. This is exact for any layer that treats
 * the examples of a batch independently (Dense, Conv2D, pooling, dropout); a layer whose output
 * mixes examples (BatchNormalization in training) sees all steps as one batch, as in Keras.
 *
 * <p>The weights are the wrapped layer's, scoped by this one: {@code time_distributed/dense/kernel:0}.
 *
 * <pre>{@code
 * TimeDistributed perStep = new TimeDistributed(new Dense(8));   // [b, t, f] -> [b, t, 8]
 * }</pre>
 */
public class TimeDistributed extends Layer {
  private final Layer layer;

  /**
   * Wraps {@code layer}, which must not be applied elsewhere on its own inputs (its weights are
   * built for one step's shape).
   */
  public TimeDistributed(Layer layer) {
    this.layer = Objects.requireNonNull(layer, "layer");
    setInputSpec(InputSpec.minRank(3));
  }

  @Override
  public TimeDistributed name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public TimeDistributed activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public TimeDistributed activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** The layer applied at every step. */
  public Layer layer() {
    return layer;
  }

  /** {@code [batch, time, a, b, ...]} without its time axis: what one step looks like. */
  private static Shape stepShape(Shape input) {
    long[] dims = input.asArray();
    long[] out = new long[dims.length - 1];
    out[0] = dims[0] < 0 || dims[1] < 0 ? -1 : dims[0] * dims[1];
    System.arraycopy(dims, 2, out, 1, dims.length - 2);
    return Shape.of(out);
  }

  @Override
  protected void checkInputShapes(List<Shape> inputShapes) {
    if (inputShapes.size() != 1) {
      throw new IllegalArgumentException(
          describe() + ": expected a single input, received " + inputShapes.size() + " inputs");
    }
    Shape s = inputShapes.get(0);
    if (s.isUnknown()) {
      return;
    }
    // Asks the wrapped layer now, so that a refused step is reported for this layer and the
    // sequence shape the user passed, before any op runs.
    try {
      layer.computeOutputShape(stepShape(s));
    } catch (IllegalArgumentException e) {
      throw inputError(
          "each time step, of shape " + Shapes.format(stepShape(s)) + " with time folded into the"
              + " batch, is refused by the wrapped layer (" + e.getMessage() + ")", s);
    } catch (UnsupportedOperationException e) {
      // The wrapped layer cannot tell without running; its own apply checks the step.
    }
  }

  @Override
  protected void build(Shape inputShape) {
    // Built inside this layer's context, so the weights are scoped by it.
    layer.build(ops(), stepShape(inputShape));
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    Shape in = Recording.shape(input);
    int rank = in.numDimensions();
    Operand<TInt64> foldedDims;
    if (Shapes.sizeFrom(in, 2) >= 0) {
      long[] d = stepShape(in).asArray();
      d[0] = -1;
      foldedDims = tf.constant(d);
    } else {
      foldedDims = tf.concat(
          List.of(tf.constant(new long[] {-1}), slice(tf, tf.shape(input, TInt64.class), 2, rank - 2)),
          tf.constant(0));
    }
    // The nested apply inherits this apply's training flag.
    Operand<TFloat32> y = layer.apply(tf, tf.reshape(input, foldedDims));
    Shape out = Recording.shape(y);
    Operand<TInt64> unfoldedDims;
    if (in.get(1) >= 0 && Shapes.sizeFrom(out, 1) >= 0) {
      long[] d = new long[out.numDimensions() + 1];
      d[0] = -1;
      d[1] = in.get(1);
      System.arraycopy(out.asArray(), 1, d, 2, out.numDimensions() - 1);
      unfoldedDims = tf.constant(d);
    } else {
      // Sizes only known at run time (a traced graph): batch and time from the input, the rest
      // from the step output.
      unfoldedDims = tf.concat(
          List.of(
              slice(tf, tf.shape(input, TInt64.class), 0, 2),
              slice(tf, tf.shape(y, TInt64.class), 1, out.numDimensions() - 1)),
          tf.constant(0));
    }
    return tf.reshape(y, unfoldedDims);
  }

  private static Operand<TInt64> slice(Ops tf, Operand<TInt64> dims, long begin, long size) {
    return tf.slice(dims, tf.constant(new long[] {begin}), tf.constant(new long[] {size}));
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    String problem = InputSpec.minRank(3).mismatch(inputShape);
    if (problem != null) {
      throw inputError(problem, inputShape);
    }
    checkInputShapes(List.of(inputShape));
    long[] step = layer.computeOutputShape(stepShape(inputShape)).asArray();
    long[] dims = new long[step.length + 1];
    dims[0] = inputShape.get(0);
    dims[1] = inputShape.get(1);
    System.arraycopy(step, 1, dims, 2, step.length - 1);
    return Shape.of(dims);
  }

  /** Keras 3's config keys: the base keys and {@code layer}, the wrapped layer serialized. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("layer", LayerConfig.serializeLayer(layer));
    return config;
  }

  /**
   * A layer from a Keras config.
   *
   * @param layers rebuilds the wrapped layer from its serialized form ({@code class_name}, {@code
   *     config}); the saving code passes its layer registry
   * @throws IllegalArgumentException for a missing {@code layer}
   */
  public static TimeDistributed fromConfig(
      Map<String, Object> config, Function<Map<String, Object>, Layer> layers) {
    LayerConfig c = LayerConfig.of("TimeDistributed", config);
    Layer inner = layers.apply(c.nestedLayer("layer"));
    return c.applyBase(new TimeDistributed(inner));
  }
}
