package dev.keraslite.autodiff;

import static dev.keraslite.autodiff.GradientCheck.Input.random;

import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.linalg.MatMul;

@SuppressWarnings({"unchecked", "rawtypes"})
class MathGradientsTest {
  private final GradientCheck check = GradientCheck.float64();

  @Test
  void addBroadcasts() {
    check.check((tf, x) -> tf.math.add((Operand) x.get(0), (Operand) x.get(1)),
        random(1, -1, 1, 2, 3), random(2, -1, 1, 3));
  }

  @Test
  void mulBroadcastsBothWays() {
    check.check((tf, x) -> tf.math.mul((Operand) x.get(0), (Operand) x.get(1)),
        random(1, -1, 1, 2, 1), random(2, -1, 1, 1, 3));
  }

  @Test
  void meanOverOneAxis() {
    check.check((tf, x) -> tf.math.mean((Operand) x.get(0), tf.constant(1)), random(3, -1, 1, 2, 3, 4));
  }

  @Test
  void matMulAllTransposeFlags() {
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        check.check(
            (tf, x) -> tf.linalg.matMul((Operand) x.get(0), (Operand) x.get(1),
                MatMul.transposeA(ta), MatMul.transposeB(tb)),
            random(4, -1, 1, ta ? 3 : 2, ta ? 2 : 3), random(5, -1, 1, tb ? 4 : 3, tb ? 3 : 4));
      }
    }
  }

  @Test
  void squareSecondOrder() {
    check.checkSecondOrder((tf, x) -> tf.math.mul((Operand) tf.math.square((Operand) x.get(0)), (Operand) x.get(0)),
        random(6, -1, 1, 3));
  }
}
