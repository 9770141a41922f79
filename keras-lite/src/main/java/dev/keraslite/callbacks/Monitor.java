package dev.keraslite.callbacks;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The shared logic of callbacks that watch one metric (Keras's {@code MonitorCallback}): the
 * {@code mode} argument, which direction is better, and whether a value improves on a reference.
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

  private Monitor() {}

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
