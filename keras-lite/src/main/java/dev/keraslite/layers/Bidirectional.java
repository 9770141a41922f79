package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import dev.keraslite.Recording;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Runs a recurrent layer over sequences in both directions and merges the two results (Keras's
 * {@code Bidirectional}), for {@link LSTM}, {@link GRU} and {@link SimpleRNN}.
 *
 * <p>As in Keras, the wrapped layer itself is not used: it is a template. The forward layer is a
 * copy of its configuration named {@code forward_<name>}, the backward layer a copy named {@code
 * backward_<name>} that reads the sequences from the end ({@code goBackwards}). Their weights are
 * scoped by this layer: {@code bidirectional/forward_lstm/lstm_cell/kernel:0}, then the backward
 * layer's, in that order. With {@code returnSequences} the backward outputs are put back in time
 * order before merging, so that step {@code t} of the output sees the whole sequence.
 *
 * <p>Merge modes (Keras's {@code merge_mode}): {@code "concat"} (the default: features side by
 * side, forward first), {@code "sum"}, {@code "mul"}, {@code "ave"}. With the wrapped layer's
 * {@code returnState}, the forward layer's final states follow the output, then the backward
 * layer's: use {@code applyOutputs}.
 *
 * <pre>{@code
 * Bidirectional encoder = new Bidirectional(new LSTM(32).returnSequences(true));
 * }</pre>
 */
public class Bidirectional extends Layer {
  /** Keras's default merge mode. */
  public static final String DEFAULT_MERGE_MODE = "concat";

  private static final Set<String> MERGE_MODES = Set.of("concat", "sum", "mul", "ave");

  // Keras's attribute names (forward_layer, backward_layer) are these fields' snake-cased names,
  // under which weights files store the two layers; forward first, as Keras orders the weights.
  private final RNN forwardLayer;
  private final RNN backwardLayer;
  private String mergeMode = DEFAULT_MERGE_MODE;

  /**
   * Wraps a copy of {@code layer}'s configuration run forwards and one run backwards.
   *
   * @throws IllegalArgumentException unless {@code layer} is an LSTM, GRU or SimpleRNN reading
   *     forwards
   */
  public Bidirectional(RNN layer) {
    this(layer, null);
  }

  /**
   * Wraps a copy of {@code layer}'s configuration run forwards, and {@code backwardLayer} itself
   * (Keras's {@code backward_layer}, used as given), or a backward copy of {@code layer} when null.
   *
   * @throws IllegalArgumentException unless both are LSTM, GRU or SimpleRNN layers that read in
   *     opposite directions and agree on {@code returnSequences} and {@code returnState}
   */
  public Bidirectional(RNN layer, RNN backwardLayer) {
    Objects.requireNonNull(layer, "layer");
    this.forwardLayer = copy(layer, "forward_" + removePrefix(layer.name(), "forward_"), layer.goBackwards());
    this.backwardLayer =
        backwardLayer != null
            ? backwardLayer
            : copy(layer, "backward_" + removePrefix(layer.name(), "backward_"), true);
    if (forwardLayer.goBackwards() == this.backwardLayer.goBackwards()) {
      throw new IllegalArgumentException(
          "Bidirectional: the forward and backward layers must read in opposite directions, but both"
              + " have goBackwards=" + forwardLayer.goBackwards());
    }
    if (forwardLayer.returnSequences() != this.backwardLayer.returnSequences()
        || forwardLayer.returnState() != this.backwardLayer.returnState()) {
      throw new IllegalArgumentException(
          "Bidirectional: the forward and backward layers must agree on returnSequences and"
              + " returnState, received " + forwardLayer.returnSequences() + "/"
              + forwardLayer.returnState() + " and " + this.backwardLayer.returnSequences() + "/"
              + this.backwardLayer.returnState());
    }
    // Keras 3 forces zero_output_for_mask = return_sequences on both directions.
    forwardLayer.zeroOutputForMask = forwardLayer.returnSequences();
    this.backwardLayer.zeroOutputForMask = this.backwardLayer.returnSequences();
  }

