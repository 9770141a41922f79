package dev.keraslite.layers;

import static dev.keraslite.layers.LayerTestHarness.assertClose;
import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.autodiff.GradientCheck;
import dev.keraslite.initializers.Initializers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class LayerNormalizationTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  /**
   * The plain-Java oracle, in double precision: each of {@code groups} rows of {@code size} values
   * (the normalized axes, contiguous) becomes {@code (x - mean) / sqrt(var + eps) * gamma + beta},
   * with the biased variance; gamma and beta are indexed by position within the row (null: 1 and 0).
   */
  static double[] normalize(float[] x, int groups, int size, double eps, float[] gamma, float[] beta) {
    double[] out = new double[x.length];
    for (int g = 0; g < groups; g++) {
      double mean = 0;
      for (int i = 0; i < size; i++) {
        mean += x[g * size + i];
      }
      mean /= size;
      double var = 0;
      for (int i = 0; i < size; i++) {
        double d = x[g * size + i] - mean;
        var += d * d;
      }
      var /= size;
      for (int i = 0; i < size; i++) {
        double v = (x[g * size + i] - mean) / Math.sqrt(var + eps);
        out[g * size + i] = v * (gamma == null ? 1 : gamma[i]) + (beta == null ? 0 : beta[i]);
      }
    }
    return out;
  }

  @Test
  void lastAxisMatchesPlainArithmeticWithKerasWeights() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(
                () ->
                    new LayerNormalization()
                        .gammaInitializer(Initializers.randomUniform(0.5, 1.5, 3))
                        .betaInitializer(Initializers.randomUniform(-0.5, 0.5, 4)))
            .input(5, 2, 6)
            .expectOutputShape(5, 2, 6)
            .expectWeight("gamma", 6)
            .expectWeight("beta", 6)
            .expectParams(12)
            .checkInputGradient()
            .run();
    double[] expected =
        normalize(r.inputs().get(0), 10, 6, 1e-3, r.weights().get(0), r.weights().get(1));
    assertClose(expected, r.output(), 1e-5, "LayerNormalization over the last axis");
  }

  @Test
  void severalAxesWithoutCenterNormalizeEachExampleAsAWhole() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(
                () ->
                    new LayerNormalization()
                        .axis(1, -1)
                        .center(false)
                        .epsilon(1e-5f)
                        .gammaInitializer(Initializers.randomNormal(1, 0.3, 5)))
            .input(2, 3, 4)
            .expectOutputShape(2, 3, 4)
            .expectWeight("gamma", 3, 4)
            .expectParams(12)
            .run();
    double[] expected = normalize(r.inputs().get(0), 2, 12, 1e-5, r.weights().get(0), null);
    assertClose(expected, r.output(), 1e-5, "LayerNormalization over axes 1 and 2");
  }

  @Test
  void aMiddleAxisIsNormalizedAcrossItsOwnValues() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new LayerNormalization().axis(1).scale(false).center(false))
            .input(2, 4, 3)
            .expectOutputShape(2, 4, 3)
            .expectParams(0)
            .run();
    // Move axis 1 last, normalize contiguous rows of 4, move it back.
    float[] x = r.inputs().get(0);
    float[] moved = new float[x.length];
    for (int b = 0; b < 2; b++) {
      for (int t = 0; t < 4; t++) {
        for (int c = 0; c < 3; c++) {
          moved[(b * 3 + c) * 4 + t] = x[(b * 4 + t) * 3 + c];
        }
      }
    }
    double[] n = normalize(moved, 6, 4, 1e-3, null, null);
    double[] expected = new double[x.length];
    for (int b = 0; b < 2; b++) {
      for (int t = 0; t < 4; t++) {
        for (int c = 0; c < 3; c++) {
          expected[(b * 4 + t) * 3 + c] = n[(b * 3 + c) * 4 + t];
        }
      }
    }
    assertClose(expected, r.output(), 1e-5, "LayerNormalization over axis 1");
  }

  @Test
  void inputGradientAgreesWithFiniteDifferencesAndTensorFlowsGraphGradients() {
    // Without gamma and beta the layer holds no variable, so the same function runs eagerly (tape,
    // finite differences) and in a Graph (TensorFlow's C++ gradients).
    GradientCheck.float32()
        .check(
            (tf, x) -> new LayerNormalization().scale(false).center(false).apply(tf, cast(x.get(0))),
            GradientCheck.Input.random(11, -2, 2, 3, 5));
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> cast(Operand<?> x) {
    return (Operand<TFloat32>) x;
  }

  @Test
  void gammaAndBetaGradientsAreTheNormalizedInputAndOneWeightedByTheUpstreamGradient() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Random random = new Random(3);
      float[] x = new float[4 * 5];
      float[] w = new float[4 * 5];
      for (int i = 0; i < x.length; i++) {
        x[i] = random.nextFloat() * 4 - 2;
        w[i] = random.nextFloat() + 0.5f;
      }
      LayerNormalization norm =
          new LayerNormalization().gammaInitializer(Initializers.randomUniform(0.5, 1.5, 9));
      Operand<TFloat32> xt = tf.constant(Shape.of(4, 5), DataBuffers.of(x));
      Operand<TFloat32> wt = tf.constant(Shape.of(4, 5), DataBuffers.of(w));
      float[] gammaGrad;
      float[] betaGrad;
      try (GradientTape tape = new GradientTape(tf)) {
        Operand<TFloat32> loss = tf.sum(tf.math.mul(norm.apply(tf, xt), wt), tf.constant(new int[] {0, 1}));
        List<Operand<?>> grads = tape.gradient(loss, List.of(norm.gamma(), norm.beta()));
        gammaGrad = values(cast(grads.get(0)));
        betaGrad = values(cast(grads.get(1)));
      }
      // loss = sum(w * (xhat * gamma + beta)): dgamma_j = sum_b w_bj xhat_bj, dbeta_j = sum_b w_bj.
      double[] xhat = normalize(x, 4, 5, 1e-3, null, null);
      double[] dGamma = new double[5];
      double[] dBeta = new double[5];
      for (int b = 0; b < 4; b++) {
        for (int j = 0; j < 5; j++) {
          dGamma[j] += w[b * 5 + j] * xhat[b * 5 + j];
          dBeta[j] += w[b * 5 + j];
        }
      }
      assertClose(dGamma, gammaGrad, 1e-5, "gamma gradient");
      assertClose(dBeta, betaGrad, 1e-5, "beta gradient");
    }
  }

  @Test
  void badInputNamesTheLayerAndTheShapes() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      LayerNormalization norm = new LayerNormalization().axis(2).name("ln");
      IllegalArgumentException rank =
          assertThrows(IllegalArgumentException.class, () -> norm.apply(tf, tf.zeros(tf.constant(new long[] {2, 3}), TFloat32.class)));
      assertEquals(
          "LayerNormalization 'ln': axis [2] must name distinct axes of the input (rank 2), received shape [2, 3].",
          rank.getMessage());
      norm.apply(tf, tf.zeros(tf.constant(new long[] {2, 3, 4}), TFloat32.class));
      IllegalArgumentException size =
          assertThrows(IllegalArgumentException.class, () -> norm.apply(tf, tf.zeros(tf.constant(new long[] {2, 3, 5}), TFloat32.class)));
      assertEquals(
          "LayerNormalization 'ln': expected input of rank 3 with size 4 on axis 2, received shape [2, 3, 5].",
          size.getMessage());
      assertThrows(IllegalArgumentException.class, () -> new LayerNormalization().epsilon(0));
      assertThrows(IllegalArgumentException.class, () -> new LayerNormalization().axis(new int[0]));
      IllegalStateException early = assertThrows(IllegalStateException.class, () -> new LayerNormalization().name("x").gamma());
      assertTrue(early.getMessage().startsWith("LayerNormalization 'x': gamma is created on the first apply()"), early.getMessage());
    }
  }

  @Test
  void getConfigWritesKeras3KeysAndFromConfigRoundTrips() {
    LayerNormalization norm = new LayerNormalization().name("layer_normalization_4").axis(1, 2).epsilon(1e-6f).center(false);
    Map<String, Object> c = norm.getConfig();
    assertEquals(
        List.of("name", "trainable", "dtype", "axis", "epsilon", "center", "scale", "rms_scaling",
            "beta_initializer", "gamma_initializer", "beta_regularizer", "gamma_regularizer",
            "beta_constraint", "gamma_constraint"),
        new ArrayList<>(c.keySet()));
    assertEquals(List.of(1, 2), c.get("axis"));
    assertEquals(1e-6, c.get("epsilon"));
    assertEquals(false, c.get("center"));
    assertEquals(c, LayerNormalization.fromConfig(c).getConfig());

    Map<String, Object> defaults = new LayerNormalization().getConfig();
    assertEquals(-1, defaults.get("axis"));
    assertEquals(1e-3, defaults.get("epsilon"));
    assertEquals(true, defaults.get("center"));
    assertEquals(true, defaults.get("scale"));
    assertEquals("Ones", ((Map<?, ?>) defaults.get("gamma_initializer")).get("class_name"));
    assertEquals("Zeros", ((Map<?, ?>) defaults.get("beta_initializer")).get("class_name"));
    assertNull(defaults.get("gamma_regularizer"));

    // tf.keras writes the axis as a list; RMS scaling is refused by name.
    Map<String, Object> keras2 = new LinkedHashMap<>();
    keras2.put("name", "layer_normalization");
    keras2.put("axis", List.of(-1));
    keras2.put("epsilon", 0.001);
    assertEquals(-1, LayerNormalization.fromConfig(keras2).axis()[0]);
    keras2.put("rms_scaling", true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LayerNormalization.fromConfig(keras2));
    assertTrue(e.getMessage().startsWith("LayerNormalization 'layer_normalization': option rms_scaling=true"), e.getMessage());
  }

  /**
   * The layer traced into a graph (compiled {@code predict}) computes what it computes eagerly and
   * what the plain-Java oracle computes, on rank-2 and rank-3 inputs. TensorFlow's oneDNN remapper
   * rewrites the graph pattern Mean, SquaredDifference, Mean, Rsqrt, Mul into a fused layer-norm op
   * that expects a 1-D scale: with the layer's scale reshaped to the input's rank the fused op
   * refused rank-3 inputs ("scale must be 1D tensor") and gave wrong values, so the compiled path
   * needs this check of its own.
   */
  @Test
  void compiledPredictMatchesEagerPredictAndTheOracleOnRankTwoAndThree() {
    for (long[] shape : new long[][] {{6, 8}, {4, 5, 8}}) {
      float[] x = new float[(int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
      Random random = new Random(shape.length);
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (random.nextGaussian() * 3 + 1);
      }
      float[] gamma = new float[8];
      float[] beta = new float[8];
      for (int i = 0; i < 8; i++) {
        gamma[i] = 0.5f + 0.25f * i;
        beta[i] = 0.1f * i - 0.3f;
      }
      double[] expected = normalize(x, x.length / 8, 8, 1e-3, gamma, beta);
      Map<Boolean, float[]> outputs = new LinkedHashMap<>();
      for (boolean eagerly : new boolean[] {true, false}) {
        Layer.clearNameCounters();
        try (Eager eager = Eager.create()) {
          Ops tf = eager.tf();
          long[] inputShape = java.util.Arrays.copyOfRange(shape, 1, shape.length);
          dev.keraslite.layers.KerasTensor input = dev.keraslite.models.Input.of(inputShape);
          LayerNormalization norm = new LayerNormalization()
              .gammaInitializer(Initializers.constant(gamma))
              .betaInitializer(Initializers.constant(beta));
          dev.keraslite.models.Model model = dev.keraslite.models.Model.of(input, norm.apply(input));
          model.setRunEagerly(eagerly);
          model.build(tf);
          org.tensorflow.ndarray.FloatNdArray xs =
              org.tensorflow.ndarray.NdArrays.wrap(Shape.of(shape), DataBuffers.of(x, true, false));
          org.tensorflow.ndarray.FloatNdArray ys = model.predict(xs, 3);
          float[] out = new float[x.length];
          int[] k = {0};
          ys.scalars().forEach(v -> out[k[0]++] = v.getFloat());
          outputs.put(eagerly, out);
        }
      }
      String where = "input shape " + java.util.Arrays.toString(shape);
      assertClose(expected, outputs.get(true), 1e-4, "eager, " + where);
      assertClose(expected, outputs.get(false), 1e-4, "compiled, " + where);
      assertClose(outputs.get(true), outputs.get(false), 1e-5, "compiled vs eager, " + where);
    }
  }
}
