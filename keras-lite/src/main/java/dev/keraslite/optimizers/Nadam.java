package dev.keraslite.optimizers;

import dev.keraslite.Variable;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TType;

/**
 * Nadam, Adam with Nesterov momentum, as Keras's {@code Nadam}. With {@code t = iterations + 1},
 * {@code mu(s) = beta1 * (1 - 0.5 * 0.96^s)} and {@code P} the running product of {@code mu(1..t)}
 * (the {@code u_product} state, updated once per step before the variables):
 *
 * <pre>
 * m = m + (g - m) * (1 - beta1)
 * v = v + (g^2 - v) * (1 - beta2)
 * mHat = mu(t+1) * m / (1 - P * mu(t+1)) + (1 - mu(t)) * g / (1 - P)
 * vHat = v / (1 - beta2^t)
 * w -= lr * mHat / (sqrt(vHat) + epsilon)
 * </pre>
 *
 * Slots {@code momentum} and {@code velocity} per variable (interleaved), then {@code u_product}.
 *
 * <p>TensorFlow's only Nesterov Adam kernel ({@code ResourceApplyAdam} with {@code use_nesterov})
 * uses a constant momentum, not this momentum schedule, so the update is composed of TensorFlow
 * ops.
 */
public class Nadam extends ChainedOptions<Nadam> {
  /** Keras's default learning rate for Nadam. */
  public static final float DEFAULT_LEARNING_RATE = 0.001f;

  /** Keras's momentum-schedule decay, fixed in Keras too. */
  private static final double MOMENTUM_DECAY = 0.96;

  private float beta1 = 0.9f;
  private float beta2 = 0.999f;
  private float epsilon = 1e-7f;
  private Variable uProduct;

  /** Nadam with Keras's defaults (learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7). */
  public Nadam() {
    this(DEFAULT_LEARNING_RATE);
  }

  /** Nadam with a constant learning rate. */
  public Nadam(float learningRate) {
    super("nadam", learningRate);
  }

  /** Nadam whose learning rate follows {@code schedule}. */
  public Nadam(LearningRateSchedule schedule) {
    super("nadam", schedule);
  }

  /** The decay rate of the first-moment estimate, in {@code [0, 1]} (default 0.9). */
  public Nadam beta1(float beta1) {
    checkNotBuilt("beta1");
    checkRange("beta1", beta1, 0f, 1f);
    this.beta1 = beta1;
    return this;
  }

  /** The decay rate of the second-moment estimate, in {@code [0, 1]} (default 0.999). */
  public Nadam beta2(float beta2) {
    checkNotBuilt("beta2");
    checkRange("beta2", beta2, 0f, 1f);
    this.beta2 = beta2;
    return this;
  }

  /** Added to {@code sqrt(vHat)} (default 1e-7). */
  public Nadam epsilon(float epsilon) {
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
    addSlots(variables, "momentum", "velocity");
    if (uProduct == null) {
      // Keras leaves this variable unnamed; it has the dtype of the first variable built.
      Variable first = variables.get(0);
      Ops init = initOps(first.ops());
      uProduct = addVariable(first.ops(), "u_product", constant(init, 1.0, first.type()));
    }
  }

  @Override
  protected Op beforeUpdates(Ops tf) {
    Class<? extends TType> type = uProduct.type();
    return updateProduct(tf, type);
  }

  private <U extends TType> Op updateProduct(Ops tf, Class<U> type) {
    Operand<U> mu = momentumSchedule(tf, localStep(type));
    return tf.assignVariableOp(uProduct.handle(tf), tf.math.mul(uProduct.<U>value(tf), mu));
  }

  /** {@code beta1 * (1 - 0.5 * 0.96^step)}. */
  private <T extends TType> Operand<T> momentumSchedule(Ops tf, Operand<T> step) {
    Class<T> type = step.type();
    Operand<T> decayed = tf.math.pow(constant(tf, MOMENTUM_DECAY, type), step);
    return tf.math.mul(
        constant(tf, beta1, type),
        tf.math.sub(constant(tf, 1.0, type), tf.math.mul(constant(tf, 0.5, type), decayed)));
  }

  @Override
  protected <T extends TFloating> Op updateStep(
      Ops tf, Variable variable, Operand<T> gradient, Operand<T> learningRate) {
    Class<T> type = gradient.type();
    Operand<T> step = localStep(type);
    Operand<T> one = constant(tf, 1.0, type);
    Operand<T> muT = momentumSchedule(tf, step);
    Operand<T> muNext = momentumSchedule(tf, tf.math.add(step, one));
    Operand<T> product = tf.dtypes.cast(uProduct.value(tf), type);
    Operand<T> productNext = tf.math.mul(product, muNext);
    Operand<T> b2Power = tf.math.pow(constant(tf, beta2, type), step);

    Variable m = requireSlot(variable, "momentum");
    Variable v = requireSlot(variable, "velocity");
    Op mUpdated =
        tf.assignAddVariableOp(
            m.handle(tf),
            tf.math.mul(tf.math.sub(gradient, m.<T>value(tf)), constant(tf, 1.0 - beta1, type)));
    Op vUpdated =
        tf.assignAddVariableOp(
            v.handle(tf),
            tf.math.mul(
                tf.math.sub(tf.math.square(gradient), v.<T>value(tf)),
                constant(tf, 1.0 - beta2, type)));
    Ops then = after(tf, mUpdated, vUpdated);
    Operand<T> mHat =
        then.math.add(
            then.math.div(then.math.mul(muNext, m.<T>value(then)), then.math.sub(one, productNext)),
            then.math.div(
                then.math.mul(then.math.sub(one, muT), gradient), then.math.sub(one, product)));
    Operand<T> vHat = then.math.div(v.<T>value(then), then.math.sub(one, b2Power));
    Operand<T> delta =
        then.math.div(
            then.math.mul(mHat, learningRate),
            then.math.add(then.math.sqrt(vHat), constant(then, epsilon, type)));
    return then.assignSubVariableOp(variable.handle(tf), delta);
  }
}
