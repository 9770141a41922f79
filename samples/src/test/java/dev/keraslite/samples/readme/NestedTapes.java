package dev.keraslite.samples.readme;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** README's nested tapes (second derivative), compiled as printed. */
class NestedTapes {
  static void secondDerivative() {
    // README:begin
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> x = tf.constant(2f);
      try (GradientTape outer = new GradientTape(tf)) {
        outer.watch(x);
        Operand<TFloat32> dy;
        try (GradientTape inner = new GradientTape(tf)) {
          inner.watch(x);
          dy = inner.gradient(tf.math.mul(tf.math.square(x), x), x);   // 3x² = 12
        }
        Operand<TFloat32> d2y = outer.gradient(dy, x);                 // 6x = 12
      }
    }
    // README:end
  }
}
