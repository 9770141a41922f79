package dev.keraslite.training.internal;

import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * One training or test step on a batch, as Keras's {@code train_step}/{@code test_step}: returns
 * the logs (metric name to scalar result). Runs eagerly, or traced once into a graph by {@code fit}.
 */
@FunctionalInterface
public interface StepFunction {
  /**
   * @param tf the ops to build with (eager, or a graph being traced)
   * @param x the batch's inputs
   * @param y the batch's targets
   * @param sampleWeight per-sample weights (from {@code classWeight}), or null
   */
  Map<String, Operand<TFloat32>> apply(
      Ops tf, Operand<TFloat32> x, Operand<? extends TNumber> y, Operand<TFloat32> sampleWeight);
}
