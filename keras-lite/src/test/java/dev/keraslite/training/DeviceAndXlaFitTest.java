package dev.keraslite.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.Recording;
import dev.keraslite.layers.Layer;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.Adam;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.op.Ops;

/**
 * {@code fit} on a context placed on a device (with soft placement, on a machine without that
 * device) and with {@code setJitCompile(true)} (XLA) gives the step-by-step losses of a plain
 * context's compiled {@code fit}.
 */
class DeviceAndXlaFitTest {
  private static List<Double> losses(Eager eager, boolean jit) {
    Layer.clearNameCounters();
    Ops tf = eager.tf();
    Sequential m = FitTest.model();
    m.compile(tf, new Adam(1e-2f), new SparseCategoricalCrossentropy(true), "accuracy");
    m.setJitCompile(jit);
    assertEquals(jit, m.jitCompile());
    FloatNdArray x = FitTest.features(640, 3);
    FitTest.LossPerBatch perBatch = new FitTest.LossPerBatch();
    m.fit(x, FitTest.labels(x), FitOptions.epochs(1).batchSize(32).shuffle(false).verbose(0).callbacks(perBatch));
    // The trained kernel lives where the context put it: on this machine, the CPU.
    assertTrue(
        Recording.device(m.variables().get(0).value(tf)).endsWith("/device:CPU:0"),
        Recording.device(m.variables().get(0).value(tf)));
    return perBatch.losses;
  }

  private static void assertSameLosses(List<Double> expected, List<Double> actual, double tolerance) {
    assertEquals(20, expected.size());
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), actual.get(i), tolerance, "batch " + i);
    }
    assertTrue(actual.get(19) < actual.get(0), actual.toString());
  }

  @Test
  void fitOnAMissingGpuWithSoftPlacementMatchesThePlainContext() {
    List<Double> plain;
    try (Eager eager = Eager.create()) {
      plain = losses(eager, false);
    }
    try (Eager eager = Eager.builder().device("/GPU:0").softPlacement(true).memoryGrowth(true).create()) {
      assertSameLosses(plain, losses(eager, false), 1e-6);
    }
  }

  @Test
  void fitWithXlaMatchesFitWithout() {
    List<Double> plain;
    try (Eager eager = Eager.create()) {
      plain = losses(eager, false);
    }
    try (Eager eager = Eager.create()) {
      // XLA fuses and reorders float32 arithmetic: the same losses to a few ulps per step.
      assertSameLosses(plain, losses(eager, true), 1e-4);
    }
  }
}
