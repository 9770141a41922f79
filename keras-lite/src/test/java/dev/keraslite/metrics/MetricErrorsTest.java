package dev.keraslite.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.Variable;
import dev.keraslite.initializers.Initializers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Bad input is rejected with a clear message and leaves the metric's state as it was. */
class MetricErrorsTest {
  private static final float[][] PROBS = {{0.2f, 0.8f}, {0.6f, 0.4f}, {0.3f, 0.7f}};
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

  /** Every state variable's elements, as doubles. */
  private List<double[]> state(Metric m) {
    List<double[]> out = new ArrayList<>();
    for (Variable v : m.variables()) {
      Operand<TFloat32> value = tf.dtypes.cast(v.value(tf), TFloat32.class);
      out.add(dev.keraslite.losses.TestTensors.values(value));
    }
    return out;
  }

  /** Updates {@code m} once with good data, then checks {@code bad} throws and changes nothing. */
  private void assertRejected(Metric m, Executable good, Executable bad, String... fragments)
      throws Throwable {
    good.execute();
    List<double[]> before = state(m);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad);
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "'" + f + "' missing from: " + e.getMessage());
    }
    List<double[]> after = state(m);
    for (int i = 0; i < before.size(); i++) {
      assertArrayEquals(before.get(i), after.get(i), m + ": state changed by rejected input");
    }
  }

  @Test
  void mismatchedShapes() throws Throwable {
    Metric sparse = new SparseCategoricalAccuracy();
    assertRejected(
        sparse,
        () -> sparse.updateState(tf, tf.constant(new int[] {1, 0, 1}), tf.constant(PROBS)),
        () -> sparse.updateState(tf, tf.constant(new int[] {1, 0}), tf.constant(PROBS)),
        "'sparse_categorical_accuracy'", "expected y_true of shape [3]", "[2]");
    Metric categorical = new CategoricalAccuracy();
    float[][] oneHot = {{0, 1}, {1, 0}, {0, 1}};
    assertRejected(
        categorical,
        () -> categorical.updateState(tf, tf.constant(oneHot), tf.constant(PROBS)),
        () -> categorical.updateState(tf, tf.constant(new float[][] {{0, 1, 0}}), tf.constant(PROBS)),
        "'categorical_accuracy'", "[3, 2]", "[1, 3]");
    Metric auc = new AUC();
    float[] labels = {0, 1, 1};
    float[] scores = {0.1f, 0.9f, 0.4f};
    assertRejected(
        auc,
        () -> auc.updateState(tf, tf.constant(labels), tf.constant(scores)),
        () -> auc.updateState(tf, tf.constant(new float[] {0, 1}), tf.constant(scores)),
        "'auc'", "[3]", "[2]");
  }

  @Test
  void wrongDtypes() throws Throwable {
    Metric precision = new Precision();
    float[] labels = {0, 1, 1};
    float[] scores = {0.1f, 0.9f, 0.4f};
    assertRejected(
        precision,
        () -> precision.updateState(tf, tf.constant(labels), tf.constant(scores)),
        () -> precision.updateState(tf, tf.constant(labels), tf.constant(NdArrays.vectorOfObjects("a", "b", "c"))),
        "'precision'", "y_pred of a number dtype", "string");
    Metric accuracy = new BinaryAccuracy();
    assertRejected(
        accuracy,
        () -> accuracy.updateState(tf, tf.constant(labels), tf.constant(scores)),
        () -> accuracy.updateState(tf, tf.constant(labels), tf.constant(new boolean[] {true, false, true})),
        "'binary_accuracy'", "bool");
    Mean mean = new Mean();
    assertRejected(
        mean,
        () -> mean.updateState(tf, tf.constant(scores)),
        () -> mean.updateState(tf, tf.constant(NdArrays.vectorOfObjects("x"))),
        "'mean'", "values of a number or bool dtype", "string");
  }

  @Test
  void sampleWeightsThatDoNotFit() throws Throwable {
    Metric sparse = new SparseCategoricalAccuracy();
    int[] labels = {1, 0, 1};
    assertRejected(
        sparse,
        () -> sparse.updateState(tf, tf.constant(labels), tf.constant(PROBS), tf.constant(new float[] {1, 2, 3})),
        () -> sparse.updateState(tf, tf.constant(labels), tf.constant(PROBS), tf.constant(new float[] {1, 2})),
        "'sparse_categorical_accuracy'", "sample_weight of shape [2]", "[3]");
    Metric recall = new Recall();
    float[] binary = {0, 1, 1};
    float[] scores = {0.1f, 0.9f, 0.4f};
    assertRejected(
        recall,
        () -> recall.updateState(tf, tf.constant(binary), tf.constant(scores)),
        () -> recall.updateState(tf, tf.constant(binary), tf.constant(scores), tf.constant(new float[] {1, 2, 3, 4})),
        "'recall'", "sample_weight of shape [4]");
    Mean mean = new Mean();
    assertRejected(
        mean,
        () -> mean.updateState(tf, tf.constant(scores)),
        () -> mean.updateState(tf, tf.constant(scores), tf.constant(new float[][] {{1, 2, 3}})),
        "'mean'", "sample_weight of shape [1, 3]");
    Metric text = new SparseCategoricalAccuracy();
    assertRejected(
        text,
        () -> text.updateState(tf, tf.constant(labels), tf.constant(PROBS)),
        () -> text.updateState(tf, tf.constant(labels), tf.constant(PROBS), tf.constant(NdArrays.vectorOfObjects("w"))),
        "sample_weight of a number dtype");
  }

  @Test
  void badConfiguration() {
    assertMessage(() -> new TopKCategoricalAccuracy(0), "k must be >= 1");
    assertMessage(() -> new Precision(1.5f), "'precision'", "threshold values must be in [0, 1]");
    assertMessage(
        () -> new AUC(1, AUC.Curve.ROC, AUC.SummationMethod.INTERPOLATION, false, "auc"),
        "num_thresholds must be an integer > 1");
    Metric classTwo = new Precision(0.5f, null, 2, "p");
    assertMessage(
        () -> classTwo.updateState(tf, tf.constant(new float[][] {{0, 1}}), tf.constant(new float[][] {{0.3f, 0.7f}})),
        "class_id 2 is out of range");
    assertMessage(() -> Metrics.get("acuracy"), "Unknown metric 'acuracy'; valid: ", "accuracy");
    assertMessage(
        () -> new Metric("bad") {
          @Override
          protected void build(Ops tf) {
            addWeight("w", Shape.of(-1), TFloat32.class, Initializers.zeros());
          }

          @Override
          public void updateState(Ops tf, Operand<?> a, Operand<?> b, Operand<?> c) {}

          @Override
          public Operand<TFloat32> result(Ops tf) {
            return tf.constant(0f);
          }
        }.ensureBuilt(tf),
        "'bad'.addWeight('w')", "fully known shape");
  }

  private static void assertMessage(Executable e, String... fragments) {
    IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, e);
    for (String f : fragments) {
      assertTrue(thrown.getMessage().contains(f), "'" + f + "' missing from: " + thrown.getMessage());
    }
  }

  @Test
  void metricsByKerasName() {
    Object[][] expected = {
      {"accuracy", Accuracy.class, "accuracy"},
      {"sparse_categorical_accuracy", SparseCategoricalAccuracy.class, "sparse_categorical_accuracy"},
      {"categorical_accuracy", CategoricalAccuracy.class, "categorical_accuracy"},
      {"binary_accuracy", BinaryAccuracy.class, "binary_accuracy"},
      {"top_k_categorical_accuracy", TopKCategoricalAccuracy.class, "top_k_categorical_accuracy"},
      {"mse", MeanSquaredError.class, "mean_squared_error"},
      {"mae", MeanAbsoluteError.class, "mean_absolute_error"},
      {"root_mean_squared_error", RootMeanSquaredError.class, "root_mean_squared_error"},
      {"AUC", AUC.class, "auc"},
      {"precision", Precision.class, "precision"},
      {"Recall", Recall.class, "recall"},
      {"mean", Mean.class, "mean"},
      {"sum", Sum.class, "sum"},
    };
    for (Object[] row : expected) {
      Metric m = Metrics.get((String) row[0]);
      assertInstanceOf((Class<?>) row[1], m, (String) row[0]);
      assertEquals(row[2], m.name());
      assertEquals(0f, m.result(tf).asTensor().getFloat(), (String) row[0]);
    }
  }
}
