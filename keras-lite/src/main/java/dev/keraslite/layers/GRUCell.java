package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.constraints.Constraints;
import dev.keraslite.constraints.Constraint;
import dev.keraslite.regularizers.Regularizer;
import java.util.Map;
import dev.keraslite.Variable;
import dev.keraslite.activations.Activation;
import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializer;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TFloat32;

/**
 * One step of a gated recurrent unit (Keras's {@code GRUCell}), with Keras's gate order {@code z,
 * r, h} in each kernel's three blocks of {@code units} columns. With Keras 3's default {@code
 * resetAfter} (the cuDNN-compatible form), the reset gate applies after the recurrent product:
 *
 * <pre>
 * x_z, x_r, x_h = split(x kernel + input_bias)        (bias[0])
 * r_z, r_r, r_h = split(h recurrent_kernel + recurrent_bias)   (bias[1])
 * z = recurrent_activation(x_z + r_z)      r = recurrent_activation(x_r + r_r)
 * candidate = activation(x_h + r * r_h)
 * h' = z * h + (1 - z) * candidate          output = h', state = [h']
 * </pre>
 *
 * With {@code resetAfter(false)} the candidate is {@code activation(x_h + (r * h)
 * recurrent_kernel_h)} and the bias is a single {@code [3 units]} input bias.
 *
 * <p>Keras 3's defaults: {@code tanh} activation, {@code sigmoid} recurrent activation, a bias,
 * {@code kernel [inputDim, 3 units]} {@code glorot_uniform}, {@code recurrent_kernel [units, 3
 * units]} {@code orthogonal}, {@code bias [2, 3 units]} {@code zeros}, {@code resetAfter} true.
 * (Dropout options are not implemented.)
 */
public class GRUCell extends RecurrentCell {
  private static final int GATES = 3;

  private Activation activation = Activations.tanh();
  private Activation recurrentActivation = Activations.sigmoid();
  private boolean resetAfter = true;
  private final GateWeights gateWeights = new GateWeights(this, GATES);

  /**
   * A cell of {@code units} units.
   *
   * @throws IllegalArgumentException unless {@code units} is positive
   */
  public GRUCell(long units) {
    super(units);
  }

  /** The cell of a {@link GRU} layer, named {@code gru_cell} as in Keras. */
  GRUCell(long units, String name) {
    super(units, name);
  }

  @Override
  public GRUCell name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public GRUCell activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public GRUCell activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** The activation of the candidate state (default {@code tanh}). */
  public GRUCell activation(Activation activation) {
    checkNotBuilt("activation");
    this.activation = Objects.requireNonNull(activation, "activation");
    return this;
  }

  /** As {@link #activation(Activation)}, by Keras name ({@code "relu"}). */
  public GRUCell activation(String name) {
    return activation(Activations.get(name));
  }

  /** The activation of the update and reset gates (default {@code sigmoid}). */
  public GRUCell recurrentActivation(Activation recurrentActivation) {
    checkNotBuilt("recurrentActivation");
    this.recurrentActivation = Objects.requireNonNull(recurrentActivation, "recurrentActivation");
    return this;
  }

  /** As {@link #recurrentActivation(Activation)}, by Keras name ({@code "relu"}). */
  public GRUCell recurrentActivation(String name) {
    return recurrentActivation(Activations.get(name));
  }

  /** Whether the cell adds biases (default true). */
  public GRUCell useBias(boolean useBias) {
    gateWeights.useBias(useBias);
    return this;
  }

  /**
   * Whether the reset gate applies after the recurrent product (default true, Keras 3's and
   * cuDNN's form, with separate input and recurrent biases) or before it (the original GRU).
   */
  public GRUCell resetAfter(boolean resetAfter) {
    checkNotBuilt("resetAfter");
    this.resetAfter = resetAfter;
    return this;
  }

  /** The kernel's initializer (default {@code glorot_uniform}). */
  public GRUCell kernelInitializer(Initializer initializer) {
    gateWeights.kernelInitializer(initializer);
    return this;
  }

