package dev.keraslite.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.callbacks.History;
import dev.keraslite.callbacks.TerminateOnNaN;
import dev.keraslite.data.Dataset;
import dev.keraslite.layers.Layer;
import dev.keraslite.models.Sequential;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.types.TInt64;

/**
 * The non-finite guard, eager and compiled: a step whose gradients hold a NaN applies nothing. The
 * oracle is the same training without that batch: bit-identical weights and optimizer state
 * (Adam's moments and {@code iterations} included, which a zero-gradient update would change).
 */
class NonFiniteGuardTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  private static float[][] rows(float[][] x, int from, int to) {
    return Arrays.copyOfRange(x, from, to);
  }

  private static int[] rows(int[] y, int from, int to) {
    return Arrays.copyOfRange(y, from, to);
  }

  private static float[][] concat(float[][] a, float[][] b) {
    float[][] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  private static int[] concat(int[] a, int[] b) {
    int[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aStepWithNaNGradientsChangesNothingAndIsCounted(boolean eagerly) {
    float[][] x = Fixtures.features(32);
    int[] y = Fixtures.labels(32);
    // A whole batch of 8 rows, one of them NaN, inserted as the third batch.
    float[][] bad = Fixtures.features(8);
    bad[5][2] = Float.NaN;
    float[][] poisoned = concat(rows(x, 0, 16), concat(bad, rows(x, 16, 32)));
    int[] poisonedY = concat(rows(y, 0, 16), concat(Fixtures.labels(8), rows(y, 16, 32)));

    StateBits withPoison;
    History history;
    try (Eager eager = Eager.create()) {
      Sequential model = Fixtures.classifier(eager.tf(), eagerly);
      history = model.fit(Dataset.of(poisoned, poisonedY).batch(8), FitOptions.epochs(2).verbose(0).nonFiniteGuard(true));
      withPoison = StateBits.of(model);
      assertEquals(8L, model.compiled().optimizer().iterations().<TInt64>value(eager.tf()).asTensor().getLong(),
          "4 updates per epoch: the poisoned batch applied none");
    }
    assertEquals(List.of(1L, 1L), history.skippedSteps(), "one skipped step per epoch");
    assertTrue(withPoison.allFinite());

    Layer.clearNameCounters();
    try (Eager eager = Eager.create()) {
      Sequential model = Fixtures.classifier(eager.tf(), eagerly);
      History clean = model.fit(Dataset.of(x, y).batch(8), FitOptions.epochs(2).verbose(0).nonFiniteGuard(true));
      assertEquals(List.of(0L, 0L), clean.skippedSteps());
      withPoison.assertSameAs(StateBits.of(model), "the same training without the poisoned batch");
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void withoutTheGuardTheWeightsBecomeNaN(boolean eagerly) {
    float[][] x = Fixtures.features(16);
    x[3][1] = Float.POSITIVE_INFINITY;
    try (Eager eager = Eager.create()) {
      Sequential model = Fixtures.classifier(eager.tf(), eagerly);
      model.fit(Dataset.of(x, Fixtures.labels(16)).batch(8),
          FitOptions.epochs(1).verbose(0).nonFiniteGuard(false));
      assertFalse(StateBits.of(model).allFinite(), "the guard is what keeps them finite");
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void theGuardIsOnByDefaultForCompiledStepsOnly(boolean eagerly) {
    float[][] x = Fixtures.features(16);
    x[3][1] = Float.NaN;
    try (Eager eager = Eager.create()) {
      Sequential model = Fixtures.classifier(eager.tf(), eagerly);
      History history = model.fit(Dataset.of(x, Fixtures.labels(16)).batch(8), FitOptions.epochs(1).verbose(0));
      assertEquals(!eagerly, StateBits.of(model).allFinite());
      assertEquals(List.of(eagerly ? 0L : 1L), history.skippedSteps());
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void terminateOnNaNRaisesOnASkippedStep(boolean eagerly) {
    float[][] x = Fixtures.features(16);
    x[9][1] = Float.NaN;
    try (Eager eager = Eager.create()) {
      Sequential model = Fixtures.classifier(eager.tf(), eagerly);
      ArithmeticException e =
          assertThrows(
              ArithmeticException.class,
              () -> model.fit(Dataset.of(x, Fixtures.labels(16)).batch(8),
                  FitOptions.epochs(1).verbose(0).nonFiniteGuard(true).callbacks(new TerminateOnNaN().raiseError(true))));
      assertTrue(e.getMessage().contains("NaN or Inf gradients encountered at batch 1"), e.getMessage());
      assertTrue(StateBits.of(model).allFinite());
    }
  }
}
