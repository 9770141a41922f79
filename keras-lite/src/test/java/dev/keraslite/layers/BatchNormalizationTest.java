package dev.keraslite.layers;

import static dev.keraslite.layers.LayerTestHarness.assertClose;
import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.models.Input;
import dev.keraslite.Variable;
import dev.keraslite.initializers.Initializers;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * BatchNormalization against the Keras equations in double precision: batch statistics and the
 * moving-average update in training, moving statistics in inference, and the closed-form backward
 * pass of batch normalization.
 */
class BatchNormalizationTest {
  private static final double EPS = 1e-3;

  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  private static BatchNormalization randomAffine() {
    return new BatchNormalization()
        .gammaInitializer(Initializers.randomUniform(0.5, 1.5, 1))
        .betaInitializer(Initializers.randomUniform(-0.5, 0.5, 2));
  }

  @Test
  void trainingNormalizesWithBatchStatisticsAndMovesTheMovingStatistics() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(BatchNormalizationTest::randomAffine)
            .input(6, 4)
            .training(true)
            .expectOutputShape(6, 4)
            .expectWeight("gamma", 4)
            .expectWeight("beta", 4)
            .expectNonTrainableWeight("moving_mean", 4)
            .expectNonTrainableWeight("moving_variance", 4)
            .expectParams(16)
            .checkInputGradient()
            .run();
    float[] x = r.inputs().get(0);
    float[] gamma = r.weights().get(0);
    float[] beta = r.weights().get(1);
    double[][] stats = batchStats(x, 6, 4);
    assertClose(normalize(x, 6, 4, stats[0], stats[1], gamma, beta), r.output(), 1e-5, "training output");

