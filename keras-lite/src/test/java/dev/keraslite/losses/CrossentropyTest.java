package dev.keraslite.losses;

import static dev.keraslite.losses.TestTensors.assertClose;
import static dev.keraslite.losses.TestTensors.asFloat32;
import static dev.keraslite.losses.TestTensors.scalar;
import static dev.keraslite.losses.TestTensors.toFloat;
import static dev.keraslite.losses.TestTensors.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/** Cross-entropy details: sparse against one-hot, clipping at 0 and 1, ignoreClass, axes, ranks. */
class CrossentropyTest {
  private static final int[] LABELS = {1, 0, 2, 2};
  private static final float[][] PROBS = {
    {0.1f, 0.7f, 0.2f}, {0.5f, 0.25f, 0.25f}, {0.2f, 0.3f, 0.5f}, {0.6f, 0.3f, 0.1f}
  };
  private static final float[][] LOGITS = {
    {2.0f, -1.0f, 0.5f}, {0.3f, 0.3f, 4.0f}, {-1.0f, 2.0f, 1.0f}, {0.0f, 0.0f, 0.0f}
  };

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

  /** The tutorial's box: sparse CE on labels equals categorical CE on their one-hot encoding. */
  @Test
  void sparseEqualsCategoricalOnOneHotLabels() {
    Operand<TFloat32> oneHot = tf.constant(toFloat(LossOracle.oneHot(LABELS, 3)));
    for (boolean fromLogits : new boolean[] {false, true}) {
      Operand<TFloat32> pred = tf.constant(fromLogits ? LOGITS : PROBS);
      double[] categorical =
          values(
              new CategoricalCrossentropy(fromLogits, 0f, -1, Reduction.NONE)
                  .apply(tf, oneHot, pred));
      Loss sparse = new SparseCategoricalCrossentropy(fromLogits, null, Reduction.NONE);
      long[] labels64 = new long[LABELS.length];
      int[][] column = new int[LABELS.length][1];
      float[] asFloat = new float[LABELS.length];
      for (int i = 0; i < LABELS.length; i++) {
        labels64[i] = LABELS[i];
        column[i][0] = LABELS[i];
        asFloat[i] = LABELS[i];
      }
      Operand<TInt32> int32 = tf.constant(LABELS);
      Operand<TInt64> int64 = tf.constant(labels64);
      Operand<TInt32> int32Column = tf.constant(column);
      Operand<TFloat32> float32 = tf.constant(asFloat);
      assertClose(categorical, values(sparse.apply(tf, int32, pred)), "int32 labels " + fromLogits);
      assertClose(categorical, values(sparse.apply(tf, int64, pred)), "int64 labels " + fromLogits);
      assertClose(
          categorical, values(sparse.apply(tf, int32Column, pred)), "[N, 1] labels " + fromLogits);
      assertClose(
          categorical, values(sparse.apply(tf, float32, pred)), "float labels " + fromLogits);
      // And both equal -log of the true class's (soft)max probability, computed here.
      double[] expected =
          LossOracle.perSample(
              fromLogits
                  ? LossOracle.categoricalCrossentropyFromLogits(0)
                  : LossOracle.categoricalCrossentropy(0),
              LossOracle.oneHot(LABELS, 3),
              toDouble(fromLogits ? LOGITS : PROBS));
      assertClose(expected, categorical, "closed form " + fromLogits);
    }
  }

  @Test
  void theTutorialsMeanOfSparseCrossentropy() {
    // Keras: reduce_mean(sparse_categorical_crossentropy(y, p)) over the batch.
    double mean = 0;
    for (int i = 0; i < LABELS.length; i++) {
      mean -= Math.log(PROBS[i][LABELS[i]]) / LABELS.length;
    }
    assertClose(
        mean,
        scalar(Losses.get("sparse_categorical_crossentropy").apply(tf, tf.constant(LABELS), tf.constant(PROBS))),
        "mean sparse CE");
  }

