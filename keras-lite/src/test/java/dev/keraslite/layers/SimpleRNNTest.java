package dev.keraslite.layers;

import static dev.keraslite.layers.LayerTestHarness.assertClose;
import static dev.keraslite.layers.LayerTestHarness.assertShape;
import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.Variable;
import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class SimpleRNNTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  /**
   * The plain-Java oracle: {@code h_t = act(x_t k + b + h_{t-1} rk)} in double precision from the
   * layer's own weights; returns every processed step's h as {@code [batch, steps, units]} in
   * processing order, and the final h in {@code finalH}.
   */
  static double[] simpleRnn(
      float[] x, int batch, int time, int features, float[] k, float[] rk, float[] bias, int units,
      boolean tanh, boolean backwards, double[] h0, double[] finalH) {
    double[] h = h0 == null ? new double[batch * units] : h0.clone();
    double[] seq = new double[batch * time * units];
    for (int s = 0; s < time; s++) {
      int t = backwards ? time - 1 - s : s;
      double[] next = new double[batch * units];
      for (int b = 0; b < batch; b++) {
        for (int u = 0; u < units; u++) {
          double v = bias == null ? 0 : bias[u];
          for (int f = 0; f < features; f++) {
            v += x[(b * time + t) * features + f] * (double) k[f * units + u];
          }
          for (int q = 0; q < units; q++) {
            v += h[b * units + q] * rk[q * units + u];
          }
          next[b * units + u] = tanh ? Math.tanh(v) : v;
          seq[(b * time + s) * units + u] = next[b * units + u];
        }
      }
      h = next;
    }
    if (finalH != null) {
      System.arraycopy(h, 0, finalH, 0, h.length);
    }
    return seq;
  }

  @Test
  void lastOutputMatchesTheRecurrenceWithKerasWeightNames() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new SimpleRNN(4).biasInitializer(Initializers.randomUniform(-0.5, 0.5, 4)))
            .input(2, 5, 3)
            .expectOutputShape(2, 4)
            .expectWeight("simple_rnn_cell/kernel", 3, 4)
            .expectWeight("simple_rnn_cell/recurrent_kernel", 4, 4)
            .expectWeight("simple_rnn_cell/bias", 4)
            .expectParams(3 * 4 + 4 * 4 + 4)
            .checkInputGradient()
            .run();
    List<float[]> w = r.weights();
    double[] h = new double[2 * 4];
    simpleRnn(r.inputs().get(0), 2, 5, 3, w.get(0), w.get(1), w.get(2), 4, true, false, null, h);
    assertClose(h, r.output(), 1e-5, "SimpleRNN last output");
  }

  @Test
  void returnSequencesGoBackwardsWithoutBiasLinear() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(
                () ->
                    new SimpleRNN(3)
                        .returnSequences(true)
                        .goBackwards(true)
                        .useBias(false)
                        .activation(Activations.linear())
                        .recurrentInitializer(Initializers.orthogonal(0.5, 3)))
            .input(2, 4, 2)
            .expectOutputShape(2, 4, 3)
            .expectWeight("simple_rnn_cell/kernel", 2, 3)
            .expectWeight("simple_rnn_cell/recurrent_kernel", 3, 3)
            .expectParams(2 * 3 + 3 * 3)
            .run();
    List<float[]> w = r.weights();
    double[] seq = simpleRnn(r.inputs().get(0), 2, 4, 2, w.get(0), w.get(1), null, 3, false, true, null, null);
    assertClose(seq, r.output(), 1e-5, "SimpleRNN backwards sequences (processing order)");
  }

  @Test
  void returnStateAndInitialStateFollowTheRecurrence() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      float[] x = {0.5f, -1, 0.25f, 2, -0.5f, 1, 0, 0.75f, -0.25f, 1.5f, 1, -2};
      float[] h0 = {0.1f, -0.2f, 0.3f, 0.4f};
      SimpleRNN rnn = new SimpleRNN(2).returnState(true);
      List<Operand<TFloat32>> out =
          rnn.applyOutputs(
              tf, List.of(tf.constant(Shape.of(2, 3, 2), DataBuffers.of(x)), tf.constant(Shape.of(2, 2), DataBuffers.of(h0))));
      assertEquals(2, out.size(), "[output, h]");
      double[] h = new double[4];
      simpleRnn(x, 2, 3, 2, values(rnn.cell().kernel().value(tf)), values(rnn.cell().recurrentKernel().value(tf)),
          values(rnn.cell().bias().value(tf)), 2, true, false, new double[] {0.1, -0.2, 0.3, 0.4}, h);
      assertClose(h, values(out.get(0)), 1e-5, "last output");
      assertClose(h, values(out.get(1)), 1e-5, "final state");
      assertEquals(
          List.of("simple_rnn/simple_rnn_cell/kernel:0", "simple_rnn/simple_rnn_cell/recurrent_kernel:0",
              "simple_rnn/simple_rnn_cell/bias:0"),
          rnn.variables().stream().map(Variable::name).toList());
      // Keras's orthogonal default: rk^T rk = I for a square recurrent kernel.
      float[] rk = values(rnn.cell().recurrentKernel().value(tf));
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
          double dot = rk[i] * rk[j] + rk[2 + i] * rk[2 + j];
          assertEquals(i == j ? 1.0 : 0.0, dot, 1e-5, "orthogonal recurrent kernel");
        }
      }
    }
  }

  @Test
  void badInputNamesTheLayerAndShape() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      SimpleRNN rnn = new SimpleRNN(2).name("srnn");
      IllegalArgumentException rank =
          assertThrows(IllegalArgumentException.class, () -> rnn.apply(tf, tf.zeros(tf.constant(new long[] {1, 3}), TFloat32.class)));
      assertEquals("SimpleRNN 'srnn': expected input of rank 3 ([batch, time, features]), received shape [1, 3].", rank.getMessage());
      rnn.apply(tf, tf.zeros(tf.constant(new long[] {1, 2, 3}), TFloat32.class));
      IllegalArgumentException features =
          assertThrows(IllegalArgumentException.class, () -> rnn.apply(tf, tf.zeros(tf.constant(new long[] {1, 2, 4}), TFloat32.class)));
      assertEquals("SimpleRNN 'srnn': expected input with last dimension 3, received shape [1, 2, 4].", features.getMessage());
      assertThrows(IllegalArgumentException.class, () -> new SimpleRNN(0));
    }
    assertShape(Shape.of(-1, 7, 5), new SimpleRNN(5).returnSequences(true).apply(dev.keraslite.models.Input.of(7, 3)).shape(), "symbolic");
  }

  @Test
  void getConfigWritesKeras3KeysAndFromConfigRoundTrips() {
    SimpleRNN rnn = new SimpleRNN(8).name("simple_rnn_3").returnSequences(true).goBackwards(true);
    Map<String, Object> c = rnn.getConfig();
    assertEquals(
        List.of("name", "trainable", "dtype", "return_sequences", "return_state", "go_backwards", "stateful",
            "unroll", "zero_output_for_mask", "units", "activation", "use_bias", "kernel_initializer",
            "recurrent_initializer", "bias_initializer", "kernel_regularizer", "recurrent_regularizer",
            "bias_regularizer", "activity_regularizer", "kernel_constraint", "recurrent_constraint",
            "bias_constraint", "dropout", "recurrent_dropout", "seed"),
        new ArrayList<>(c.keySet()));
    assertEquals(8L, ((Number) c.get("units")).longValue());
    assertEquals("tanh", c.get("activation"));
    assertEquals(true, c.get("return_sequences"));
    assertEquals(true, c.get("go_backwards"));
    assertEquals("Orthogonal", ((Map<?, ?>) c.get("recurrent_initializer")).get("class_name"));
    assertEquals(1.0, ((Map<?, ?>) ((Map<?, ?>) c.get("recurrent_initializer")).get("config")).get("gain"));
    Map<String, Object> defaults = new SimpleRNN(3).getConfig();
    assertEquals(false, defaults.get("return_sequences"));
    assertEquals(false, defaults.get("return_state"));
    assertEquals(false, defaults.get("go_backwards"));
    assertEquals(true, defaults.get("use_bias"));
    assertEquals("GlorotUniform", ((Map<?, ?>) defaults.get("kernel_initializer")).get("class_name"));
    assertEquals("Zeros", ((Map<?, ?>) defaults.get("bias_initializer")).get("class_name"));
    assertEquals(0.0, defaults.get("dropout"));
    SimpleRNN copy = SimpleRNN.fromConfig(c);
    assertEquals(c, copy.getConfig());
    assertEquals("simple_rnn_3", copy.name());

    // A tf.keras 2 config (as in an .h5 model_config) loads; options keras-lite lacks are refused.
    Map<String, Object> keras2 = new LinkedHashMap<>();
    keras2.put("name", "simple_rnn_1");
    keras2.put("units", 5);
    keras2.put("activation", "relu");
    keras2.put("kernel_initializer", Map.of("class_name", "GlorotUniform", "config", Map.of("seed", 1)));
    keras2.put("dropout", 0.0);
    keras2.put("time_major", false);
    SimpleRNN loaded = SimpleRNN.fromConfig(keras2);
    assertEquals(5, loaded.units());
    assertEquals("relu", loaded.getConfig().get("activation"));
    assertEquals("tanh", SimpleRNN.fromConfig(Map.of("units", 2)).getConfig().get("activation"));
    Map<String, Object> stateful = new LinkedHashMap<>(keras2);
    stateful.put("stateful", true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SimpleRNN.fromConfig(stateful));
    assertTrue(e.getMessage().contains("SimpleRNN 'simple_rnn_1'") && e.getMessage().contains("stateful"), e.getMessage());
  }

  @Test
  void dropoutFromAKerasFileIsKeptPredictsAndTrains() {
    // tf.keras 2's simple_rnn config in dl4j-test-resources carries dropout 0.2.
    Map<String, Object> keras2 = new LinkedHashMap<>();
    keras2.put("name", "simple_rnn_1");
    keras2.put("units", 3);
    keras2.put("dropout", 0.2);
    keras2.put("recurrent_dropout", 0.0);
    keras2.put("implementation", 0);
    SimpleRNN rnn = SimpleRNN.fromConfig(keras2);
    assertEquals(0.2, rnn.getConfig().get("dropout"));
    assertEquals(rnn.getConfig(), SimpleRNN.fromConfig(rnn.getConfig()).getConfig());
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      float[] x = {0.5f, -1, 0.25f, 2, -0.5f, 1};
      Operand<TFloat32> in = tf.constant(Shape.of(1, 3, 2), DataBuffers.of(x));
      float[] y = values(rnn.apply(tf, in, false));
      double[] h = new double[3];
      simpleRnn(x, 1, 3, 2, values(rnn.cell().kernel().value(tf)), values(rnn.cell().recurrentKernel().value(tf)),
          values(rnn.cell().bias().value(tf)), 3, true, false, null, h);
      assertClose(h, y, 1e-5, "inference ignores dropout, as in Keras");
      // Dropout now runs in training (its semantics are checked in RecurrentDropoutTest).
      assertEquals(Shape.of(1, 3), rnn.apply(tf, in, true).shape());
    }
    assertThrows(IllegalArgumentException.class, () -> new SimpleRNN(2).dropout(1.0));
  }
}