  /** As {@link #kernelInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public GRUCell kernelInitializer(String name) {
    return kernelInitializer(Initializers.get(name));
  }

  /** The recurrent kernel's initializer (default {@code orthogonal}). */
  public GRUCell recurrentInitializer(Initializer initializer) {
    gateWeights.recurrentInitializer(initializer);
    return this;
  }

  /** As {@link #recurrentInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public GRUCell recurrentInitializer(String name) {
    return recurrentInitializer(Initializers.get(name));
  }

  /** The bias's initializer (default {@code zeros}). */
  public GRUCell biasInitializer(Initializer initializer) {
    gateWeights.biasInitializer(initializer);
    return this;
  }

  /** As {@link #biasInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public GRUCell biasInitializer(String name) {
    return biasInitializer(Initializers.get(name));
  }

  /** The kernel's penalty, added to {@link #losses(Ops)} (Keras's {@code kernel_regularizer}; default none). */
  public GRUCell kernelRegularizer(Regularizer regularizer) {
    gateWeights.kernelRegularizer(regularizer);
    return this;
  }

  /** As {@link #kernelRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public GRUCell kernelRegularizer(String name) {
    return kernelRegularizer(Regularizers.get(name));
  }

  /** The kernel's regularizer, or null. */
  public Regularizer kernelRegularizer() {
    return gateWeights.kernelRegularizer();
  }

  /** The recurrent kernel's penalty, added to {@link #losses(Ops)} (Keras's {@code recurrent_regularizer}; default none). */
  public GRUCell recurrentRegularizer(Regularizer regularizer) {
    gateWeights.recurrentRegularizer(regularizer);
    return this;
  }

  /** As {@link #recurrentRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public GRUCell recurrentRegularizer(String name) {
    return recurrentRegularizer(Regularizers.get(name));
  }

  /** The recurrent kernel's regularizer, or null. */
  public Regularizer recurrentRegularizer() {
    return gateWeights.recurrentRegularizer();
  }

  /** The bias's penalty, added to {@link #losses(Ops)} (Keras's {@code bias_regularizer}; default none). */
  public GRUCell biasRegularizer(Regularizer regularizer) {
    gateWeights.biasRegularizer(regularizer);
    return this;
  }

  /** As {@link #biasRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public GRUCell biasRegularizer(String name) {
    return biasRegularizer(Regularizers.get(name));
  }

  /** The bias's regularizer, or null. */
  public Regularizer biasRegularizer() {
    return gateWeights.biasRegularizer();
  }

  /** The kernel's constraint, applied after each optimizer update (Keras's {@code kernel_constraint}; default none). */
  public GRUCell kernelConstraint(Constraint constraint) {
    gateWeights.kernelConstraint(constraint);
    return this;
  }

  /** As {@link #kernelConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public GRUCell kernelConstraint(String name) {
    return kernelConstraint(Constraints.get(name));
  }

  /** The kernel's constraint, or null. */
  public Constraint kernelConstraint() {
    return gateWeights.kernelConstraint();
  }

  /** The recurrent kernel's constraint, applied after each optimizer update (Keras's {@code recurrent_constraint}; default none). */
  public GRUCell recurrentConstraint(Constraint constraint) {
    gateWeights.recurrentConstraint(constraint);
    return this;
  }

  /** As {@link #recurrentConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public GRUCell recurrentConstraint(String name) {
    return recurrentConstraint(Constraints.get(name));
  }

  /** The recurrent kernel's constraint, or null. */
  public Constraint recurrentConstraint() {
    return gateWeights.recurrentConstraint();
  }

  /** The bias's constraint, applied after each optimizer update (Keras's {@code bias_constraint}; default none). */
  public GRUCell biasConstraint(Constraint constraint) {
    gateWeights.biasConstraint(constraint);
    return this;
  }

  /** As {@link #biasConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public GRUCell biasConstraint(String name) {
    return biasConstraint(Constraints.get(name));
  }

  /** The bias's constraint, or null. */
  public Constraint biasConstraint() {
    return gateWeights.biasConstraint();
  }

  /** Whether the reset gate applies after the recurrent product. */
  public boolean resetAfter() {
    return resetAfter;
  }

  /** One state: {@code h}. */
  @Override
  public int stateCount() {
    return 1;
  }

