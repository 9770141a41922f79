package dev.keraslite.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.Variable;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.regularizers.L2;
import dev.keraslite.saving.LayerRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * MultiHeadAttention against scaled dot-product attention written out in plain Java (double
 * precision, loops over batch, heads and positions), with masks, and its gradients against finite
 * differences of that computation.
 */
class MultiHeadAttentionTest {
  private static final int B = 2;
  private static final int T = 3;
  private static final int S = 4;
  private static final int DQ = 5;
  private static final int DK = 6;
  private static final int DV = 7;
  private static final int HEADS = 2;
  private static final int KEY_DIM = 3;
  private static final int VALUE_DIM = 2;
  private static final int OUT = 4;

  private static float[] random(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextFloat() * 2 - 1;
    }
    return v;
  }

  private static Operand<TFloat32> tensor(Ops tf, float[] v, long... shape) {
    return tf.constant(Shape.of(shape), DataBuffers.of(v));
  }

  private static MultiHeadAttention layer() {
    return new MultiHeadAttention(HEADS, KEY_DIM)
        .valueDim(VALUE_DIM)
        .outputShape(OUT)
        .kernelInitializer(Initializers.randomNormal(0, 0.6, 11))
        .biasInitializer(Initializers.randomUniform(-0.3, 0.3, 12));
  }

  /** The weights in Keras's order: q, q bias, k, k bias, v, v bias, output, output bias. */
  private record Weights(List<double[]> w) {
    double[] get(int i) {
      return w.get(i);
    }
  }

  private static Weights read(List<Variable> vars, Ops tf) {
    List<double[]> out = new ArrayList<>();
    for (Variable v : vars) {
      float[] f = LayerTestHarness.values(v.value(tf));
      double[] d = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        d[i] = f[i];
      }
      out.add(d);
    }
    return new Weights(out);
  }

  /** Output [B, T, OUT] and scores [B, HEADS, T, S]; masked keys (mask 0) are left out. */
  private static double[][] reference(float[] q, float[] k, float[] v, float[] mask, Weights w) {
    double[] qp = project(q, T, DQ, w.get(0), w.get(1), KEY_DIM);
    double[] kp = project(k, S, DK, w.get(2), w.get(3), KEY_DIM);
    double[] vp = project(v, S, DV, w.get(4), w.get(5), VALUE_DIM);
    double[] scores = new double[B * HEADS * T * S];
    double[] heads = new double[B * T * HEADS * VALUE_DIM];
    for (int b = 0; b < B; b++) {
      for (int h = 0; h < HEADS; h++) {
        for (int t = 0; t < T; t++) {
          double[] logit = new double[S];
          double max = Double.NEGATIVE_INFINITY;
          for (int s = 0; s < S; s++) {
            if (mask != null && mask[(b * T + t) * S + s] == 0) {
              continue;
            }
            double dot = 0;
            for (int d = 0; d < KEY_DIM; d++) {
              dot += qp[((b * T + t) * HEADS + h) * KEY_DIM + d] * kp[((b * S + s) * HEADS + h) * KEY_DIM + d];
            }
            logit[s] = dot / Math.sqrt(KEY_DIM);
            max = Math.max(max, logit[s]);
          }
          double sum = 0;
          double[] p = new double[S];
          for (int s = 0; s < S; s++) {
            if (mask == null || mask[(b * T + t) * S + s] != 0) {
              p[s] = Math.exp(logit[s] - max);
              sum += p[s];
            }
          }
          for (int s = 0; s < S; s++) {
            p[s] /= sum;
            scores[((b * HEADS + h) * T + t) * S + s] = p[s];
            for (int e = 0; e < VALUE_DIM; e++) {
              heads[((b * T + t) * HEADS + h) * VALUE_DIM + e] += p[s] * vp[((b * S + s) * HEADS + h) * VALUE_DIM + e];
            }
          }
        }
      }
    }
    double[] out = new double[B * T * OUT];
    for (int bt = 0; bt < B * T; bt++) {
      for (int j = 0; j < OUT; j++) {
        double acc = w.get(7)[j];
        for (int he = 0; he < HEADS * VALUE_DIM; he++) {
          acc += heads[bt * HEADS * VALUE_DIM + he] * w.get(6)[he * OUT + j];
        }
        out[bt * OUT + j] = acc;
      }
    }
    return new double[][] {out, scores};
  }

  /** x [B, len, dim] times kernel [dim, HEADS, size] plus bias [HEADS, size]. */
  private static double[] project(float[] x, int len, int dim, double[] kernel, double[] bias, int size) {
    double[] out = new double[B * len * HEADS * size];
    for (int r = 0; r < B * len; r++) {
      for (int hd = 0; hd < HEADS * size; hd++) {
        double acc = bias[hd];
        for (int c = 0; c < dim; c++) {
          acc += x[r * dim + c] * kernel[c * HEADS * size + hd];
        }
        out[r * HEADS * size + hd] = acc;
      }
    }
    return out;
  }

  private static void assertClose(double[] expected, float[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what + ": size");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tol, what + " [" + i + "]");
    }
  }

  private static final float[] Q = random(B * T * DQ, 1);
  private static final float[] K = random(B * S * DK, 2);
  private static final float[] V = random(B * S * DV, 3);

  @Test
  void outputAndScoresMatchPlainScaledDotProductAttention() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      MultiHeadAttention mha = layer();
      MultiHeadAttention.Result r =
          mha.applyWithScores(
              tf, tensor(tf, Q, B, T, DQ), tensor(tf, V, B, S, DV), tensor(tf, K, B, S, DK), null, false);
      assertEquals(Shape.of(B, T, OUT), r.output().shape());
      assertEquals(Shape.of(B, HEADS, T, S), r.scores().shape());
      double[][] expected = reference(Q, K, V, null, read(mha.variables(), tf));
      assertClose(expected[0], LayerTestHarness.values(r.output()), 1e-5, "output");
      assertClose(expected[1], LayerTestHarness.values(r.scores()), 1e-6, "scores");
      // The plain apply computes the same output.
      Operand<TFloat32> again =
          mha.apply(tf, tensor(tf, Q, B, T, DQ), tensor(tf, V, B, S, DV), tensor(tf, K, B, S, DK), null, false);
      assertClose(expected[0], LayerTestHarness.values(again), 1e-5, "apply");
    }
  }

  @Test
  void maskedKeysGetZeroWeightAndDoNotReachTheOutput() {
    float[] mask = new float[B * T * S];
    boolean[] keep = new boolean[B * T * S];
    for (int i = 0; i < mask.length; i++) {
      keep[i] = (i % 3 != 1) || (i % S == 0); // every row keeps at least key 0
      mask[i] = keep[i] ? 1f : 0f;
    }
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      MultiHeadAttention mha = layer();
      Operand<TBool> boolMask = tf.constant(Shape.of(B, T, S), DataBuffers.of(keep, false, false));
      MultiHeadAttention.Result r =
          mha.applyWithScores(
              tf, tensor(tf, Q, B, T, DQ), tensor(tf, V, B, S, DV), tensor(tf, K, B, S, DK), boolMask, false);
      float[] scores = LayerTestHarness.values(r.scores());
      for (int b = 0; b < B; b++) {
        for (int h = 0; h < HEADS; h++) {
          for (int t = 0; t < T; t++) {
            double rowSum = 0;
            for (int s = 0; s < S; s++) {
              float p = scores[((b * HEADS + h) * T + t) * S + s];
              rowSum += p;
              if (!keep[(b * T + t) * S + s]) {
                assertEquals(0f, p, 0f, "masked key " + s + " of query " + t + ", batch " + b + ", head " + h);
              }
            }
            assertEquals(1.0, rowSum, 1e-6);
          }
        }
      }
      Weights w = read(mha.variables(), tf);
      double[][] expected = reference(Q, K, V, mask, w);
      assertClose(expected[0], LayerTestHarness.values(r.output()), 1e-5, "masked output");
      assertClose(expected[1], scores, 1e-6, "masked scores");
      // A float mask (1 = attend) means the same.
      Operand<TFloat32> withFloatMask =
          mha.apply(tf, tensor(tf, Q, B, T, DQ), tensor(tf, V, B, S, DV), tensor(tf, K, B, S, DK),
              tensor(tf, mask, B, T, S), false);
      assertClose(expected[0], LayerTestHarness.values(withFloatMask), 1e-5, "float mask");
    }
  }

  /** The gradient of sum(output * R) for every weight against central differences of the reference. */
  @Test
  void weightGradientsMatchFiniteDifferences() {
    float[] rWeights = random(B * T * OUT, 4);
    float[] mask = new float[B * T * S];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = i % 4 == 3 ? 0f : 1f;
    }
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      MultiHeadAttention mha = layer();
      List<float[]> grads = new ArrayList<>();
      try (GradientTape tape = new GradientTape(tf)) {
        Operand<TFloat32> out =
            mha.apply(tf, tensor(tf, Q, B, T, DQ), tensor(tf, V, B, S, DV), tensor(tf, K, B, S, DK),
                tensor(tf, mask, B, T, S), true);
        Operand<TFloat32> loss = tf.reduceSum(tf.math.mul(out, tensor(tf, rWeights, B, T, OUT)), tf.constant(new int[] {0, 1, 2}));
        for (Operand<?> g : tape.gradient(loss, mha.trainableVariables())) {
          @SuppressWarnings("unchecked")
          Operand<TFloat32> typed = (Operand<TFloat32>) g;
          grads.add(LayerTestHarness.values(typed)); // read before the tape releases it
        }
      }
      Weights w = read(mha.variables(), tf);
      assertEquals(8, grads.size());
      double h = 1e-4;
      for (int which = 0; which < 8; which++) {
        float[] g = grads.get(which);
        double[] param = w.get(which);
        for (int i = 0; i < param.length; i++) {
          double saved = param[i];
          param[i] = saved + h;
          double plus = weightedSum(reference(Q, K, V, mask, w)[0], rWeights);
          param[i] = saved - h;
          double minus = weightedSum(reference(Q, K, V, mask, w)[0], rWeights);
          param[i] = saved;
          assertEquals((plus - minus) / (2 * h), g[i], 1e-4, mha.variables().get(which).name() + " [" + i + "]");
        }
      }
    }
  }

  private static double weightedSum(double[] out, float[] r) {
    double s = 0;
    for (int i = 0; i < out.length; i++) {
      s += out[i] * r[i];
    }
    return s;
  }

  @Test
  void harnessSelfAttentionShapesNamesAndTrainingStep() {
    LayerTestHarness.of(() -> new MultiHeadAttention(2, 3).kernelInitializer(Initializers.glorotUniform(5)))
        .input(2, 3, 4)
        .input(2, 5, 4)
        .expectOutputShape(2, 3, 4)
        .expectWeight("query/kernel", 4, 2, 3)
        .expectWeight("query/bias", 2, 3)
        .expectWeight("key/kernel", 4, 2, 3)
        .expectWeight("key/bias", 2, 3)
        .expectWeight("value/kernel", 4, 2, 3)
        .expectWeight("value/bias", 2, 3)
        .expectWeight("attention_output/kernel", 2, 3, 4)
        .expectWeight("attention_output/bias", 4)
        .expectParams(3 * (4 * 6 + 6) + 24 + 4)
        .checkInputGradient()
        .run();
  }

  @Test
  void badInputsAreRefusedNamingTheLayerAndTheShapes() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      MultiHeadAttention mha = new MultiHeadAttention(2, 3).name("mha");
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class,
              () -> mha.apply(tf, tf.zeros(tf.constant(new long[] {2, 5}), TFloat32.class), tensor(tf, V, B, S, DV)));
      assertEquals(
          "MultiHeadAttention 'mha': query: expected rank 3 ([batch, sequence, features]), received shape [2, 5].",
          e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> mha.apply(tf, tensor(tf, Q, B, T, DQ), tensor(tf, V, B, S, DV), tensor(tf, random(B * 3 * DK, 5), B, 3, DK), null, false));
      assertTrue(e.getMessage().startsWith("MultiHeadAttention 'mha': key and value must have the same sequence length"),
          e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> mha.apply(tf, tensor(tf, Q, B, T, DQ), tensor(tf, V, B, S, DV), null, tensor(tf, new float[B * T * 3], B, T, 3), false));
      assertEquals(
          "MultiHeadAttention 'mha': attention mask: expected shape [2, 3, 4] ([batch, query length, key length]),"
              + " received shape [2, 3, 3].",
          e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> mha.apply(tf, tensor(tf, Q, B, T, DQ)));
      assertEquals(
          "MultiHeadAttention 'mha': expected query and value, then optionally key and attention mask;"
              + " received 1 input",
          e.getMessage());
      assertTrue(mha.variables().isEmpty(), "refused input builds nothing");
      mha.apply(tf, tensor(tf, Q, B, T, DQ), tensor(tf, V, B, S, DV));
      e = assertThrows(IllegalArgumentException.class,
          () -> mha.apply(tf, tensor(tf, V, B, S, DV), tensor(tf, V, B, S, DV)));
      assertEquals("MultiHeadAttention 'mha': query: expected last dimension 5, received shape [2, 4, 7].", e.getMessage());
    }
  }

  @Test
  void configRoundTripsAndLoads() {
    MultiHeadAttention mha =
        new MultiHeadAttention(4, 8).valueDim(6).dropout(0.1).outputShape(12).seed(3)
            .kernelRegularizer(new L2(0.5));
    Map<String, Object> config = mha.getConfig();
    assertEquals(4, config.get("num_heads"));
    assertEquals(8, config.get("key_dim"));
    assertEquals(6, config.get("value_dim"));
    assertEquals(12L, config.get("output_shape"));
    assertEquals(config, MultiHeadAttention.fromConfig(config).getConfig());
    assertEquals(config, LayerRegistry.create("MultiHeadAttention", null, new LinkedHashMap<>(config)).getConfig());
    Map<String, Object> axes = new LinkedHashMap<>(config);
    axes.put("attention_axes", List.of(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MultiHeadAttention.fromConfig(axes));
    assertTrue(e.getMessage().contains("attention_axes"), e.getMessage());
  }
}
