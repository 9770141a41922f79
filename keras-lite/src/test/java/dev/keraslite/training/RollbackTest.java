package dev.keraslite.training;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.callbacks.Callback;
import dev.keraslite.layers.Layer;
import dev.keraslite.models.Sequential;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A fit failing mid-epoch rolls the weights and the optimizer state back to the start of that
 * epoch, bit for bit, and says so; with the opt-out, they stay as they were at the failure.
 */
class RollbackTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  /** Records the state at the start of epoch {@code epoch} and throws after batch {@code batch}. */
  static final class FailingMidEpoch extends Callback {
    final Sequential model;
    final int epoch;
    final int batch;
    StateBits atEpochStart;
    StateBits atFailure;
    final IllegalStateException failure = new IllegalStateException("disk full (simulated)");
    private int current;

    FailingMidEpoch(Sequential model, int epoch, int batch) {
      this.model = model;
      this.epoch = epoch;
      this.batch = batch;
    }

    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
      current = epoch;
      if (epoch == this.epoch) {
        atEpochStart = StateBits.of(model);
      }
    }

    @Override
    public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
      if (current == epoch && batch == this.batch) {
        throw failure;
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"false,true", "true,true", "false,false", "true,false"})
  void aFailureMidEpochRollsBackToTheEpochStart(boolean eagerly, boolean rollback) {
    try (Eager eager = Eager.create()) {
      Sequential model = Fixtures.classifier(eager.tf(), eagerly);
      FailingMidEpoch failing = new FailingMidEpoch(model, 1, 2);
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () ->
                  model.fit(
                      Fixtures.x(Fixtures.features(48)),
                      Fixtures.y(Fixtures.labels(48)),
                      FitOptions.epochs(3).batchSize(8).seed(7).verbose(0)
                          .rollbackOnError(rollback).callbacks(failing)));
      StateBits after = StateBits.of(model);
      if (rollback) {
        assertTrue(e.getMessage().startsWith("disk full (simulated) [fit failed in epoch 2;"), e.getMessage());
        assertTrue(e.getMessage().contains("rolled back to the start of that epoch"), e.getMessage());
        assertSame(failing.failure, e.getCause());
        failing.atEpochStart.assertSameAs(after, "rolled back");
      } else {
        assertSame(failing.failure, e);
        assertTrue(failing.atEpochStart.differsFrom(after), "three updates of epoch 2 kept");
        assertFalse(e.getMessage().contains("rolled back"));
      }
    }
  }
}
