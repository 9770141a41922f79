package dev.keraslite.callbacks;

import static dev.keraslite.callbacks.TinyModel.logs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LambdaCallbackTest {
  @Test
  void givenHooksRunAndOthersDoNothing() {
    List<String> seen = new ArrayList<>();
    LambdaCallback.Builder builder =
        LambdaCallback.builder()
            .onEpochEnd((epoch, logs) -> seen.add("epoch " + epoch + " loss " + logs.get("loss")))
            .onTrainBatchEnd((batch, logs) -> seen.add("batch " + batch));
    LambdaCallback cb = builder.build();
    // Changing the builder afterwards does not change the callback.
    builder.onTrainBegin(logs -> seen.add("late"));

    cb.onTrainBegin(null);
    cb.onEpochBegin(0, null);
    cb.onTrainBatchEnd(0, logs("loss", 0.5));
    cb.onTrainBatchEnd(1, logs("loss", 0.25));
    cb.onTestEnd(logs("loss", 1.0));
    cb.onEpochEnd(0, logs("loss", 0.25));
    cb.onTrainEnd(null);
    assertEquals(List.of("batch 0", "batch 1", "epoch 0 loss 0.25"), seen);
  }

  @Test
  void aNullHookIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> LambdaCallback.builder().onEpochEnd(null));
  }
}
