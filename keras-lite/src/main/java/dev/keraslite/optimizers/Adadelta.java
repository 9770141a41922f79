package dev.keraslite.optimizers;

import dev.keraslite.Variable;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TFloating;

/**
 * Adadelta, as Keras's {@code Adadelta}:
 *
 * <pre>
 * accumulated_grad      = rho * accumulated_grad + (1 - rho) * g^2
 * delta                 = -sqrt(accumulated_delta_var + eps) / sqrt(accumulated_grad + eps) * g
 * accumulated_delta_var = rho * accumulated_delta_var + (1 - rho) * delta^2
 * w += lr * delta
 * </pre>
 *
 * Slots {@code accumulated_grad} and {@code accumulated_delta_var} per variable (interleaved).
 *
 * <p>One fused kernel per variable: {@code ResourceApplyAdadelta} computes these equations, the
 * learning rate included.
 */
public class Adadelta extends ChainedOptions<Adadelta> {
  /** Keras's default learning rate for Adadelta. */
  public static final float DEFAULT_LEARNING_RATE = 0.001f;

  private float rho = 0.95f;
  private float epsilon = 1e-7f;

  /** Adadelta with Keras's defaults (learning rate 0.001, rho 0.95, epsilon 1e-7). */
  public Adadelta() {
    this(DEFAULT_LEARNING_RATE);
  }

  /** Adadelta with a constant learning rate. */
  public Adadelta(float learningRate) {
    super("adadelta", learningRate);
  }

  /** Adadelta whose learning rate follows {@code schedule}. */
  public Adadelta(LearningRateSchedule schedule) {
    super("adadelta", schedule);
  }

  /** The decay rate of both averages, in {@code [0, 1]} (default 0.95). */
  public Adadelta rho(float rho) {
    checkNotBuilt("rho");
    checkRange("rho", rho, 0f, 1f);
    this.rho = rho;
    return this;
  }

  /** Added under both square roots (default 1e-7). */
  public Adadelta epsilon(float epsilon) {
    checkNotBuilt("epsilon");
    checkRange("epsilon", epsilon, 0f, Float.MAX_VALUE);
    this.epsilon = epsilon;
    return this;
  }

  public float rho() {
    return rho;
  }

  public float epsilon() {
    return epsilon;
  }

  @Override
  protected void createSlots(List<Variable> variables) {
    addSlots(variables, "accumulated_grad", "accumulated_delta_var");
  }

  @Override
  protected <T extends TFloating> Op updateStep(
      Ops tf, Variable variable, Operand<T> gradient, Operand<T> learningRate) {
    Class<T> type = gradient.type();
    return tf.train.resourceApplyAdadelta(
        variable.handle(tf),
        requireSlot(variable, "accumulated_grad").handle(tf),
        requireSlot(variable, "accumulated_delta_var").handle(tf),
        learningRate,
        constant(tf, rho, type),
        constant(tf, epsilon, type),
        gradient);
  }
}
