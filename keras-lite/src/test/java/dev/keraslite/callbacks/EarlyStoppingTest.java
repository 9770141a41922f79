package dev.keraslite.callbacks;

import static dev.keraslite.callbacks.ScriptedFit.series;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.optimizers.SGD;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {
  /** Runs a fit whose weights are all {@code epoch + 1} at the end of each epoch. */
  private static int fit(TinyModel model, EarlyStopping callback, List<java.util.Map<String, Double>> logs) {
    FakeTrainingContext context = new FakeTrainingContext(model.dense, new SGD(), logs.size(), 1, 0);
    return ScriptedFit.run(callback, context, logs, epoch -> model.fill(epoch + 1));
  }

  @Test
  void stopsAfterPatienceEpochsWithoutImprovement() {
    try (TinyModel model = new TinyModel()) {
      EarlyStopping es = new EarlyStopping().patience(2);
      // Best 0.8 at epoch 1; epochs 2 and 3 do not improve: the wait reaches 2 at epoch 3.
      int ran = fit(model, es, series("val_loss", 1.0, 0.8, 0.9, 0.85, 0.7, 0.6));
      assertEquals(4, ran);
      assertEquals(3, es.stoppedEpoch());
      assertEquals(1, es.bestEpoch());
      assertEquals(0.8, es.best());
      // Without restoreBestWeights, the last epoch's weights stay.
      assertArrayEquals(TinyModel.filled(model.kernel(), 4f), TinyModel.read(model.kernel()));
    }
  }

  @Test
  void restoreBestWeightsPutsBackTheBestEpochsWeightsWhenStopping() {
    try (TinyModel model = new TinyModel()) {
      EarlyStopping es = new EarlyStopping().patience(2).restoreBestWeights(true);
      int ran = fit(model, es, series("val_loss", 1.0, 0.8, 0.9, 0.85, 0.7));
      assertEquals(4, ran);
      // Epoch 1 (weights 2.0) had the best val_loss.
      assertArrayEquals(TinyModel.filled(model.kernel(), 2f), TinyModel.read(model.kernel()));
      assertArrayEquals(TinyModel.filled(model.bias(), 2f), TinyModel.read(model.bias()));
    }
  }

  @Test
  void restoreBestWeightsAlsoRestoresWhenTrainingWasNotStopped() {
    // Keras 3 restores at the end of training whenever it holds best weights.
    try (TinyModel model = new TinyModel()) {
      EarlyStopping es = new EarlyStopping().patience(5).restoreBestWeights(true);
      int ran = fit(model, es, series("val_loss", 0.5, 0.3, 0.4));
      assertEquals(3, ran);
      assertEquals(0, es.stoppedEpoch());
      assertArrayEquals(TinyModel.filled(model.kernel(), 2f), TinyModel.read(model.kernel()));
    }
  }

  @Test
  void autoModeMaximizesAccuracy() {
    try (TinyModel model = new TinyModel()) {
      EarlyStopping es = new EarlyStopping().monitor("val_accuracy").patience(1);
      int ran = fit(model, es, series("val_accuracy", 0.5, 0.6, 0.55, 0.7));
      assertEquals(3, ran);
      assertEquals(2, es.stoppedEpoch());
      assertEquals(0.6, es.best());
    }
  }

  @Test
  void explicitMaxModeMaximizesALoss() {
    try (TinyModel model = new TinyModel()) {
      EarlyStopping es = new EarlyStopping().mode("max").patience(1);
      int ran = fit(model, es, series("val_loss", 0.5, 0.4, 0.3));
      assertEquals(2, ran);
      assertEquals(0.5, es.best());
    }
  }

  @Test
  void changesSmallerThanMinDeltaAreNotImprovements() {
    try (TinyModel model = new TinyModel()) {
      EarlyStopping es = new EarlyStopping().monitor("loss").minDelta(0.1).patience(1);
      // 0.95 improves on 1.0 by 0.05 < 0.1.
      int ran = fit(model, es, series("loss", 1.0, 0.95, 0.5));
      assertEquals(2, ran);
      assertEquals(1.0, es.best());
    }
  }

  @Test
  void aBaselineNeverBeatenStopsAtTheFirstNonImprovingEpochAfterPatience() {
    try (TinyModel model = new TinyModel()) {
      // Without a baseline these values never exhaust a patience of 2 ...
      EarlyStopping free = new EarlyStopping().patience(2);
      assertEquals(4, fit(model, free, series("val_loss", 0.9, 0.8, 0.85, 0.7)));
      // ... with one they do: improvements above 0.5 do not reset the wait.
      EarlyStopping withBaseline = new EarlyStopping().patience(2).baseline(0.5);
      assertEquals(3, fit(model, withBaseline, series("val_loss", 0.9, 0.8, 0.85, 0.7)));
      assertEquals(2, withBaseline.stoppedEpoch());
    }
  }

  @Test
  void epochsBeforeStartFromEpochAreIgnored() {
    try (TinyModel model = new TinyModel()) {
      EarlyStopping es = new EarlyStopping().patience(1).startFromEpoch(2);
      // Epochs 0-1 would have stopped at epoch 1; monitoring starts at epoch 2 (best 0.9).
      int ran = fit(model, es, series("val_loss", 0.1, 0.2, 0.9, 0.8, 0.85));
      assertEquals(5, ran);
      assertEquals(4, es.stoppedEpoch());
      assertEquals(0.8, es.best());
      assertEquals(3, es.bestEpoch());
    }
  }

  @Test
  void aMissingMetricWarnsOnceAndNeverStops() {
    Logger logger = Logger.getLogger(EarlyStopping.class.getName());
    List<String> warnings = new ArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            warnings.add(record.getLevel() + " " + record.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(handler);
    try (TinyModel model = new TinyModel()) {
      EarlyStopping es = new EarlyStopping().patience(0);
      int ran = fit(model, es, series("accuracy", 0.5, 0.4, 0.3));
      assertEquals(3, ran);
      assertNull(es.best());
      assertEquals(
          List.of(
              "WARNING Early stopping conditioned on metric `val_loss` which is not available."
                  + " Available metrics are: loss,accuracy"),
          warnings);
    } finally {
      logger.removeHandler(handler);
    }
  }

  @Test
  void verboseReportsTheStopAndTheRestoredEpoch() {
    try (TinyModel model = new TinyModel()) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      EarlyStopping es =
          new EarlyStopping()
              .patience(1)
              .restoreBestWeights(true)
              .verbose(1)
              .output(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      fit(model, es, series("val_loss", 0.5, 0.4, 0.45));
      assertEquals(
          "Epoch 3: early stopping\nRestoring model weights from the end of the best epoch: 2.\n",
          bytes.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void oneInstanceServesSeveralFits() {
    try (TinyModel model = new TinyModel()) {
      EarlyStopping es = new EarlyStopping().patience(1);
      assertEquals(2, fit(model, es, series("val_loss", 0.1, 0.2)));
      // The second fit starts afresh: 0.5 is not compared with the first fit's 0.1.
      assertEquals(3, fit(model, es, series("val_loss", 0.5, 0.4, 0.45)));
      assertEquals(0.4, es.best());
    }
  }

  @Test
  void badArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new EarlyStopping().patience(-1));
    assertThrows(IllegalArgumentException.class, () -> new EarlyStopping().startFromEpoch(-1));
    IllegalArgumentException mode =
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping().mode("up"));
    assertTrue(mode.getMessage().contains("\"auto\", \"min\" or \"max\""), mode.getMessage());
    EarlyStopping unknown = new EarlyStopping().monitor("val_perplexity_ratio");
    unknown.setContext(new FakeTrainingContext(null, null, 1, 1, 0));
    IllegalArgumentException auto =
        assertThrows(IllegalArgumentException.class, () -> unknown.onTrainBegin(null));
    assertTrue(auto.getMessage().contains("monitor=val_perplexity_ratio"), auto.getMessage());
    assertTrue(auto.getMessage().contains("mode(\"max\")"), auto.getMessage());
  }
}
