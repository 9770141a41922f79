package dev.keraslite.optimizers;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * A learning rate that changes with the optimizer's step, as Keras's {@code
 * keras.optimizers.schedules.LearningRateSchedule}. Pass one to an optimizer's constructor:
 *
 * <pre>{@code
 * Optimizer sgd = new SGD(new ExponentialDecay(0.1f, 1000, 0.96f));
 * }</pre>
 *
 * <p>The optimizer evaluates the schedule once per {@link Optimizer#applyGradients} call with its
 * {@code iterations} counter before the increment (0 for the first update), using TensorFlow ops so
 * that a traced training step follows the schedule without being rebuilt.
 */
@FunctionalInterface
public interface LearningRateSchedule {
  /**
   * The learning rate at {@code step}.
   *
   * @param tf where to build the computation
   * @param step the number of updates applied so far, an int64 scalar
   * @return a float32 scalar
   */
  Operand<TFloat32> call(Ops tf, Operand<TInt64> step);
}
