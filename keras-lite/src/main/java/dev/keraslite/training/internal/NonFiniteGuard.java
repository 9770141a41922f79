package dev.keraslite.training.internal;

import dev.keraslite.Recording;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
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

  /**
   * A boolean scalar: true when every element of every non-null gradient is finite. Computed as
   * whether the sum of all their elements is finite, one reduction per gradient and no tensor the
   * size of a gradient (an element-wise {@code isFinite} cost the guard twice as much): a NaN or an
   * infinity anywhere makes the sum NaN or infinite. The one difference, a sum of finite values
   * beyond float32's range (3.4e38), also counts as non-finite; such a step would have pushed the
   * optimizer's state to infinity anyway.
   */
  static Operand<TBool> allFinite(Ops tf, List<? extends Operand<?>> gradients) {
    List<Operand<TFloat32>> sums = new ArrayList<>(gradients.size());
    for (Operand<?> g : gradients) {
      if (g == null) {
        continue;
      }
      int rank = Recording.shape(g).numDimensions();
      @SuppressWarnings("unchecked")
      Operand<? extends TNumber> number = (Operand<? extends TNumber>) g;
      Operand<? extends TNumber> sum = rank <= 0 ? number : tf.reduceSum(number, Recording.allAxes(tf, rank));
      sums.add(sum.type() == TFloat32.class ? float32(sum) : tf.dtypes.cast(sum, TFloat32.class));
    }
    if (sums.isEmpty()) {
      return Recording.constant(tf, List.of(TBool.class, true), o -> o.constant(true));
    }
    return tf.math.isFinite(sums.size() == 1 ? sums.get(0) : tf.math.addN(sums));
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> float32(Operand<?> value) {
    return (Operand<TFloat32>) value;
  }
}