  private static String removePrefix(String name, String prefix) {
    return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
  }

  /**
   * A fresh, unbuilt layer with {@code layer}'s configuration, as Keras makes one by serializing
   * the layer and deserializing its config, so no weights are shared with {@code layer}.
   */
  private static RNN copy(RNN layer, String name, boolean goBackwards) {
    Map<String, Object> config = layer.getConfig();
    config.put("name", name);
    config.put("go_backwards", goBackwards);
    if (layer.getClass() == LSTM.class) {
      return LSTM.fromConfig(config);
    } else if (layer.getClass() == GRU.class) {
      return GRU.fromConfig(config);
    } else if (layer.getClass() == SimpleRNN.class) {
      return SimpleRNN.fromConfig(config);
    }
    throw new IllegalArgumentException(
        "Bidirectional: wraps an LSTM, GRU or SimpleRNN layer, received " + layer.typeName() + " '"
            + layer.name() + "'");
  }

  @Override
  public Bidirectional name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public Bidirectional activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public Bidirectional activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /**
   * How the two directions' outputs are combined: {@code "concat"} (default), {@code "sum"},
   * {@code "mul"} or {@code "ave"}.
   *
   * @throws IllegalArgumentException for any other mode (Keras's {@code None}, which returns the
   *     two outputs apart, is not supported)
   */
  public Bidirectional mergeMode(String mergeMode) {
    checkNotBuilt("mergeMode");
    String m = mergeMode == null ? null : mergeMode.toLowerCase(Locale.ROOT);
    if (!MERGE_MODES.contains(m)) {
      throw new IllegalArgumentException(
          describe() + ": mergeMode must be 'concat', 'sum', 'mul' or 'ave', received "
              + (mergeMode == null ? "null" : "'" + mergeMode + "'"));
    }
    this.mergeMode = m;
    return this;
  }

  /** The merge mode. */
  public String mergeMode() {
    return mergeMode;
  }

  /** The layer reading the sequences from the first step. */
  public RNN forwardLayer() {
    return forwardLayer;
  }

  /** The layer reading the sequences from the last step. */
  public RNN backwardLayer() {
    return backwardLayer;
  }

  @Override
  protected void checkInputShapes(List<Shape> inputShapes) {
    if (inputShapes.size() != 1) {
      throw new IllegalArgumentException(
          describe() + ": expected the sequences as a single input, received " + inputShapes.size()
              + " inputs (initial states are not supported)");
    }
    Shape x = inputShapes.get(0);
    if (x.isUnknown() || x.numDimensions() != 3) {
      throw inputError("expected input of rank 3 ([batch, time, features])", x);
    }
    if (x.get(2) < 0) {
      throw inputError("the last dimension of the input must be known", x);
    }
    if (x.get(1) == 0) {
      throw inputError("expected at least one timestep", x);
    }
    RecurrentCell cell = forwardLayer.cell();
    if (cell.built() && x.get(2) != cell.inputDim()) {
      throw inputError("expected input with last dimension " + cell.inputDim(), x);
    }
  }

  @Override
  protected void build(Shape inputShape) {
    // Forward first, so the weights are in Keras's order; both scoped by this layer.
    forwardLayer.build(ops(), inputShape);
    backwardLayer.build(ops(), inputShape);
  }

