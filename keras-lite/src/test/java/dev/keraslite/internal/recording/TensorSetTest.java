package dev.keraslite.internal.recording;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TFloat32;

class TensorSetTest {
  @Test
  void membershipIsPerOutputIncludingPastTheSixtyFourth() {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      // 100 outputs: indices past 63 take the overflow set.
      Unstack<TFloat32> parts = tf.unstack(tf.zeros(tf.constant(new int[] {100}), TFloat32.class), 100L);
      List<Operand<TFloat32>> out = List.copyOf(parts.output());
      TensorSet set = new TensorSet();
      set.add(out.get(3));
      set.add(out.get(70));
      assertTrue(set.contains(out.get(3)));
      assertTrue(set.contains(out.get(70)));
      assertFalse(set.contains(out.get(4)));
      assertFalse(set.contains(out.get(71)));
      assertFalse(set.contains(out.get(63)));

      Operation op = parts.op();
      TensorSet all = new TensorSet();
      all.addOutputsOf(op, op.numOutputs());
      for (int i = 0; i < 100; i++) {
        assertTrue(all.contains(out.get(i)), "output " + i);
      }
      Operation two = tf.unstack(tf.zeros(tf.constant(new int[] {64}), TFloat32.class), 64L).op();
      TensorSet exactly64 = new TensorSet();
      exactly64.addOutputsOf(two, 64);
      assertTrue(exactly64.contains(two.output(63)));
      assertTrue(exactly64.contains(two.output(0)));
      assertFalse(exactly64.contains(out.get(0)), "another op");
    }
  }
}
