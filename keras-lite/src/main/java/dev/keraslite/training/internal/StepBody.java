package dev.keraslite.training.internal;

import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * The computation of one step on one batch, as the loops hand it to a {@link StepRunner}: a train,
 * test or predict step with its sample weights already bound. Its outputs, by name, are what the
 * loop reads back (the logs, or the predictions).
 */
@FunctionalInterface
interface StepBody {

  /**
   * @param y the batch's targets, or null for a predict step
   */
  Map<String, Operand<TFloat32>> apply(Ops tf, Operand<TFloat32> x, Operand<? extends TNumber> y);
}
