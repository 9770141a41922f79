package dev.keraslite.layers;

import dev.keraslite.layers.internal.Shapes;
import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import dev.keraslite.Recording;
import dev.keraslite.mixedprecision.DTypePolicy;
import java.util.Map;
import dev.keraslite.activations.Activation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Runs a {@link RecurrentCell} over the time axis of sequences {@code [batch, time, features]}
 * (Keras's {@code RNN} layer, the base of {@link LSTM} and {@link GRU}). The loop is unrolled into
 * one cell step per timestep, so the time dimension must be known when the layer is applied to
 * tensors (it may be unknown symbolically).
 *
 * <ul>
 *   <li>Output: the last step's output {@code [batch, units]}, or with {@code returnSequences}
 *       every step's {@code [batch, time, units]} (Keras's default: false).
 *   <li>With {@code returnState} the final states follow the output ({@code [output, h, c]} for an
 *       LSTM): use {@code applyOutputs}.
 *   <li>The initial state is zero, or given as extra inputs after the sequence: {@code
 *       applyOutputs(tf, List.of(x, h0, c0))}.
 *   <li>With {@code goBackwards} the sequence is read from its end; returned sequences are then in
 *       that reversed order, as in Keras.
 * </ul>
 */
public class RNN extends Layer {
  private static final int RANK = 3;

  private final RecurrentCell cell;
  private boolean returnSequences;
  private boolean returnState;
  private boolean goBackwards;
  // Keras's zero_output_for_mask: set by Bidirectional (to returnSequences), not saved.
  boolean zeroOutputForMask;

  /** Loops {@code cell} over sequences. */
  public RNN(RecurrentCell cell) {
    this.cell = Objects.requireNonNull(cell, "cell");
  }

  /**
   * {@code units}, checked for the layer named {@code layer} (so that {@code new LSTM(0)} is refused
   * as an LSTM's argument, not its cell's).
   *
   * @throws IllegalArgumentException unless {@code units} is positive
   */
  protected static long requireUnits(String layer, long units) {
    if (units <= 0) {
      throw new IllegalArgumentException(
          layer + ": units must be a positive integer, received " + units);
    }
    return units;
  }

  @Override
  public RNN name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public RNN activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public RNN activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** Returns every step's output, {@code [batch, time, units]}, instead of the last one (default false). */
  public RNN returnSequences(boolean returnSequences) {
    checkNotBuilt("returnSequences");
    this.returnSequences = returnSequences;
    return this;
  }

  /** Also returns the final states after the output (default false). */
  public RNN returnState(boolean returnState) {
    checkNotBuilt("returnState");
    this.returnState = returnState;
    return this;
  }

  /** Reads the sequences from the last step to the first (default false). */
  public RNN goBackwards(boolean goBackwards) {
    checkNotBuilt("goBackwards");
    this.goBackwards = goBackwards;
    return this;
  }

  /** Sets this layer's dtype policy and its cell's, as Keras's RNN layers pass their dtype on. */
  @Override
  public void setDtypePolicy(DTypePolicy policy) {
    super.setDtypePolicy(policy);
    cell.setDtypePolicy(policy);
  }

  /** The cell stepped over the sequence. */
  public RecurrentCell cell() {
    return cell;
  }

  /** The number of units of the cell. */
  public long units() {
    return cell.units();
  }

  /** Whether every step's output is returned. */
  public boolean returnSequences() {
    return returnSequences;
  }

  /** Whether the final states follow the output. */
  public boolean returnState() {
    return returnState;
  }

  /** Whether the sequences are read backwards. */
  public boolean goBackwards() {
    return goBackwards;
  }

  @Override
  protected void checkInputShapes(List<Shape> inputShapes) {
    int count = inputShapes.size();
    int states = cell.stateCount();
    if (count != 1 && count != 1 + states) {
      throw new IllegalArgumentException(
          describe() + ": expected the sequences, optionally followed by " + states
              + " initial state tensor" + (states == 1 ? "" : "s") + ", received " + count + " tensors");
    }
    Shape x = inputShapes.get(0);
    if (x.isUnknown() || x.numDimensions() != RANK) {
      throw inputError("expected input of rank 3 ([batch, time, features])", x);
    }
    if (x.get(2) < 0) {
      throw inputError("the last dimension of the input must be known", x);
    }
    if (x.get(1) == 0) {
      throw inputError("expected at least one timestep", x);
    }
    if (cell.built() && x.get(2) != cell.inputDim()) {
      throw inputError("expected input with last dimension " + cell.inputDim(), x);
    }
    for (int i = 1; i < count; i++) {
      Shape s = inputShapes.get(i);
      boolean ok =
          !s.isUnknown() && s.numDimensions() == 2 && (s.get(1) < 0 || s.get(1) == cell.units())
              && (s.get(0) < 0 || x.get(0) < 0 || s.get(0) == x.get(0));
      if (!ok) {
        throw inputError(
            "initial state " + (i - 1) + ": expected shape [" + (x.get(0) < 0 ? "None" : x.get(0))
                + ", " + cell.units() + "] (the input's batch, units)", s);
      }
    }
  }

