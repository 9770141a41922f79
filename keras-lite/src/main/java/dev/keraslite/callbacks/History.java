package dev.keraslite.callbacks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records each epoch's logs, as Keras's {@code History} (the object {@code fit} returns):
 * {@code history().get("val_loss")} lists the validation loss of every epoch.
 *
 * <p>As in Keras, {@link #epochs()} restarts with each {@code fit} while the recorded values keep
 * accumulating if the same {@code History} is passed to several fits.
 */
public class History extends Callback {
  private final Map<String, List<Double>> history = new LinkedHashMap<>();
  private final List<Integer> epochs = new ArrayList<>();
  private final List<Long> skippedSteps = new ArrayList<>();
  private long skippedBefore;

  @Override
  public void onTrainBegin(Map<String, Double> logs) {
    epochs.clear();
    skippedSteps.clear();
    skippedBefore = 0;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    epochs.add(epoch);
    long skipped = skippedSoFar();
    skippedSteps.add(skipped - skippedBefore);
    skippedBefore = skipped;
    if (logs != null) {
      for (Map.Entry<String, Double> e : logs.entrySet()) {
        history.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
      }
    }
  }

  /**
   * Metric name to its value at each recorded epoch, in the order the metrics first appeared
   * ({@code loss}, the compiled metrics, then the {@code val_} ones). Read-only.
   */
  public Map<String, List<Double>> history() {
    Map<String, List<Double>> view = new LinkedHashMap<>();
    for (Map.Entry<String, List<Double>> e : history.entrySet()) {
      view.put(e.getKey(), Collections.unmodifiableList(e.getValue()));
    }
    return Collections.unmodifiableMap(view);
  }

  /**
   * For each recorded epoch of this {@code fit}, the training steps that applied no update because
   * their gradients were not finite (keras-lite's non-finite guard; Keras has no such count).
   */
  public List<Long> skippedSteps() {
    return Collections.unmodifiableList(skippedSteps);
  }

  private long skippedSoFar() {
    try {
      return context().skippedSteps();
    } catch (IllegalStateException noContext) {
      return 0; // driven by hand, outside fit
    }
  }

  /** The zero-based indices of the epochs recorded in this {@code fit}. Read-only. */
  public List<Integer> epochs() {
    return Collections.unmodifiableList(epochs);
  }

  /**
   * Writes a PNG of every recorded metric per epoch, training and validation in one chart per metric
   * (the {@code plt.plot(history.history["loss"])} of Keras tutorials), drawn with XChart.
   *
   * @throws IllegalStateException if no epoch was recorded
   */
  public void plot(Path file) {
    HistoryPlot.write(history(), file);
  }

  @Override
  public String toString() {
    return "History(epochs=" + epochs + ", history=" + history + ")";
  }
}
