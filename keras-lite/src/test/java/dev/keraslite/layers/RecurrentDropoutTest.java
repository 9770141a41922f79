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
import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializer;
import dev.keraslite.initializers.Initializers;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * RNN {@code dropout} and {@code recurrentDropout} with Keras's DropoutRNNCell semantics: one mask
 * per call, drawn in training only, reused at every timestep, kept values scaled by {@code 1 / (1 -
 * rate)}. A linear SimpleRNN with identity kernels makes the mask itself the output, so the tests
 * read it there.
 */
class RecurrentDropoutTest {
  private static final int BATCH = 64;
  private static final int UNITS = 4;
  private static final int TIME = 5;

  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  private static Initializer identity() {
    float[][] eye = new float[UNITS][UNITS];
    for (int i = 0; i < UNITS; i++) {
      eye[i][i] = 1;
    }
    return Initializers.constant(eye);
  }

  /** out_t = (x_t * m) I + (h_{t-1} * r) R, no bias, no activation. */
  private static SimpleRNN linear(Initializer recurrent) {
    return new SimpleRNN(UNITS)
        .activation(Activations.linear())
        .useBias(false)
        .kernelInitializer(identity())
        .recurrentInitializer(recurrent)
        .returnSequences(true);
  }

  private static Operand<TFloat32> ones(Ops tf) {
    return tf.ones(tf.constant(new long[] {BATCH, TIME, UNITS}), TFloat32.class);
  }

  /** The fraction of values equal to {@code scale}; fails on any value other than 0 and {@code scale}. */
  private static double keptFraction(float[] values, float scale) {
    int kept = 0;
    for (float v : values) {
      assertTrue(v == 0f || Math.abs(v - scale) < 1e-6, "mask value " + v + ", expected 0 or " + scale);
      kept += v == 0f ? 0 : 1;
    }
    return kept / (double) values.length;
  }