  @Override
  protected List<Operand<TFloat32>> callOutputs(
      Ops tf, List<Operand<TFloat32>> inputs, boolean training) {
    List<Operand<TFloat32>> forward = forwardLayer.applyOutputs(tf, inputs);
    List<Operand<TFloat32>> backward = backwardLayer.applyOutputs(tf, inputs);
    Operand<TFloat32> y = forward.get(0);
    Operand<TFloat32> yRev = backward.get(0);
    if (forwardLayer.returnSequences()) {
      // The backward layer returns its steps in the order it read them, last time step first.
      yRev = tf.reverse(yRev, tf.constant(new int[] {1}));
    }
    Operand<TFloat32> merged =
        switch (mergeMode) {
          case "concat" -> tf.concat(List.of(y, yRev), tf.constant(-1));
          case "sum" -> tf.math.add(y, yRev);
          case "mul" -> tf.math.mul(y, yRev);
          case "ave" -> tf.math.mul(tf.math.add(y, yRev), tf.constant(0.5f));
          default -> throw new IllegalStateException(describe() + ": merge mode " + mergeMode);
        };
    List<Operand<TFloat32>> out = new ArrayList<>();
    out.add(merged);
    out.addAll(forward.subList(1, forward.size()));
    out.addAll(backward.subList(1, backward.size()));
    return out;
  }

  /**
   * Both directions read the mask of the input (each layer receives the masked input); the merged
   * sequences carry it on, as in Keras.
   */
  @Override
  public boolean supportsMasking() {
    return true;
  }

  @Override
  public Operand<TBool> computeMask(Ops tf, List<Operand<TFloat32>> inputs, Operand<TBool> mask) {
    return forwardLayer.returnSequences() ? mask : null;
  }

  /** The merged output alone; {@link #callOutputs} is what applies use. */
  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    return callOutputs(tf, List.of(input), false).get(0);
  }

  @Override
  public List<Shape> computeOutputShapes(List<Shape> inputShapes) {
    checkInputShapes(inputShapes);
    List<Shape> forward = forwardLayer.computeOutputShapes(inputShapes);
    List<Shape> out = new ArrayList<>();
    long[] dims = forward.get(0).asArray();
    if (mergeMode.equals("concat")) {
      dims[dims.length - 1] *= 2;
    }
    out.add(Shape.of(dims));
    out.addAll(forward.subList(1, forward.size()));
    out.addAll(backwardLayer.computeOutputShapes(inputShapes).subList(1, forward.size()));
    return out;
  }

  @Override
  public Shape computeOutputShape(List<Shape> inputShapes) {
    return computeOutputShapes(inputShapes).get(0);
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    return computeOutputShape(List.of(inputShape));
  }

  /**
   * Keras 3's config keys: the base keys, {@code merge_mode}, {@code layer} (the forward layer
   * serialized) and {@code backward_layer}.
   */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("merge_mode", mergeMode);
    config.put("layer", LayerConfig.serializeLayer(forwardLayer));
    config.put("backward_layer", LayerConfig.serializeLayer(backwardLayer));
    return config;
  }

  /**
   * A layer from a Keras config: Keras 3's (with {@code backward_layer}) or tf.keras's (the
   * wrapped layer only).
   *
   * @param layers rebuilds a wrapped layer from its serialized form ({@code class_name}, {@code
   *     config}); the saving code passes its layer registry
   * @throws IllegalArgumentException for a wrapped layer other than LSTM, GRU or SimpleRNN, or
   *     {@code merge_mode} null
   */
  public static Bidirectional fromConfig(
      Map<String, Object> config, Function<Map<String, Object>, Layer> layers) {
    LayerConfig c = LayerConfig.of("Bidirectional", config);
    if (config.containsKey("merge_mode") && config.get("merge_mode") == null) {
      throw c.error("merge_mode=None (the two outputs returned apart) is not supported by keras-lite");
    }
    RNN layer = recurrent(c, layers.apply(c.nestedLayer("layer")));
    RNN backward = c.has("backward_layer") ? recurrent(c, layers.apply(c.nestedLayer("backward_layer"))) : null;
    Bidirectional out = new Bidirectional(layer, backward).mergeMode(c.getString("merge_mode", DEFAULT_MERGE_MODE));
    return c.applyBase(out);
  }

  private static RNN recurrent(LayerConfig c, Layer layer) {
    if (!(layer instanceof RNN)) {
      throw c.error("wraps an LSTM, GRU or SimpleRNN layer, received " + layer.typeName() + " '" + layer.name() + "'");
    }
    return (RNN) layer;
  }
}
