package dev.keraslite.training.internal;

import dev.keraslite.callbacks.CSVLogger;
import dev.keraslite.callbacks.Callback;
import dev.keraslite.callbacks.ModelCheckpoint;
import dev.keraslite.callbacks.ProgbarLogger;
import dev.keraslite.distribute.MultiWorkerStrategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the training loops do differently under a {@link MultiWorkerStrategy}. */
final class DistributedLogs {
  private DistributedLogs() {}

  /**
   * The callbacks a worker other than the chief runs: all but those that write files or print, so
   * that only the chief writes checkpoints and logs (the others would write the same weights).
   */
  static List<Callback> workerCallbacks(List<? extends Callback> callbacks) {
    List<Callback> kept = new ArrayList<>();
    for (Callback c : callbacks) {
      if (!(c instanceof ModelCheckpoint || c instanceof CSVLogger || c instanceof ProgbarLogger)) {
        kept.add(c);
      }
    }
    return kept;
  }

  /**
   * A pass's logs averaged over workers, each weighted by the samples it saw: the loss and the
   * mean metrics over the whole data, as one worker would report them. Every worker calls this
   * with the same names in the same order (the same compiled metrics).
   */
  static Map<String, Double> average(
      MultiWorkerStrategy strategy, Map<String, Double> logs, long samples) {
    if (logs.isEmpty()) {
      return logs;
    }
    double[] values = new double[logs.size()];
    int i = 0;
    for (double v : logs.values()) {
      values[i++] = v;
    }
    double[] mean = strategy.allReduceMean(values, samples);
    Map<String, Double> out = new LinkedHashMap<>();
    i = 0;
    for (String name : logs.keySet()) {
      out.put(name, mean[i++]);
    }
    return out;
  }
}
