package dev.keraslite.metrics;

import static dev.keraslite.metrics.MetricAssertions.assertResult;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keraslite.Eager;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.op.Ops;

/** Precision, Recall and AUC against confusion counts taken in the test, in double precision. */
class ConfusionMetricsTest {
  private static final int N = 200;
  private final MetricData data = new MetricData(23);
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

  /** tp, fp, tn, fn over every sample of batches [0, upTo), at threshold t. */
  private double[] counts(float[][] labels, float[][] scores, boolean weighted, int upTo, double t) {
    double[] c = new double[4];
    for (int b = 0; b < upTo; b++) {
      for (int i = 0; i < labels[b].length; i++) {
        double w = weighted ? data.weights[b][i] : 1;
        boolean pos = labels[b][i] != 0;
        boolean predicted = scores[b][i] > t;
        c[pos ? (predicted ? 0 : 3) : (predicted ? 1 : 2)] += w;
      }
    }
    return c;
  }

  private static double ratio(double a, double b) {
    return a + b == 0 ? 0 : a / (a + b);
  }

  private void checkThresholdMetric(
      Supplier<Metric> make, double threshold, boolean precision) {
    for (boolean weighted : new boolean[] {false, true}) {
      Metric m = make.get();
      for (int b = 0; b < MetricData.BATCHES; b++) {
        if (weighted) {
          m.updateState(
              tf, tf.constant(data.binaryLabels[b]), tf.constant(data.scores[b]),
              tf.constant(data.weights[b]));
        } else {
          m.updateState(tf, tf.constant(data.binaryLabels[b]), tf.constant(data.scores[b]));
        }
        double[] c = counts(data.binaryLabels, data.scores, weighted, b + 1, threshold);
        assertResult(
            precision ? ratio(c[0], c[1]) : ratio(c[0], c[3]), m, "after batch " + b + " " + weighted);
      }
      m.resetState();
      assertResult(0, m, "after reset");
    }
  }

  @Test
  void precisionAtDefaultAndCustomThreshold() {
    checkThresholdMetric(Precision::new, 0.5, true);
    checkThresholdMetric(() -> new Precision(0.3f), 0.3, true);
  }

  @Test
  void recallAtDefaultAndCustomThreshold() {
    checkThresholdMetric(Recall::new, 0.5, false);
    checkThresholdMetric(() -> new Recall(0.3f), 0.3, false);
  }

  @Test
  void precisionAndRecallForOneClassAndTopK() {
    // class_id 2 at threshold 0.3: only column 2 is scored.
    float[][] labels2 = new float[MetricData.BATCHES][MetricData.BATCH];
    float[][] scores2 = new float[MetricData.BATCHES][MetricData.BATCH];
    // top_k 2: a class is predicted when its probability is among the row's two largest.
    double[] topTwo = new double[4];
    for (int b = 0; b < MetricData.BATCHES; b++) {
      for (int i = 0; i < MetricData.BATCH; i++) {
        labels2[b][i] = data.oneHot[b][i][2];
        scores2[b][i] = data.probabilities[b][i][2];
        for (int c = 0; c < MetricData.CLASSES; c++) {
          boolean pos = data.oneHot[b][i][c] != 0;
          boolean predicted = MetricData.inTopK(data.probabilities[b][i], c, 2);
          topTwo[pos ? (predicted ? 0 : 3) : (predicted ? 1 : 2)] += data.weights[b][i];
        }
      }
    }
    double[] classTwo = counts(labels2, scores2, true, MetricData.BATCHES, 0.3);
    Metric[] metrics = {
      new Precision(0.3f, null, 2, "p"), new Recall(0.3f, null, 2, "r"),
      new Precision(null, 2, null, "pk"), new Recall(null, 2, null, "rk")
    };
    for (Metric m : metrics) {
      for (int b = 0; b < MetricData.BATCHES; b++) {
        m.updateState(
            tf, tf.constant(data.oneHot[b]), tf.constant(data.probabilities[b]),
            tf.constant(data.weights[b]));
      }
    }
    assertResult(ratio(classTwo[0], classTwo[1]), metrics[0], "precision, class 2");
    assertResult(ratio(classTwo[0], classTwo[3]), metrics[1], "recall, class 2");
    assertResult(ratio(topTwo[0], topTwo[1]), metrics[2], "precision, top 2");
    assertResult(ratio(topTwo[0], topTwo[3]), metrics[3], "recall, top 2");
  }

  /** Keras's thresholds: -1e-7, 1/199, ..., 198/199, 1 + 1e-7. */
  private static double threshold(int i) {
    return i == 0 ? -1e-7 : i == N - 1 ? 1 + 1e-7 : i / (double) (N - 1);
  }

  /** Confusion counts at all 200 thresholds over batches [0, upTo). */
  private double[][] curveCounts(boolean weighted, int upTo) {
    double[][] c = new double[N][];
    for (int i = 0; i < N; i++) {
      c[i] = counts(data.binaryLabels, data.scores, weighted, upTo, threshold(i));
    }
    return c;
  }

  private static double area(double[][] c, boolean roc, AUC.SummationMethod method) {
    double[] x = new double[N];
    double[] y = new double[N];
    for (int i = 0; i < N; i++) {
      double recall = ratio(c[i][0], c[i][3]);
      x[i] = roc ? ratio(c[i][1], c[i][2]) : recall;
      y[i] = roc ? recall : ratio(c[i][0], c[i][1]);
    }
    double sum = 0;
    for (int i = 0; i < N - 1; i++) {
      double h =
          method == AUC.SummationMethod.INTERPOLATION
              ? (y[i] + y[i + 1]) / 2
              : method == AUC.SummationMethod.MINORING
                  ? Math.min(y[i], y[i + 1])
                  : Math.max(y[i], y[i + 1]);
      sum += (x[i] - x[i + 1]) * h;
    }
    return sum;
  }

