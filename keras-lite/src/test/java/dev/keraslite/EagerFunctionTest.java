package dev.keraslite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class EagerFunctionTest {
  @Test
  void variablesAreSharedBothWays() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable v = new Variable(tf, "v", tf.constant(1f), true);
      EagerFunction<Operand<TFloat32>> f =
          eager.function(
              (Ops g, Operand<TFloat32> x) -> {
                Operand<TFloat32> before = v.value(g);
                v.assignAdd(g, x);
                return before;
              });
      assertEquals(1f, f.call(tf.constant(2f)).asTensor().getFloat());
      assertEquals(3f, (float) Recording.readScalar(v.value(tf)));
      v.assign(tf, tf.constant(10f));
      assertEquals(10f, f.call(tf.constant(2f)).asTensor().getFloat());
      assertEquals(12f, (float) Recording.readScalar(v.value(tf)));
      assertEquals(1, f.tracingCount());
    }
  }
}
