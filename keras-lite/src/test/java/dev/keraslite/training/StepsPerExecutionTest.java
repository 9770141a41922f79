package dev.keraslite.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.callbacks.History;
import dev.keraslite.callbacks.LambdaCallback;
import dev.keraslite.data.Dataset;
import dev.keraslite.layers.Layer;
import dev.keraslite.models.Sequential;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.types.TInt64;

/**
 * Keras's {@code steps_per_execution}: K training steps per execution give the weights, optimizer
 * state and History of one step at a time (the oracle is the same fit with K = 1), with callbacks
 * once per group, and the non-finite guard still judges every step on its own.
 */
class StepsPerExecutionTest {
  /** 44 samples in batches of 4: 11 steps per epoch, so K = 4 leaves a last group of 3. */
  private static final int SAMPLES = 44;
  private static final int BATCH = 4;

  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  /** What a fit left behind: its History, the indices its callbacks saw, and the state. */
  private record Run(History history, List<Integer> begins, List<Integer> ends, float[][] state) {}

  private static Run fit(boolean eagerly, int stepsPerExecution, float[][] x, int[] y, int epochs) {
    Layer.clearNameCounters();
    try (Eager eager = Eager.create()) {
      Sequential model = Fixtures.classifier(eager.tf(), eagerly);
      model.setStepsPerExecution(stepsPerExecution);
      List<Integer> begins = new ArrayList<>();
      List<Integer> ends = new ArrayList<>();
      LambdaCallback record =
          LambdaCallback.builder()
              .onTrainBatchBegin((i, logs) -> begins.add(i))
              .onTrainBatchEnd((i, logs) -> ends.add(i))
              .build();
      History history =
          model.fit(
              Dataset.of(x, y).batch(BATCH),
              FitOptions.epochs(epochs).verbose(0).callbacks(record));
      return new Run(history, begins, ends, floats(StateBits.of(model)));
    }
  }

