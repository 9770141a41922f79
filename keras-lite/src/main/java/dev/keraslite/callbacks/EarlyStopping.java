package dev.keraslite.callbacks;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.tensorflow.ndarray.NdArray;
import java.util.logging.Logger;

/**
 * Stops training when a monitored metric has stopped improving, as Keras 3's {@code
 * EarlyStopping}.
 *
 * <pre>{@code
 * new EarlyStopping().monitor("val_loss").patience(3).restoreBestWeights(true)
 * }</pre>
 *
 * <p>At the end of each epoch from {@code startFromEpoch} on: an improvement over the best value
 * (by more than {@code minDelta}) records the new best and, if it also beats {@code baseline},
 * resets the wait; otherwise, once {@code patience} epochs have passed without one (and the epoch
 * is not the first), training is asked to stop. With {@code restoreBestWeights}, the model's
 * weights at the best epoch are copied to host memory ({@code model.getWeights()}, as Keras does) and put back when training ends,
 * whether or not it stopped early, as Keras 3 does; the first monitored epoch counts as the best
 * until one beats it, even if none beats the baseline.
 *
 * <p>A missing monitored metric is skipped with a warning (java.util.logging), once per fit. The
 * direction in {@code "auto"} mode follows the metric's name (see {@link #mode(String)}).
 */
public class EarlyStopping extends Callback {
  private static final Logger LOG = Logger.getLogger(EarlyStopping.class.getName());
  private static final String NAME = "EarlyStopping";

  private final Monitor monitored =
      new Monitor(NAME, 0, LOG, "Early stopping conditioned on", "");
  private int patience;
  private int verbose;
  private Double baseline;
  private boolean restoreBestWeights;
  private int startFromEpoch;
  private PrintStream out = System.out;

  private int wait;
  private int stoppedEpoch;
  private int bestEpoch;
  private List<NdArray<?>> bestWeights;

  /** Quantity to monitor (default {@code "val_loss"}). */
  public EarlyStopping monitor(String monitor) {
    monitored.monitor(monitor);
    return this;
  }

  /**
   * Minimum change that counts as an improvement (default 0); its absolute value is used, as in
   * Keras.
   */
  public EarlyStopping minDelta(double minDelta) {
    monitored.minDelta(minDelta);
    return this;
  }

  /** Epochs without improvement after which training stops (default 0). */
  public EarlyStopping patience(int patience) {
    if (patience < 0) {
      throw new IllegalArgumentException(NAME + ": patience must be >= 0, received " + patience);
    }
    this.patience = patience;
    return this;
  }

  /** 0 (default): silent; 1: prints when it stops training and when it restores weights. */
  public EarlyStopping verbose(int verbose) {
    this.verbose = verbose;
    return this;
  }

  /**
   * {@code "min"}, {@code "max"} or {@code "auto"} (default): whether lower or higher values are
   * better; auto decides by the name ({@code loss}, errors and cross-entropies are minimized;
   * accuracy, AUC, precision, recall and other scores maximized) and refuses names it does not
   * know when training begins.
   */
  public EarlyStopping mode(String mode) {
    monitored.mode(mode);
    return this;
  }

  /**
   * A value the metric must beat (default none): until an epoch beats both the best so far and
   * the baseline, the wait is not reset, so training stops after {@code patience} epochs.
   */
  public EarlyStopping baseline(Double baseline) {
    if (baseline != null && Double.isNaN(baseline)) {
      throw new IllegalArgumentException(NAME + ": baseline must not be NaN");
    }
    this.baseline = baseline;
    return this;
  }

  /** Whether to put back the best epoch's weights when training ends (default false). */
  public EarlyStopping restoreBestWeights(boolean restoreBestWeights) {
    this.restoreBestWeights = restoreBestWeights;
    return this;
  }

  /** Epochs of warm-up before monitoring starts (default 0). */
  public EarlyStopping startFromEpoch(int startFromEpoch) {
    if (startFromEpoch < 0) {
      throw new IllegalArgumentException(
          NAME + ": startFromEpoch must be >= 0, received " + startFromEpoch);
    }
    this.startFromEpoch = startFromEpoch;
    return this;
  }

  /** Where verbose messages go (default {@code System.out}). */
  public EarlyStopping output(PrintStream out) {
    if (out == null) {
      throw new IllegalArgumentException(NAME + ": the output stream is null");
    }
    this.out = out;
    return this;
  }

  public String monitor() {
    return monitored.monitor();
  }

  public double minDelta() {
    return monitored.minDelta();
  }

  public int patience() {
    return patience;
  }

  public String mode() {
    return monitored.mode();
  }

  public Double baseline() {
    return baseline;
  }

  public boolean restoreBestWeights() {
    return restoreBestWeights;
  }

  public int startFromEpoch() {
    return startFromEpoch;
  }

  /** The zero-based epoch at which training was asked to stop, or 0 if it was not (as Keras). */
  public int stoppedEpoch() {
    return stoppedEpoch;
  }

  /** The zero-based epoch of the best value so far. */
  public int bestEpoch() {
    return bestEpoch;
  }

  /** The best monitored value of this fit so far, or null before the first. */
  public Double best() {
    return monitored.best();
  }

  /** Epochs since the last reset of the wait (Keras's {@code wait}). */
  public int waitCount() {
    return wait;
  }

  @Override
  public void onTrainBegin(Map<String, Double> logs) {
    // Reset, so that one instance can serve several fits, as in Keras.
    monitored.start();
    wait = 0;
    stoppedEpoch = 0;
    bestWeights = null;
    bestEpoch = 0;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    Double current = monitored.current(logs);
    if (current == null || epoch < startFromEpoch) {
      return;
    }
    wait++;
    boolean improved = monitored.improvesOnBest(current);
    if (restoreBestWeights && (improved || bestWeights == null)) {
      // Keras also snapshots a first monitored epoch that does not improve: until one does, it
      // is the best there is.
      bestWeights = context().model().getWeights();
      bestEpoch = epoch;
    }
    if (improved) {
      monitored.best(current);
      bestEpoch = epoch;
      // The wait restarts only for a value that beats both the best so far and the baseline.
      if (baseline == null || monitored.improvesOn(current, baseline)) {
        wait = 0;
      }
      return;
    }
    if (wait >= patience && epoch > 0) {
      stoppedEpoch = epoch;
      context().stopTraining();
    }
  }

  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    if (stoppedEpoch > 0 && verbose > 0) {
      out.println("Epoch " + (stoppedEpoch + 1) + ": early stopping");
    }
    if (restoreBestWeights && bestWeights != null) {
      if (verbose > 0) {
        out.println(
            "Restoring model weights from the end of the best epoch: " + (bestEpoch + 1) + ".");
      }
      context().model().setWeights(bestWeights);
    }
  }
}
