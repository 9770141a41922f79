package dev.keraslite.losses;

import static dev.keraslite.losses.TestTensors.assertClose;
import static dev.keraslite.losses.TestTensors.asFloat32;
import static dev.keraslite.losses.TestTensors.toFloat;
import static dev.keraslite.losses.TestTensors.values;

import dev.keraslite.Eager;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Every built-in loss against its Keras formula evaluated in double precision, for every reduction,
 * with and without per-sample weights.
 */
class LossValuesTest {
  private static final double[][] Y_TRUE = {{1.0, 2.0, 3.0}, {-1.0, 0.5, 2.0}, {0.25, -3.0, 4.0}};
  private static final double[][] Y_PRED = {{1.5, 1.0, 3.5}, {0.0, 0.5, -1.0}, {0.2, 1.0, 4.5}};
  private static final double[] WEIGHTS = {0.3, 1.7, 0.0};

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

  /** Checks {@code make(reduction)} against the oracle for every reduction, weighted and not. */
  private void checkEveryReduction(
      Function<Reduction, Loss> make, LossOracle.RowLoss row, double[][] yTrue, double[][] yPred) {
    double[][] t = asFloat32(yTrue);
    double[][] p = asFloat32(yPred);
    double[] perSample = LossOracle.perSample(row, t, p);
    Operand<TFloat32> yt = tf.constant(toFloat(yTrue));
    Operand<TFloat32> yp = tf.constant(toFloat(yPred));
    double[] weights = java.util.Arrays.copyOf(WEIGHTS, yTrue.length);
    for (Reduction r : Reduction.values()) {
      Loss loss = make.apply(r);
      assertClose(
          LossOracle.reduce(perSample, null, null, r),
          values(loss.apply(tf, yt, yp)),
          loss + " unweighted");
      assertClose(
          LossOracle.reduce(perSample, asFloat32(new double[][] {weights})[0], null, r),
          values(loss.apply(tf, yt, yp, tf.constant(toFloat(weights)))),
          loss + " weighted");
    }
  }

  @Test
  void meanSquaredError() {
    checkEveryReduction(MeanSquaredError::new, LossOracle.mse(), Y_TRUE, Y_PRED);
  }

  @Test
  void meanAbsoluteError() {
    checkEveryReduction(MeanAbsoluteError::new, LossOracle.mae(), Y_TRUE, Y_PRED);
  }

  @Test
  void meanAbsolutePercentageErrorIncludingAZeroLabel() {
    double[][] t = {{1.0, 2.0, 4.0}, {-1.0, 0.5, 2.0}, {0.25, -3.0, 4.0}};
    checkEveryReduction(
        MeanAbsolutePercentageError::new, LossOracle.mape(), t, Y_PRED);
    // A zero label divides by epsilon, as in Keras.
    double[][] zero = {{0.0, 1.0}};
    double[][] pred = {{1e-8, 1.0}};
    checkEveryReduction(MeanAbsolutePercentageError::new, LossOracle.mape(), zero, pred);
  }

  @Test
  void meanSquaredLogarithmicErrorFloorsNegativesAtEpsilon() {
    checkEveryReduction(
        MeanSquaredLogarithmicError::new,
        LossOracle.msle(),
        new double[][] {{1.0, 2.0, 3.0}, {0.0, 0.5, 2.0}, {0.25, 3.0, 4.0}},
        new double[][] {{1.5, -1.0, 3.5}, {0.0, 0.5, 9.0}, {0.2, 1.0, 4.5}});
  }

  @Test
  void huberOnBothSidesOfDelta() {
    // Errors 0.5, 1.0 (exactly delta: quadratic side), 3.0, 0.05, 2.5.
    checkEveryReduction(r -> new Huber(1.0f, r), LossOracle.huber(1.0), Y_TRUE, Y_PRED);
    checkEveryReduction(r -> new Huber(2.5f, r), LossOracle.huber(2.5), Y_TRUE, Y_PRED);
  }

  @Test
  void logCoshStaysFiniteForLargeErrors() {
    checkEveryReduction(LogCosh::new, LossOracle.logCosh(), Y_TRUE, Y_PRED);
    checkEveryReduction(
        LogCosh::new,
        LossOracle.logCosh(),
        new double[][] {{0.0, 0.0}},
        new double[][] {{60.0, -45.0}});
  }

