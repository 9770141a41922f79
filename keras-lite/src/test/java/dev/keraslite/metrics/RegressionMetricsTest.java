package dev.keraslite.metrics;

import static dev.keraslite.metrics.AccuracyMetricsTest.batch;
import static dev.keraslite.metrics.MetricAssertions.assertResult;
import static dev.keraslite.metrics.MetricAssertions.weightedMean;

import dev.keraslite.Eager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.op.Ops;

/** MSE, MAE and RMSE metrics: running (weighted) means of per-sample errors. */
class RegressionMetricsTest {
  private final MetricData data = new MetricData(11);
  private Eager eager;
  private Ops tf;

  @BeforeEach
  void open() {
    eager = Eager.create();
    tf = eager.tf();
  }

  @AfterEach
  void close() {
    eager.close();
  }

  private double rowMean(int b, int i, boolean squared) {
    double s = 0;
    for (int c = 0; c < MetricData.CLASSES; c++) {
      double e = (double) data.targets[b][i][c] - data.predictions[b][i][c];
      s += squared ? e * e : Math.abs(e);
    }
    return s / MetricData.CLASSES;
  }

  @Test
  void meanSquaredError() {
    MeanMetricHarness.check(
        tf,
        MeanSquaredError::new,
        batch((tf, b) -> tf.constant(data.targets[b]), (tf, b) -> tf.constant(data.predictions[b])),
        (b, i) -> rowMean(b, i, true),
        data);
  }

  @Test
  void meanAbsoluteError() {
    MeanMetricHarness.check(
        tf,
        MeanAbsoluteError::new,
        batch((tf, b) -> tf.constant(data.targets[b]), (tf, b) -> tf.constant(data.predictions[b])),
        (b, i) -> rowMean(b, i, false),
        data);
  }

  @Test
  void rootMeanSquaredErrorIsTheRootOfTheRunningMean() {
    for (boolean weighted : new boolean[] {false, true}) {
      RootMeanSquaredError m = new RootMeanSquaredError();
      double[] values = new double[MetricData.BATCHES * MetricData.BATCH];
      double[] weights = new double[values.length];
      int n = 0;
      for (int b = 0; b < MetricData.BATCHES; b++) {
        if (weighted) {
          m.updateState(
              tf, tf.constant(data.targets[b]), tf.constant(data.predictions[b]),
              tf.constant(data.weights[b]));
        } else {
          m.updateState(tf, tf.constant(data.targets[b]), tf.constant(data.predictions[b]));
        }
        for (int i = 0; i < MetricData.BATCH; i++, n++) {
          values[n] = rowMean(b, i, true);
          weights[n] = weighted ? data.weights[b][i] : 1;
        }
        assertResult(
            Math.sqrt(weightedMean(java.util.Arrays.copyOf(values, n), java.util.Arrays.copyOf(weights, n))),
            m,
            "after batch " + b);
      }
      m.resetState();
      assertResult(0, m, "after reset");
    }
  }
}
