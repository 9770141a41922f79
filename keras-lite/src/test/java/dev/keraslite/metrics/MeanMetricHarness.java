package dev.keraslite.metrics;

import static dev.keraslite.metrics.MetricAssertions.assertResult;
import static dev.keraslite.metrics.MetricAssertions.weightedMean;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;

/**
 * Feeds batches to a metric whose result is the (weighted) mean of a per-sample value, checking the
 * running result after every batch against the closed form over all samples seen, then the reset.
 */
final class MeanMetricHarness {
  /** A batch's labels and predictions as operands. */
  interface Batch {
    Operand<?> yTrue(Ops tf, int b);

    Operand<?> yPred(Ops tf, int b);
  }

  /** The per-sample value the metric averages, computed in the test. */
  interface SampleValue {
    double of(int batch, int sample);
  }

  private MeanMetricHarness() {}

  static void check(
      Ops tf, Supplier<Metric> make, Batch batch, SampleValue value, MetricData data) {
    for (boolean weighted : new boolean[] {false, true}) {
      Metric m = make.get();
      assertResult(0, tf, m, "before any batch");
      List<Double> seen = new ArrayList<>();
      List<Double> seenWeights = new ArrayList<>();
      for (int b = 0; b < MetricData.BATCHES; b++) {
        if (weighted) {
          m.updateState(tf, batch.yTrue(tf, b), batch.yPred(tf, b), tf.constant(data.weights[b]));
        } else {
          m.updateState(tf, batch.yTrue(tf, b), batch.yPred(tf, b));
        }
        for (int i = 0; i < MetricData.BATCH; i++) {
          seen.add(value.of(b, i));
          seenWeights.add(weighted ? (double) data.weights[b][i] : 1.0);
        }
        assertResult(
            weightedMean(unbox(seen), unbox(seenWeights)),
            m,
            "after batch " + b + (weighted ? " (weighted)" : ""));
      }
      m.resetState();
      assertResult(0, m, "after resetState");
      m.updateState(tf, batch.yTrue(tf, 1), batch.yPred(tf, 1));
      double[] one = new double[MetricData.BATCH];
      double[] ones = new double[MetricData.BATCH];
      for (int i = 0; i < one.length; i++) {
        one[i] = value.of(1, i);
        ones[i] = 1;
      }
      assertResult(weightedMean(one, ones), m, "one batch after resetState");
    }
  }

  static double[] unbox(List<Double> list) {
    double[] d = new double[list.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = list.get(i);
    }
    return d;
  }
}