  @Test
  void klDivergenceClipsBothSides() {
    checkEveryReduction(
        KLDivergence::new,
        LossOracle.klDivergence(),
        new double[][] {{0.2, 0.3, 0.5}, {0.0, 1.0, 0.0}, {0.5, 0.5, 0.0}},
        new double[][] {{0.1, 0.6, 0.3}, {0.25, 0.5, 0.25}, {0.0, 0.9, 0.1}});
  }

  @Test
  void poisson() {
    checkEveryReduction(
        Poisson::new,
        LossOracle.poisson(),
        new double[][] {{1.0, 0.0, 3.0}, {2.0, 1.0, 0.0}, {4.0, 2.0, 1.0}},
        new double[][] {{0.5, 1.0, 2.5}, {2.0, 0.1, 0.0}, {3.0, 2.5, 1.5}});
  }

  @Test
  void hingeWithSignedLabels() {
    double[][] t = {{-1, 1, 1}, {1, -1, -1}, {1, 1, -1}};
    checkEveryReduction(Hinge::new, LossOracle.hinge(), t, Y_PRED);
  }

  @Test
  void hingeMapsBinaryLabelsToSigned() {
    double[][] binary = {{0, 1, 1}, {1, 0, 0}, {1, 1, 0}};
    double[][] signed = {{-1, 1, 1}, {1, -1, -1}, {1, 1, -1}};
    double[] expected = LossOracle.perSample(LossOracle.hinge(), signed, asFloat32(Y_PRED));
    Loss loss = new Hinge(Reduction.NONE);
    assertClose(
        expected,
        values(loss.apply(tf, tf.constant(toFloat(binary)), tf.constant(toFloat(Y_PRED)))),
        "hinge on 0/1 labels");
  }

  @Test
  void hingeLeavesNonBinaryLabelsAlone() {
    double[][] t = {{0, 1, 0.5}, {1, -1, 0}, {1, 1, 0}};
    checkEveryReduction(Hinge::new, LossOracle.hinge(), t, Y_PRED);
  }

  @Test
  void cosineSimilarityAlongLastAxisAndZeroVector() {
    checkEveryReduction(
        r -> new CosineSimilarity(-1, r), LossOracle.cosineSimilarity(), Y_TRUE, Y_PRED);
    double[][] t = {{0, 0, 0}, {1, 2, 3}};
    double[][] p = {{1, 2, 3}, {-2, -4, -6}};
    Loss loss = new CosineSimilarity(-1, Reduction.NONE);
    assertClose(
        new double[] {0.0, 1.0},
        values(loss.apply(tf, tf.constant(toFloat(t)), tf.constant(toFloat(p)))),
        "zero vector gives 0, opposite directions give 1");
  }

  @Test
  void cosineSimilarityAlongFirstAxis() {
    // Axis 0 compares columns: transpose, then the last-axis oracle applies.
    double[][] tT = transpose(asFloat32(Y_TRUE));
    double[][] pT = transpose(asFloat32(Y_PRED));
    double[] expected = LossOracle.perSample(LossOracle.cosineSimilarity(), tT, pT);
    Loss loss = new CosineSimilarity(0, Reduction.NONE);
    assertClose(
        expected,
        values(loss.apply(tf, tf.constant(toFloat(Y_TRUE)), tf.constant(toFloat(Y_PRED)))),
        "cosine along axis 0");
  }

  @Test
  void binaryCrossentropyOnProbabilities() {
    double[][] t = {{0, 1, 1}, {1, 0, 0}, {1, 1, 0}};
    double[][] p = {{0.1, 0.8, 0.6}, {0.3, 0.2, 0.05}, {0.95, 0.5, 0.4}};
    checkEveryReduction(
        r -> new BinaryCrossentropy(false, 0f, -1, r), LossOracle.binaryCrossentropy(0), t, p);
  }

  @Test
  void binaryCrossentropyFromLogits() {
    double[][] t = {{0, 1, 1}, {1, 0, 0}, {1, 1, 0}};
    double[][] x = {{-2.0, 1.5, 0.2}, {3.0, -0.7, -4.0}, {0.0, 2.5, 1.0}};
    checkEveryReduction(
        r -> new BinaryCrossentropy(true, 0f, -1, r),
        LossOracle.binaryCrossentropyFromLogits(0),
        t,
        x);
  }

