package dev.keraslite.callbacks;

import static dev.keraslite.callbacks.TinyModel.logs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.keraslite.optimizers.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallbackListTest {
  /** Records "name:hook:index:logs" for every hook. */
  private static Callback recorder(String name, List<String> calls) {
    return LambdaCallback.builder()
        .onTrainBegin(l -> calls.add(name + ":trainBegin:" + l))
        .onTrainEnd(l -> calls.add(name + ":trainEnd:" + l))
        .onEpochBegin((i, l) -> calls.add(name + ":epochBegin:" + i + ":" + l))
        .onEpochEnd((i, l) -> calls.add(name + ":epochEnd:" + i + ":" + l))
        .onTrainBatchBegin((i, l) -> calls.add(name + ":batchBegin:" + i + ":" + l))
        .onTrainBatchEnd((i, l) -> calls.add(name + ":batchEnd:" + i + ":" + l))
        .onTestBegin(l -> calls.add(name + ":testBegin:" + l))
        .onTestEnd(l -> calls.add(name + ":testEnd:" + l))
        .onTestBatchBegin((i, l) -> calls.add(name + ":testBatchBegin:" + i + ":" + l))
        .onTestBatchEnd((i, l) -> calls.add(name + ":testBatchEnd:" + i + ":" + l))
        .onPredictBegin(l -> calls.add(name + ":predictBegin:" + l))
        .onPredictEnd(l -> calls.add(name + ":predictEnd:" + l))
        .onPredictBatchBegin((i, l) -> calls.add(name + ":predictBatchBegin:" + i + ":" + l))
        .onPredictBatchEnd((i, l) -> calls.add(name + ":predictBatchEnd:" + i + ":" + l))
        .build();
  }

  @Test
  void everyHookReachesEveryCallbackInOrder() {
    List<String> calls = new ArrayList<>();
    CallbackList list = new CallbackList(List.of(recorder("a", calls), recorder("b", calls)));
    list.setContext(new FakeTrainingContext(null, null, 1, 1, 0));
    list.onTrainBegin(null);
    list.onEpochBegin(0, null);
    list.onTrainBatchBegin(0, null);
    list.onTrainBatchEnd(0, logs("loss", 1.0));
    list.onTestBegin(null);
    list.onTestBatchBegin(0, null);
    list.onTestBatchEnd(0, logs("loss", 2.0));
    list.onTestEnd(logs("loss", 2.0));
    list.onEpochEnd(0, logs("loss", 1.0, "val_loss", 2.0));
    list.onTrainEnd(null);
    list.onPredictBegin(null);
    list.onPredictBatchBegin(0, null);
    list.onPredictBatchEnd(0, null);
    list.onPredictEnd(null);
    List<String> expected = new ArrayList<>();
    String[] hooks = {
      "trainBegin:{}", "epochBegin:0:{}", "batchBegin:0:{}", "batchEnd:0:{loss=1.0}",
      "testBegin:{}", "testBatchBegin:0:{}", "testBatchEnd:0:{loss=2.0}", "testEnd:{loss=2.0}",
      "epochEnd:0:{loss=1.0, val_loss=2.0}", "trainEnd:{}", "predictBegin:{}",
      "predictBatchBegin:0:{}", "predictBatchEnd:0:{}", "predictEnd:{}"
    };
    for (String hook : hooks) {
      expected.add("a:" + hook);
      expected.add("b:" + hook);
    }
    assertEquals(expected, calls);
  }

  @Test
  void callbacksShareOneCopyOfTheLogsSoHistorySeesTheLearningRate() {
    try (TinyModel model = new TinyModel()) {
      SGD sgd = new SGD(0.1f);
      sgd.build(model.variables());
      CallbackList list =
          new CallbackList(List.of(new ReduceLROnPlateau().patience(5)), true, false);
      list.setContext(new FakeTrainingContext(model.dense, sgd, 1, 1, 0));
      list.onTrainBegin(null);
      Map<String, Double> logs = logs("loss", 1.0, "val_loss", 2.0);
      list.onEpochEnd(0, logs);
      assertEquals(Map.of("loss", 1.0, "val_loss", 2.0), logs); // the caller's map is untouched
      assertEquals(List.of((double) 0.1f), list.history().history().get("learning_rate"));
    }
  }

  @Test
  void defaultsAreAddedOnlyWhenMissing() {
    History mine = new History();
    CallbackList withMine = new CallbackList(List.of(mine), true, true);
    assertSame(mine, withMine.history());
    assertEquals(2, withMine.callbacks().size());
    assertSame(withMine.progbar(), withMine.callbacks().get(1));

    CallbackList none = new CallbackList(List.of());
    assertNull(none.history());
    assertNull(none.progbar());
    assertEquals(0, none.callbacks().size());
  }
}
