package dev.keraslite.metrics;

import dev.keraslite.Eager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;

/** The accuracy metrics accumulate the closed-form accuracy over every batch seen. */
class AccuracyMetricsTest {
  private final MetricData data = new MetricData(7);
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

  @Test
  void accuracyComparesExactly() {
    // Predicted classes as floats: the arg-max of the probabilities.
    float[][] predicted = new float[MetricData.BATCHES][MetricData.BATCH];
    float[][] labels = new float[MetricData.BATCHES][MetricData.BATCH];
    for (int b = 0; b < MetricData.BATCHES; b++) {
      for (int i = 0; i < MetricData.BATCH; i++) {
        predicted[b][i] = MetricData.argMax(data.probabilities[b][i]);
        labels[b][i] = data.labels[b][i];
      }
    }
    MeanMetricHarness.check(
        tf,
        Accuracy::new,
        batch((tf, b) -> tf.constant(data.labels[b]), (tf, b) -> tf.constant(predicted[b])),
        (b, i) -> labels[b][i] == predicted[b][i] ? 1 : 0,
        data);
  }

  @Test
  void binaryAccuracyAtDefaultAndCustomThresholds() {
    for (float threshold : new float[] {0.5f, 0.7f}) {
      MeanMetricHarness.check(
          tf,
          () -> new BinaryAccuracy(threshold),
          batch((tf, b) -> tf.constant(data.binaryLabels[b]), (tf, b) -> tf.constant(data.scores[b])),
          (b, i) -> (data.scores[b][i] > threshold ? 1 : 0) == data.binaryLabels[b][i] ? 1 : 0,
          data);
    }
  }

  @Test
  void categoricalAccuracy() {
    MeanMetricHarness.check(
        tf,
        CategoricalAccuracy::new,
        batch((tf, b) -> tf.constant(data.oneHot[b]), (tf, b) -> tf.constant(data.probabilities[b])),
        (b, i) -> MetricData.argMax(data.probabilities[b][i]) == data.labels[b][i] ? 1 : 0,
        data);
  }

  @Test
  void sparseCategoricalAccuracyWithVectorAndColumnLabels() {
    MeanMetricHarness.check(
        tf,
        SparseCategoricalAccuracy::new,
        batch((tf, b) -> tf.constant(data.labels[b]), (tf, b) -> tf.constant(data.probabilities[b])),
        (b, i) -> MetricData.argMax(data.probabilities[b][i]) == data.labels[b][i] ? 1 : 0,
        data);
    MeanMetricHarness.check(
        tf,
        SparseCategoricalAccuracy::new,
        batch((tf, b) -> tf.constant(column(data.labels[b])), (tf, b) -> tf.constant(data.probabilities[b])),
        (b, i) -> MetricData.argMax(data.probabilities[b][i]) == data.labels[b][i] ? 1 : 0,
        data);
  }

  @Test
  void topKCategoricalAccuracy() {
    for (int k : new int[] {1, 2}) {
      MeanMetricHarness.check(
          tf,
          () -> new TopKCategoricalAccuracy(k),
          batch((tf, b) -> tf.constant(data.oneHot[b]), (tf, b) -> tf.constant(data.probabilities[b])),
          (b, i) -> MetricData.inTopK(data.probabilities[b][i], data.labels[b][i], k) ? 1 : 0,
          data);
    }
  }

  @Test
  void sparseTopKCategoricalAccuracy() {
    MeanMetricHarness.check(
        tf,
        () -> new SparseTopKCategoricalAccuracy(2),
        batch((tf, b) -> tf.constant(data.labels[b]), (tf, b) -> tf.constant(data.probabilities[b])),
        (b, i) -> MetricData.inTopK(data.probabilities[b][i], data.labels[b][i], 2) ? 1 : 0,
        data);
  }

  @Test
  void topKDefaultsToFive() {
    org.junit.jupiter.api.Assertions.assertEquals(5, new TopKCategoricalAccuracy().k());
    org.junit.jupiter.api.Assertions.assertEquals(5, new SparseTopKCategoricalAccuracy().k());
    org.junit.jupiter.api.Assertions.assertEquals(0.5f, new BinaryAccuracy().threshold());
  }

  interface Make {
    Operand<?> make(Ops tf, int b);
  }

  static MeanMetricHarness.Batch batch(Make yTrue, Make yPred) {
    return new MeanMetricHarness.Batch() {
      @Override
      public Operand<?> yTrue(Ops tf, int b) {
        return yTrue.make(tf, b);
      }

      @Override
      public Operand<?> yPred(Ops tf, int b) {
        return yPred.make(tf, b);
      }
    };
  }

  static int[][] column(int[] v) {
    int[][] c = new int[v.length][1];
    for (int i = 0; i < v.length; i++) {
      c[i][0] = v[i];
    }
    return c;
  }
}