  @Override
  protected void build(List<Shape> inputShapes) {
    Shape x = inputShapes.get(0);
    // Built inside this layer's context, so the cell's weights are scoped by it: lstm/lstm_cell/kernel:0.
    cell.build(ops(), Shape.of(x.get(0), x.get(2)));
  }

  @Override
  protected List<Operand<TFloat32>> callOutputs(
      Ops tf, List<Operand<TFloat32>> inputs, boolean training) {
    return callOutputs(tf, inputs, null, training);
  }

  /**
   * The loop, honouring a mask {@code [batch, time]} as Keras's RNN does: at a masked timestep
   * every state keeps its previous value and the output repeats the previous step's output (zeros
   * before the first unmasked step; always zeros inside a {@link Bidirectional} returning
   * sequences, Keras's {@code zero_output_for_mask}). With {@code goBackwards} the mask is read backwards with the
   * sequence.
   */
  @Override
  protected List<Operand<TFloat32>> callOutputs(
      Ops tf, List<Operand<TFloat32>> inputs, Operand<TBool> mask, boolean training) {
    Operand<TFloat32> x = inputs.get(0);
    long time = Recording.shape(x).get(1);
    if (time < 0) {
      throw inputError("the time dimension must be known to unroll the loop", Recording.shape(x));
    }
    List<Operand<TFloat32>> states =
        inputs.size() > 1 ? inputs.subList(1, inputs.size()) : cell.getInitialState(tf, x);
    List<Output<TFloat32>> steps = tf.unstack(x, time, Unstack.axis(1L)).output();
    if (goBackwards) {
      steps = new ArrayList<>(steps);
      Collections.reverse(steps);
    }
    List<Operand<TFloat32>> keep = mask == null ? null : stepMasks(tf, x, mask, time);
    List<Operand<TFloat32>> outputs = new ArrayList<>(steps.size());
    cell.beginSequence();
    try {
    for (int t = 0; t < steps.size(); t++) {
      RecurrentStep step = cell.apply(tf, steps.get(t), states, training);
      if (keep == null) {
        outputs.add(step.output());
        states = step.states();
        continue;
      }
      // keep * new + (1 - keep) * old with keep in {0, 1}: Keras's where(mask, new, old).
      Operand<TFloat32> k = keep.get(t);
      Operand<TFloat32> drop = tf.math.sub(DTypes.scalarLike(tf, k, 1), k);
      Operand<TFloat32> previous =
          outputs.isEmpty() || zeroOutputForMask ? tf.zerosLike(step.output()) : outputs.get(outputs.size() - 1);
      outputs.add(blend(tf, k, drop, step.output(), previous));
      List<Operand<TFloat32>> next = new ArrayList<>(states.size());
      for (int i = 0; i < states.size(); i++) {
        next.add(blend(tf, k, drop, step.states().get(i), states.get(i)));
      }
      states = next;
    }
    } finally {
      cell.endSequence();
    }
    Operand<TFloat32> output =
        returnSequences ? tf.stack(outputs, Stack.axis(1L)) : outputs.get(outputs.size() - 1);
    if (!returnState) {
      return List.of(output);
    }
    List<Operand<TFloat32>> all = new ArrayList<>(1 + states.size());
    all.add(output);
    all.addAll(states);
    return all;
  }

  private static Operand<TFloat32> blend(
      Ops tf, Operand<TFloat32> keep, Operand<TFloat32> drop, Operand<TFloat32> fresh, Operand<TFloat32> old) {
    return tf.math.add(tf.math.mul(keep, fresh), tf.math.mul(drop, old));
  }

  /** The mask per step, in reading order, as floats {@code [batch, 1]}. */
  private List<Operand<TFloat32>> stepMasks(Ops tf, Operand<TFloat32> x, Operand<TBool> mask, long time) {
    Shape m = Recording.shape(mask);
    Shape xs = Recording.shape(x);
    boolean ok = !m.isUnknown() && m.numDimensions() == 2
        && (m.get(1) < 0 || m.get(1) == time)
        && (m.get(0) < 0 || xs.get(0) < 0 || m.get(0) == xs.get(0));
    if (!ok) {
      throw new IllegalArgumentException(
          describe() + ": expected a mask of shape " + Shapes.format(Shape.of(xs.get(0), time))
              + " ([batch, time] of the input), received " + Shapes.format(m));
    }
    Operand<TFloat32> floats = tf.expandDims(DTypes.castLike(tf, mask, x), tf.constant(-1));
    List<Operand<TFloat32>> out = new ArrayList<>(tf.unstack(floats, time, Unstack.axis(1L)).output());
    if (goBackwards) {
      Collections.reverse(out);
    }
    return out;
  }

