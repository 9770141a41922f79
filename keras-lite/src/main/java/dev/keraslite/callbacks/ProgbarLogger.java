package dev.keraslite.callbacks;

import java.io.PrintStream;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Prints training progress in the format Keras users know (Keras 2's progress bar), following
 * the loop's {@link TrainingContext#verbose()}:
 *
 * <pre>
 * Epoch 1/5
 * 1200/1200 [==============================] - 3s 2ms/step - loss: 0.5012 - accuracy: 0.8231 - val_loss: 0.4200 - val_accuracy: 0.8512
 * </pre>
 *
 * <ul>
 *   <li>verbose 1 on a terminal: the bar is redrawn in place with {@code '\r'} after each batch (at
 *       most every {@link #interval(double) interval} seconds), showing the ETA, then the epoch's
 *       line replaces it, with the time taken and time per step ({@code s}, {@code ms} or {@code
 *       us}, leaving out the first step as Keras does).
 *   <li>verbose 1 elsewhere (output redirected to a file or a pipe: {@code System.console() ==
 *       null}, or {@link #dynamicDisplay(boolean) dynamicDisplay(false)}): the epoch's line, and
 *       while the epoch runs the in-progress line (bar, ETA, values) as a line of its own every
 *       {@link #logInterval(double) logInterval} seconds (default 10), so that logs show progress.
 *   <li>verbose 2: {@code 1200/1200 - 3s - loss: 0.5012 - accuracy: 0.8231} once per epoch.
 *   <li>verbose 0: nothing.
 * </ul>
 *
 * <p>{@code Epoch i/n} is printed only when {@code fit} runs more than one epoch, as in Keras.
 * Values are printed with 4 decimals ({@code %.4e} below 1e-3). Outside {@code fit}, the same
 * callback shows an {@code evaluate} (its final logs) or {@code predict} run; validation inside
 * {@code fit} is silent, its {@code val_} metrics appear on the epoch's line.
 */
public class ProgbarLogger extends Callback {
  /** Keras's minimum time between two redraws of the bar. */
  public static final double DEFAULT_INTERVAL = 0.05;

  /** Seconds between two in-progress lines when the output is not a terminal. */
  public static final double DEFAULT_LOG_INTERVAL = 10;

  private PrintStream out = System.out;
  private LongSupplier clock = System::nanoTime;
  private Boolean dynamicDisplay;
  private double interval = DEFAULT_INTERVAL;
  private double logInterval = DEFAULT_LOG_INTERVAL;

  private boolean calledInFit;
  private Progbar progbar;

  /** Where the progress goes (default {@code System.out}). */
  public ProgbarLogger output(PrintStream out) {
    if (out == null) {
      throw new IllegalArgumentException("ProgbarLogger: the output stream is null");
    }
    this.out = out;
    return this;
  }

  /** The time source, in nanoseconds (default {@link System#nanoTime}); tests inject their own. */
  public ProgbarLogger clock(LongSupplier nanoTime) {
    if (nanoTime == null) {
      throw new IllegalArgumentException("ProgbarLogger: the clock is null");
    }
    this.clock = nanoTime;
    return this;
  }

  /**
   * Whether to redraw the bar in place after each batch (a terminal) or print only each epoch's
   * final line (a log file). By default: whether the JVM has a console.
   */
  public ProgbarLogger dynamicDisplay(boolean dynamicDisplay) {
    this.dynamicDisplay = dynamicDisplay;
    return this;
  }

  /** Minimum seconds between two redraws of the bar (default 0.05). */
  public ProgbarLogger interval(double seconds) {
    if (!(seconds >= 0) || Double.isInfinite(seconds)) {
      throw new IllegalArgumentException(
          "ProgbarLogger: interval must be a finite number of seconds >= 0, received " + seconds);
    }
    this.interval = seconds;
    return this;
  }

  /**
   * Seconds between two in-progress lines when the bar is not redrawn in place (default 10); each
   * epoch still ends with its finished line.
   */
  public ProgbarLogger logInterval(double seconds) {
    if (!(seconds >= 0) || Double.isInfinite(seconds)) {
      throw new IllegalArgumentException(
          "ProgbarLogger: logInterval must be a finite number of seconds >= 0, received " + seconds);
    }
    this.logInterval = seconds;
    return this;
  }

  /** Whether the bar is redrawn in place: the explicit setting, else whether there is a console. */
  public boolean dynamicDisplay() {
    return dynamicDisplay != null ? dynamicDisplay : System.console() != null;
  }

  @Override
  public void onTrainBegin(Map<String, Double> logs) {
    calledInFit = true;
  }

  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    calledInFit = false;
    progbar = null;
  }

  @Override
  public void onEpochBegin(int epoch, Map<String, Double> logs) {
    start();
    int epochs = context().epochs();
    if (context().verbose() != 0 && epochs > 1) {
      out.print("Epoch " + (epoch + 1) + "/" + epochs + "\n");
      out.flush();
    }
  }

  @Override
  public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
    step(batch, logs);
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    finish(logs);
  }

  @Override
  public void onTestBegin(Map<String, Double> logs) {
    if (!calledInFit) {
      start();
    }
  }

  @Override
  public void onTestBatchEnd(int batch, Map<String, Double> logs) {
    if (!calledInFit) {
      step(batch, logs);
    }
  }

  @Override
  public void onTestEnd(Map<String, Double> logs) {
    if (!calledInFit) {
      finish(logs);
    }
  }

  @Override
  public void onPredictBegin(Map<String, Double> logs) {
    start();
  }

  @Override
  public void onPredictBatchEnd(int batch, Map<String, Double> logs) {
    // Predictions are outputs, not metrics: only the count moves.
    step(batch, null);
  }

  @Override
  public void onPredictEnd(Map<String, Double> logs) {
    finish(null);
  }

  private void start() {
    int verbose = context().verbose();
    progbar =
        verbose == 0
            ? null
            : new Progbar(
                context().steps(), verbose, dynamicDisplay(), interval, logInterval, out, clock);
  }

  private void step(int batch, Map<String, Double> logs) {
    if (progbar != null) {
      progbar.update(batch + 1L, logs);
    }
  }

  private void finish(Map<String, Double> logs) {
    if (progbar != null) {
      progbar.finish(logs);
      progbar = null;
    }
  }
}
