package dev.keraslite.training;

import dev.keraslite.Recording;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.family.TNumber;

/**
 * The test of keras-lite's non-finite guard: whether every gradient of a step is finite. A step
 * whose gradients hold a NaN or an infinity applies no update (see {@code Trainer.applyGradients}),
 * so that the weights never become NaN silently.
 *
 * <p>Keras has no such guard: outside mixed precision's {@code LossScaleOptimizer} (which skips
 * non-finite steps to adjust its loss scale) a NaN gradient is applied, and {@code TerminateOnNaN}
 * only notices a NaN loss after the weights are already NaN (and not at all while a ReLU network's
 * loss stays finite). keras-lite keeps Keras's numbers on every finite step and differs only on
 * steps Keras would have ruined the weights with.
 */
final class NonFiniteGuard {
  private NonFiniteGuard() {}

  /** A boolean scalar: true when every element of every non-null gradient is finite. */
  static Operand<TBool> allFinite(Ops tf, List<? extends Operand<?>> gradients) {
    List<Operand<TBool>> each = new ArrayList<>(gradients.size());
    for (Operand<?> g : gradients) {
      if (g == null) {
        continue;
      }
      int rank = Recording.shape(g).numDimensions();
      @SuppressWarnings("unchecked")
      Operand<? extends TNumber> number = (Operand<? extends TNumber>) g;
      Operand<TBool> finite = tf.math.isFinite(number);
      each.add(rank <= 0 ? finite : tf.reduceAll(finite, Recording.allAxes(tf, rank)));
    }
    if (each.isEmpty()) {
      return Recording.constant(tf, List.of(TBool.class, true), o -> o.constant(true));
    }
    if (each.size() == 1) {
      return each.get(0);
    }
    return tf.reduceAll(tf.stack(each), Recording.allAxes(tf, 1));
  }
}