  /** Davis and Goadrich's interpolation, as Keras writes it. */
  private static double interpolatedPrArea(double[][] c) {
    double sum = 0;
    for (int i = 0; i < N - 1; i++) {
      double dtp = c[i][0] - c[i + 1][0];
      double pA = c[i][0] + c[i][1];
      double pB = c[i + 1][0] + c[i + 1][1];
      double dp = pA - pB;
      double slope = dp > 0 ? dtp / dp : 0;
      double intercept = c[i + 1][0] - slope * pB;
      double logRatio = pA > 0 && pB > 0 ? Math.log(pA / pB) : 0;
      double positives = c[i + 1][0] + c[i + 1][3];
      sum += positives > 0 ? slope * (dtp + intercept * logRatio) / positives : 0;
    }
    return sum;
  }

  /**
   * The ROC area as a probability: a positive's score bucket beats a negative's, ties counting half
   * (the trapezoid over 200 thresholds is exactly this), weights multiplying.
   */
  private double mannWhitney(boolean weighted) {
    double wins = 0;
    double pairs = 0;
    for (int a = 0; a < MetricData.BATCHES; a++) {
      for (int i = 0; i < MetricData.BATCH; i++) {
        if (data.binaryLabels[a][i] == 0) {
          continue;
        }
        for (int b = 0; b < MetricData.BATCHES; b++) {
          for (int j = 0; j < MetricData.BATCH; j++) {
            if (data.binaryLabels[b][j] != 0) {
              continue;
            }
            double w = weighted ? (double) data.weights[a][i] * data.weights[b][j] : 1;
            long bi = (long) Math.ceil(data.scores[a][i] * (N - 1.0));
            long bj = (long) Math.ceil(data.scores[b][j] * (N - 1.0));
            wins += w * (bi > bj ? 1 : bi == bj ? 0.5 : 0);
            pairs += w;
          }
        }
      }
    }
    return wins / pairs;
  }

  private AUC feed(AUC m, boolean weighted, int upTo, boolean logits) {
    for (int b = 0; b < upTo; b++) {
      float[] p = data.scores[b];
      if (logits) {
        p = new float[p.length];
        for (int i = 0; i < p.length; i++) {
          p[i] = (float) Math.log(data.scores[b][i] / (1.0 - data.scores[b][i]));
        }
      }
      if (weighted) {
        m.updateState(tf, tf.constant(data.binaryLabels[b]), tf.constant(p), tf.constant(data.weights[b]));
      } else {
        m.updateState(tf, tf.constant(data.binaryLabels[b]), tf.constant(p));
      }
    }
    return m;
  }

  @Test
  void rocAucAccumulatesAcrossBatches() {
    for (boolean weighted : new boolean[] {false, true}) {
      AUC m = new AUC();
      for (int b = 0; b < MetricData.BATCHES; b++) {
        if (weighted) {
          m.updateState(
              tf, tf.constant(data.binaryLabels[b]), tf.constant(data.scores[b]),
              tf.constant(data.weights[b]));
        } else {
          m.updateState(tf, tf.constant(data.binaryLabels[b]), tf.constant(data.scores[b]));
        }
        assertResult(
            area(curveCounts(weighted, b + 1), true, AUC.SummationMethod.INTERPOLATION),
            m,
            "after " + (b + 1) + " batches, weighted=" + weighted);
      }
      double expected =
          area(curveCounts(weighted, MetricData.BATCHES), true, AUC.SummationMethod.INTERPOLATION);
      assertEquals(mannWhitney(weighted), expected, 1e-12, "trapezoid = Mann-Whitney on buckets");
      assertResult(mannWhitney(weighted), m, "against Mann-Whitney");
      m.resetState();
      assertResult(0, m, "after reset");
    }
  }

  @Test
  void aucCurvesAndSummationMethods() {
    for (AUC.Curve curve : AUC.Curve.values()) {
      for (AUC.SummationMethod method : AUC.SummationMethod.values()) {
        AUC m = feed(new AUC(N, curve, method, false, "auc"), true, MetricData.BATCHES, false);
        double[][] c = curveCounts(true, MetricData.BATCHES);
        double expected =
            curve == AUC.Curve.PR && method == AUC.SummationMethod.INTERPOLATION
                ? interpolatedPrArea(c)
                : area(c, curve == AUC.Curve.ROC, method);
        assertResult(expected, m, curve + " " + method);
      }
    }
  }

  @Test
  void aucFromLogitsMatchesProbabilities() {
    AUC probabilities = feed(new AUC(), true, MetricData.BATCHES, false);
    AUC logits =
        feed(new AUC(N, AUC.Curve.ROC, AUC.SummationMethod.INTERPOLATION, true, "auc"), true,
            MetricData.BATCHES, true);
    assertEquals(MetricAssertions.result(probabilities), MetricAssertions.result(logits), 1e-6);
  }

  @Test
  void aucThresholdsAreKeras() {
    float[] t = new AUC().thresholds();
    assertEquals(200, t.length);
    assertEquals(-1e-7f, t[0]);
    assertEquals((float) (1.0 / 199), t[1]);
    assertEquals(1 + 1e-7f, t[199]);
  }
}
