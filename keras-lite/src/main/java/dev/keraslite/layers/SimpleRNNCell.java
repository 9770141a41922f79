package dev.keraslite.layers;

import dev.keraslite.constraints.Constraint;
import dev.keraslite.regularizers.Regularizer;
import dev.keraslite.Variable;
import dev.keraslite.activations.Activation;
import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializer;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * One step of a fully connected recurrent network (Keras's {@code SimpleRNNCell}): {@code h' =
 * activation(x kernel + bias + h recurrent_kernel)}; the output is {@code h'}, the state {@code
 * [h']}.
 *
 * <p>Keras 3's defaults: {@code tanh} activation, a bias, {@code kernel [inputDim, units]} {@code
 * glorot_uniform}, {@code recurrent_kernel [units, units]} {@code orthogonal}, {@code bias [units]}
 * {@code zeros}. (Dropout options are not implemented.)
 */
public class SimpleRNNCell extends RecurrentCell {
  private Activation activation = Activations.tanh();
  private final GateWeights weights = new GateWeights(this, 1);

  /**
   * A cell of {@code units} units.
   *
   * @throws IllegalArgumentException unless {@code units} is positive
   */
  public SimpleRNNCell(long units) {
    super(units);
  }

  /** The cell of a {@link SimpleRNN} layer, named {@code simple_rnn_cell} as in Keras. */
  SimpleRNNCell(long units, String name) {
    super(units, name);
  }

  @Override
  public SimpleRNNCell name(String name) {
    super.name(name);
    return this;
  }

  /** The activation of the new state (default {@code tanh}; {@code Activations.linear()} for none). */
  public SimpleRNNCell activation(Activation activation) {
    checkNotBuilt("activation");
    this.activation = Objects.requireNonNull(activation, "activation");
    return this;
  }

  /** Whether the cell adds a bias (default true). */
  public SimpleRNNCell useBias(boolean useBias) {
    weights.useBias(useBias);
    return this;
  }

  /** The kernel's initializer (default {@code glorot_uniform}). */
  public SimpleRNNCell kernelInitializer(Initializer initializer) {
    weights.kernelInitializer(initializer);
    return this;
  }

  /** The recurrent kernel's initializer (default {@code orthogonal}). */
  public SimpleRNNCell recurrentInitializer(Initializer initializer) {
    weights.recurrentInitializer(initializer);
    return this;
  }

  /** The bias's initializer (default {@code zeros}). */
  public SimpleRNNCell biasInitializer(Initializer initializer) {
    weights.biasInitializer(initializer);
    return this;
  }

  /** The kernel's penalty, added to {@link #losses(Ops)} (Keras's {@code kernel_regularizer}; default none). */
  public SimpleRNNCell kernelRegularizer(Regularizer regularizer) {
    weights.kernelRegularizer(regularizer);
    return this;
  }

  /** The kernel's regularizer, or null. */
  public Regularizer kernelRegularizer() {
    return weights.kernelRegularizer();
  }

  /** The recurrent kernel's penalty, added to {@link #losses(Ops)} (Keras's {@code recurrent_regularizer}; default none). */
  public SimpleRNNCell recurrentRegularizer(Regularizer regularizer) {
    weights.recurrentRegularizer(regularizer);
    return this;
  }

  /** The recurrent kernel's regularizer, or null. */
  public Regularizer recurrentRegularizer() {
    return weights.recurrentRegularizer();
  }

  /** The bias's penalty, added to {@link #losses(Ops)} (Keras's {@code bias_regularizer}; default none). */
  public SimpleRNNCell biasRegularizer(Regularizer regularizer) {
    weights.biasRegularizer(regularizer);
    return this;
  }

  /** The bias's regularizer, or null. */
  public Regularizer biasRegularizer() {
    return weights.biasRegularizer();
  }

  /** The kernel's constraint, applied after each optimizer update (Keras's {@code kernel_constraint}; default none). */
  public SimpleRNNCell kernelConstraint(Constraint constraint) {
    weights.kernelConstraint(constraint);
    return this;
  }

  /** The kernel's constraint, or null. */
  public Constraint kernelConstraint() {
    return weights.kernelConstraint();
  }

  /** The recurrent kernel's constraint, applied after each optimizer update (Keras's {@code recurrent_constraint}; default none). */
  public SimpleRNNCell recurrentConstraint(Constraint constraint) {
    weights.recurrentConstraint(constraint);
    return this;
  }

  /** The recurrent kernel's constraint, or null. */
  public Constraint recurrentConstraint() {
    return weights.recurrentConstraint();
  }

  /** The bias's constraint, applied after each optimizer update (Keras's {@code bias_constraint}; default none). */
  public SimpleRNNCell biasConstraint(Constraint constraint) {
    weights.biasConstraint(constraint);
    return this;
  }

  /** The bias's constraint, or null. */
  public Constraint biasConstraint() {
    return weights.biasConstraint();
  }

  /** The activation of the new state. */
  public Activation activation() {
    return activation;
  }

  /** Whether the cell adds a bias. */
  public boolean useBias() {
    return weights.useBias();
  }

  Initializer kernelInitializer() {
    return weights.kernelInitializer();
  }

  Initializer recurrentInitializer() {
    return weights.recurrentInitializer();
  }

  Initializer biasInitializer() {
    return weights.biasInitializer();
  }

  /** One state: {@code h}. */
  @Override
  public int stateCount() {
    return 1;
  }

  /** The input kernel, {@code [inputDim, units]}. */
  public Variable kernel() {
    return weights.kernel();
  }

  /** The recurrent kernel, {@code [units, units]}. */
  public Variable recurrentKernel() {
    return weights.recurrentKernel();
  }

  /** The bias, {@code [units]}, or null without one. */
  public Variable bias() {
    return weights.bias();
  }

  @Override
  protected void build(Shape inputShape) {
    super.build(inputShape);
    weights.build(inputShape.get(1), Shape.of(units()), weights.biasInitializer());
  }

  @Override
  protected RecurrentStep step(
      Ops tf, Operand<TFloat32> input, List<Operand<TFloat32>> states, boolean training) {
    Operand<TFloat32> x = tf.linalg.matMul(dropInput(tf, input, training), weights.kernel().value(tf));
    if (weights.useBias()) {
      x = tf.nn.biasAdd(x, weights.bias().value(tf));
    }
    Operand<TFloat32> h =
        activation.apply(
            tf, tf.math.add(x, tf.linalg.matMul(dropRecurrent(tf, states.get(0), training), weights.recurrentKernel().value(tf))));
    return new RecurrentStep(h, List.of(h));
  }
}
