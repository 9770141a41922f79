package dev.keraslite.optimizers;

import dev.keraslite.Variable;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TFloating;

/**
 * Adamax, Adam with the infinity norm, as Keras's {@code Adamax}: with {@code t = iterations + 1},
 *
 * <pre>
 * m = m + (g - m) * (1 - beta1)
 * u = max(beta2 * u, |g|)
 * w -= lr * m / ((1 - beta1^t) * (u + epsilon))
 * </pre>
 *
 * Slots {@code momentum} and {@code norm} per variable (interleaved).
 *
 * <p>One fused kernel per variable: {@code ResourceApplyAdaMax} computes these equations.
 */
public class Adamax extends ChainedOptions<Adamax> {
  /** Keras's default learning rate for Adamax. */
  public static final float DEFAULT_LEARNING_RATE = 0.001f;

  private float beta1 = 0.9f;
  private float beta2 = 0.999f;
  private float epsilon = 1e-7f;

  /** Adamax with Keras's defaults (learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7). */
  public Adamax() {
    this(DEFAULT_LEARNING_RATE);
  }

  /** Adamax with a constant learning rate. */
  public Adamax(float learningRate) {
    super("adamax", learningRate);
  }

  /** Adamax whose learning rate follows {@code schedule}. */
  public Adamax(LearningRateSchedule schedule) {
    super("adamax", schedule);
  }

  /** The decay rate of the first-moment estimate, in {@code [0, 1]} (default 0.9). */
  public Adamax beta1(float beta1) {
    checkNotBuilt("beta1");
    checkRange("beta1", beta1, 0f, 1f);
    this.beta1 = beta1;
    return this;
  }

  /** The decay rate of the infinity norm, in {@code [0, 1]} (default 0.999). */
  public Adamax beta2(float beta2) {
    checkNotBuilt("beta2");
    checkRange("beta2", beta2, 0f, 1f);
    this.beta2 = beta2;
    return this;
  }

  /** Added to the norm (default 1e-7). */
  public Adamax epsilon(float epsilon) {
    checkNotBuilt("epsilon");
    checkRange("epsilon", epsilon, 0f, Float.MAX_VALUE);
    this.epsilon = epsilon;
    return this;
  }

  public float beta1() {
    return beta1;
  }

  public float beta2() {
    return beta2;
  }

  public float epsilon() {
    return epsilon;
  }

  @Override
  protected void createSlots(List<Variable> variables) {
    addSlots(variables, "momentum", "norm");
  }

  @Override
  protected <T extends TFloating> Op updateStep(
      Ops tf, Variable variable, Operand<T> gradient, Operand<T> learningRate) {
    Class<T> type = gradient.type();
    Operand<T> b1 = constant(tf, beta1, type);
    return tf.train.resourceApplyAdaMax(
        variable.handle(tf),
        requireSlot(variable, "momentum").handle(tf),
        requireSlot(variable, "norm").handle(tf),
        tf.math.pow(b1, localStep(type)),
        learningRate,
        b1,
        constant(tf, beta2, type),
        constant(tf, epsilon, type),
        gradient);
  }
}
