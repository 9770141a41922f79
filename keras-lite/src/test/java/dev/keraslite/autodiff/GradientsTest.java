package dev.keraslite.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class GradientsTest {
  @Test
  void duplicateRegistrationNamesBothRegistrants() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Gradients.register("MatMul", (tf, op, g) -> List.of(g.get(0), g.get(0))));
    assertTrue(e.getMessage().contains("'MatMul'"), e.getMessage());
    assertTrue(e.getMessage().contains(MathGradients.class.getName()), e.getMessage());
    assertTrue(e.getMessage().contains(GradientsTest.class.getName()), e.getMessage());
  }

  @Test
  void userRegisteredGradientIsUsed() {
    // Expint (the exponential integral Ei) has no built-in gradient: d/dx Ei(x) = e^x / x.
    Gradients.register(
        "Expint",
        (tf, op, g) -> {
          Operand<TFloat32> x = (Operand<TFloat32>) op.input(0);
          return List.of(tf.math.mul((Operand<TFloat32>) g.get(0), tf.math.div(tf.math.exp(x), x)));
        });
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> x = tf.constant(2f);
      try (GradientTape tape = new GradientTape(tf)) {
        tape.watch(x);
        Operand<TFloat32> y = tf.math.mul(tf.math.special.expint(x), tf.constant(3f));
        float g = ((TFloat32) tape.gradient(y, x).asTensor()).getFloat();
        assertEquals(3 * Math.exp(2) / 2, g, 1e-5);
      }
    }
  }
}
