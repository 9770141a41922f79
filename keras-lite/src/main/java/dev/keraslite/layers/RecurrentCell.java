package dev.keraslite.layers;

import dev.keraslite.KerasLite;
import dev.keraslite.Recording;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * One time step of a recurrent network (Keras's RNN cells, such as {@code LSTMCell}): from an input
 * {@code [batch, features]} and the state of the previous step, each {@code [batch, units]}, it
 * computes the step's output and the next state. {@link RNN} loops a cell over a sequence; a model
 * can also step it by hand, as the tutorial's text generator does:
 *
 * <pre>{@code
 * List<Operand<TFloat32>> state = cell.getInitialState(tf, batchSize);
 * Operand<TFloat32> output = null;
 * for (int t = 0; t < steps; t++) {
 *   RecurrentStep step = cell.apply(tf, inputs.get(t), state); // output, state = cell(x_t, state)
 *   output = step.output();
 *   state = step.states();
 * }
 * }</pre>
 *
 * <p>As a {@link Layer}, a cell takes the input followed by the states ({@code applyOutputs(tf,
 * [x, h, c])}) and returns the output followed by the new states ({@code [output, h, c]}, Keras's
 * {@code (output, [h, c])} flattened). Given the input alone, it starts from the zero state.
 */
public abstract class RecurrentCell extends Layer {
  /** TensorFlow's default graph-level seed, paired with the cell's seed as in {@link Dropout}. */
  private static final long GRAPH_SEED = 87654321L;

  private final long units;
  private long inputDim = -1;
  private double dropout;
  private double recurrentDropout;
  private Long seed;
  private Long drawnSeed;
  // Keras's DropoutRNNCell caches one mask per call of the RNN: held only while RNN loops the cell.
  private boolean holdMasks;
  private Operand<TFloat32> inputMask;
  private Operand<TFloat32> recurrentMask;

  /**
   * A cell of {@code units} units.
   *
   * @throws IllegalArgumentException unless {@code units} is positive
   */
  protected RecurrentCell(long units) {
    checkUnits(units);
    this.units = units;
  }

  /**
   * A cell named {@code name} exactly, as the cell an {@link RNN} creates for itself ({@code
   * lstm/lstm_cell/kernel:0}); it leaves the automatic names of stand-alone cells alone.
   */
  protected RecurrentCell(long units, String name) {
    // The base class numbers every prefix it is given; this one is private to nested cells, so
    // stand-alone cells keep Keras's numbering (lstm_cell, lstm_cell_1, ...).
    super(name + "_in_rnn");
    checkUnits(units);
    this.units = units;
    super.name(name);
  }

  private void checkUnits(long units) {
    if (units <= 0) {
      throw new IllegalArgumentException(
          typeName() + ": units must be a positive integer, received " + units);
    }
  }

  /**
   * The fraction of the inputs dropped in training (Keras's {@code dropout}, default 0): the mask
   * is drawn once per sequence and batch, and reused at every timestep, as Keras's {@code
   * DropoutRNNCell} does; kept inputs are scaled by {@code 1 / (1 - dropout)}. Inference is
   * unaffected. A cell stepped by hand draws a fresh mask on each training step.
   *
   * @throws IllegalArgumentException unless {@code 0 <= dropout < 1}
   */
  public RecurrentCell dropout(double dropout) {
    checkNotBuilt("dropout");
    this.dropout = checkRate("dropout", dropout);
    return this;
  }

  /**
   * The fraction of the previous output {@code h} dropped in training before the recurrent product
   * (Keras's {@code recurrent_dropout}, default 0), with one mask per sequence as {@link
   * #dropout(double)}.
   *
   * @throws IllegalArgumentException unless {@code 0 <= recurrentDropout < 1}
   */
  public RecurrentCell recurrentDropout(double recurrentDropout) {
    checkNotBuilt("recurrentDropout");
    this.recurrentDropout = checkRate("recurrentDropout", recurrentDropout);
    return this;
  }

  /**
   * Makes the dropout masks reproducible (Keras's {@code seed}); null (the default) takes a seed
   * from {@link KerasLite#drawSeed()} on the first training call.
   */
  public RecurrentCell seed(Long seed) {
    checkNotBuilt("seed");
    this.seed = seed;
    return this;
  }

  /** The input dropout rate. */
  public double dropout() {
    return dropout;
  }

  /** The recurrent dropout rate. */
  public double recurrentDropout() {
    return recurrentDropout;
  }

  /** The dropout seed, or null. */
  public Long seed() {
    return seed;
  }

  private double checkRate(String option, double rate) {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException(describe() + ": " + option + " must be in [0, 1), received " + rate);
    }
    return rate;
  }

  /**
   * {@code input} with the input dropout mask applied in training (Keras's {@code inputs *
   * get_dropout_mask(inputs)}); {@code input} itself otherwise. Cells call it on their step input.
   */
  protected final Operand<TFloat32> dropInput(Ops tf, Operand<TFloat32> input, boolean training) {
    if (!training || dropout == 0) {
      return input;
    }
    Operand<TFloat32> mask = inputMask != null ? inputMask : dropoutMask(tf, input, dropout, 0);
    if (holdMasks) {
      inputMask = mask;
    }
    return tf.math.mul(input, mask);
  }

  /** {@code h} with the recurrent dropout mask applied in training; {@code h} itself otherwise. */
  protected final Operand<TFloat32> dropRecurrent(Ops tf, Operand<TFloat32> h, boolean training) {
    if (!training || recurrentDropout == 0) {
      return h;
    }
    Operand<TFloat32> mask = recurrentMask != null ? recurrentMask : dropoutMask(tf, h, recurrentDropout, 1);
    if (holdMasks) {
      recurrentMask = mask;
    }
    return tf.math.mul(h, mask);
  }

  /** Zeros with probability {@code rate}, {@code 1 / (1 - rate)} otherwise, shaped as {@code like}. */
  Operand<TFloat32> dropoutMask(Ops tf, Operand<TFloat32> like, double rate, long stream) {
    long s = seed != null ? seed : drawnSeed();
    // Two streams (input, recurrent) from one seed, so the two masks differ.
    RandomUniform.Options[] options = {RandomUniform.seed(GRAPH_SEED), RandomUniform.seed2(s * 2 + stream)};
    Operand<TFloat32> uniform =
        tf.random.randomUniform(tf.shape(like, org.tensorflow.types.TInt64.class), TFloat32.class, options);
    Operand<TFloat32> keep = DTypes.castLike(tf, tf.math.greaterEqual(uniform, tf.constant((float) rate)), like);
    return tf.math.mul(keep, DTypes.scalarLike(tf, like, 1.0 / (1.0 - rate)));
  }

  private synchronized long drawnSeed() {
    if (drawnSeed == null) {
      drawnSeed = KerasLite.drawSeed();
    }
    return drawnSeed;
  }

  /** Starts a sequence: the masks drawn from now on are reused until {@link #endSequence()}. */
  final void beginSequence() {
    holdMasks = true;
    inputMask = null;
    recurrentMask = null;
  }

  /** Ends a sequence: the masks go (Keras's {@code reset_dropout_mask}). */
  final void endSequence() {
    holdMasks = false;
    inputMask = null;
    recurrentMask = null;
  }

  /** The number of units: the size of the output and of each state tensor. */
  public long units() {
    return units;
  }

  /**
   * How many state tensors the cell carries from step to step (LSTM: 2, {@code h} and {@code c};
   * GRU: 1).
   */
  public abstract int stateCount();

  /** The size of the inputs the cell was built for, or -1 before it is built. */
  public long inputDim() {
    return inputDim;
  }

  /** The dtype of the state: the policy's, float32 typed as the signatures are (float64 at run time). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private Class<TFloat32> stateType() {
    return (Class) dtypePolicy().boundaryType();
  }

  /**
   * The zero state for a batch of {@code batchSize}: {@link #stateCount()} tensors {@code
   * [batchSize, units]} (Keras's {@code get_initial_state(batch_size)}).
   */
  public List<Operand<TFloat32>> getInitialState(Ops tf, long batchSize) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException(
          describe() + ": batchSize must be positive, received " + batchSize);
    }
    Operand<TFloat32> zeros = tf.zeros(tf.constant(new long[] {batchSize, units}), stateType());
    return Collections.nCopies(stateCount(), zeros);
  }

  /**
   * The zero state sized by the batch (first) dimension of {@code batchOf}, read at run time when it
   * is unknown (a traced graph).
   */
  public List<Operand<TFloat32>> getInitialState(Ops tf, Operand<TFloat32> batchOf) {
    Shape batchShape = Recording.shape(batchOf);
    long batch = batchShape.isUnknown() ? -1 : batchShape.get(0);
    if (batch >= 0) {
      return getInitialState(tf, batch);
    }
    Operand<TInt64> batchDim =
        tf.slice(
            tf.shape(batchOf, TInt64.class), tf.constant(new long[] {0}), tf.constant(new long[] {1}));
    Operand<TInt64> dims = tf.concat(List.of(batchDim, tf.constant(new long[] {units})), tf.constant(0));
    return Collections.nCopies(stateCount(), tf.zeros(dims, stateType()));
  }

  /**
   * One step: Keras's {@code output, states = cell(input, states)}. Builds the cell on first use.
   *
   * @param input {@code [batch, features]}
   * @param states {@link #stateCount()} tensors {@code [batch, units]}, such as {@link
   *     #getInitialState} or the previous step's {@link RecurrentStep#states()}
   */
  public final RecurrentStep apply(Ops tf, Operand<TFloat32> input, List<Operand<TFloat32>> states) {
    List<Operand<TFloat32>> outputs = applyOutputs(tf, inputsOf(input, states));
    return new RecurrentStep(outputs.get(0), outputs.subList(1, outputs.size()));
  }

  /** As {@link #apply(Ops, Operand, List)}, in training or inference mode. */
  public final RecurrentStep apply(
      Ops tf, Operand<TFloat32> input, List<Operand<TFloat32>> states, boolean training) {
    List<Operand<TFloat32>> outputs = applyOutputs(tf, inputsOf(input, states), training);
    return new RecurrentStep(outputs.get(0), outputs.subList(1, outputs.size()));
  }

  private static List<Operand<TFloat32>> inputsOf(
      Operand<TFloat32> input, List<Operand<TFloat32>> states) {
    List<Operand<TFloat32>> inputs = new ArrayList<>(1 + states.size());
    inputs.add(input);
    inputs.addAll(states);
    return inputs;
  }

  /**
   * The step's math, on an input {@code [batch, features]} and {@link #stateCount()} states {@code
   * [batch, units]}, once the weights exist.
   */
  protected abstract RecurrentStep step(
      Ops tf, Operand<TFloat32> input, List<Operand<TFloat32>> states, boolean training);

  @Override
  protected void checkInputShapes(List<Shape> inputShapes) {
    int count = inputShapes.size();
    if (count != 1 && count != 1 + stateCount()) {
      throw new IllegalArgumentException(
          describe() + ": expected the input followed by " + stateCount() + " state tensor"
              + (stateCount() == 1 ? "" : "s") + ", received " + count + " tensors");
    }
    Shape x = inputShapes.get(0);
    if (x.isUnknown() || x.numDimensions() != 2) {
      throw inputError("expected input of rank 2 ([batch, features])", x);
    }
    if (x.get(1) < 0) {
      throw inputError("the last dimension of the input must be known", x);
    }
    if (built() && x.get(1) != inputDim) {
      throw inputError("expected input with last dimension " + inputDim, x);
    }
    for (int i = 1; i < count; i++) {
      Shape s = inputShapes.get(i);
      boolean ok =
          !s.isUnknown() && s.numDimensions() == 2 && (s.get(1) < 0 || s.get(1) == units)
              && (s.get(0) < 0 || x.get(0) < 0 || s.get(0) == x.get(0));
      if (!ok) {
        throw inputError(
            "state " + (i - 1) + ": expected shape [" + (x.get(0) < 0 ? "None" : x.get(0)) + ", " + units
                + "] (the input's batch, units)", s);
      }
    }
  }

  @Override
  protected final void build(List<Shape> inputShapes) {
    build(inputShapes.get(0));
  }

  /** Creates the weights for inputs {@code [batch, features]}; subclasses call this first. */
  @Override
  protected void build(Shape inputShape) {
    inputDim = inputShape.get(1);
  }

  @Override
  protected List<Operand<TFloat32>> callOutputs(
      Ops tf, List<Operand<TFloat32>> inputs, boolean training) {
    Operand<TFloat32> x = inputs.get(0);
    List<Operand<TFloat32>> states =
        inputs.size() == 1 ? getInitialState(tf, x) : inputs.subList(1, inputs.size());
    RecurrentStep step = step(tf, x, states, training);
    List<Operand<TFloat32>> outputs = new ArrayList<>(1 + step.states().size());
    outputs.add(step.output());
    outputs.addAll(step.states());
    return outputs;
  }

  /** The output from the zero state; {@link #callOutputs} is what applies use. */
  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    return step(tf, input, getInitialState(tf, input), false).output();
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    if (inputShape.isUnknown() || inputShape.numDimensions() != 2) {
      throw inputError("expected input of rank 2 ([batch, features])", inputShape);
    }
    return Shape.of(inputShape.get(0), units);
  }

  @Override
  public List<Shape> computeOutputShapes(List<Shape> inputShapes) {
    Shape out = computeOutputShape(inputShapes.get(0));
    return Collections.nCopies(1 + stateCount(), out);
  }
}