  @Test
  void binaryCrossentropyClipsProbabilitiesZeroAndOne() {
    // y=1,p=0 ; y=0,p=1 ; y=1,p=1 ; y=0,p=0
    float[][] y = {{1f}, {0f}, {1f}, {0f}};
    float[][] p = {{0f}, {1f}, {1f}, {0f}};
    double lo = LossOracle.EPS;
    double hi = LossOracle.ONE_MINUS_EPS;
    double[] expected = {-Math.log(lo), -Math.log(1 - hi), -Math.log(hi), -Math.log(1 - lo)};
    double[] actual =
        values(
            new BinaryCrossentropy(false, 0f, -1, Reduction.NONE)
                .apply(tf, tf.constant(y), tf.constant(p)));
    assertClose(expected, actual, "clipped binary cross-entropy");
    // -log(1e-7) = 16.118 and -log(1.19e-7) = 15.942: finite, as in Keras.
    assertEquals(16.118, actual[0], 1e-3);
    assertEquals(15.942, actual[1], 1e-3);
  }

  @Test
  void categoricalAndSparseClipCertainPredictions() {
    float[][] certain = {{1f, 0f, 0f}, {1f, 0f, 0f}};
    int[] labels = {0, 1};
    double[] expected = {-Math.log(LossOracle.ONE_MINUS_EPS), -Math.log(LossOracle.EPS)};
    double[] categorical =
        values(
            new CategoricalCrossentropy(false, 0f, -1, Reduction.NONE)
                .apply(tf, tf.constant(toFloat(LossOracle.oneHot(labels, 3))), tf.constant(certain)));
    double[] sparse =
        values(
            new SparseCategoricalCrossentropy(false, null, Reduction.NONE)
                .apply(tf, tf.constant(labels), tf.constant(certain)));
    assertClose(expected, categorical, "categorical at p = 1 and p = 0");
    assertClose(expected, sparse, "sparse at p = 1 and p = 0");
    assertTrue(sparse[1] > 16 && sparse[1] < 16.2, "-log(1e-7) = 16.118, not infinity");
  }

  @Test
  void ignoreClassLeavesEntriesOutOfTheMean() {
    int[] labels = {1, -1, 2, -1};
    double[] full =
        LossOracle.perSample(
            LossOracle.categoricalCrossentropy(0),
            LossOracle.oneHot(new int[] {1, 0, 2, 0}, 3),
            toDouble(PROBS));
    boolean[] valid = {true, false, true, false};
    double[] weights = {0.5, 2.0, 1.5, 1.0};
    for (Reduction r : Reduction.values()) {
      Loss loss = new SparseCategoricalCrossentropy(false, -1, r);
      double[] perSample = full.clone();
      for (int i = 0; i < perSample.length; i++) {
        perSample[i] = valid[i] ? perSample[i] : 0;
      }
      assertClose(
          LossOracle.reduce(perSample, null, valid, r),
          values(loss.apply(tf, tf.constant(labels), tf.constant(PROBS))),
          "ignore_class " + r);
      assertClose(
          LossOracle.reduce(perSample, weights, valid, r),
          values(loss.apply(tf, tf.constant(labels), tf.constant(PROBS), tf.constant(toFloat(weights)))),
          "ignore_class weighted " + r);
    }
    // The default reduction is the mean over the two valid entries.
    assertClose(
        (full[0] + full[2]) / 2,
        scalar(new SparseCategoricalCrossentropy(false, -1, Reduction.SUM_OVER_BATCH_SIZE)
            .apply(tf, tf.constant(labels), tf.constant(PROBS))),
        "mean over valid entries");
    // From logits too.
    double[] fromLogits =
        LossOracle.perSample(
            LossOracle.categoricalCrossentropyFromLogits(0),
            LossOracle.oneHot(new int[] {1, 0, 2, 0}, 3),
            toDouble(LOGITS));
    assertClose(
        new double[] {fromLogits[0], 0, fromLogits[2], 0},
        values(new SparseCategoricalCrossentropy(true, -1, Reduction.NONE)
            .apply(tf, tf.constant(labels), tf.constant(LOGITS))),
        "ignore_class from logits");
  }

  @Test
  void categoricalCrossentropyAlongTheFirstAxis() {
    double[][] t = LossOracle.oneHot(new int[] {1, 0, 3}, 4); // columns are the distributions
    double[][] pT = {{0.1, 0.5, 0.2, 0.2}, {0.3, 0.3, 0.3, 0.1}, {0.25, 0.25, 0.25, 0.25}};
    double[][] xT = {{1.0, -2.0, 0.5, 0.0}, {0.1, 0.2, 0.3, 0.4}, {3.0, 1.0, -1.0, 2.0}};
    Operand<TFloat32> labels = tf.constant(toFloat(transpose(t)));
    for (boolean fromLogits : new boolean[] {false, true}) {
      double[][] rows = asFloat32(fromLogits ? xT : pT);
      double[] expected =
          LossOracle.perSample(
              fromLogits
                  ? LossOracle.categoricalCrossentropyFromLogits(0)
                  : LossOracle.categoricalCrossentropy(0),
              t,
              rows);
      Loss loss = new CategoricalCrossentropy(fromLogits, 0f, 0, Reduction.NONE);
      assertClose(
          expected,
          values(loss.apply(tf, labels, tf.constant(toFloat(transpose(rows))))),
          "axis 0, fromLogits=" + fromLogits);
    }
  }