  /** Keras's RNN passes the input mask on with returned sequences; a last output has none. */
  @Override
  public boolean supportsMasking() {
    return true;
  }

  @Override
  public Operand<TBool> computeMask(Ops tf, List<Operand<TFloat32>> inputs, Operand<TBool> mask) {
    return returnSequences ? mask : null;
  }

  /** The output alone; {@link #callOutputs} is what applies use. */
  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    return callOutputs(tf, List.of(input), false).get(0);
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    if (inputShape.isUnknown() || inputShape.numDimensions() != RANK) {
      throw inputError("expected input of rank 3 ([batch, time, features])", inputShape);
    }
    return returnSequences
        ? Shape.of(inputShape.get(0), inputShape.get(1), cell.units())
        : Shape.of(inputShape.get(0), cell.units());
  }

  @Override
  public Shape computeOutputShape(List<Shape> inputShapes) {
    return computeOutputShape(inputShapes.get(0));
  }

  @Override
  public List<Shape> computeOutputShapes(List<Shape> inputShapes) {
    Shape output = computeOutputShape(inputShapes.get(0));
    if (!returnState) {
      return List.of(output);
    }
    List<Shape> all = new ArrayList<>();
    all.add(output);
    Shape state = Shape.of(inputShapes.get(0).get(0), cell.units());
    all.addAll(Collections.nCopies(cell.stateCount(), state));
    return all;
  }

  /**
   * Keras 3's config keys of a recurrent layer: return_sequences, return_state, go_backwards,
   * stateful, unroll (and, in {@link LSTM} and {@link GRU}, the cell's options).
   */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("return_sequences", returnSequences);
    config.put("return_state", returnState);
    config.put("go_backwards", goBackwards);
    config.put("stateful", false);
    config.put("unroll", false);
    return config;
  }

  /** Applies the sequence keys of a Keras config (for LSTM's and GRU's fromConfig). */
  static <R extends RNN> R configure(R layer, LayerConfig c) {
    c.requireDefault("stateful", false);
    c.requireDefault("time_major", false);
    layer.returnSequences(c.getBoolean("return_sequences", false));
    layer.returnState(c.getBoolean("return_state", false));
    layer.goBackwards(c.getBoolean("go_backwards", false));
    return c.applyBase(layer);
  }

  /** The gate options every gated cell shares, with Keras 3's keys. */
  static void putGateConfig(
      Map<String, Object> config,
      Activation activation,
      Activation recurrentActivation,
      GateWeights w,
      Regularizer activityRegularizer) {
    config.put("activation", LayerConfig.serialize(activation));
    config.put("recurrent_activation", LayerConfig.serialize(recurrentActivation));
    config.put("use_bias", w.useBias());
    config.put("kernel_initializer", LayerConfig.serialize(w.kernelInitializer()));
    config.put("recurrent_initializer", LayerConfig.serialize(w.recurrentInitializer()));
    config.put("bias_initializer", LayerConfig.serialize(w.biasInitializer()));
    config.put("kernel_regularizer", LayerConfig.serialize(w.kernelRegularizer()));
    config.put("recurrent_regularizer", LayerConfig.serialize(w.recurrentRegularizer()));
    config.put("bias_regularizer", LayerConfig.serialize(w.biasRegularizer()));
    config.put("activity_regularizer", LayerConfig.serialize(activityRegularizer));
    config.put("kernel_constraint", LayerConfig.serialize(w.kernelConstraint()));
    config.put("recurrent_constraint", LayerConfig.serialize(w.recurrentConstraint()));
    config.put("bias_constraint", LayerConfig.serialize(w.biasConstraint()));
  }

  /** The dropout keys of Keras 3's recurrent layers: dropout, recurrent_dropout, seed. */
  static void putDropoutConfig(Map<String, Object> config, RecurrentCell cell) {
    config.put("dropout", cell.dropout());
    config.put("recurrent_dropout", cell.recurrentDropout());
    config.put("seed", cell.seed());
  }

  /** Reads the regularizer and constraint keys of a gated layer's config into its cell's weights and the layer. */
  static void readGateOptions(RNN layer, GateWeights w, LayerConfig c) {
    w.kernelConstraint(c.constraint("kernel_constraint"));
    w.recurrentConstraint(c.constraint("recurrent_constraint"));
    w.biasConstraint(c.constraint("bias_constraint"));
    w.kernelRegularizer(c.regularizer("kernel_regularizer"));
    w.recurrentRegularizer(c.regularizer("recurrent_regularizer"));
    w.biasRegularizer(c.regularizer("bias_regularizer"));
    layer.activityRegularizer(c.regularizer("activity_regularizer"));
  }
}
