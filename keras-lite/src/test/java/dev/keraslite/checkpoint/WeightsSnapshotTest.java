package dev.keraslite.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.Variable;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class WeightsSnapshotTest {
  @Test
  void restorePutsBackTheValuesOfTheMomentOfTheSnapshot() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable k = Values.floats(tf, "k:0", Shape.of(2, 2), 1, 2, 3, 4);
      Variable n = Values.longs(tf, "n:0", Shape.of(), 5);
      WeightsSnapshot snapshot = WeightsSnapshot.of(List.of(k, n));

      Values.setFloats(tf, k, -1, -2, -3, -4);
      n.assign(tf, tf.constant(99L));
      assertArrayEquals(new float[] {-1, -2, -3, -4}, Values.floatsOf(k));

      snapshot.restore();
      assertArrayEquals(new float[] {1, 2, 3, 4}, Values.floatsOf(k));
      assertArrayEquals(new long[] {5}, Values.longsOf(n));
      assertEquals(2, snapshot.size());
      assertEquals(List.of(k, n), snapshot.variables());
    }
  }

  @Test
  void snapshotsAreNotRecordedByAnOpenTape() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable w = Values.floats(tf, "w:0", Shape.of(1), 3);
      try (GradientTape tape = new GradientTape(tf)) {
        Operand<TFloat32> y = tf.math.square(w.<TFloat32>value(tf));
        WeightsSnapshot.of(List.of(w)).restore();
        List<Operand<?>> grads = tape.gradient(y, List.of(w));
        try (var t = grads.get(0).asTensor()) {
          assertEquals(6f, ((TFloat32) t).getFloat()); // d(w^2)/dw at 3, untouched by the copy
        }
      }
    }
  }

  @Test
  void graphVariablesAreRefused() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable v = new Variable(tf, "g:0", tf.constant(new float[] {1f}), true);
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> WeightsSnapshot.of(List.of(v)));
      assertTrue(e.getMessage().contains("variable 'g:0' lives in a graph"), e.getMessage());
    }
  }
}