  private static float[][] floats(StateBits bits) {
    float[][] out = new float[bits.bytes().size()][];
    for (int i = 0; i < out.length; i++) {
      byte[] b = bits.bytes().get(i);
      if (b.length % 4 != 0) {
        out[i] = new float[0];
        continue;
      }
      ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
      out[i] = new float[b.length / 4];
      // int64 iterations read as two float bit patterns: compared as such, exactly.
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = buf.getFloat();
      }
    }
    return out;
  }

  private static void assertSameState(float[][] expected, float[][] actual, String context) {
    assertEquals(expected.length, actual.length, context + ": the same variables");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i].length, actual[i].length, context + ": size of variable " + i);
      for (int j = 0; j < expected[i].length; j++) {
        if (Float.isNaN(expected[i][j])) {
          assertTrue(Float.isNaN(actual[i][j]), context + ": variable " + i + " element " + j);
        } else {
          assertEquals(expected[i][j], actual[i][j], 1e-6f, context + ": variable " + i + " element " + j);
        }
      }
    }
  }

  private static void assertSameHistory(History expected, History actual, double tolerance) {
    assertEquals(expected.history().keySet(), actual.history().keySet());
    for (Map.Entry<String, List<Double>> e : expected.history().entrySet()) {
      List<Double> got = actual.history().get(e.getKey());
      assertEquals(e.getValue().size(), got.size(), e.getKey());
      for (int i = 0; i < got.size(); i++) {
        assertEquals(e.getValue().get(i), got.get(i), tolerance, e.getKey() + " epoch " + i);
      }
    }
    assertEquals(expected.skippedSteps(), actual.skippedSteps());
  }

  @Test
  void fourStepsPerExecutionTrainAsOneAtATime() {
    float[][] x = Fixtures.features(SAMPLES);
    int[] y = Fixtures.labels(SAMPLES);
    Run one = fit(false, 1, x, y, 3);
    Run four = fit(false, 4, x, y, 3);
    Run fortyFour = fit(false, 11, x, y, 3);
    assertSameState(one.state(), four.state(), "K=4 against K=1");
    assertSameHistory(one.history(), four.history(), 1e-6);
    assertSameState(one.state(), fortyFour.state(), "K=11 (the whole epoch) against K=1");
    assertSameHistory(one.history(), fortyFour.history(), 1e-6);
    // The weights did move: the comparison is not between two untouched models.
    assertTrue(one.history().history().get("loss").get(2) < one.history().history().get("loss").get(0));

    assertEquals(33, one.ends().size(), "K=1: a callback per step");
    // As Keras: begin with each group's first step, end with its last; the last group has 3 steps.
    List<Integer> perEpochBegins = List.of(0, 4, 8);
    List<Integer> perEpochEnds = List.of(3, 7, 10);
    List<Integer> begins = new ArrayList<>();
    List<Integer> ends = new ArrayList<>();
    for (int epoch = 0; epoch < 3; epoch++) {
      begins.addAll(perEpochBegins);
      ends.addAll(perEpochEnds);
    }
    assertEquals(begins, four.begins());
    assertEquals(ends, four.ends());
    assertEquals(List.of(10, 10, 10), fortyFour.ends());
  }

  @Test
  void eagerFitGroupsItsCallbacksAlikeAndTrainsTheSame() {
    float[][] x = Fixtures.features(SAMPLES);
    int[] y = Fixtures.labels(SAMPLES);
    Run eagerOne = fit(true, 1, x, y, 2);
    Run eagerFour = fit(true, 4, x, y, 2);
    Run compiledFour = fit(false, 4, x, y, 2);
    assertSameState(eagerOne.state(), eagerFour.state(), "eager K=4 against eager K=1");
    assertSameHistory(eagerOne.history(), eagerFour.history(), 1e-6);
    assertEquals(compiledFour.begins(), eagerFour.begins());
    assertEquals(compiledFour.ends(), eagerFour.ends());
    // Eager and compiled steps agree to float rounding, as without grouping.
    assertSameHistory(compiledFour.history(), eagerFour.history(), 1e-4);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 4})
  void theGuardSkipsExactlyThePoisonedStepInsideAGroup(int stepsPerExecution) {
    float[][] x = Fixtures.features(32);
    int[] y = Fixtures.labels(32);
    // A batch of 8 rows, one of them NaN, inserted as the third of five batches: inside the first
    // group for K = 4 (and the second for K = 2), the last group being a single step.
    float[][] bad = Fixtures.features(8);
    bad[5][2] = Float.NaN;
    float[][] poisoned = new float[40][];
    int[] poisonedY = new int[40];
    for (int i = 0; i < 40; i++) {
      poisoned[i] = i < 16 ? x[i] : i < 24 ? bad[i - 16] : x[i - 8];
      poisonedY[i] = i < 16 ? y[i] : i < 24 ? Fixtures.labels(8)[i - 16] : y[i - 8];
    }
    float[][] withPoison;
    History history;
    try (Eager eager = Eager.create()) {
      Sequential model = Fixtures.classifier(eager.tf(), false);
      model.setStepsPerExecution(stepsPerExecution);
      history =
          model.fit(
              Dataset.of(poisoned, poisonedY).batch(8),
              FitOptions.epochs(2).verbose(0).nonFiniteGuard(true));
      assertEquals(
          8L,
          model.compiled().optimizer().iterations().<TInt64>value(eager.tf()).asTensor().getLong(),
          "4 updates per epoch: the poisoned step applied none, its group's others did");
      withPoison = floats(StateBits.of(model));
    }
    assertEquals(List.of(1L, 1L), history.skippedSteps(), "one skipped step per epoch");

    Layer.clearNameCounters();
    try (Eager eager = Eager.create()) {
      Sequential model = Fixtures.classifier(eager.tf(), false);
      History clean =
          model.fit(Dataset.of(x, y).batch(8), FitOptions.epochs(2).verbose(0).nonFiniteGuard(true));
      assertEquals(List.of(0L, 0L), clean.skippedSteps());
      assertSameState(floats(StateBits.of(model)), withPoison, "the same training without the poisoned batch");
    }
  }

  @Test
  void stepsPerExecutionBelowOneIsRefused() {
    try (Eager eager = Eager.create()) {
      Sequential model = Fixtures.classifier(eager.tf(), false);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> model.setStepsPerExecution(0));
      assertTrue(e.getMessage().contains("stepsPerExecution must be >= 1, received 0"), e.getMessage());
    }
  }

  /**
   * {@code fit} over arrays prefetches its batches on another thread; over a {@code Dataset} of the
   * same arrays, shuffled with the same seed, it does not: the two train alike, bit for bit, with
   * one step per execution and with four.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 4})
  void fitOverArraysTrainsAsOverTheSameDataset(int stepsPerExecution) {
    float[][] x = Fixtures.features(SAMPLES);
    int[] y = Fixtures.labels(SAMPLES);
    StateBits[] states = new StateBits[2];
    for (int way = 0; way < 2; way++) {
      Layer.clearNameCounters();
      try (Eager eager = Eager.create()) {
        Sequential model = Fixtures.classifier(eager.tf(), false);
        model.setStepsPerExecution(stepsPerExecution);
        FitOptions options = FitOptions.epochs(2).batchSize(BATCH).verbose(0).seed(5L);
        if (way == 0) {
          model.fit(Fixtures.x(x), Fixtures.y(y), options);
        } else {
          model.fit(Dataset.of(x, y).shuffle(SAMPLES, 5L).batch(BATCH), options);
        }
        states[way] = StateBits.of(model);
      }
    }
    states[1].assertSameAs(states[0], "fit over the arrays against fit over their Dataset");
  }

  /**
   * Keras runs test steps {@code steps_per_execution} at a time too: {@code evaluate} and fit's
   * validation give the metrics of one step at a time, with the test callbacks once per group.
   */
  @Test
  void evaluateAndValidationGroupTheirTestStepsAlike() {
    float[][] x = Fixtures.features(SAMPLES);
    int[] y = Fixtures.labels(SAMPLES);
    float[][] vx = Fixtures.features(36);
    int[] vy = Fixtures.labels(36);
    Map<String, Double>[] evaluated = new Map[2];
    History[] histories = new History[2];
    List<List<Integer>> testEnds = new ArrayList<>();
    int[] ks = {1, 4};
    for (int i = 0; i < 2; i++) {
      Layer.clearNameCounters();
      try (Eager eager = Eager.create()) {
        Sequential model = Fixtures.classifier(eager.tf(), false);
        model.setStepsPerExecution(ks[i]);
        List<Integer> ends = new ArrayList<>();
        LambdaCallback record = LambdaCallback.builder().onTestBatchEnd((b, logs) -> ends.add(b)).build();
        histories[i] =
            model.fit(
                Fixtures.x(x), Fixtures.y(y),
                FitOptions.epochs(2).batchSize(BATCH).verbose(0).seed(3L).callbacks(record)
                    .validationData(Fixtures.x(vx), Fixtures.y(vy)));
        testEnds.add(ends);
        evaluated[i] = model.evaluate(Dataset.of(vx, vy).batch(BATCH));
      }
    }
    assertSameHistory(histories[0], histories[1], 1e-6);
    for (String metric : evaluated[0].keySet()) {
      assertEquals(evaluated[0].get(metric), evaluated[1].get(metric), 1e-6, metric);
    }
    // 36 validation samples in batches of 4: 9 test steps per epoch, groups end at 3 and 7, then 8.
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8), testEnds.get(0));
    assertEquals(List.of(3, 7, 8, 3, 7, 8), testEnds.get(1));
  }
}
