package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.constraints.Constraints;
import dev.keraslite.constraints.Constraint;
import dev.keraslite.regularizers.Regularizer;
import java.util.Map;
import dev.keraslite.Variable;
import dev.keraslite.activations.Activation;
import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializer;
import dev.keraslite.initializers.Initializers;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * One step of a long short-term memory network (Keras's {@code LSTMCell}). With {@code z = x
 * kernel + h recurrent_kernel + bias} split into four blocks of {@code units} in Keras's gate order
 * {@code i, f, c, o}:
 *
 * <pre>
 * i = recurrent_activation(z_i)    f = recurrent_activation(z_f)    o = recurrent_activation(z_o)
 * c' = f * c + i * activation(z_c)
 * h' = o * activation(c')          output = h', state = [h', c']
 * </pre>
 *
 * <p>Keras 3's defaults: {@code tanh} activation, {@code sigmoid} recurrent activation, a bias,
 * {@code kernel [inputDim, 4 units]} {@code glorot_uniform}, {@code recurrent_kernel [units, 4
 * units]} {@code orthogonal}, {@code bias [4 units]} {@code zeros} except the forget gate's block,
 * which starts at one ({@code unitForgetBias}) so that the cell remembers by default. (Dropout
 * options are not implemented.)
 */
public class LSTMCell extends RecurrentCell {
  private static final int GATES = 4;

  private Activation activation = Activations.tanh();
  private Activation recurrentActivation = Activations.sigmoid();
  private boolean unitForgetBias = true;
  private final GateWeights gateWeights = new GateWeights(this, GATES);

  /**
   * A cell of {@code units} units.
   *
   * @throws IllegalArgumentException unless {@code units} is positive
   */
  public LSTMCell(long units) {
    super(units);
  }

  /** The cell of an {@link LSTM} layer, named {@code lstm_cell} as in Keras. */
  LSTMCell(long units, String name) {
    super(units, name);
  }

  @Override
  public LSTMCell name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public LSTMCell activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public LSTMCell activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** The activation of the candidate cell state and of the output (default {@code tanh}). */
  public LSTMCell activation(Activation activation) {
    checkNotBuilt("activation");
    this.activation = Objects.requireNonNull(activation, "activation");
    return this;
  }

  /** As {@link #activation(Activation)}, by Keras name ({@code "relu"}). */
  public LSTMCell activation(String name) {
    return activation(Activations.get(name));
  }

  /** The activation of the input, forget and output gates (default {@code sigmoid}). */
  public LSTMCell recurrentActivation(Activation recurrentActivation) {
    checkNotBuilt("recurrentActivation");
    this.recurrentActivation = Objects.requireNonNull(recurrentActivation, "recurrentActivation");
    return this;
  }

  /** As {@link #recurrentActivation(Activation)}, by Keras name ({@code "relu"}). */
  public LSTMCell recurrentActivation(String name) {
    return recurrentActivation(Activations.get(name));
  }

  /** Whether the cell adds a bias (default true). */
  public LSTMCell useBias(boolean useBias) {
    gateWeights.useBias(useBias);
    return this;
  }

  /**
   * Whether the forget gate's block of the bias starts at one (default true); the other blocks come
   * from the bias initializer, as in Keras.
   */
  public LSTMCell unitForgetBias(boolean unitForgetBias) {
    checkNotBuilt("unitForgetBias");
    this.unitForgetBias = unitForgetBias;
    return this;
  }

  /** The kernel's initializer (default {@code glorot_uniform}). */
  public LSTMCell kernelInitializer(Initializer initializer) {
    gateWeights.kernelInitializer(initializer);
    return this;
  }

  /** As {@link #kernelInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public LSTMCell kernelInitializer(String name) {
    return kernelInitializer(Initializers.get(name));
  }

  /** The recurrent kernel's initializer (default {@code orthogonal}). */
  public LSTMCell recurrentInitializer(Initializer initializer) {
    gateWeights.recurrentInitializer(initializer);
    return this;
  }

  /** As {@link #recurrentInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public LSTMCell recurrentInitializer(String name) {
    return recurrentInitializer(Initializers.get(name));
  }

  /** The bias's initializer (default {@code zeros}; see {@link #unitForgetBias}). */
  public LSTMCell biasInitializer(Initializer initializer) {
    gateWeights.biasInitializer(initializer);
    return this;
  }

  /** As {@link #biasInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public LSTMCell biasInitializer(String name) {
    return biasInitializer(Initializers.get(name));
  }

  /** The kernel's penalty, added to {@link #losses(Ops)} (Keras's {@code kernel_regularizer}; default none). */
  public LSTMCell kernelRegularizer(Regularizer regularizer) {
    gateWeights.kernelRegularizer(regularizer);
    return this;
  }

  /** As {@link #kernelRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public LSTMCell kernelRegularizer(String name) {
    return kernelRegularizer(Regularizers.get(name));
  }

  /** The kernel's regularizer, or null. */
  public Regularizer kernelRegularizer() {
    return gateWeights.kernelRegularizer();
  }

  /** The recurrent kernel's penalty, added to {@link #losses(Ops)} (Keras's {@code recurrent_regularizer}; default none). */
  public LSTMCell recurrentRegularizer(Regularizer regularizer) {
    gateWeights.recurrentRegularizer(regularizer);
    return this;
  }

  /** As {@link #recurrentRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public LSTMCell recurrentRegularizer(String name) {
    return recurrentRegularizer(Regularizers.get(name));
  }

  /** The recurrent kernel's regularizer, or null. */
  public Regularizer recurrentRegularizer() {
    return gateWeights.recurrentRegularizer();
  }

