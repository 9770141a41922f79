package dev.keraslite.samples.readme;

import dev.keraslite.autodiff.Gradients;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** README's gradient registration, compiled as printed. */
class CustomGradient {
  @SuppressWarnings("unchecked")
  static void register() {
    // README:begin
    Gradients.register("Expint", (tf, op, grads) -> {           // d/dx Ei(x) = e^x / x
      Operand<TFloat32> x = (Operand<TFloat32>) op.input(0);
      return List.of(tf.math.mul((Operand<TFloat32>) grads.get(0), tf.math.div(tf.math.exp(x), x)));
    });
    Gradients.registerNonDifferentiable("MyLookup");
    // README:end
  }
}
