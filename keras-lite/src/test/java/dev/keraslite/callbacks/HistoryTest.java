package dev.keraslite.callbacks;

import static dev.keraslite.callbacks.TinyModel.logs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryTest {
  @Test
  void recordsEveryEpochsLogsPerMetricInOrder() {
    History h = new History();
    h.setContext(new FakeTrainingContext(null, null, 3, 1, 0));
    h.onTrainBegin(null);
    h.onEpochEnd(0, logs("loss", 0.9, "accuracy", 0.5, "val_loss", 1.0));
    h.onEpochEnd(1, logs("loss", 0.7, "accuracy", 0.6, "val_loss", 0.8));
    h.onEpochEnd(2, logs("loss", 0.6, "accuracy", 0.65, "val_loss", 0.85));
    h.onTrainEnd(null);
    assertEquals(List.of(0, 1, 2), h.epochs());
    assertEquals(
        Map.of(
            "loss", List.of(0.9, 0.7, 0.6),
            "accuracy", List.of(0.5, 0.6, 0.65),
            "val_loss", List.of(1.0, 0.8, 0.85)),
        h.history());
    assertEquals(List.of("loss", "accuracy", "val_loss"), List.copyOf(h.history().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> h.history().get("loss").add(0.0));
  }

  @Test
  void aSecondFitRestartsEpochsAndAppendsValuesAsKerasDoes() {
    History h = new History();
    h.onTrainBegin(null);
    h.onEpochEnd(0, logs("loss", 1.0));
    h.onTrainBegin(null);
    h.onEpochEnd(0, logs("loss", 0.5));
    assertEquals(List.of(0), h.epochs());
    assertEquals(List.of(1.0, 0.5), h.history().get("loss"));
  }
}
