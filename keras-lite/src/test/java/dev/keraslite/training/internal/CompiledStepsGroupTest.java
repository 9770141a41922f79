package dev.keraslite.training.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.keraslite.Eager;
import dev.keraslite.EagerScope;
import dev.keraslite.Variable;
import dev.keraslite.data.Batch;
import dev.keraslite.data.Dataset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@link CompiledSteps#runGroup}: several training steps traced into one graph and run by one
 * {@code Session.run} (Keras's {@code steps_per_execution}); {@code fit}'s use of it is tested by
 * {@code training.StepsPerExecutionTest}.
 */
class CompiledStepsGroupTest {

  @Test
  void aGroupRunsItsStepsInOneExecutionInOrder() {
    // A step that adds its batch's sum to a counter and returns the counter after it, and a 1 to
    // sum: one execution of three chained steps returns the last step's counter and the sum of 3.
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable counter = new Variable(tf, "counter", tf.constant(0f), false);
      StepBody body =
          (g, x, y) -> {
            counter.assignAdd(g, g.reduceSum(x, g.constant(new int[] {0, 1})));
            Map<String, org.tensorflow.Operand<TFloat32>> out = new LinkedHashMap<>();
            out.put("counter", counter.<TFloat32>value(g));
            out.put("one", g.constant(1f));
            return out;
          };
      StepRunner steps = new CompiledSteps("test-group", body, new TracedSteps(), null);
      List<Batch> group = new ArrayList<>();
      Iterator<Batch> it =
          Dataset.of(new float[][] {{1, 2}, {3, 4}, {5, 6}}, new int[] {0, 1, 2}).batch(1).iterator();
      while (it.hasNext()) {
        group.add(it.next());
      }
      try {
        float[] read =
            steps.runGroup(group, "one", out -> new float[] {out.get(0).getFloat(), out.get(1).getFloat()});
        assertNotNull(read, "three batches of one signature run as one group");
        assertEquals(List.of("counter", "one"), steps.outputNames());
        assertEquals(21f, read[0], "the last step reads the counter after the two before it");
        assertEquals(3f, read[1], "the summed output over the three steps");
        float[] again = steps.runGroup(group, "one", out -> new float[] {out.get(0).getFloat()});
        assertEquals(42f, again[0], "the variables stay in the session between executions");
      } finally {
        steps.endPass();
        group.forEach(Batch::close);
      }
      try (EagerScope scope = EagerScope.open(tf)) {
        assertEquals(42f, counter.<TFloat32>value(tf).asTensor().getFloat(), "copied back at the pass's end");
      }
    }
  }
}
