package dev.keraslite.saving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.models.Model;
import dev.keraslite.layers.KerasTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * tf.keras files without recorded predictions (dl4j-test-resources' tfkeras/ and a functional
 * LSTM): each loads and runs, giving finite outputs of the shapes its config declares, or fails
 * naming the layer class keras-lite lacks or the layer whose {@code channels_first} it refuses.
 */
class TfKerasFilesTest {
  static Stream<String> files() {
    return Stream.of(
        "tfkeras/mlp_0.h5", "tfkeras/mlp_1.h5", "tfkeras/cnn2d_40.h5", "tfkeras/cnn2d_41.h5",
        "tfkeras/rnn_0.h5", "tfkeras/rnn_1.h5", "functional_lstm/lstm_functional_tf_keras_2.h5");
  }

  /** Files whose every layer keras-lite has: they must load, never take the refusal branch. */
  static final Set<String> LOADABLE = Set.of("tfkeras/rnn_1.h5");

  @ParameterizedTest
  @MethodSource("files")
  void loadsAndRunsOrNamesTheMissingLayer(String name) throws Exception {
    Path file = KerasFixtures.file(name);
    Set<String> missing = KerasFixturesTest.missingLayerClasses(file);
    if (LOADABLE.contains(name)) {
      assertEquals(Set.of(), missing, name + ": every layer class is known");
    }
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Set<String> channelsFirst = KerasFixturesTest.channelsFirstLayers(file);
      if (!missing.isEmpty() || !channelsFirst.isEmpty()) {
        // Loading stops at the first layer keras-lite cannot build, whichever of the two it is.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Model.load(tf, file));
        String message = e.getMessage();
        boolean namesMissingClass =
            message.contains("Unknown layer class '")
                && missing.stream().anyMatch(c -> message.contains("'" + c + "'"));
        boolean namesChannelsFirstLayer =
            message.contains("data_format=channels_first is not supported")
                && channelsFirst.stream().anyMatch(n -> message.contains("'" + n + "'"));
        assertTrue(namesMissingClass || namesChannelsFirstLayer, message);
        return;
      }
      Model model = Model.load(tf, file);
      List<Operand<TFloat32>> inputs = new ArrayList<>();
      List<KerasTensor> declared = model.inputs();
      assertTrue(!declared.isEmpty(), name + ": the loaded model knows its inputs");
      for (int i = 0; i < declared.size(); i++) {
        long[] dims = declared.get(i).shape().asArray();
        dims[0] = 3;
        for (int d = 1; d < dims.length; d++) {
          dims[d] = dims[d] < 0 ? 4 : dims[d];
        }
        inputs.add(SavingRoundTripTest.random(tf, 20 + i, dims));
      }
      List<Operand<TFloat32>> outputs = model.applyOutputs(tf, inputs);
      for (Operand<TFloat32> out : outputs) {
        assertEquals(3, out.shape().get(0), name + ": batch of the output");
        for (float v : SavingRoundTripTest.flat(out)) {
          assertTrue(Float.isFinite(v), name + ": finite outputs");
        }
      }
    }
  }

  /**
   * rnn_1 (tf.keras: Bidirectional(SimpleRNN(6, return_sequences=True)) then ReLU, on [3, 4]
   * sequences; the file records no predictions) loads and predicts what its own weights say: the
   * forward and backward recurrences computed in plain Java from the file's arrays, in the order
   * its {@code weight_names} lists them (forward kernel, recurrent kernel, bias, then backward).
   */
  @org.junit.jupiter.api.Test
  void rnn1BidirectionalSimpleRnnLoadsAndPredictsFromItsOwnWeights() throws Exception {
    Path file = KerasFixtures.file("tfkeras/rnn_1.h5");
    List<float[]> w = new ArrayList<>();
    try (io.jhdf.HdfFile h5 = new io.jhdf.HdfFile(file)) {
      io.jhdf.api.Group group = (io.jhdf.api.Group) h5.getByPath("model_weights/bidirectional");
      List<String> names = LegacyH5.stringsAttribute(group, "weight_names");
      assertEquals(
          List.of("bidirectional/forward_simple_rnn_1/kernel:0", "bidirectional/forward_simple_rnn_1/recurrent_kernel:0",
              "bidirectional/forward_simple_rnn_1/bias:0", "bidirectional/backward_simple_rnn_1/kernel:0",
              "bidirectional/backward_simple_rnn_1/recurrent_kernel:0", "bidirectional/backward_simple_rnn_1/bias:0"),
          names);
      for (String n : names) {
        w.add(HostArrays.floats(((io.jhdf.api.Dataset) group.getByPath(n)).getDataFlat(), n));
      }
    }
    int batch = 2;
    int time = 3;
    int features = 4;
    int units = 6;
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Model model = Model.load(tf, file);
      dev.keraslite.layers.Bidirectional bi = null;
      for (dev.keraslite.layers.Layer l : model.layers()) {
        if (l instanceof dev.keraslite.layers.Bidirectional) {
          bi = (dev.keraslite.layers.Bidirectional) l;
        }
      }
      assertTrue(bi != null, "the model holds a Bidirectional layer");
      assertEquals("forward_simple_rnn_1", bi.forwardLayer().name());
      assertEquals("backward_simple_rnn_1", bi.backwardLayer().name());
      assertEquals("concat", bi.mergeMode());
      Operand<TFloat32> x = SavingRoundTripTest.random(tf, 31, batch, time, features);
      float[] xs = SavingRoundTripTest.flat(x);
      float[] y = SavingRoundTripTest.flat(model.apply(tf, x));
      assertEquals(batch * time * 2 * units, y.length, "[batch, time, 2 units]");
      double[] forward = simpleRnn(xs, batch, time, features, w.get(0), w.get(1), w.get(2), units, false);
      double[] backward = simpleRnn(xs, batch, time, features, w.get(3), w.get(4), w.get(5), units, true);
      for (int b = 0; b < batch; b++) {
        for (int t = 0; t < time; t++) {
          for (int u = 0; u < 2 * units; u++) {
            double v = u < units ? forward[(b * time + t) * units + u] : backward[(b * time + t) * units + u - units];
            double expected = Math.max(v, 0);
            float actual = y[(b * time + t) * 2 * units + u];
            assertEquals(expected, actual, 1e-5 * (1 + Math.abs(expected)), "output [" + b + ", " + t + ", " + u + "]");
          }
        }
      }
    }
  }

  /**
   * tanh(x_t k + h rk + bias) over the sequence, forwards or backwards, each step's h stored at its
   * time position.
   */
  private static double[] simpleRnn(
      float[] x, int batch, int time, int features, float[] k, float[] rk, float[] bias, int units,
      boolean backwards) {
    double[] out = new double[batch * time * units];
    for (int b = 0; b < batch; b++) {
      double[] h = new double[units];
      for (int s = 0; s < time; s++) {
        int t = backwards ? time - 1 - s : s;
        double[] next = new double[units];
        for (int u = 0; u < units; u++) {
          double v = bias[u];
          for (int f = 0; f < features; f++) {
            v += x[(b * time + t) * features + f] * (double) k[f * units + u];
          }
          for (int q = 0; q < units; q++) {
            v += h[q] * rk[q * units + u];
          }
          next[u] = Math.tanh(v);
        }
        h = next;
        System.arraycopy(h, 0, out, (b * time + t) * units, units);
      }
    }
    return out;
  }
}