  @Test
  void binaryCrossentropyLabelSmoothingBothWays() {
    double[][] t = {{0, 1, 1}, {1, 0, 0}, {1, 1, 0}};
    double[][] p = {{0.1, 0.8, 0.6}, {0.3, 0.2, 0.05}, {0.95, 0.5, 0.4}};
    double[][] x = {{-2.0, 1.5, 0.2}, {3.0, -0.7, -4.0}, {0.0, 2.5, 1.0}};
    checkEveryReduction(
        r -> new BinaryCrossentropy(false, 0.2f, -1, r),
        LossOracle.binaryCrossentropy((float) 0.2),
        t,
        p);
    checkEveryReduction(
        r -> new BinaryCrossentropy(true, 0.2f, -1, r),
        LossOracle.binaryCrossentropyFromLogits((float) 0.2),
        t,
        x);
  }

  @Test
  void categoricalCrossentropyOnProbabilitiesRenormalises() {
    double[][] t = {{0, 1, 0}, {1, 0, 0}, {0.2, 0.3, 0.5}};
    // The last row does not sum to 1: Keras divides by its sum first.
    double[][] p = {{0.1, 0.7, 0.2}, {0.5, 0.25, 0.25}, {0.2, 0.2, 0.4}};
    checkEveryReduction(
        r -> new CategoricalCrossentropy(false, 0f, -1, r),
        LossOracle.categoricalCrossentropy(0),
        t,
        p);
  }

  @Test
  void categoricalCrossentropyFromLogits() {
    double[][] t = {{0, 1, 0}, {1, 0, 0}, {0.2, 0.3, 0.5}};
    double[][] x = {{2.0, -1.0, 0.5}, {0.3, 0.3, 4.0}, {-1.0, 2.0, 1.0}};
    checkEveryReduction(
        r -> new CategoricalCrossentropy(true, 0f, -1, r),
        LossOracle.categoricalCrossentropyFromLogits(0),
        t,
        x);
  }

  @Test
  void categoricalCrossentropyLabelSmoothingBothWays() {
    double[][] t = {{0, 1, 0}, {1, 0, 0}, {0, 0, 1}};
    double[][] p = {{0.1, 0.7, 0.2}, {0.5, 0.25, 0.25}, {0.2, 0.3, 0.5}};
    double[][] x = {{2.0, -1.0, 0.5}, {0.3, 0.3, 4.0}, {-1.0, 2.0, 1.0}};
    checkEveryReduction(
        r -> new CategoricalCrossentropy(false, 0.1f, -1, r),
        LossOracle.categoricalCrossentropy((float) 0.1),
        t,
        p);
    checkEveryReduction(
        r -> new CategoricalCrossentropy(true, 0.1f, -1, r),
        LossOracle.categoricalCrossentropyFromLogits((float) 0.1),
        t,
        x);
  }

  @Test
  void sparseCategoricalCrossentropyBothWays() {
    int[] labels = {1, 0, 2};
    double[][] p = {{0.1, 0.7, 0.2}, {0.5, 0.25, 0.25}, {0.2, 0.3, 0.5}};
    double[][] x = {{2.0, -1.0, 0.5}, {0.3, 0.3, 4.0}, {-1.0, 2.0, 1.0}};
    double[][] oneHot = LossOracle.oneHot(labels, 3);
    for (boolean fromLogits : new boolean[] {false, true}) {
      LossOracle.RowLoss row =
          fromLogits
              ? LossOracle.categoricalCrossentropyFromLogits(0)
              : LossOracle.categoricalCrossentropy(0);
      double[][] pred = asFloat32(fromLogits ? x : p);
      double[] perSample = LossOracle.perSample(row, oneHot, pred);
      for (Reduction r : Reduction.values()) {
        Loss loss = new SparseCategoricalCrossentropy(fromLogits, null, r);
        Operand<TFloat32> yp = tf.constant(toFloat(pred));
        assertClose(
            LossOracle.reduce(perSample, null, null, r),
            values(loss.apply(tf, tf.constant(labels), yp)),
            loss + " fromLogits=" + fromLogits);
        assertClose(
            LossOracle.reduce(perSample, asFloat32(new double[][] {WEIGHTS})[0], null, r),
            values(loss.apply(tf, tf.constant(labels), yp, tf.constant(toFloat(WEIGHTS)))),
            loss + " weighted, fromLogits=" + fromLogits);
      }
    }
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
