package dev.keraslite.metrics;

import static dev.keraslite.metrics.MetricAssertions.assertResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keraslite.Eager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.op.Ops;

/** Mean and Sum over values, with Keras's per-sample reduction of extra axes and weights. */
class ReductionMetricsTest {
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
  void meanOfScalarsVectorsAndMatrices() {
    Mean m = new Mean();
    m.updateState(tf, tf.constant(3f));
    assertResult(3, m, "one scalar");
    m.updateState(tf, tf.constant(new float[] {1, 3, 5, 7}));
    assertResult((3 + 1 + 3 + 5 + 7) / 5.0, m, "then four values");
    // A matrix counts one sample per row, valued at the row's mean.
    m.updateState(tf, tf.constant(new float[][] {{1, 2}, {10, 20}}));
    assertResult((3 + 16 + 1.5 + 15) / 7.0, m, "then two rows");
    m.resetState();
    assertResult(0, m, "after reset");
  }

  @Test
  void meanWithKerasDocExampleWeights() {
    Mean m = new Mean();
    m.updateState(tf, tf.constant(new float[] {1, 3, 5, 7}), tf.constant(new float[] {1, 1, 0, 0}));
    assertResult(2, m, "Keras's example");
  }

  @Test
  void meanAccumulatesWeightedBatches() {
    float[][][] values = {
      {{1, 2, 3}, {4, 5, 6}}, {{-1, 0, 1}, {2, 2, 2}}, {{0.5f, 1.5f, 2.5f}, {9, 8, 7}}
    };
    float[][] rowWeights = {{0.5f, 2f}, {1f, 0f}, {3f, 1f}};
    float[][][] elementWeights = {
      {{1, 0, 1}, {2, 2, 0}}, {{0, 0, 0}, {1, 1, 1}}, {{0.5f, 0.5f, 1}, {1, 0, 3}}
    };
    // Per-row weights: total += sum_i w_i mean_j v_ij, count += sum_i w_i.
    Mean rows = new Mean();
    double total = 0;
    double count = 0;
    for (int b = 0; b < 3; b++) {
      rows.updateState(tf, tf.constant(values[b]), tf.constant(rowWeights[b]));
      for (int i = 0; i < 2; i++) {
        total += rowWeights[b][i] * (values[b][i][0] + values[b][i][1] + values[b][i][2]) / 3.0;
        count += rowWeights[b][i];
      }
      assertResult(total / count, rows, "row weights, batch " + b);
    }
    // Element weights: Keras averages v*w and w over each row.
    Mean elements = new Mean();
    total = 0;
    count = 0;
    for (int b = 0; b < 3; b++) {
      elements.updateState(tf, tf.constant(values[b]), tf.constant(elementWeights[b]));
      for (int i = 0; i < 2; i++) {
        double vw = 0;
        double w = 0;
        for (int j = 0; j < 3; j++) {
          vw += values[b][i][j] * elementWeights[b][i][j];
          w += elementWeights[b][i][j];
        }
        total += vw / 3;
        count += w / 3;
      }
      assertResult(total / count, elements, "element weights, batch " + b);
    }
    elements.resetState();
    assertResult(0, elements, "after reset");
  }

  @Test
  void sumOfWeightedValues() {
    Sum s = new Sum();
    s.updateState(tf, tf.constant(new float[] {1, 3, 5, 7}));
    assertResult(16, s, "Keras's example");
    s.updateState(tf, tf.constant(new float[] {1, 3, 5, 7}), tf.constant(new float[] {1, 1, 0, 0}));
    assertResult(20, s, "plus the weighted example");
    s.updateState(tf, tf.constant(new float[][] {{1, 2}, {3, 4}}), tf.constant(new float[] {2, 0.5f}));
    assertResult(20 + 2 * 3 + 0.5 * 7, s, "plus weighted rows");
    assertEquals(
        20 + 6 + 3.5 + 2.5,
        s.apply(tf, tf.constant(2.5f)).asTensor().getFloat(),
        1e-5,
        "apply returns the new total");
    s.resetState();
    assertResult(0, s, "after reset");
  }

  @Test
  void meanApplyReturnsTheRunningMean() {
    Mean m = new Mean("loss");
    assertEquals(2f, m.apply(tf, tf.constant(2f)).asTensor().getFloat());
    assertEquals(3f, m.apply(tf, tf.constant(4f)).asTensor().getFloat());
    // (2 + 4 + 0.5 * 6) / (1 + 1 + 0.5)
    assertEquals(3.6, m.apply(tf, tf.constant(6f), tf.constant(0.5f)).asTensor().getFloat(), 1e-6);
    assertEquals("loss", m.name());
  }

  @Test
  void meanAndSumTakeValuesNotLabels() {
    Mean m = new Mean();
    UnsupportedOperationException e =
        assertThrows(
            UnsupportedOperationException.class,
            () -> m.updateState(tf, tf.constant(1f), tf.constant(1f), tf.constant(1f)));
    assertEquals(true, e.getMessage().contains("updateState(tf, values"));
    assertThrows(
        UnsupportedOperationException.class,
        () -> new Sum().updateState(tf, tf.constant(1f), tf.constant(1f), null));
  }
}
