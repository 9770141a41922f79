package dev.keraslite.optimizers;

import dev.keraslite.Variable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TType;

/**
 * Adam, as Keras's {@code Adam}: with {@code t = iterations + 1},
 *
 * <pre>
 * m = m + (g - m) * (1 - beta1)
 * v = v + (g^2 - v) * (1 - beta2)
 * w = w - lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + epsilon)
 * </pre>
 *
 * and, with {@code amsgrad}, {@code vHat = max(vHat, v)} in place of {@code v} in the last line.
 * Slots: {@code momentum} and {@code velocity} per variable (interleaved), then {@code
 * velocity_hat} with amsgrad.
 *
 * <p>One fused kernel per variable: {@code ResourceApplyAdam} computes exactly these equations
 * (epsilon outside the square root, the bias correction folded into the step size), and {@code
 * ResourceApplyAdamWithAmsgrad} the amsgrad variant.
 */
public class Adam extends ChainedOptions<Adam> {
  /** Keras's default learning rate for Adam. */
  public static final float DEFAULT_LEARNING_RATE = 0.001f;

  private float beta1 = 0.9f;
  private float beta2 = 0.999f;
  private float epsilon = 1e-7f;
  private boolean amsgrad;

  /** Adam with Keras's defaults (learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7). */
  public Adam() {
    this(DEFAULT_LEARNING_RATE);
  }

  /** Adam with a constant learning rate. */
  public Adam(float learningRate) {
    this("adam", learningRate);
  }

  /** Adam whose learning rate follows {@code schedule}. */
  public Adam(LearningRateSchedule schedule) {
    this("adam", schedule);
  }

  /** For subclasses with another default name. */
  protected Adam(String name, float learningRate) {
    super(name, learningRate);
  }

  /** For subclasses with another default name. */
  protected Adam(String name, LearningRateSchedule schedule) {
    super(name, schedule);
  }

  /** The decay rate of the first-moment estimate, in {@code [0, 1]} (default 0.9). */
  public Adam beta1(float beta1) {
    checkNotBuilt("beta1");
    checkRange("beta1", beta1, 0f, 1f);
    this.beta1 = beta1;
    return this;
  }

  /** The decay rate of the second-moment estimate, in {@code [0, 1]} (default 0.999). */
  public Adam beta2(float beta2) {
    checkNotBuilt("beta2");
    checkRange("beta2", beta2, 0f, 1f);
    this.beta2 = beta2;
    return this;
  }

  /** Keras's "epsilon hat", added to {@code sqrt(v)} (default 1e-7). */
  public Adam epsilon(float epsilon) {
    checkNotBuilt("epsilon");
    checkRange("epsilon", epsilon, 0f, Float.MAX_VALUE);
    this.epsilon = epsilon;
    return this;
  }

  /** Whether to use the AMSGrad variant (default false). */
  public Adam amsgrad(boolean amsgrad) {
    checkNotBuilt("amsgrad");
    this.amsgrad = amsgrad;
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

  public boolean amsgrad() {
    return amsgrad;
  }

  @Override
  protected void createSlots(List<Variable> variables) {
    addSlots(variables, "momentum", "velocity");
    if (amsgrad) {
      addSlots(variables, "velocity_hat");
    }
  }

  /**
   * The hyperparameters and beta powers of one update, per dtype, shared by its variables: they
   * depend on the step only, so building them once per update rather than once per variable saves
   * five ops per variable (one dispatch each when eager). Entries are recognised as this update's by
   * the identity of {@link #localStep}, which is new on every update.
   */
  private final Map<Class<?>, StepValues<?>> stepValues = new HashMap<>();

  private record StepValues<T extends TType>(
      Operand<T> step, Operand<T> b1, Operand<T> b2, Operand<T> b1Power, Operand<T> b2Power,
      Operand<T> eps) {}

  @SuppressWarnings("unchecked")
  private <T extends TFloating> StepValues<T> stepValues(Ops tf, Class<T> type) {
    Operand<T> step = localStep(type);
    StepValues<T> values = (StepValues<T>) stepValues.get(type);
    if (values == null || values.step() != step) {
      // No control dependencies: these are pure functions of the step, shared by every update.
      Ops shared = tf.scope().env().isEager() ? tf : tf.withControlDependencies(List.of());
      Operand<T> b1 = sharedConstant(shared, beta1, type);
      Operand<T> b2 = sharedConstant(shared, beta2, type);
      values =
          new StepValues<>(
              step,
              b1,
              b2,
              shared.math.pow(b1, step),
              shared.math.pow(b2, step),
              sharedConstant(shared, epsilon, type));
      stepValues.put(type, values);
    }
    return values;
  }

  @Override
  protected <T extends TFloating> Op updateStep(
      Ops tf, Variable variable, Operand<T> gradient, Operand<T> learningRate) {
    StepValues<T> shared = stepValues(tf, gradient.type());
    Operand<T> b1 = shared.b1();
    Operand<T> b2 = shared.b2();
    Operand<T> b1Power = shared.b1Power();
    Operand<T> b2Power = shared.b2Power();
    Operand<T> eps = shared.eps();
    Operand<?> m = requireSlot(variable, "momentum").handle(tf);
    Operand<?> v = requireSlot(variable, "velocity").handle(tf);
    if (amsgrad) {
      return tf.train.resourceApplyAdamWithAmsgrad(
          variable.handle(tf),
          m,
          v,
          requireSlot(variable, "velocity_hat").handle(tf),
          b1Power,
          b2Power,
          learningRate,
          b1,
          b2,
          eps,
          gradient);
    }
    return tf.train.resourceApplyAdam(
        variable.handle(tf), m, v, b1Power, b2Power, learningRate, b1, b2, eps, gradient);
  }
}