  /** The bias's penalty, added to {@link #losses(Ops)} (Keras's {@code bias_regularizer}; default none). */
  public LSTMCell biasRegularizer(Regularizer regularizer) {
    gateWeights.biasRegularizer(regularizer);
    return this;
  }

  /** As {@link #biasRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public LSTMCell biasRegularizer(String name) {
    return biasRegularizer(Regularizers.get(name));
  }

  /** The bias's regularizer, or null. */
  public Regularizer biasRegularizer() {
    return gateWeights.biasRegularizer();
  }

  /** The kernel's constraint, applied after each optimizer update (Keras's {@code kernel_constraint}; default none). */
  public LSTMCell kernelConstraint(Constraint constraint) {
    gateWeights.kernelConstraint(constraint);
    return this;
  }

  /** As {@link #kernelConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public LSTMCell kernelConstraint(String name) {
    return kernelConstraint(Constraints.get(name));
  }

  /** The kernel's constraint, or null. */
  public Constraint kernelConstraint() {
    return gateWeights.kernelConstraint();
  }

  /** The recurrent kernel's constraint, applied after each optimizer update (Keras's {@code recurrent_constraint}; default none). */
  public LSTMCell recurrentConstraint(Constraint constraint) {
    gateWeights.recurrentConstraint(constraint);
    return this;
  }

  /** As {@link #recurrentConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public LSTMCell recurrentConstraint(String name) {
    return recurrentConstraint(Constraints.get(name));
  }

  /** The recurrent kernel's constraint, or null. */
  public Constraint recurrentConstraint() {
    return gateWeights.recurrentConstraint();
  }

  /** The bias's constraint, applied after each optimizer update (Keras's {@code bias_constraint}; default none). */
  public LSTMCell biasConstraint(Constraint constraint) {
    gateWeights.biasConstraint(constraint);
    return this;
  }

  /** As {@link #biasConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public LSTMCell biasConstraint(String name) {
    return biasConstraint(Constraints.get(name));
  }

  /** The bias's constraint, or null. */
  public Constraint biasConstraint() {
    return gateWeights.biasConstraint();
  }

  /** Two states: {@code h} and {@code c}. */
  @Override
  public int stateCount() {
    return 2;
  }

  /** The input kernel, {@code [inputDim, 4 units]}, gate blocks {@code i, f, c, o}. */
  public Variable kernel() {
    return gateWeights.kernel();
  }

  /** The recurrent kernel, {@code [units, 4 units]}. */
  public Variable recurrentKernel() {
    return gateWeights.recurrentKernel();
  }

  /** The bias, {@code [4 units]}, or null without one. */
  public Variable bias() {
    return gateWeights.bias();
  }

  @Override
  protected void build(Shape inputShape) {
    super.build(inputShape);
    Initializer biasStart = unitForgetBias ? forgetBiasOnes() : gateWeights.biasInitializer();
    gateWeights.build(inputShape.get(1), Shape.of(GATES * units()), biasStart);
  }

  /** Keras's {@code unit_forget_bias}: the bias initializer's values, with the forget block set to one. */
  private Initializer forgetBiasOnes() {
    Initializer base = gateWeights.biasInitializer();
    long units = units();
    return (tf, shape) ->
        tf.concat(
            List.of(
                base.apply(tf, Shape.of(units)),
                Initializers.ones().apply(tf, Shape.of(units)),
                base.apply(tf, Shape.of(2 * units))),
            tf.constant(0));
  }

  @Override
  protected RecurrentStep step(
      Ops tf, Operand<TFloat32> input, List<Operand<TFloat32>> states, boolean training) {
    input = dropInput(tf, input, training);
    Operand<TFloat32> h = dropRecurrent(tf, states.get(0), training);
    Operand<TFloat32> c = states.get(1);
    Operand<TFloat32> z =
        tf.math.add(
            tf.linalg.matMul(input, gateWeights.kernel().value(tf)),
            tf.linalg.matMul(h, gateWeights.recurrentKernel().value(tf)));
    if (gateWeights.useBias()) {
      z = tf.nn.biasAdd(z, gateWeights.bias().value(tf));
    }
    List<Output<TFloat32>> gates = tf.split(tf.constant(1), z, (long) GATES).output();
    Operand<TFloat32> i = recurrentActivation.apply(tf, gates.get(0));
    Operand<TFloat32> f = recurrentActivation.apply(tf, gates.get(1));
    Operand<TFloat32> candidate = activation.apply(tf, gates.get(2));
    Operand<TFloat32> o = recurrentActivation.apply(tf, gates.get(3));
    Operand<TFloat32> cNext = tf.math.add(tf.math.mul(f, c), tf.math.mul(i, candidate));
    Operand<TFloat32> hNext = tf.math.mul(o, activation.apply(tf, cNext));
    return new RecurrentStep(hNext, List.of(hNext, cNext));
  }

  // Read by the layer's getConfig().
  Activation activationFunction() {
    return activation;
  }

  Activation recurrentActivationFunction() {
    return recurrentActivation;
  }

  GateWeights gateWeights() {
    return gateWeights;
  }

  boolean unitForgetBias() {
    return unitForgetBias;
  }

  @Override
  public LSTMCell dropout(double dropout) {
    super.dropout(dropout);
    return this;
  }

  @Override
  public LSTMCell recurrentDropout(double recurrentDropout) {
    super.recurrentDropout(recurrentDropout);
    return this;
  }

  @Override
  public LSTMCell seed(Long seed) {
    super.seed(seed);
    return this;
  }
}
