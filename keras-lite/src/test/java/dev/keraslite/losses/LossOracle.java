package dev.keraslite.losses;

import java.util.function.BiFunction;

/**
 * The Keras 3 loss formulas in double precision, row by row (the last axis is the reduced one), and
 * Keras's sample weighting and reductions: the independent side of the loss tests.
 */
final class LossOracle {
  static final double EPS = 1e-7;
  /** {@code 1 - 1e-7} as TensorFlow sees it in float32. */
  static final double ONE_MINUS_EPS = (float) (1 - 1e-7);

  private LossOracle() {}

  /** A per-row loss. */
  interface RowLoss extends BiFunction<double[], double[], Double> {}

  static double[] perSample(RowLoss f, double[][] t, double[][] p) {
    double[] out = new double[t.length];
    for (int i = 0; i < t.length; i++) {
      out[i] = f.apply(t[i], p[i]);
    }
    return out;
  }

  static double clipProb(double p) {
    return Math.min(Math.max(p, EPS), ONE_MINUS_EPS);
  }

  static RowLoss mse() {
    return (t, p) -> {
      double s = 0;
      for (int j = 0; j < t.length; j++) {
        s += (t[j] - p[j]) * (t[j] - p[j]);
      }
      return s / t.length;
    };
  }

  static RowLoss mae() {
    return (t, p) -> {
      double s = 0;
      for (int j = 0; j < t.length; j++) {
        s += Math.abs(t[j] - p[j]);
      }
      return s / t.length;
    };
  }

  static RowLoss mape() {
    return (t, p) -> {
      double s = 0;
      for (int j = 0; j < t.length; j++) {
        s += Math.abs((t[j] - p[j]) / Math.max(Math.abs(t[j]), EPS));
      }
      return 100 * s / t.length;
    };
  }

  static RowLoss msle() {
    return (t, p) -> {
      double s = 0;
      for (int j = 0; j < t.length; j++) {
        double d = Math.log(Math.max(p[j], EPS) + 1) - Math.log(Math.max(t[j], EPS) + 1);
        s += d * d;
      }
      return s / t.length;
    };
  }

  static RowLoss huber(double delta) {
    return (t, p) -> {
      double s = 0;
      for (int j = 0; j < t.length; j++) {
        double e = Math.abs(p[j] - t[j]);
        s += e <= delta ? 0.5 * e * e : delta * e - 0.5 * delta * delta;
      }
      return s / t.length;
    };
  }

  static RowLoss logCosh() {
    return (t, p) -> {
      double s = 0;
      for (int j = 0; j < t.length; j++) {
        s += Math.log(Math.cosh(p[j] - t[j]));
      }
      return s / t.length;
    };
  }

  static RowLoss klDivergence() {
    return (t, p) -> {
      double s = 0;
      for (int j = 0; j < t.length; j++) {
        double tc = Math.min(Math.max(t[j], EPS), 1);
        double pc = Math.min(Math.max(p[j], EPS), 1);
        s += tc * Math.log(tc / pc);
      }
      return s;
    };
  }

  static RowLoss poisson() {
    return (t, p) -> {
      double s = 0;
      for (int j = 0; j < t.length; j++) {
        s += p[j] - t[j] * Math.log(p[j] + EPS);
      }
      return s / t.length;
    };
  }

  /** Hinge with labels already in {-1, 1} (or left as given). */
  static RowLoss hinge() {
    return (t, p) -> {
      double s = 0;
      for (int j = 0; j < t.length; j++) {
        s += Math.max(1 - t[j] * p[j], 0);
      }
      return s / t.length;
    };
  }

  static RowLoss cosineSimilarity() {
    return (t, p) -> {
      double tt = 0;
      double pp = 0;
      double tp = 0;
      for (int j = 0; j < t.length; j++) {
        tt += t[j] * t[j];
        pp += p[j] * p[j];
        tp += t[j] * p[j];
      }
      return -tp / (Math.sqrt(Math.max(tt, 1e-14)) * Math.sqrt(Math.max(pp, 1e-14)));
    };
  }

