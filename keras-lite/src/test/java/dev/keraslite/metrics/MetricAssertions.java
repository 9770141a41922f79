package dev.keraslite.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Reading metric results and comparing them with double-precision closed forms. */
final class MetricAssertions {
  private MetricAssertions() {}

  static double result(Metric m) {
    TFloat32 t = m.result().asTensor();
    assertEquals(0, t.rank(), m + ": results are scalars");
    return t.getFloat();
  }

  /** {@link Metric#result(Ops)}: also before the first update, when the state is created by it. */
  static double result(Ops tf, Metric m) {
    TFloat32 t = m.result(tf).asTensor();
    assertEquals(0, t.rank(), m + ": results are scalars");
    return t.getFloat();
  }

  static void assertResult(double expected, Ops tf, Metric m, String what) {
    assertEquals(expected, result(tf, m), 1e-6 + 2e-6 * Math.abs(expected), m + " " + what);
  }

  static void assertResult(double expected, Metric m, String what) {
    assertEquals(expected, result(m), 1e-6 + 2e-6 * Math.abs(expected), m + " " + what);
  }

  /** Weighted mean {@code sum(w v) / sum(w)}, 0 when no weight. */
  static double weightedMean(double[] values, double[] weights) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < values.length; i++) {
      num += values[i] * weights[i];
      den += weights[i];
    }
    return den == 0 ? 0 : num / den;
  }
}
