package dev.keraslite.optimizers;

import dev.keraslite.Variable;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.ResourceApplyKerasMomentum;
import org.tensorflow.types.family.TFloating;

/**
 * Gradient descent with optional (Nesterov) momentum, as Keras's {@code SGD}.
 *
 * <ul>
 *   <li>{@code momentum == 0}: {@code w -= lr * g}.
 *   <li>otherwise: {@code velocity = momentum * velocity - lr * g; w += velocity}, with a slot
 *       {@code momentum} per variable.
 *   <li>{@code nesterov}: {@code w += momentum * velocity - lr * g} after the velocity update.
 * </ul>
 *
 * <p>Each update is one fused TensorFlow kernel per variable: {@code ResourceApplyGradientDescent},
 * or {@code ResourceApplyKerasMomentum}, whose equations (with and without {@code use_nesterov})
 * are exactly Keras's.
 */
public class SGD extends ChainedOptions<SGD> {
  /** Keras's default learning rate for SGD. */
  public static final float DEFAULT_LEARNING_RATE = 0.01f;

  private float momentum;
  private boolean nesterov;

  /** SGD with Keras's defaults: learning rate 0.01, no momentum. */
  public SGD() {
    this(DEFAULT_LEARNING_RATE);
  }

  /** SGD with a constant learning rate. */
  public SGD(float learningRate) {
    super("SGD", learningRate);
  }

  /** SGD whose learning rate follows {@code schedule}. */
  public SGD(LearningRateSchedule schedule) {
    super("SGD", schedule);
  }

  /** Sets the momentum, in {@code [0, 1]} (default 0: plain gradient descent). */
  public SGD momentum(float momentum) {
    checkNotBuilt("momentum");
    checkRange("momentum", momentum, 0f, 1f);
    this.momentum = momentum;
    return this;
  }

  /** Whether to apply Nesterov momentum (default false). */
  public SGD nesterov(boolean nesterov) {
    checkNotBuilt("nesterov");
    this.nesterov = nesterov;
    return this;
  }

  public float momentum() {
    return momentum;
  }

  public boolean nesterov() {
    return nesterov;
  }

  @Override
  protected void createSlots(List<Variable> variables) {
    if (momentum != 0) {
      addSlots(variables, "momentum");
    }
  }

  @Override
  protected <T extends TFloating> Op updateStep(
      Ops tf, Variable variable, Operand<T> gradient, Operand<T> learningRate) {
    if (momentum == 0) {
      return tf.train.resourceApplyGradientDescent(variable.handle(tf), learningRate, gradient);
    }
    return tf.train.resourceApplyKerasMomentum(
        variable.handle(tf),
        requireSlot(variable, "momentum").handle(tf),
        learningRate,
        gradient,
        constant(tf, momentum, gradient.type()),
        ResourceApplyKerasMomentum.useNesterov(nesterov));
  }
}
