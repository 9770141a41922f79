package dev.keraslite.optimizers;

import dev.keraslite.Variable;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TFloating;

/**
 * Adagrad, as Keras's {@code Adagrad}:
 *
 * <pre>
 * accumulator += g^2
 * w -= lr * g / sqrt(accumulator + epsilon)
 * </pre>
 *
 * with one {@code accumulator} slot per variable, starting at {@code initialAccumulatorValue}.
 *
 * <p>Keras 3 puts epsilon inside the square root; TensorFlow's {@code ResourceApplyAdagradV2}
 * computes {@code g / (sqrt(accumulator) + epsilon)}, and folding epsilon into the accumulator
 * would make the saved slot differ from Keras's. So the update is composed of TensorFlow ops: an
 * {@code AssignAddVariableOp} on the accumulator, then one on the variable.
 */
public class Adagrad extends ChainedOptions<Adagrad> {
  /** Keras's default learning rate for Adagrad. */
  public static final float DEFAULT_LEARNING_RATE = 0.001f;

  private float initialAccumulatorValue = 0.1f;
  private float epsilon = 1e-7f;

  /** Adagrad with Keras's defaults (learning rate 0.001, accumulators from 0.1, epsilon 1e-7). */
  public Adagrad() {
    this(DEFAULT_LEARNING_RATE);
  }

  /** Adagrad with a constant learning rate. */
  public Adagrad(float learningRate) {
    super("adagrad", learningRate);
  }

  /** Adagrad whose learning rate follows {@code schedule}. */
  public Adagrad(LearningRateSchedule schedule) {
    super("adagrad", schedule);
  }

  /** The starting value of the accumulators, {@code >= 0} (default 0.1). */
  public Adagrad initialAccumulatorValue(float value) {
    checkNotBuilt("initialAccumulatorValue");
    checkRange("initialAccumulatorValue", value, 0f, Float.MAX_VALUE);
    this.initialAccumulatorValue = value;
    return this;
  }

  /** Added to the accumulator under the square root (default 1e-7). */
  public Adagrad epsilon(float epsilon) {
    checkNotBuilt("epsilon");
    checkRange("epsilon", epsilon, 0f, Float.MAX_VALUE);
    this.epsilon = epsilon;
    return this;
  }

  public float initialAccumulatorValue() {
    return initialAccumulatorValue;
  }

  public float epsilon() {
    return epsilon;
  }

  @Override
  protected void createSlots(List<Variable> variables) {
    addSlots(variables, initialAccumulatorValue, "accumulator");
  }

  @Override
  protected <T extends TFloating> Op updateStep(
      Ops tf, Variable variable, Operand<T> gradient, Operand<T> learningRate) {
    Variable accumulator = requireSlot(variable, "accumulator");
    Op accumulated = tf.assignAddVariableOp(accumulator.handle(tf), tf.math.square(gradient));
    Ops then = after(tf, accumulated);
    Operand<T> denominator =
        then.math.sqrt(
            then.math.add(accumulator.<T>value(then), constant(then, epsilon, gradient.type())));
    return then.assignSubVariableOp(
        variable.handle(tf), then.math.div(then.math.mul(learningRate, gradient), denominator));
  }
}