  /** The input kernel, {@code [inputDim, 3 units]}, gate blocks {@code z, r, h}. */
  public Variable kernel() {
    return gateWeights.kernel();
  }

  /** The recurrent kernel, {@code [units, 3 units]}. */
  public Variable recurrentKernel() {
    return gateWeights.recurrentKernel();
  }

  /**
   * The bias: {@code [2, 3 units]} (input row, recurrent row) with resetAfter, else {@code [3
   * units]}; null without one.
   */
  public Variable bias() {
    return gateWeights.bias();
  }

  @Override
  protected void build(Shape inputShape) {
    super.build(inputShape);
    long columns = GATES * units();
    Shape biasShape = resetAfter ? Shape.of(2, columns) : Shape.of(columns);
    gateWeights.build(inputShape.get(1), biasShape, gateWeights.biasInitializer());
  }

  @Override
  protected RecurrentStep step(
      Ops tf, Operand<TFloat32> input, List<Operand<TFloat32>> states, boolean training) {
    // As Keras 3's GRUCell: the dropped h_tm1 also enters the final blend z * h + (1 - z) * hh.
    input = dropInput(tf, input, training);
    Operand<TFloat32> h = dropRecurrent(tf, states.get(0), training);
    Operand<TFloat32> inputBias = null;
    Operand<TFloat32> recurrentBias = null;
    if (gateWeights.useBias()) {
      Variable bias = gateWeights.bias();
      if (resetAfter) {
        List<Output<TFloat32>> biases =
            tf.unstack(bias.<TFloat32>value(tf), 2L, Unstack.axis(0L)).output();
        inputBias = biases.get(0);
        recurrentBias = biases.get(1);
      } else {
        inputBias = bias.value(tf);
      }
    }
    Operand<TFloat32> mx = tf.linalg.matMul(input, gateWeights.kernel().value(tf));
    if (inputBias != null) {
      mx = tf.nn.biasAdd(mx, inputBias);
    }
    List<Output<TFloat32>> xs = split(tf, mx);
    Operand<TFloat32> z;
    Operand<TFloat32> r;
    Operand<TFloat32> recurrentH;
    if (resetAfter) {
      Operand<TFloat32> mh = tf.linalg.matMul(h, gateWeights.recurrentKernel().value(tf));
      if (recurrentBias != null) {
        mh = tf.nn.biasAdd(mh, recurrentBias);
      }
      List<Output<TFloat32>> hs = split(tf, mh);
      z = recurrentActivation.apply(tf, tf.math.add(xs.get(0), hs.get(0)));
      r = recurrentActivation.apply(tf, tf.math.add(xs.get(1), hs.get(1)));
      recurrentH = tf.math.mul(r, hs.get(2));
    } else {
      List<Output<TFloat32>> rk = split(tf, gateWeights.recurrentKernel().value(tf));
      z = recurrentActivation.apply(tf, tf.math.add(xs.get(0), tf.linalg.matMul(h, rk.get(0))));
      r = recurrentActivation.apply(tf, tf.math.add(xs.get(1), tf.linalg.matMul(h, rk.get(1))));
      recurrentH = tf.linalg.matMul(tf.math.mul(r, h), rk.get(2));
    }
    Operand<TFloat32> candidate = activation.apply(tf, tf.math.add(xs.get(2), recurrentH));
    Operand<TFloat32> hNext =
        tf.math.add(
            tf.math.mul(z, h), tf.math.mul(tf.math.sub(DTypes.scalarLike(tf, z, 1), z), candidate));
    return new RecurrentStep(hNext, List.of(hNext));
  }

  /** The three gate blocks of a {@code [rows, 3 units]} matrix, in order z, r, h. */
  private static List<Output<TFloat32>> split(Ops tf, Operand<TFloat32> m) {
    return tf.split(tf.constant(1), m, (long) GATES).output();
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

  @Override
  public GRUCell dropout(double dropout) {
    super.dropout(dropout);
    return this;
  }

  @Override
  public GRUCell recurrentDropout(double recurrentDropout) {
    super.recurrentDropout(recurrentDropout);
    return this;
  }

  @Override
  public GRUCell seed(Long seed) {
    super.seed(seed);
    return this;
  }
}