  /** Binary cross-entropy on probabilities, clipped as Keras clips them. */
  static RowLoss binaryCrossentropy(double smoothing) {
    return (t, p) -> {
      double s = 0;
      for (int j = 0; j < t.length; j++) {
        double y = t[j] * (1 - smoothing) + 0.5 * smoothing;
        double c = clipProb(p[j]);
        s += -(y * Math.log(c) + (1 - y) * Math.log(1 - c));
      }
      return s / t.length;
    };
  }

  /** Binary cross-entropy on logits, through the sigmoid itself (no stable rewriting). */
  static RowLoss binaryCrossentropyFromLogits(double smoothing) {
    return (t, x) -> {
      double s = 0;
      for (int j = 0; j < t.length; j++) {
        double y = t[j] * (1 - smoothing) + 0.5 * smoothing;
        double sig = 1 / (1 + Math.exp(-x[j]));
        s += -(y * Math.log(sig) + (1 - y) * Math.log(1 - sig));
      }
      return s / t.length;
    };
  }

  /** Categorical cross-entropy on probabilities: renormalised, clipped. */
  static RowLoss categoricalCrossentropy(double smoothing) {
    return (t, p) -> {
      double sum = 0;
      for (double v : p) {
        sum += v;
      }
      double s = 0;
      for (int j = 0; j < t.length; j++) {
        double y = t[j] * (1 - smoothing) + smoothing / t.length;
        s -= y * Math.log(clipProb(p[j] / sum));
      }
      return s;
    };
  }

  /** Categorical cross-entropy on logits: {@code -sum(y * log_softmax(x))}. */
  static RowLoss categoricalCrossentropyFromLogits(double smoothing) {
    return (t, x) -> {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : x) {
        max = Math.max(max, v);
      }
      double z = 0;
      for (double v : x) {
        z += Math.exp(v - max);
      }
      double logZ = max + Math.log(z);
      double s = 0;
      for (int j = 0; j < t.length; j++) {
        double y = t[j] * (1 - smoothing) + smoothing / t.length;
        s -= y * (x[j] - logZ);
      }
      return s;
    };
  }

  static double[][] oneHot(int[] labels, int classes) {
    double[][] out = new double[labels.length][classes];
    for (int i = 0; i < labels.length; i++) {
      out[i][labels[i]] = 1;
    }
    return out;
  }

  /**
   * Keras's {@code reduce_weighted_values} for per-sample values and per-sample weights (or none),
   * with a per-sample validity mask (or none) merged as {@code apply_mask} does.
   */
  static double[] reduce(double[] values, double[] weights, boolean[] mask, Reduction reduction) {
    int n = values.length;
    double[] w = weights == null ? null : weights.clone();
    if (mask != null) {
      int valid = 0;
      for (boolean m : mask) {
        valid += m ? 1 : 0;
      }
      boolean mean = reduction == Reduction.SUM_OVER_BATCH_SIZE || reduction == Reduction.MEAN;
      double maskWeight = mean ? (valid == 0 ? 0 : (double) n / valid) : 1;
      if (w == null) {
        w = new double[n];
        java.util.Arrays.fill(w, 1);
      }
      for (int i = 0; i < n; i++) {
        w[i] *= mask[i] ? maskWeight : 0;
      }
    }
    double[] weighted = new double[n];
    double sum = 0;
    double weightSum = 0;
    for (int i = 0; i < n; i++) {
      weighted[i] = values[i] * (w == null ? 1 : w[i]);
      sum += weighted[i];
      weightSum += w == null ? 1 : w[i];
    }
    switch (reduction) {
      case NONE:
        return weighted;
      case SUM:
        return new double[] {sum};
      case MEAN_WITH_SAMPLE_WEIGHT:
        return new double[] {w == null ? sum / n : (weightSum == 0 ? 0 : sum / weightSum)};
      default:
        return new double[] {sum / n};
    }
  }
}
