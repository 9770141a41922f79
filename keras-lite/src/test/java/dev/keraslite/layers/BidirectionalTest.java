package dev.keraslite.layers;

import static dev.keraslite.layers.LayerTestHarness.assertClose;
import static dev.keraslite.layers.LayerTestHarness.assertShape;
import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.Variable;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.models.Input;
import java.util.ArrayList;
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

class BidirectionalTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  /** {@code [batch, time, units]} with the time axis reversed. */
  private static double[] reverseTime(double[] seq, int batch, int time, int units) {
    double[] out = new double[seq.length];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < time; t++) {
        System.arraycopy(seq, (b * time + t) * units, out, (b * time + time - 1 - t) * units, units);
      }
    }
    return out;
  }

  /** Two {@code [rows, units]} arrays side by side: {@code [rows, 2 units]}. */
  private static double[] concat(double[] a, double[] b, int rows, int units) {
    double[] out = new double[rows * 2 * units];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(a, r * units, out, r * 2 * units, units);
      System.arraycopy(b, r * units, out, r * 2 * units + units, units);
    }
    return out;
  }

  @Test
  void simpleRnnSequencesMatchBothRecurrencesInPlainJavaWithKerasWeightNames() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(
                () ->
                    new Bidirectional(
                        new SimpleRNN(3).name("rnn").returnSequences(true)
                            .biasInitializer(Initializers.randomUniform(-0.5, 0.5, 4))))
            .input(2, 5, 2)
            .expectOutputShape(2, 5, 6)
            .expectWeight("forward_rnn/simple_rnn_cell/kernel", 2, 3)
            .expectWeight("forward_rnn/simple_rnn_cell/recurrent_kernel", 3, 3)
            .expectWeight("forward_rnn/simple_rnn_cell/bias", 3)
            .expectWeight("backward_rnn/simple_rnn_cell/kernel", 2, 3)
            .expectWeight("backward_rnn/simple_rnn_cell/recurrent_kernel", 3, 3)
            .expectWeight("backward_rnn/simple_rnn_cell/bias", 3)
            .expectParams(2 * (2 * 3 + 3 * 3 + 3))
            .checkInputGradient()
            .run();
    List<float[]> w = r.weights();
    float[] x = r.inputs().get(0);
    double[] forward = SimpleRNNTest.simpleRnn(x, 2, 5, 2, w.get(0), w.get(1), w.get(2), 3, true, false, null, null);
    double[] backward = SimpleRNNTest.simpleRnn(x, 2, 5, 2, w.get(3), w.get(4), w.get(5), 3, true, true, null, null);
    // The backward run's steps come in reading order (last time step first): put them back in time order.
    double[] expected = concat(forward, reverseTime(backward, 2, 5, 3), 10, 3);
    assertClose(expected, r.output(), 1e-5, "Bidirectional(SimpleRNN) concat");
  }

  @Test
  void lstmLastOutputsSummedMatchTheReferenceRecurrences() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(
                () -> new Bidirectional(new LSTM(4).name("enc")).mergeMode("sum"))
            .input(3, 4, 2)
            .expectOutputShape(3, 4)
            .expectWeight("forward_enc/lstm_cell/kernel", 2, 16)
            .expectWeight("forward_enc/lstm_cell/recurrent_kernel", 4, 16)
            .expectWeight("forward_enc/lstm_cell/bias", 16)
            .expectWeight("backward_enc/lstm_cell/kernel", 2, 16)
            .expectWeight("backward_enc/lstm_cell/recurrent_kernel", 4, 16)
            .expectWeight("backward_enc/lstm_cell/bias", 16)
            .run();
    List<float[]> w = r.weights();
    float[] x = r.inputs().get(0);
    double[] f = RecurrentReference.lstm(x, 3, 4, 2, w.get(0), w.get(1), w.get(2), 4, null, null, false).last();
    double[] b = RecurrentReference.lstm(x, 3, 4, 2, w.get(3), w.get(4), w.get(5), 4, null, null, true).last();
    double[] expected = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      expected[i] = f[i] + b[i];
    }
    assertClose(expected, r.output(), 1e-5, "Bidirectional(LSTM) sum of last outputs");
  }

  /**
   * Every merge mode equals the forward layer and a goBackwards layer, given the same weights and
   * run on their own, merged in the test; with returnState the states follow, forward first.
   */
  @Test
  void everyMergeModeEqualsTheTwoDirectionsRunSeparately() {
    String[] modes = {"concat", "sum", "mul", "ave"};
    for (String mode : modes) {
      for (boolean sequences : new boolean[] {false, true}) {
        try (Eager eager = Eager.create()) {
          Ops tf = eager.tf();
          Bidirectional bi = new Bidirectional(new GRU(3).returnSequences(sequences).returnState(true)).mergeMode(mode);
          Operand<TFloat32> x = random(tf, 7, 2, 4, 3);
          List<Operand<TFloat32>> out = bi.applyOutputs(tf, List.of(x));
          GRU forward = new GRU(3).returnSequences(sequences).returnState(true);
          GRU backward = new GRU(3).returnSequences(sequences).returnState(true).goBackwards(true);
          List<Operand<TFloat32>> f = forward.applyOutputs(tf, List.of(x));
          List<Operand<TFloat32>> b = backward.applyOutputs(tf, List.of(x));
          copy(tf, bi.forwardLayer().variables(), forward.variables());
          copy(tf, bi.backwardLayer().variables(), backward.variables());
          f = forward.applyOutputs(tf, List.of(x));
          b = backward.applyOutputs(tf, List.of(x));
          Operand<TFloat32> yRev = sequences ? tf.reverse(b.get(0), tf.constant(new int[] {1})) : b.get(0);
          Operand<TFloat32> expected =
              switch (mode) {
                case "concat" -> tf.concat(List.of(f.get(0), yRev), tf.constant(-1));
                case "sum" -> tf.math.add(f.get(0), yRev);
                case "mul" -> tf.math.mul(f.get(0), yRev);
                default -> tf.math.div(tf.math.add(f.get(0), yRev), tf.constant(2f));
              };
          String what = mode + (sequences ? ", sequences" : ", last output");
          assertShape(expected.shape(), out.get(0).shape(), what);
          assertShape(bi.computeOutputShapes(List.of(Shape.of(2, 4, 3))).get(0), out.get(0).shape(), what + ": computeOutputShapes");
          assertClose(values(expected), values(out.get(0)), 1e-6, what);
          assertEquals(3, out.size(), what + ": output, forward state, backward state");
          assertClose(values(f.get(1)), values(out.get(1)), 1e-6, what + ": forward state");
          assertClose(values(b.get(1)), values(out.get(2)), 1e-6, what + ": backward state");
        }
      }
    }
  }

  private static void copy(Ops tf, List<Variable> from, List<Variable> to) {
    assertEquals(from.size(), to.size());
    for (int i = 0; i < from.size(); i++) {
      to.get(i).assign(tf, from.get(i).value(tf));
    }
  }

  private static Operand<TFloat32> random(Ops tf, long seed, long... shape) {
    Random r = new Random(seed);
    float[] v = new float[(int) Shape.of(shape).size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextFloat() * 2 - 1;
    }
    return tf.constant(Shape.of(shape), DataBuffers.of(v));
  }

  @Test
  void theWrappedLayerIsATemplateCopiedByConfig() {
    LSTM template = new LSTM(5).name("forward_lstm_2").returnSequences(true).unitForgetBias(false);
    Bidirectional bi = new Bidirectional(template);
    assertNotSame(template, bi.forwardLayer());
    assertEquals("forward_lstm_2", bi.forwardLayer().name(), "Keras strips a forward_ prefix before adding it");
    assertEquals("backward_forward_lstm_2", bi.backwardLayer().name());
    assertTrue(bi.backwardLayer().goBackwards());
    assertTrue(!bi.forwardLayer().goBackwards());
    Map<String, Object> f = bi.forwardLayer().getConfig();
    Map<String, Object> t = template.getConfig();
    f.remove("name");
    t.remove("name");
    assertEquals(t, f, "the forward layer has the template's configuration");
  }

  @Test
  void badArgumentsAndInputNameTheLayerAndTheShapes() {
    assertThrows(IllegalArgumentException.class, () -> new Bidirectional(new LSTM(2).goBackwards(true)));
    assertThrows(IllegalArgumentException.class, () -> new Bidirectional(new LSTM(2), new LSTM(2)));
    assertThrows(IllegalArgumentException.class,
        () -> new Bidirectional(new LSTM(2), new LSTM(2).goBackwards(true).returnSequences(true)));
    IllegalArgumentException base =
        assertThrows(IllegalArgumentException.class, () -> new Bidirectional(new RNN(new SimpleRNNCell(2)).name("r")));
    assertEquals("Bidirectional: wraps an LSTM, GRU or SimpleRNN layer, received RNN 'r'", base.getMessage());
    IllegalArgumentException mode =
        assertThrows(IllegalArgumentException.class, () -> new Bidirectional(new GRU(2)).name("bi").mergeMode("max"));
    assertEquals("Bidirectional 'bi': mergeMode must be 'concat', 'sum', 'mul' or 'ave', received 'max'", mode.getMessage());
    assertShape(Shape.of(-1, 7, 10), new Bidirectional(new LSTM(5).returnSequences(true)).apply(Input.of(7, 3)).shape(), "symbolic");
    assertShape(Shape.of(-1, 5), new Bidirectional(new LSTM(5)).mergeMode("ave").apply(Input.of(7, 3)).shape(), "symbolic ave");
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Bidirectional bi = new Bidirectional(new GRU(2)).name("bi");
      IllegalArgumentException rank =
          assertThrows(IllegalArgumentException.class, () -> bi.apply(tf, tf.zeros(tf.constant(new long[] {2, 3}), TFloat32.class)));
      assertEquals("Bidirectional 'bi': expected input of rank 3 ([batch, time, features]), received shape [2, 3].", rank.getMessage());
      bi.apply(tf, tf.zeros(tf.constant(new long[] {2, 3, 4}), TFloat32.class));
      IllegalArgumentException features =
          assertThrows(IllegalArgumentException.class, () -> bi.apply(tf, tf.zeros(tf.constant(new long[] {2, 3, 5}), TFloat32.class)));
      assertEquals("Bidirectional 'bi': expected input with last dimension 4, received shape [2, 3, 5].", features.getMessage());
    }
  }

  @Test
  void configHasKeras3KeysAndRebuildsBothLayers() {
    Bidirectional bi = new Bidirectional(new LSTM(3).name("lstm_7").returnSequences(true)).name("bidirectional_2").mergeMode("mul");
    Map<String, Object> c = bi.getConfig();
    assertEquals(List.of("name", "trainable", "dtype", "merge_mode", "layer", "backward_layer"), new ArrayList<>(c.keySet()));
    assertEquals("mul", c.get("merge_mode"));
    Map<?, ?> layer = (Map<?, ?>) c.get("layer");
    Map<?, ?> backward = (Map<?, ?>) c.get("backward_layer");
    assertEquals("LSTM", layer.get("class_name"));
    assertEquals("forward_lstm_7", ((Map<?, ?>) layer.get("config")).get("name"));
    assertEquals("backward_lstm_7", ((Map<?, ?>) backward.get("config")).get("name"));
    assertEquals(true, ((Map<?, ?>) backward.get("config")).get("go_backwards"));
    @SuppressWarnings("unchecked")
    Bidirectional copy = Bidirectional.fromConfig(c, s -> LSTM.fromConfig((Map<String, Object>) s.get("config")));
    assertEquals(c, copy.getConfig());
    assertEquals("forward_lstm_7", copy.forwardLayer().name());
    assertEquals("backward_lstm_7", copy.backwardLayer().name());
  }
}
