package dev.keraslite.optimizers;

import dev.keraslite.Variable;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TFloating;

/**
 * RMSprop, as Keras's {@code RMSprop}:
 *
 * <pre>
 * velocity = rho * velocity + (1 - rho) * g^2
 * average  = rho * average + (1 - rho) * g                        (centered only)
 * denom    = velocity + epsilon,  or velocity - average^2 + epsilon when centered
 * step     = lr * g / sqrt(denom)
 * mom      = momentum * mom + step; w -= mom                       (momentum &gt; 0)
 * w -= step                                                        (momentum == 0)
 * </pre>
 *
 * where {@code mom} is the {@code momentum} slot. Keras 3 puts epsilon inside the square root
 * here, as TensorFlow's kernels do. Slots: {@code velocity} for every variable, then {@code
 * momentum} (if momentum &gt; 0), then {@code average_gradient} (if centered).
 *
 * <p>With momentum &gt; 0 each update is one fused kernel, {@code ResourceApplyRMSProp} or {@code
 * ResourceApplyCenteredRMSProp}, whose equations are Keras's. Without momentum Keras has no
 * momentum slot, while both kernels need one; rather than keep a hidden buffer that a saved
 * optimizer would not contain, those updates are composed of TensorFlow ops.
 */
public class RMSprop extends ChainedOptions<RMSprop> {
  /** Keras's default learning rate for RMSprop. */
  public static final float DEFAULT_LEARNING_RATE = 0.001f;

  private float rho = 0.9f;
  private float momentum;
  private float epsilon = 1e-7f;
  private boolean centered;

  /** RMSprop with Keras's defaults (learning rate 0.001, rho 0.9, no momentum, epsilon 1e-7). */
  public RMSprop() {
    this(DEFAULT_LEARNING_RATE);
  }

  /** RMSprop with a constant learning rate. */
  public RMSprop(float learningRate) {
    super("rmsprop", learningRate);
  }

  /** RMSprop whose learning rate follows {@code schedule}. */
  public RMSprop(LearningRateSchedule schedule) {
    super("rmsprop", schedule);
  }

  /** The discounting factor of the squared-gradient average, in {@code [0, 1]} (default 0.9). */
  public RMSprop rho(float rho) {
    checkNotBuilt("rho");
    checkRange("rho", rho, 0f, 1f);
    this.rho = rho;
    return this;
  }

  /** The momentum, {@code >= 0} (default 0: none, and no momentum slot). */
  public RMSprop momentum(float momentum) {
    checkNotBuilt("momentum");
    checkRange("momentum", momentum, 0f, Float.MAX_VALUE);
    this.momentum = momentum;
    return this;
  }

  /** Added to the denominator under the square root (default 1e-7). */
  public RMSprop epsilon(float epsilon) {
    checkNotBuilt("epsilon");
    checkRange("epsilon", epsilon, 0f, Float.MAX_VALUE);
    this.epsilon = epsilon;
    return this;
  }

  /**
   * Whether to normalise by the estimated variance instead of the second moment (default false).
   */
  public RMSprop centered(boolean centered) {
    checkNotBuilt("centered");
    this.centered = centered;
    return this;
  }

  public float rho() {
    return rho;
  }

  public float momentum() {
    return momentum;
  }

  public float epsilon() {
    return epsilon;
  }

  public boolean centered() {
    return centered;
  }

  @Override
  protected void createSlots(List<Variable> variables) {
    addSlots(variables, "velocity");
    if (momentum > 0) {
      addSlots(variables, "momentum");
    }
    if (centered) {
      addSlots(variables, "average_gradient");
    }
  }

  @Override
  protected <T extends TFloating> Op updateStep(
      Ops tf, Variable variable, Operand<T> gradient, Operand<T> learningRate) {
    Class<T> type = gradient.type();
    Operand<T> r = constant(tf, rho, type);
    Operand<T> eps = constant(tf, epsilon, type);
    Variable velocity = requireSlot(variable, "velocity");
    if (momentum > 0) {
      Operand<?> mom = requireSlot(variable, "momentum").handle(tf);
      Operand<T> mu = constant(tf, momentum, type);
      if (centered) {
        return tf.train.resourceApplyCenteredRmsProp(
            variable.handle(tf),
            requireSlot(variable, "average_gradient").handle(tf),
            velocity.handle(tf),
            mom,
            learningRate,
            r,
            mu,
            eps,
            gradient);
      }
      return tf.train.resourceApplyRmsProp(
          variable.handle(tf), velocity.handle(tf), mom, learningRate, r, mu, eps, gradient);
    }
    Operand<T> oneMinusRho = constant(tf, 1.0 - rho, type);
    Op velocityUpdated =
        tf.assignVariableOp(
            velocity.handle(tf),
            tf.math.add(
                tf.math.mul(r, velocity.<T>value(tf)),
                tf.math.mul(oneMinusRho, tf.math.square(gradient))));
    Op averageUpdated = null;
    Variable average = centered ? requireSlot(variable, "average_gradient") : null;
    if (centered) {
      averageUpdated =
          tf.assignVariableOp(
              average.handle(tf),
              tf.math.add(
                  tf.math.mul(r, average.<T>value(tf)), tf.math.mul(oneMinusRho, gradient)));
    }
    Ops then = centered ? after(tf, velocityUpdated, averageUpdated) : after(tf, velocityUpdated);
    Operand<T> secondMoment =
        centered
            ? tf.math.sub(velocity.<T>value(then), tf.math.square(average.<T>value(then)))
            : velocity.<T>value(then);
    Operand<T> denominator = tf.math.add(secondMoment, eps);
    Operand<T> increment =
        tf.math.div(tf.math.mul(learningRate, gradient), tf.math.sqrt(denominator));
    return then.assignSubVariableOp(variable.handle(tf), increment);
  }
}