  @Test
  void inputMaskIsDrawnOncePerCallScaledAndOnlyInTraining() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      SimpleRNN rnn = linear(Initializers.zeros()).dropout(0.25).seed(7L);
      float[] out = values(rnn.apply(tf, ones(tf), true)); // [BATCH, TIME, UNITS]: the mask at each step
      float[] step0 = new float[BATCH * UNITS];
      for (int b = 0; b < BATCH; b++) {
        System.arraycopy(out, b * TIME * UNITS, step0, b * UNITS, UNITS);
        for (int t = 1; t < TIME; t++) {
          assertArrayEquals(
              Arrays.copyOfRange(out, b * TIME * UNITS, b * TIME * UNITS + UNITS),
              Arrays.copyOfRange(out, (b * TIME + t) * UNITS, (b * TIME + t + 1) * UNITS),
              "sequence " + b + ": step " + t + " uses the mask of step 0");
        }
      }
      // 256 Bernoulli(0.75) draws: standard deviation 0.027.
      double kept = keptFraction(step0, 1f / 0.75f);
      assertEquals(0.75, kept, 0.1, "kept fraction");
      float[] again = values(rnn.apply(tf, ones(tf), true));
      assertFalse(Arrays.equals(out, again), "each call draws a new mask");
      float[] inference = values(rnn.apply(tf, ones(tf), false));
      float[] allOnes = new float[inference.length];
      Arrays.fill(allOnes, 1f);
      assertArrayEquals(allOnes, inference, "inference: no dropout");
    }
  }

  @Test
  void recurrentMaskIsReusedAtEveryStep() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      SimpleRNN rnn = linear(identity()).recurrentDropout(0.5).seed(11L);
      // x_0 = ones, then zeros: h_1 = 1, h_2 = r, h_3 = r * r.
      float[][][] x = new float[BATCH][TIME][UNITS];
      for (float[][] seq : x) {
        Arrays.fill(seq[0], 1f);
      }
      float[] out = values(rnn.apply(tf, tf.constant(x), true));
      float[] h2 = new float[BATCH * UNITS];
      float[] h3 = new float[BATCH * UNITS];
      for (int b = 0; b < BATCH; b++) {
        for (int j = 0; j < UNITS; j++) {
          assertEquals(1f, out[(b * TIME) * UNITS + j], "h_1: the zero initial state drops nothing");
          h2[b * UNITS + j] = out[(b * TIME + 1) * UNITS + j];
          h3[b * UNITS + j] = out[(b * TIME + 2) * UNITS + j];
        }
      }
      assertEquals(0.5, keptFraction(h2, 2f), 0.1, "recurrent kept fraction");
      for (int i = 0; i < h2.length; i++) {
        assertEquals(h2[i] * h2[i], h3[i], 1e-6, "h_3 = h_2 * r with the same r");
      }
    }
  }

  @Test
  void gradientFlowsThroughTheMaskOfTheCall() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      SimpleRNN rnn = linear(Initializers.zeros()).dropout(0.5).seed(3L);
      Operand<TFloat32> x = ones(tf);
      float[] out;
      float[] grad;
      try (GradientTape tape = new GradientTape(tf)) {
        tape.watch(x);
        Operand<TFloat32> y = rnn.apply(tf, x, true);
        Operand<TFloat32> loss = tf.reduceSum(y, tf.constant(new int[] {0, 1, 2}));
        out = values(y);
        grad = values(tape.gradient(loss, x));
      }
      // d sum(out) / d x[b, t, j] = m[b, j] (identity kernel) = out[b, t, j] for an input of ones.
      assertArrayEquals(out, grad, "input gradient = the call's mask");
      assertTrue(keptFraction(grad, 2f) > 0, "some inputs kept");
    }
  }

  @Test
  void aFixedSeedReproducesTheMasksInAFreshContext() {
    float[][] runs = new float[2][];
    for (int run = 0; run < 2; run++) {
      Layer.clearNameCounters();
      try (Eager eager = Eager.create()) {
        Ops tf = eager.tf();
        runs[run] = values(linear(Initializers.zeros()).dropout(0.5).seed(5L).apply(tf, ones(tf), true));
      }
    }
    assertArrayEquals(runs[0], runs[1]);
  }

  @Test
  void gatedLayersDropOnlyInTrainingAndRateZeroChangesNothing() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> x =
          tf.random.randomUniform(tf.constant(new long[] {8, 6, 3}), TFloat32.class,
              org.tensorflow.op.random.RandomUniform.seed(1L), org.tensorflow.op.random.RandomUniform.seed2(2L));
      RNN[][] pairs = {
        {new LSTM(5).dropout(0.4).recurrentDropout(0.3).seed(1L), new LSTM(5)},
        {new GRU(5).dropout(0.4).recurrentDropout(0.3).seed(1L), new GRU(5)}
      };
      for (RNN[] pair : pairs) {
        RNN dropping = pair[0];
        RNN plain = pair[1];
        float[] inference = values(dropping.apply(tf, x, false));
        plain.apply(tf, x);
        plain.setWeights(dropping.getWeights());
        assertArrayEquals(values(plain.apply(tf, x, false)), inference, dropping + ": inference");
        assertArrayEquals(values(plain.apply(tf, x, true)), inference, dropping + ": rate 0 in training");
        float[] training = values(dropping.apply(tf, x, true));
        assertFalse(Arrays.equals(training, inference), dropping + ": training drops");
      }
    }
  }

  @Test
  void configsCarryTheRatesAndSeed() {
    LSTM lstm = LSTM.fromConfig(new LSTM(3).dropout(0.3).recurrentDropout(0.2).seed(9L).getConfig());
    assertEquals(0.3, lstm.dropout());
    assertEquals(0.2, lstm.recurrentDropout());
    assertEquals(9L, lstm.cell().seed());
    Map<String, Object> gru = new GRU(3).dropout(0.1).getConfig();
    assertEquals(0.1, gru.get("dropout"));
    assertEquals(0.0, gru.get("recurrent_dropout"));
    assertEquals(0.1, GRU.fromConfig(gru).dropout());
    SimpleRNN rnn = SimpleRNN.fromConfig(new SimpleRNN(2).recurrentDropout(0.5).seed(4L).getConfig());
    assertEquals(0.5, rnn.recurrentDropout());
    assertEquals(4L, rnn.cell().seed());
  }

  @Test
  void aRateOutsideZeroToOneIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LSTM(2).dropout(1.0));
    assertTrue(e.getMessage().contains("dropout must be in [0, 1), received 1.0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new GRU(2).recurrentDropout(-0.1));
  }
}