    // The harness applied the layer twice in training before reading the weights: from zeros and
    // ones, moving = moving * 0.99 + batch * 0.01, twice.
    double[] mean = new double[4];
    double[] var = new double[4];
    for (int c = 0; c < 4; c++) {
      double m = 0;
      double v = 1;
      for (int step = 0; step < 2; step++) {
        m = m * 0.99 + stats[0][c] * (1 - 0.99);
        v = v * 0.99 + stats[1][c] * (1 - 0.99);
      }
      mean[c] = m;
      var[c] = v;
    }
    assertClose(mean, r.weights().get(2), 1e-6, "moving_mean after two training steps");
    assertClose(var, r.weights().get(3), 1e-6, "moving_variance after two training steps");
  }

  @Test
  void inferenceUsesTheMovingStatisticsAndLeavesThemAlone() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(
                () ->
                    randomAffine()
                        .movingMeanInitializer(Initializers.randomUniform(-1, 1, 3))
                        .movingVarianceInitializer(Initializers.randomUniform(0.2, 2, 4)))
            .input(5, 3)
            .expectOutputShape(5, 3)
            .expectWeight("gamma", 3)
            .expectWeight("beta", 3)
            .expectNonTrainableWeight("moving_mean", 3)
            .expectNonTrainableWeight("moving_variance", 3)
            .expectParams(12)
            .run();
    float[] mm = r.weights().get(2);
    float[] mv = r.weights().get(3);
    double[] mean = new double[3];
    double[] var = new double[3];
    for (int c = 0; c < 3; c++) {
      mean[c] = mm[c];
      var[c] = mv[c];
    }
    assertClose(normalize(r.inputs().get(0), 5, 3, mean, var, r.weights().get(0), r.weights().get(1)),
        r.output(), 1e-5, "inference output");

    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      BatchNormalization bn = new BatchNormalization().movingMeanInitializer(Initializers.constant(0.25f));
      Operand<TFloat32> x = tf.constant(new float[][] {{1, 2}, {3, 5}});
      bn.apply(tf, x);
      bn.apply(tf, x, false);
      assertArrayEquals(new float[] {0.25f, 0.25f}, values(bn.movingMean().value(tf)));
      assertArrayEquals(new float[] {1, 1}, values(bn.movingVariance().value(tf)));
    }
  }

  @Test
  void movingStatisticsFollowTheKerasUpdateOverSeveralBatches() {
    Random random = new Random(7);
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      BatchNormalization bn = new BatchNormalization().momentum(0.9);
      double[] m = {0, 0, 0};
      double[] v = {1, 1, 1};
      for (int step = 0; step < 3; step++) {
        float[] x = new float[8 * 3];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) (random.nextGaussian() * (1 + step) + step);
        }
        try (GradientTape tape = new GradientTape(tf)) {
          Operand<TFloat32> y = bn.apply(tf, tf.constant(Shape.of(8, 3), DataBuffers.of(x)), true);
          tape.gradient(tf.sum(y, tf.constant(new int[] {0, 1})), bn.trainableVariables());
          assertEquals(Set.of(bn.gamma(), bn.beta()), new HashSet<>(tape.watchedVariables()),
              "the moving statistics are not part of the differentiated computation");
        }
        double[][] stats = batchStats(x, 8, 3);
        for (int c = 0; c < 3; c++) {
          m[c] = m[c] * 0.9 + stats[0][c] * 0.1;
          v[c] = v[c] * 0.9 + stats[1][c] * 0.1;
        }
        assertClose(m, values(bn.movingMean().value(tf)), 1e-5, "moving_mean after step " + step);
        assertClose(v, values(bn.movingVariance().value(tf)), 1e-5, "moving_variance after step " + step);
      }
    }
  }

  @Test
  void trainingGradientsMatchTheClosedFormBackwardPass() {
    int n = 5;
    int c = 3;
    Random random = new Random(11);
    float[] x = new float[n * c];
    float[] upstream = new float[n * c];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
      upstream[i] = (float) random.nextGaussian();
    }
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      BatchNormalization bn = randomAffine();
      Operand<TFloat32> input = tf.constant(Shape.of(n, c), DataBuffers.of(x));
      float[] dx;
      float[] dGamma;
      float[] dBeta;
      try (GradientTape tape = new GradientTape(tf)) {
        tape.watch(input);
        Operand<TFloat32> y = bn.apply(tf, input, true);
        // L = sum(y * upstream), so dL/dy = upstream.
        Operand<TFloat32> loss =
            tf.sum(tf.math.mul(y, tf.constant(Shape.of(n, c), DataBuffers.of(upstream))), tf.constant(new int[] {0, 1}));
        List<Operand<?>> g = tape.gradient(loss, List.of(input, bn.gamma(), bn.beta()));
        dx = values(cast(g.get(0)));
        dGamma = values(cast(g.get(1)));
        dBeta = values(cast(g.get(2)));
      }
      float[] gamma = values(bn.gamma().value(tf));
      double[][] stats = batchStats(x, n, c);
      double[] expectedDx = new double[n * c];
      double[] expectedDGamma = new double[c];
      double[] expectedDBeta = new double[c];
      for (int j = 0; j < c; j++) {
        double inv = 1 / Math.sqrt(stats[1][j] + EPS);
        double sumDy = 0;
        double sumDyXhat = 0;
        for (int i = 0; i < n; i++) {
          double xhat = (x[i * c + j] - stats[0][j]) * inv;
          sumDy += upstream[i * c + j];
          sumDyXhat += upstream[i * c + j] * xhat;
        }
        expectedDGamma[j] = sumDyXhat;
        expectedDBeta[j] = sumDy;
        for (int i = 0; i < n; i++) {
          double xhat = (x[i * c + j] - stats[0][j]) * inv;
          expectedDx[i * c + j] = gamma[j] * inv / n * (n * upstream[i * c + j] - sumDy - xhat * sumDyXhat);
        }
      }
      assertClose(expectedDx, dx, 1e-4, "dL/dx");
      assertClose(expectedDGamma, dGamma, 1e-4, "dL/dgamma");
      assertClose(expectedDBeta, dBeta, 1e-5, "dL/dbeta");
    }
  }

  @Test
  void channelsFirstAxisNormalizesEachChannelOverTheOtherAxes() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> randomAffine().axis(1))
            .input(3, 2, 4, 5)
            .training(true)
            .expectOutputShape(3, 2, 4, 5)
            .expectWeight("gamma", 2)
            .expectWeight("beta", 2)
            .expectNonTrainableWeight("moving_mean", 2)
            .expectNonTrainableWeight("moving_variance", 2)
            .expectParams(8)
            .run();
    float[] x = r.inputs().get(0);
    float[] gamma = r.weights().get(0);
    float[] beta = r.weights().get(1);
    double[] expected = new double[x.length];
    int inner = 4 * 5;
    for (int ch = 0; ch < 2; ch++) {
      double sum = 0;
      for (int b = 0; b < 3; b++) {
        for (int p = 0; p < inner; p++) {
          sum += x[(b * 2 + ch) * inner + p];
        }
      }
      double mean = sum / (3 * inner);
      double sq = 0;
      for (int b = 0; b < 3; b++) {
        for (int p = 0; p < inner; p++) {
          double d = x[(b * 2 + ch) * inner + p] - mean;
          sq += d * d;
        }
      }
      double var = sq / (3 * inner);
      for (int b = 0; b < 3; b++) {
        for (int p = 0; p < inner; p++) {
          int i = (b * 2 + ch) * inner + p;
          expected[i] = gamma[ch] * (x[i] - mean) / Math.sqrt(var + EPS) + beta[ch];
        }
      }
    }
    assertClose(expected, r.output(), 1e-5, "axis=1 batch normalization");
  }

  @Test
  void withoutCenterAndScaleOnlyTheMovingStatisticsExist() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new BatchNormalization().center(false).scale(false))
            .input(4, 3)
            .training(true)
            .expectOutputShape(4, 3)
            .expectNonTrainableWeight("moving_mean", 3)
            .expectNonTrainableWeight("moving_variance", 3)
            .expectParams(6)
            .run();
    double[][] stats = batchStats(r.inputs().get(0), 4, 3);
    float[] ones = {1, 1, 1};
    float[] zeros = {0, 0, 0};
    assertClose(normalize(r.inputs().get(0), 4, 3, stats[0], stats[1], ones, zeros), r.output(), 1e-5, "plain normalization");
  }

  @Test
  void aFrozenLayerNormalizesWithItsMovingStatisticsEvenInTraining() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      BatchNormalization bn = new BatchNormalization().movingMeanInitializer(Initializers.constant(1f));
      Operand<TFloat32> x = tf.constant(new float[][] {{1, 2}, {3, 6}});
      bn.build(tf, Shape.of(-1, 2));
      bn.setTrainable(false);
      float[] y = values(bn.apply(tf, x, true));
      // (x - 1) / sqrt(1 + 1e-3): the moving statistics, not the batch's.
      float[] expected = new float[4];
      float[] xs = {1, 2, 3, 6};
      for (int i = 0; i < 4; i++) {
        expected[i] = (float) ((xs[i] - 1) / Math.sqrt(1 + EPS));
      }
      assertClose(expected, y, 1e-6, "frozen BatchNormalization in training");
      assertArrayEquals(new float[] {1, 1}, values(bn.movingMean().value(tf)));
      assertArrayEquals(new float[] {1, 1}, values(bn.movingVariance().value(tf)));
    }
  }

  @Test
  void badInputAndLateConfigurationAreRefused() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      BatchNormalization bn = new BatchNormalization();
      bn.apply(tf, tf.constant(new float[][] {{1, 2, 3}}), true);
      List<Variable> vars = bn.variables();
      float[] mean = values(bn.movingMean().value(tf));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> bn.apply(tf, tf.constant(new float[][] {{1, 2}}), true));
      assertEquals(
          "BatchNormalization 'batch_normalization': expected input with last dimension 3, received shape [1, 2].",
          e.getMessage());
      assertEquals(vars, bn.variables());
      assertArrayEquals(mean, values(bn.movingMean().value(tf)));
      IllegalStateException late = assertThrows(IllegalStateException.class, () -> bn.momentum(0.5));
      assertTrue(late.getMessage().contains("cannot change momentum after the layer is built"), late.getMessage());
      assertThrows(IllegalStateException.class, () -> bn.axis(0));
      assertThrows(IllegalStateException.class, () -> bn.epsilon(0.1));
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new BatchNormalization().axis(3).apply(Input.of(4)));
    assertEquals(
        "BatchNormalization 'batch_normalization_1': axis 3 needs an input of rank at least 4, received shape [None, 4].",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new BatchNormalization().momentum(1.5));
    assertThrows(IllegalArgumentException.class, () -> new BatchNormalization().epsilon(0));
    assertFalse(new BatchNormalization().built());
  }

  /** Per-feature mean and biased variance of a row-major {@code [n, c]} batch. */
  private static double[][] batchStats(float[] x, int n, int c) {
    double[] mean = new double[c];
    double[] var = new double[c];
    for (int j = 0; j < c; j++) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += x[i * c + j];
      }
      mean[j] = s / n;
      double sq = 0;
      for (int i = 0; i < n; i++) {
        double d = x[i * c + j] - mean[j];
        sq += d * d;
      }
      var[j] = sq / n;
    }
    return new double[][] {mean, var};
  }

  private static double[] normalize(
      float[] x, int n, int c, double[] mean, double[] var, float[] gamma, float[] beta) {
    double[] out = new double[n * c];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < c; j++) {
        out[i * c + j] = gamma[j] * (x[i * c + j] - mean[j]) / Math.sqrt(var[j] + EPS) + beta[j];
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> cast(Operand<?> x) {
    return (Operand<TFloat32>) x;
  }
}
