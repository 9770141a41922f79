package dev.keraslite.losses;

import java.util.Locale;

/** How {@link Loss#apply} turns weighted per-sample losses into the value it returns (Keras 3). */
public enum Reduction {
  /** Sum of the weighted losses divided by their number of elements: Keras's default. */
  SUM_OVER_BATCH_SIZE,
  /** Sum of the weighted losses. */
  SUM,
  /** The weighted per-sample losses, unreduced. */
  NONE,
  /** The same as {@link #SUM_OVER_BATCH_SIZE}; Keras 3 accepts both names. */
  MEAN,
  /** Sum of the weighted losses divided by the sum of the sample weights (by the count without). */
  MEAN_WITH_SAMPLE_WEIGHT;

  /** Keras's spelling, such as {@code "sum_over_batch_size"}. */
  public String kerasName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The reduction Keras names {@code name} ({@code "none"} or {@code null} for {@link #NONE}). */
  public static Reduction fromKerasName(String name) {
    if (name == null) {
      return NONE;
    }
    for (Reduction r : values()) {
      if (r.kerasName().equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "Invalid value for argument reduction: expected one of sum_over_batch_size, sum, none, mean,"
            + " mean_with_sample_weight, received '" + name + "'");
  }
}
