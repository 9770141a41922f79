package dev.keraslite.callbacks;

import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Drives callbacks through Keras's fit protocol with scripted epoch logs (no batches): begin, then
 * per epoch {@code onEpochBegin}, the "training" of {@code trainEpoch}, {@code onEpochEnd}, until
 * the scripted epochs run out or a callback asks to stop; then {@code onTrainEnd}.
 */
final class ScriptedFit {
  private ScriptedFit() {}

  /** Returns the number of epochs run. */
  static int run(
      Callback callback,
      FakeTrainingContext context,
      List<Map<String, Double>> epochLogs,
      IntConsumer trainEpoch) {
    callback.setContext(context);
    callback.onTrainBegin(null);
    int epoch = 0;
    for (; epoch < epochLogs.size(); epoch++) {
      callback.onEpochBegin(epoch, null);
      trainEpoch.accept(epoch);
      callback.onEpochEnd(epoch, epochLogs.get(epoch));
      if (context.stopTrainingRequested()) {
        epoch++;
        break;
      }
    }
    callback.onTrainEnd(null);
    return epoch;
  }

  /** One log map per value: {@code key -> value}. */
  static List<Map<String, Double>> series(String key, double... values) {
    Map<String, Double>[] out = newArray(values.length);
    for (int i = 0; i < values.length; i++) {
      out[i] = TinyModel.logs("loss", 1.0, key, values[i]);
    }
    return List.of(out);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Double>[] newArray(int n) {
    return (Map<String, Double>[]) new Map<?, ?>[n];
  }
}
