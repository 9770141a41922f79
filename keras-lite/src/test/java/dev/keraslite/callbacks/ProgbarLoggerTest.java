package dev.keraslite.callbacks;

import static dev.keraslite.callbacks.TinyModel.logs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Expected lines follow Keras 2's {@code Progbar.update} by hand: bar of 30 with {@code
 * int(30 * current / target)} filled cells, ETA = time per step x steps left, time per step
 * measured from the end of the first step, {@code %.0f} seconds, {@code %.4f} values.
 */
class ProgbarLoggerTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private long nanos;

  private ProgbarLogger logger(boolean dynamic) {
    return new ProgbarLogger()
        .output(new PrintStream(bytes, true, StandardCharsets.UTF_8))
        .clock(() -> nanos)
        .dynamicDisplay(dynamic);
  }

  private void at(double seconds) {
    nanos = Math.round(seconds * 1e9);
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static final String FULL = "[==============================]";

  @Test
  void notATerminalPrintsAProgressLineEveryTenSecondsOfALongEpoch() {
    ProgbarLogger p = logger(false);
    p.setContext(new FakeTrainingContext(null, null, 1, 25, 1));
    at(0);
    p.onTrainBegin(null);
    p.onEpochBegin(0, null);
    for (int step = 0; step < 25; step++) {
      at(step + 1); // one second per step
      p.onTrainBatchEnd(step, logs("loss", 0.5));
    }
    p.onEpochEnd(0, logs("loss", 0.5));
    p.onTrainEnd(null);
    // At 10 s: 10 of 25 steps, int(30 * 10 / 25) = 12 cells, (10 - 1) s / 9 steps after the first
    // = 1 s per step, 15 steps left; at 20 s: 24 cells, 5 steps left. Nothing between the two.
    assertEquals(
        "10/25 [===========>..................] - ETA: 15s - loss: 0.5000\n"
            + "20/25 [=======================>......] - ETA: 5s - loss: 0.5000\n"
            + "25/25 " + FULL + " - 25s 1s/step - loss: 0.5000\n",
        printed());
  }

  @Test
  void theLogIntervalIsAdjustableAndChecked() {
    ProgbarLogger p = logger(false).logInterval(4);
    p.setContext(new FakeTrainingContext(null, null, 1, 10, 1));
    at(0);
    p.onTrainBegin(null);
    p.onEpochBegin(0, null);
    for (int step = 0; step < 10; step++) {
      at(step + 1);
      p.onTrainBatchEnd(step, logs("loss", 0.25));
    }
    p.onEpochEnd(0, logs("loss", 0.25));
    assertEquals(
        " 4/10 [===========>..................] - ETA: 6s - loss: 0.2500\n"
            + " 8/10 [=======================>......] - ETA: 2s - loss: 0.2500\n"
            + "10/10 " + FULL + " - 10s 1s/step - loss: 0.2500\n",
        printed());
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> new ProgbarLogger().logInterval(-1));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("logInterval"), e.getMessage());
  }

  @Test
  void notATerminalPrintsOneLinePerEpoch() {
    ProgbarLogger p = logger(false);
    p.setContext(new FakeTrainingContext(null, null, 2, 3, 1));
    at(0);
    p.onTrainBegin(null);
    p.onEpochBegin(0, null);
    at(2.0);
    p.onTrainBatchEnd(0, logs("loss", 0.9, "accuracy", 0.5));
    at(3.0);
    p.onTrainBatchEnd(1, logs("loss", 0.7, "accuracy", 0.6));
    at(4.6);
    p.onTrainBatchEnd(2, logs("loss", 0.5, "accuracy", 0.75));
    // Validation inside fit is silent.
    p.onTestBegin(null);
    p.onTestBatchEnd(0, logs("loss", 0.6));
    p.onTestEnd(logs("loss", 0.6, "accuracy", 0.7));
    p.onEpochEnd(0, logs("loss", 0.5, "accuracy", 0.75, "val_loss", 0.6, "val_accuracy", 0.7));
    assertEquals(
        "Epoch 1/2\n"
            // 4.6 s in all; (4.6 - 2.0) / 2 = 1.3 s per step after the first.
            + "3/3 " + FULL + " - 5s 1s/step - loss: 0.5000 - accuracy: 0.7500 - val_loss: 0.6000"
            + " - val_accuracy: 0.7000\n",
        printed());

    at(10);
    p.onEpochBegin(1, null);
    at(10.01);
    p.onTrainBatchEnd(0, logs("loss", 0.4, "accuracy", 0.0005));
    at(10.02);
    p.onTrainBatchEnd(1, logs("loss", 0.4, "accuracy", 0.0005));
    at(10.03);
    p.onTrainBatchEnd(2, logs("loss", 0.4, "accuracy", 0.0005));
    p.onEpochEnd(1, logs("loss", 0.4, "accuracy", 0.0005, "val_loss", 0.45, "val_accuracy", 0.8));
    p.onTrainEnd(null);
    assertEquals(
        "Epoch 2/2\n"
            // 0.02 s over 2 steps: 10 ms; values below 1e-3 in %.4e.
            + "3/3 " + FULL + " - 0s 10ms/step - loss: 0.4000 - accuracy: 5.0000e-04 - val_loss:"
            + " 0.4500 - val_accuracy: 0.8000\n",
        printed().substring(printed().indexOf("Epoch 2/2")));
  }

  @Test
  void aTerminalRedrawsTheBarInPlaceThrottledAndPadded() {
    ProgbarLogger p = logger(true);
    p.setContext(new FakeTrainingContext(null, null, 1, 10, 1));
    at(0);
    p.onTrainBegin(null);
    p.onEpochBegin(0, null); // a single epoch: no "Epoch 1/1" line
    at(12.0);
    p.onTrainBatchEnd(0, logs("loss", 0.9));
    at(12.02); // within 0.05 s of the last draw: not drawn
    p.onTrainBatchEnd(1, logs("loss", 0.85));
    at(13.0);
    p.onTrainBatchEnd(2, logs("loss", 0.8));
    at(13.04);
    for (int batch = 3; batch < 10; batch++) {
      p.onTrainBatchEnd(batch, logs("loss", 0.7));
    }
    at(14.0);
    p.onEpochEnd(0, logs("loss", 0.7, "val_loss", 0.75));
    p.onTrainEnd(null);

    // 1 step in 12 s: ETA 12 x 9 = 108 s = 1:48; 3 cells of 30.
    String first = " 1/10 [==>...........................] - ETA: 1:48 - loss: 0.9000";
    // Steps 2-3 took 1 s: 0.5 s per step, ETA 3.5 s -> 3s; 9 cells; 2 columns shorter: padded.
    String third = " 3/10 [========>.....................] - ETA: 3s - loss: 0.8000";
    // 2 s over the 9 steps after the first: 222 ms per step.
    String last = "10/10 " + FULL + " - 14s 222ms/step - loss: 0.7000 - val_loss: 0.7500";
    assertEquals(first.length() - 2, third.length());
    assertEquals("\r" + first + "\r" + third + "  " + "\r" + last + "\n", printed());
  }

  @Test
  void verboseTwoPrintsOnlyTheEpochLineWithTheElapsedTime() {
    ProgbarLogger p = logger(true);
    p.setContext(new FakeTrainingContext(null, null, 3, 3, 2));
    at(0);
    p.onTrainBegin(null);
    p.onEpochBegin(0, null);
    for (int batch = 0; batch < 3; batch++) {
      at(1 + batch);
      p.onTrainBatchEnd(batch, logs("loss", 0.5, "accuracy", 0.75));
    }
    at(4.6);
    p.onEpochEnd(0, logs("loss", 0.5, "accuracy", 0.75, "val_loss", 0.6));
    assertEquals(
        "Epoch 1/3\n3/3 - 5s - loss: 0.5000 - accuracy: 0.7500 - val_loss: 0.6000\n", printed());
  }

  @Test
  void verboseZeroPrintsNothing() {
    ProgbarLogger p = logger(true);
    p.setContext(new FakeTrainingContext(null, null, 3, 3, 0));
    p.onTrainBegin(null);
    p.onEpochBegin(0, null);
    p.onTrainBatchEnd(0, logs("loss", 0.5));
    p.onEpochEnd(0, logs("loss", 0.5));
    p.onTrainEnd(null);
    assertEquals("", printed());
  }

  @Test
  void evaluateShowsItsOwnBarWithoutAnEpochLine() {
    ProgbarLogger p = logger(false);
    p.setContext(new FakeTrainingContext(null, null, 0, 2, 1));
    at(0);
    p.onTestBegin(null);
    at(0.5);
    p.onTestBatchEnd(0, logs("loss", 0.3, "accuracy", 0.8));
    at(1.0);
    p.onTestBatchEnd(1, logs("loss", 0.25, "accuracy", 0.9));
    p.onTestEnd(logs("loss", 0.25, "accuracy", 0.9));
    assertEquals(
        "2/2 " + FULL + " - 1s 500ms/step - loss: 0.2500 - accuracy: 0.9000\n", printed());
  }

  @Test
  void unknownStepsCountUpThenFinishWithTheStepsSeen() {
    ProgbarLogger p = logger(true);
    p.setContext(new FakeTrainingContext(null, null, 1, -1, 1));
    at(0);
    p.onTrainBegin(null);
    p.onEpochBegin(0, null);
    at(1.0);
    p.onTrainBatchEnd(0, logs("loss", 0.5));
    at(1.6);
    p.onTrainBatchEnd(1, logs("loss", 0.4));
    at(2.0);
    p.onEpochEnd(0, logs("loss", 0.4));
    String one = "      1/Unknown - 1s 1s/step - loss: 0.5000";
    String two = "      2/Unknown - 2s 600ms/step - loss: 0.4000";
    String done = "2/2 " + FULL + " - 2s 1s/step - loss: 0.4000";
    assertEquals("\r" + one + "\r" + two + "\r" + done + "\n", printed());
  }

  @Test
  void predictCountsStepsWithoutMetrics() {
    ProgbarLogger p = logger(false);
    p.setContext(new FakeTrainingContext(null, null, 0, 4, 1));
    at(0);
    p.onPredictBegin(null);
    for (int batch = 0; batch < 4; batch++) {
      at(0.002 * (batch + 1));
      p.onPredictBatchEnd(batch, null);
    }
    p.onPredictEnd(null);
    // 6 ms over the 3 steps after the first.
    assertEquals("4/4 " + FULL + " - 0s 2ms/step\n", printed());
  }
}
