package dev.keraslite.callbacks;

import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The shared logic of callbacks that watch one metric (Keras's {@code MonitorCallback}): the
 * {@code monitor}, {@code mode} and {@code min_delta} arguments, which direction is better, whether
 * a value improves on a reference, and the best value of the current fit.
 *
 * <p>An instance is one callback's monitored metric ({@link EarlyStopping}, {@link
 * ReduceLROnPlateau}); the static methods serve callbacks that keep their own state ({@link
 * ModelCheckpoint}).
 */
final class Monitor {
  /** Keras's {@code mode} values. */
  static final Set<String> MODES = Set.of("auto", "min", "max");

  // Keras 3 decides "auto" from the metric object's direction; keras-lite callbacks see only
  // names, so these are the default names of Keras's metrics whose direction is "up".
  private static final Set<String> HIGHER_IS_BETTER =
      Set.of(
          "accuracy", "acc", "auc", "precision", "recall", "f1_score", "fbeta_score", "r2_score",
          "cosine_similarity", "pearson_correlation", "concordance_correlation", "io_u",
          "mean_io_u", "binary_io_u", "one_hot_io_u", "one_hot_mean_io_u",
          "precision_at_recall", "recall_at_precision", "sensitivity_at_specificity",
          "specificity_at_sensitivity");
  // ... and those whose direction is "down" (errors, divergences, losses used as metrics).
  private static final Set<String> LOWER_IS_BETTER =
      Set.of(
          "loss", "mean_squared_error", "mse", "mean_absolute_error", "mae",
          "mean_absolute_percentage_error", "mape", "mean_squared_logarithmic_error", "msle",
          "root_mean_squared_error", "logcosh", "hinge", "squared_hinge", "categorical_hinge",
          "kl_divergence", "poisson", "binary_crossentropy", "categorical_crossentropy",
          "sparse_categorical_crossentropy");
  // Keras numbers repeated metric names: auc, auc_1, auc_2, ...
  private static final Pattern INSTANCE_SUFFIX = Pattern.compile("_[0-9]+$");

  private final String owner;
  private final Logger log;
  private final String missingLead;
  private final String missingEnd;
  private String monitor = "val_loss";
  private String mode = "auto";
  private double minDelta;
  private boolean maximize;
  private Double best;
  private boolean warned;

  /**
   * A monitor of {@code val_loss} in auto mode for the callback {@code owner}, which names it in
   * errors. A missing metric is reported once per fit on {@code log} as {@code missingLead + "
   * metric `name` which is not available. Available metrics are: a,b" + missingEnd} (each
   * callback's Keras wording).
   */
  Monitor(String owner, double minDelta, Logger log, String missingLead, String missingEnd) {
    this.owner = owner;
    this.minDelta = minDelta;
    this.log = log;
    this.missingLead = missingLead;
    this.missingEnd = missingEnd;
  }

  void monitor(String monitor) {
    this.monitor = checkMonitor(owner, monitor);
  }

  String monitor() {
    return monitor;
  }

  void mode(String mode) {
    this.mode = checkMode(owner, mode);
  }

  String mode() {
    return mode;
  }

  /** Sets the minimum change that counts as an improvement; its absolute value is kept. */
  void minDelta(double minDelta) {
    if (!Double.isFinite(minDelta)) {
      throw new IllegalArgumentException(owner + ": minDelta must be finite, received " + minDelta);
    }
    this.minDelta = Math.abs(minDelta);
  }

  double minDelta() {
    return minDelta;
  }

  /**
   * Starts a fit: decides the direction (see {@link #maximizes}), forgets the previous fit's best
   * value and warning.
   */
  void start() {
    maximize = maximizes(owner, monitor, mode);
    best = null;
    warned = false;
  }

  /** The monitored value in {@code logs}, or null, with a warning the first time it is missing. */
  Double current(Map<String, Double> logs) {
    Double value = logs == null ? null : logs.get(monitor);
    if (value == null && !warned) {
      warned = true;
      log.warning(
          missingLead + " metric `" + monitor + "` which is not available. Available metrics are: "
              + (logs == null ? "" : String.join(",", logs.keySet())) + missingEnd);
    }
    return value;
  }

  /** Whether {@code current} improves on the best value of this fit (see {@link #improves}). */
  boolean improvesOnBest(double current) {
    return improves(maximize, minDelta, current, best);
  }

  /** Whether {@code current} improves on {@code reference}, such as a baseline. */
  boolean improvesOn(double current, Double reference) {
    return improves(maximize, minDelta, current, reference);
  }

  /** The best value of this fit, or null before the first. */
  Double best() {
    return best;
  }

  void best(double best) {
    this.best = best;
  }

  /** Rejects a mode other than auto, min and max. */
  static String checkMode(String owner, String mode) {
    if (mode == null || !MODES.contains(mode)) {
      throw new IllegalArgumentException(
          owner + ": mode must be \"auto\", \"min\" or \"max\", received " + quote(mode));
    }
    return mode;
  }

  /** Rejects an empty monitor name. */
  static String checkMonitor(String owner, String monitor) {
    if (monitor == null || monitor.isEmpty()) {
      throw new IllegalArgumentException(
          owner + ": monitor must name a metric, received " + quote(monitor));
    }
    return monitor;
  }

  /**
   * Whether higher values of {@code monitor} are better. {@code "auto"} goes by the name without
   * its {@code val_} prefix: {@code loss} and Keras's error and cross-entropy metrics are
   * minimized, accuracy, AUC, precision, recall and the like are maximized.
   *
   * @throws IllegalArgumentException in auto mode for a name whose direction is unknown
   */
  static boolean maximizes(String owner, String monitor, String mode) {
    if (mode.equals("min")) {
      return false;
    }
    if (mode.equals("max")) {
      return true;
    }
    String name = monitor.startsWith("val_") ? monitor.substring(4) : monitor;
    String base = INSTANCE_SUFFIX.matcher(name).replaceFirst("");
    if (LOWER_IS_BETTER.contains(name) || LOWER_IS_BETTER.contains(base)
        || name.endsWith("_loss") || base.endsWith("crossentropy") || base.endsWith("_error")) {
      return false;
    }
    if (HIGHER_IS_BETTER.contains(name) || HIGHER_IS_BETTER.contains(base)
        || base.endsWith("accuracy") || base.endsWith("_acc")) {
      return true;
    }
    throw new IllegalArgumentException(
        owner + " callback received monitor=" + monitor + ", but keras-lite isn't able to"
            + " automatically determine whether that metric should be maximized or minimized."
            + " Pass mode(\"max\") in order to monitor based on the highest metric value, or"
            + " mode(\"min\") in order to use the lowest value.");
  }

  /**
   * Keras's {@code _is_improvement}: {@code current} beats {@code reference} by more than {@code
   * minDelta} in the better direction; anything beats a missing reference; NaN never improves.
   */
  static boolean improves(boolean maximize, double minDelta, double current, Double reference) {
    if (reference == null) {
      return true;
    }
    double delta = Math.abs(minDelta);
    return maximize ? current - delta > reference : current + delta < reference;
  }

  private static String quote(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}
