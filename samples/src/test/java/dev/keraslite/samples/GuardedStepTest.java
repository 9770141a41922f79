package dev.keraslite.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keraslite.samples.readme.GuardedStep;
import org.junit.jupiter.api.Test;

/** README's guarded custom step does what its comments say. */
class GuardedStepTest {
  @Test
  void aNonFiniteBatchIsSkippedAndTheSnapshotPutsTheWeightsBack() {
    GuardedStep.Outcome outcome = GuardedStep.run();
    assertEquals("", outcome.executor(), "updateIf's Switch keeps TensorFlow's default executor");
    // The finite step between snapshot and restore is undone, and the NaN batch's step is skipped.
    assertEquals(1f, outcome.afterNan());
    // Then loss = (w0 + 2 w1)^2 at w = [1, 1]: gradient 2 * 3 * [1, 2], w0 = 1 - 0.1 * 6.
    assertEquals(0.4f, outcome.afterBatch(), 1e-6f);
  }
}
