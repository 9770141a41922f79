package dev.keraslite.training.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.keraslite.Eager;
import dev.keraslite.EagerScope;
import dev.keraslite.Recording;
import dev.keraslite.Variable;
import dev.keraslite.data.Batch;
import dev.keraslite.data.Dataset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
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

  /**
   * A group traced with its guard deferred applies every step and reports which were not finite;
   * when one was, the runner puts back the state the group started from and returns null, so that
   * the caller runs the batches one guarded step at a time. The group holds no switch, so it runs
   * on the single-threaded executor; the guarded single step, with its switch, does not.
   */
  @Test
  void aDeferredGroupWithANonFiniteStepIsUndoneForTheGuardedSteps() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable counter = new Variable(tf, "counter", tf.constant(0f), false);
      GuardDeferral deferral = new GuardDeferral();
      // Adds the batch's sum to the counter, guarded as Trainer.applyGradients guards an update:
      // deferred, the update runs and "skipped" says whether it should not have.
      StepBody body =
          (g, x, y) -> {
            Operand<TFloat32> sum = g.reduceSum(x, g.constant(new int[] {0, 1}));
            Operand<TBool> finite = g.math.isFinite(sum);
            Operand<TBool> applied;
            if (deferral.active()) {
              counter.assignAdd(g, sum);
              applied = finite;
            } else {
              applied =
                  Recording.updateIf(
                      g, finite, List.of(sum), gated -> {
                        counter.assignAdd(g, Steps.float32(gated.get(0)));
                        return null;
                      });
            }
            Map<String, Operand<TFloat32>> out = new LinkedHashMap<>();
            out.put("counter", counter.<TFloat32>value(g));
            out.put("skipped", g.dtypes.cast(g.math.logicalNot(applied), TFloat32.class));
            return out;
          };
      TracedSteps traced = new TracedSteps();
      StepRunner steps =
          new CompiledSteps("test-deferred", body, traced, null, tf, false, deferral);
      List<Batch> finite = batches(new float[][] {{1, 2}, {3, 4}, {5, 6}});
      List<Batch> poisoned = batches(new float[][] {{1, 2}, {Float.NaN, 4}, {5, 6}});
      try {
        float[] read = steps.runGroup(finite, "skipped", StepsRead::counterAndSkipped);
        assertNotNull(read);
        assertEquals(21f, read[0]);
        assertEquals(0f, read[1]);
        assertNull(
            steps.runGroup(poisoned, "skipped", StepsRead::counterAndSkipped),
            "a group with a non-finite step is handed back");
        // The caller's step-by-step run, from the state the group started from.
        float[] skipped = new float[1];
        float last = 0;
        for (Batch batch : poisoned) {
          float[] one = steps.run(batch, StepsRead::counterAndSkipped);
          last = one[0];
          skipped[0] += one[1];
        }
        assertEquals(21f + 3 + 11, last, "the poisoned group's updates were undone, the NaN step skipped");
        assertEquals(1f, skipped[0]);
        float[] after = steps.runGroup(finite, "skipped", StepsRead::counterAndSkipped);
        assertEquals(21f + 14 + 21, after[0], "back to the group, from the single step's values");
      } finally {
        steps.endPass();
        finite.forEach(Batch::close);
        poisoned.forEach(Batch::close);
      }
      try (EagerScope scope = EagerScope.open(tf)) {
        assertEquals(56f, counter.<TFloat32>value(tf).asTensor().getFloat());
      }
      Map<String, String> executors = new LinkedHashMap<>();
      traced.all().forEach((key, t) -> executors.put(key, t.function().executorType()));
      assertEquals(2, executors.size(), executors.toString());
      executors.forEach(
          (key, executor) ->
              assertEquals(key.contains("*3") ? "SINGLE_THREADED_EXECUTOR" : "", executor, key));
    }
  }

  private static List<Batch> batches(float[][] rows) {
    List<Batch> out = new ArrayList<>();
    Dataset.of(rows, new int[rows.length]).batch(1).iterator().forEachRemaining(out::add);
    return out;
  }

  /** Reads the test steps' two outputs. */
  private static final class StepsRead {
    static float[] counterAndSkipped(List<TFloat32> out) {
      return new float[] {out.get(0).getFloat(), out.get(1).getFloat()};
    }
  }
}
