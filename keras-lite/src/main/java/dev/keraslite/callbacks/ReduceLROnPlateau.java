package dev.keraslite.callbacks;

import dev.keraslite.optimizers.Optimizer;
import java.io.PrintStream;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Reduces the learning rate when a metric has stopped improving, as Keras 3's {@code
 * ReduceLROnPlateau}: after {@code patience} epochs without an improvement larger than {@code
 * minDelta}, the optimizer's learning rate becomes {@code max(lr * factor, minLr)} (through {@link
 * Optimizer#setLearningRate}, which compiled steps see), then {@code cooldown} epochs pass before
 * the wait counts again. A rate already at or below {@code minLr} is left alone.
 *
 * <pre>{@code
 * new ReduceLROnPlateau().monitor("val_loss").factor(0.2).patience(5).minLr(0.001)
 * }</pre>
 *
 * <p>As in Keras, it writes the learning rate of the epoch (before any reduction) into the epoch
 * logs as {@code learning_rate}, so callbacks after it (History, CSVLogger) record it; the epoch
 * logs must therefore be mutable ({@link CallbackList} hands each hook a mutable copy). A missing
 * monitored metric is skipped with a warning (java.util.logging), once per fit.
 */
public class ReduceLROnPlateau extends Callback {
  private static final Logger LOG = Logger.getLogger(ReduceLROnPlateau.class.getName());
  private static final String NAME = "ReduceLROnPlateau";

  private final Monitor monitored =
      new Monitor(NAME, 1e-4, LOG, "Learning rate reduction is conditioned on", ".");
  private double factor = 0.1;
  private int patience = 10;
  private int verbose;
  private int cooldown;
  private double minLr;
  private PrintStream out = System.out;

  private int wait;
  private int cooldownCounter;

  /** Quantity to monitor (default {@code "val_loss"}). */
  public ReduceLROnPlateau monitor(String monitor) {
    monitored.monitor(monitor);
    return this;
  }

  /** Factor by which the learning rate is reduced: {@code new_lr = lr * factor}; default 0.1. */
  public ReduceLROnPlateau factor(double factor) {
    if (!(factor >= 0 && factor < 1)) {
      throw new IllegalArgumentException(
          NAME + " does not support a factor outside [0, 1). Received factor=" + factor);
    }
    this.factor = factor;
    return this;
  }

  /** Epochs without improvement after which the rate is reduced (default 10). */
  public ReduceLROnPlateau patience(int patience) {
    if (patience < 0) {
      throw new IllegalArgumentException(NAME + ": patience must be >= 0, received " + patience);
    }
    this.patience = patience;
    return this;
  }

  /** 0 (default): quiet; 1: prints each reduction. */
  public ReduceLROnPlateau verbose(int verbose) {
    this.verbose = verbose;
    return this;
  }

  /** {@code "auto"} (default), {@code "min"} or {@code "max"}, as {@link EarlyStopping#mode}. */
  public ReduceLROnPlateau mode(String mode) {
    monitored.mode(mode);
    return this;
  }

  /** Threshold for measuring a new optimum (default 1e-4); its absolute value is used. */
  public ReduceLROnPlateau minDelta(double minDelta) {
    monitored.minDelta(minDelta);
    return this;
  }

  /** Epochs to wait after a reduction before resuming normal operation (default 0). */
  public ReduceLROnPlateau cooldown(int cooldown) {
    if (cooldown < 0) {
      throw new IllegalArgumentException(NAME + ": cooldown must be >= 0, received " + cooldown);
    }
    this.cooldown = cooldown;
    return this;
  }

  /** Lower bound on the learning rate (default 0). */
  public ReduceLROnPlateau minLr(double minLr) {
    if (!(minLr >= 0) || Double.isInfinite(minLr)) {
      throw new IllegalArgumentException(
          NAME + ": minLr must be a finite number >= 0, received " + minLr);
    }
    this.minLr = minLr;
    return this;
  }

  /** Where verbose messages go (default {@code System.out}). */
  public ReduceLROnPlateau output(PrintStream out) {
    if (out == null) {
      throw new IllegalArgumentException(NAME + ": the output stream is null");
    }
    this.out = out;
    return this;
  }

  public String monitor() {
    return monitored.monitor();
  }

  public double factor() {
    return factor;
  }

  public int patience() {
    return patience;
  }

  public String mode() {
    return monitored.mode();
  }

  public double minDelta() {
    return monitored.minDelta();
  }

  public int cooldown() {
    return cooldown;
  }

  public double minLr() {
    return minLr;
  }

  /** Epochs without improvement counted so far. */
  public int waitCount() {
    return wait;
  }

  /** Cooldown epochs left. */
  public int cooldownCounter() {
    return cooldownCounter;
  }

  /** The best monitored value of this fit so far, or null before the first. */
  public Double best() {
    return monitored.best();
  }

  @Override
  public void onTrainBegin(Map<String, Double> logs) {
    monitored.start();
    Optimizer optimizer = optimizer();
    if (optimizer.learningRateSchedule() != null) {
      throw new IllegalStateException(
          NAME + ": the optimizer " + optimizer.name() + " follows a LearningRateSchedule, so"
              + " its learning rate cannot be reduced; create it with a float learning rate");
    }
    wait = 0;
    cooldownCounter = 0;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    Optimizer optimizer = optimizer();
    float oldLr = optimizer.learningRate();
    if (logs != null) {
      logs.put("learning_rate", (double) oldLr);
    }
    Double current = monitored.current(logs);
    if (current == null) {
      return;
    }
    if (cooldownCounter > 0) {
      cooldownCounter--;
      wait = 0;
    }
    if (monitored.improvesOnBest(current)) {
      monitored.best(current);
      wait = 0;
    } else if (cooldownCounter == 0) {
      wait++;
      if (wait >= patience && reduce(optimizer, oldLr, epoch)) {
        cooldownCounter = cooldown;
        wait = 0;
      }
    }
  }

  /** Keras compares in float32: a rate already at {@code float32(minLr)} is not reduced. */
  private boolean reduce(Optimizer optimizer, float oldLr, int epoch) {
    if (!(oldLr > (float) minLr)) {
      return false;
    }
    double newLr = Math.max(oldLr * factor, minLr);
    optimizer.setLearningRate((float) newLr);
    if (verbose > 0) {
      out.println();
      out.println(
          "Epoch " + (epoch + 1) + ": ReduceLROnPlateau reducing learning rate to "
              + PythonFormat.repr(newLr) + ".");
    }
    return true;
  }

  private Optimizer optimizer() {
    Optimizer optimizer = context().optimizer();
    if (optimizer == null) {
      throw new IllegalStateException(NAME + ": the training loop has no optimizer");
    }
    return optimizer;
  }
}
