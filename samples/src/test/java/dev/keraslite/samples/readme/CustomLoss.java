package dev.keraslite.samples.readme;

import dev.keraslite.losses.Loss;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** README's custom loss, compiled as printed. */
class CustomLoss {
  // README:begin
  class MeanSquaredError extends Loss {
    @Override
    public Operand<TFloat32> call(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
      return tf.math.mean(tf.math.square(tf.math.sub(yPred, yTrue)), tf.constant(new int[] {0, 1}));
    }
  }
  // README:end
}
