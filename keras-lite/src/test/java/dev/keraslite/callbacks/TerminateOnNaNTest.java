package dev.keraslite.callbacks;

import static dev.keraslite.callbacks.TinyModel.logs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminateOnNaNTest {
  @Test
  void aNaNLossStopsTrainingAndSaysSo() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TerminateOnNaN cb = new TerminateOnNaN().output(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    FakeTrainingContext context = new FakeTrainingContext(null, null, 1, 10, 1);
    cb.setContext(context);
    cb.onTrainBatchEnd(0, logs("loss", 0.5, "accuracy", Double.NaN)); // only the loss counts
    cb.onTrainBatchEnd(1, logs("loss", 1e30));
    assertFalse(context.stopTrainingRequested());
    cb.onTrainBatchEnd(2, logs("loss", Double.NaN));
    assertTrue(context.stopTrainingRequested());
    assertEquals("Batch 2: Invalid loss, terminating training\n", bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void anInfiniteLossStopsTrainingToo() {
    TerminateOnNaN cb = new TerminateOnNaN().output(new PrintStream(new ByteArrayOutputStream()));
    FakeTrainingContext context = new FakeTrainingContext(null, null, 1, 10, 1);
    cb.setContext(context);
    cb.onTrainBatchEnd(4, logs("loss", Double.NEGATIVE_INFINITY));
    assertEquals(1, context.stopRequests);
  }

  @Test
  void raiseErrorThrowsInsteadOfStopping() {
    TerminateOnNaN cb = new TerminateOnNaN().raiseError(true);
    FakeTrainingContext context = new FakeTrainingContext(null, null, 1, 10, 1);
    cb.setContext(context);
    ArithmeticException e =
        assertThrows(ArithmeticException.class, () -> cb.onTrainBatchEnd(3, logs("loss", Double.POSITIVE_INFINITY)));
    assertEquals(
        "NaN or Inf loss encountered at batch 3. Loss value: inf. Terminating training immediately.",
        e.getMessage());
    assertFalse(context.stopTrainingRequested());
  }
}