  @Test
  void rankThreeLogitsKeepTheirBatchShape() {
    float[][][] x = {
      {{2.0f, -1.0f, 0.5f}, {0.3f, 0.3f, 4.0f}}, {{-1.0f, 2.0f, 1.0f}, {0.0f, 0.0f, 0.0f}}
    };
    int[][] labels = {{1, 0}, {2, 2}};
    double[] expected =
        LossOracle.perSample(
            LossOracle.categoricalCrossentropyFromLogits(0),
            LossOracle.oneHot(LABELS, 3),
            toDouble(LOGITS));
    Operand<TFloat32> sparse =
        new SparseCategoricalCrossentropy(true, null, Reduction.NONE)
            .apply(tf, tf.constant(labels), tf.constant(x));
    assertArrayEquals(new long[] {2, 2}, sparse.shape().asArray());
    assertClose(expected, values(sparse), "sparse, rank 3");
    float[][][] oneHot = new float[2][2][3];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        oneHot[i][j][labels[i][j]] = 1;
      }
    }
    Operand<TFloat32> categorical =
        new CategoricalCrossentropy(true, 0f, -1, Reduction.NONE)
            .apply(tf, tf.constant(oneHot), tf.constant(x));
    assertArrayEquals(new long[] {2, 2}, categorical.shape().asArray());
    assertClose(expected, values(categorical), "categorical, rank 3");
  }

  @Test
  void binaryCrossentropyAveragesOverTheChosenAxis() {
    float[][] y = {{0, 1, 1}, {1, 0, 0}};
    float[][] p = {{0.1f, 0.8f, 0.6f}, {0.3f, 0.2f, 0.05f}};
    double[][] yT = transpose(toDouble(y));
    double[][] pT = transpose(toDouble(p));
    double[] expected = LossOracle.perSample(LossOracle.binaryCrossentropy(0), yT, pT);
    assertClose(
        expected,
        values(new BinaryCrossentropy(false, 0f, 0, Reduction.NONE)
            .apply(tf, tf.constant(y), tf.constant(p))),
        "binary cross-entropy averaged over axis 0");
  }

  @Test
  void logitsAndProbabilitiesAgreeAwayFromTheClip() {
    double[][] x = toDouble(LOGITS);
    float[][] softmax = new float[x.length][3];
    float[][] sigmoid = new float[x.length][3];
    for (int i = 0; i < x.length; i++) {
      double z = 0;
      for (double v : x[i]) {
        z += Math.exp(v);
      }
      for (int j = 0; j < 3; j++) {
        softmax[i][j] = (float) (Math.exp(x[i][j]) / z);
        sigmoid[i][j] = (float) (1 / (1 + Math.exp(-x[i][j])));
      }
    }
    Operand<TFloat32> oneHot = tf.constant(toFloat(LossOracle.oneHot(LABELS, 3)));
    assertEquals(
        scalar(new CategoricalCrossentropy(true).apply(tf, oneHot, tf.constant(LOGITS))),
        scalar(new CategoricalCrossentropy(false).apply(tf, oneHot, tf.constant(softmax))),
        1e-5);
    assertEquals(
        scalar(new BinaryCrossentropy(true).apply(tf, oneHot, tf.constant(LOGITS))),
        scalar(new BinaryCrossentropy(false).apply(tf, oneHot, tf.constant(sigmoid))),
        1e-5);
  }

  private static double[][] toDouble(float[][] f) {
    double[][] d = new double[f.length][];
    for (int i = 0; i < f.length; i++) {
      d[i] = new double[f[i].length];
      for (int j = 0; j < f[i].length; j++) {
        d[i][j] = f[i][j];
      }
    }
    return d;
  }

  private static double[][] transpose(double[][] a) {
    double[][] t = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        t[j][i] = a[i][j];
      }
    }
    return t;
  }
}
