package dev.keraslite.autodiff;

import dev.keraslite.internal.fast.KeptConstants;
import dev.keraslite.internal.fast.FastShape;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.BroadcastGradientArgs;
import org.tensorflow.types.TInt32;

/**
 * Undoes broadcasting for every binary op: the gradient of an input that was broadcast is the
 * incoming gradient summed over the broadcast axes and reshaped to the input's shape.
 */
final class Broadcasting {
  private Broadcasting() {}

  /**
   * Reduces {@code grad} (shaped like the broadcast result) to the shape of {@code input}. With
   * static shapes (always the case eagerly) the axes are found in Java and no op is issued when
   * nothing was broadcast; otherwise {@code BroadcastGradientArgs} finds them at run time.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Operand<?> reduceTo(Ops tf, Operand<?> grad, Operand<?> input) {
    Shape in = FastShape.of(input);
    Shape out = FastShape.of(grad);
    if (!in.isUnknown() && !out.isUnknown() && !hasUnknownDim(in) && !hasUnknownDim(out)) {
      if (in.equals(out)) {
        return grad;
      }
      int lead = out.numDimensions() - in.numDimensions();
      List<Integer> axes = new ArrayList<>();
      for (int i = 0; i < out.numDimensions(); i++) {
        if (i < lead || (in.get(i - lead) == 1 && out.get(i) != 1)) {
          axes.add(i);
        }
      }
      Operand<?> reduced = grad;
      if (!axes.isEmpty()) {
        int[] a = axes.stream().mapToInt(Integer::intValue).toArray();
        reduced = tf.sum((Operand) grad, KeptConstants.ints(tf, a));
      }
      if (!FastShape.of(reduced).equals(in)) {
        reduced = tf.reshape((Operand) reduced, KeptConstants.ints(tf, in.asArray()));
      }
      return reduced;
    }
    Operand<TInt32> inShape = tf.shape(input);
    BroadcastGradientArgs<TInt32> args = tf.broadcastGradientArgs(inShape, tf.shape(grad));
    Operand<?> reduced = tf.sum((Operand) grad, args.r0());
    return tf.reshape((Operand) reduced, inShape);
  }

  private static boolean hasUnknownDim(Shape s) {
    for (int i = 0; i < s.numDimensions(); i++) {
      if (s.get(i) < 0) {
        return true;
      }
    }
    return false;
  }
}
