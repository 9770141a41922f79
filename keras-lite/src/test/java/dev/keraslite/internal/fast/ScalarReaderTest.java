package dev.keraslite.internal.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.EagerScope;
import dev.keraslite.Recording;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@code Recording.readScalar}: the same values as {@code asTensor()}, on both dispatch paths. */
class ScalarReaderTest {

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void readsEveryDtypeAsAsTensorDoes(boolean fastPath) {
    try (Eager eager = Eager.create(fastPath)) {
      Ops tf = eager.tf();
      Operand<TFloat32> loss = tf.math.mean(tf.constant(new float[] {0.1f, 0.2f, 0.4f}), tf.constant(0));
      assertEquals(loss.asTensor().getFloat(), Recording.readScalar(loss));
      assertEquals(2.5e-300, Recording.readScalar(tf.constant(2.5e-300)));
      assertEquals(-7, Recording.readScalar(tf.constant(-7)));
      assertEquals(1L << 40, Recording.readScalar(tf.constant(1L << 40)));
      assertEquals(1, Recording.readScalar(tf.constant(true)));
      assertEquals(0, Recording.readScalar(tf.math.equal(tf.constant(1), tf.constant(2))));
      // One element of any rank, and a dtype read through TensorFlow Java.
      assertEquals(3, Recording.readScalar(tf.constant(new float[][] {{3f}})));
      assertEquals(200, Recording.readScalar(tf.dtypes.cast(tf.constant(200), TUint8.class)));
    }
  }

  @Test
  void refusesMoreThanOneElementNamingTheShape() {
    try (Eager eager = Eager.create()) {
      Operand<TInt32> v = eager.tf().constant(new int[] {1, 2});
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Recording.readScalar(v));
      assertTrue(e.getMessage().contains("[2]"), e.getMessage());
    }
  }

  @Test
  void aReleasedValueSaysSo() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> v;
      try (EagerScope scope = eager.scope()) {
        v = tf.math.add(tf.constant(1f), tf.constant(2f));
        assertEquals(3, Recording.readScalar(v));
      }
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> Recording.readScalar(v));
      assertTrue(e.getMessage().contains("released"), e.getMessage());
    }
  }

  @Test
  void aGraphValueIsRefusedAsAsTensorRefusesIt() {
    try (Graph g = new Graph()) {
      Operand<TFloat32> c = Ops.create(g).constant(1f);
      assertThrows(IllegalStateException.class, () -> Recording.readScalar(c));
    }
  }
}
