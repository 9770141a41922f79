package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.constraints.Constraints;
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

  @Override
  public SimpleRNNCell activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public SimpleRNNCell activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** The activation of the new state (default {@code tanh}; {@code Activations.linear()} for none). */
  public SimpleRNNCell activation(Activation activation) {
    checkNotBuilt("activation");
    this.activation = Objects.requireNonNull(activation, "activation");
    return this;
  }

  /** As {@link #activation(Activation)}, by Keras name ({@code "relu"}). */
  public SimpleRNNCell activation(String name) {
    return activation(Activations.get(name));
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

  /** As {@link #kernelInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public SimpleRNNCell kernelInitializer(String name) {
    return kernelInitializer(Initializers.get(name));
  }

  /** The recurrent kernel's initializer (default {@code orthogonal}). */
  public SimpleRNNCell recurrentInitializer(Initializer initializer) {
    weights.recurrentInitializer(initializer);
    return this;
  }

  /** As {@link #recurrentInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public SimpleRNNCell recurrentInitializer(String name) {
    return recurrentInitializer(Initializers.get(name));
  }

  /** The bias's initializer (default {@code zeros}). */
  public SimpleRNNCell biasInitializer(Initializer initializer) {
    weights.biasInitializer(initializer);
    return this;
  }

  /** As {@link #biasInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public SimpleRNNCell biasInitializer(String name) {
    return biasInitializer(Initializers.get(name));
  }

  /** The kernel's penalty, added to {@link #losses(Ops)} (Keras's {@code kernel_regularizer}; default none). */
  public SimpleRNNCell kernelRegularizer(Regularizer regularizer) {
    weights.kernelRegularizer(regularizer);
    return this;
  }

  /** As {@link #kernelRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public SimpleRNNCell kernelRegularizer(String name) {
    return kernelRegularizer(Regularizers.get(name));
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

  /** As {@link #recurrentRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public SimpleRNNCell recurrentRegularizer(String name) {
    return recurrentRegularizer(Regularizers.get(name));
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

  /** As {@link #biasRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public SimpleRNNCell biasRegularizer(String name) {
    return biasRegularizer(Regularizers.get(name));
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

  /** As {@link #kernelConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public SimpleRNNCell kernelConstraint(String name) {
    return kernelConstraint(Constraints.get(name));
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

  /** As {@link #recurrentConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public SimpleRNNCell recurrentConstraint(String name) {
    return recurrentConstraint(Constraints.get(name));
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

  /** As {@link #biasConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public SimpleRNNCell biasConstraint(String name) {
    return biasConstraint(Constraints.get(name));
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

  @Override
  public SimpleRNNCell dropout(double dropout) {
    super.dropout(dropout);
    return this;
  }

  @Override
  public SimpleRNNCell recurrentDropout(double recurrentDropout) {
    super.recurrentDropout(recurrentDropout);
    return this;
  }

  @Override
  public SimpleRNNCell seed(Long seed) {
    super.seed(seed);
    return this;
  }
}
