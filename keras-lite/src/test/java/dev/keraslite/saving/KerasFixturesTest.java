package dev.keraslite.saving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.models.Model;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.ndarray.FloatNdArray;

/**
 * Models written by Keras itself (legacy {@code .h5}, Keras 2.x) load with {@code Model.load} and
 * predict Keras's own recorded outputs on Keras's recorded inputs. A fixture whose layers keras-lite
 * does not have yet must fail to load with a message naming the missing layer class.
 */
class KerasFixturesTest {
  /** Keras's outputs, within 1e-4 relative (with a 1e-6 absolute floor for values near zero). */
  private static final double RELATIVE = 1e-4;
  private static final double FLOOR = 1e-6;

  static Stream<String> cases() {
    return Stream.of(
        "activations/ELU_0",
        "activations/LeakyReLU_0",
        "activations/ReLU_0",
        "activations/ReLU_1",
        "activations/ReLU_2",
        "activations/ReLU_3",
        "activations/Softmax_0",
        "activations/ThresholdReLU_0",
        "conv1d/conv1d_k2_s1_d1_cl_same",
        "conv1d/conv1d_k2_s1_d1_cf_same",
        "conv1d/conv1d_k3_s2_d1_cl_valid",
        "conv1d/conv1d_k3_s2_d1_cf_valid",
        "conv1d/conv1d_k2_s1_d2_cl_valid",
        "conv1d/conv1d_k2_s1_d2_cf_same",
        "simple_lstm/simple_lstm_tf_keras_1",
        "simple_lstm/simple_lstm_th_keras_1");
  }

  @ParameterizedTest
  @MethodSource("cases")
  void loadsAndPredictsKerasOutputs(String name) throws Exception {
    Path modelFile = KerasFixtures.file(name + "_model.h5");
    Set<String> missing = missingLayerClasses(modelFile);
    try (Eager eager = Eager.create()) {
      if (!missing.isEmpty()) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> Model.load(eager.tf(), modelFile));
        assertTrue(
            e.getMessage().contains("Unknown layer class '" + missing.iterator().next() + "'"),
            e.getMessage());
        return;
      }
      Model model = Model.load(eager.tf(), modelFile);
      try (HdfFile io = new HdfFile(KerasFixtures.file(name + "_inputs_and_outputs.h5"))) {
        List<Dataset> inputs = KerasFixtures.datasets(io, "inputs");
        List<Dataset> expected = KerasFixtures.datasets(io, "predictions");
        if (expected.isEmpty()) {
          expected = KerasFixtures.datasets(io, "outputs");
        }
        assertEquals(1, inputs.size(), "single-input fixtures");
        assertEquals(1, expected.size(), "single-output fixtures");
        FloatNdArray x = KerasFixtures.array(inputs.get(0));
        float[] actual = KerasFixtures.flat(model.predict(x, 32));
        float[] want = KerasFixtures.flat(KerasFixtures.array(expected.get(0)));
        assertEquals(want.length, actual.length, name + ": output size");
        for (int i = 0; i < want.length; i++) {
          double tolerance = Math.max(RELATIVE * Math.abs(want[i]), FLOOR);
          assertTrue(
              Math.abs(actual[i] - want[i]) <= tolerance,
              name + ": output " + i + " is " + actual[i] + ", Keras gave " + want[i]);
        }
      }
    }
  }

  /**
   * simple_lstm_tf_keras_2 (Keras 2.0.6: LSTM(50, hard_sigmoid recurrent activation) then Dense(1))
   * records its training targets under {@code outputs/}, not Keras's predictions, so the oracle is
   * the model's equations computed here in plain double-precision Java from the file's own
   * datasets, with Keras 2's hard sigmoid {@code clip(0.2 x + 0.5, 0, 1)} and gate order i, f, c, o.
   */
  @org.junit.jupiter.api.Test
  void kerasTwoLstmPredictsWhatItsEquationsGiveFromTheFileWeights() throws Exception {
    String name = "simple_lstm/simple_lstm_tf_keras_2";
    try (Eager eager = Eager.create();
        HdfFile weights = new HdfFile(KerasFixtures.file(name + "_model.h5"));
        HdfFile io = new HdfFile(KerasFixtures.file(name + "_inputs_and_outputs.h5"))) {
      Model model = Model.load(eager.tf(), KerasFixtures.file(name + "_model.h5"));
      float[] k = flat(weights, "model_weights/lstm_1/lstm_1/kernel:0");
      float[] r = flat(weights, "model_weights/lstm_1/lstm_1/recurrent_kernel:0");
      float[] b = flat(weights, "model_weights/lstm_1/lstm_1/bias:0");
      float[] w = flat(weights, "model_weights/dense_1/dense_1/kernel:0");
      float[] c0 = flat(weights, "model_weights/dense_1/dense_1/bias:0");
      Dataset input = KerasFixtures.datasets(io, "inputs").get(0);
      int[] dims = input.getDimensions(); // [batch, time, 1]
      float[] x = HostArrays.floats(input.getDataFlat(), "inputs");
      float[] actual = KerasFixtures.flat(model.predict(KerasFixtures.array(input), 32));
      int units = 50;
      for (int n = 0; n < dims[0]; n++) {
        double[] h = new double[units];
        double[] c = new double[units];
        for (int t = 0; t < dims[1]; t++) {
          double xt = x[n * dims[1] + t];
          double[] z = new double[4 * units];
          for (int j = 0; j < 4 * units; j++) {
            z[j] = xt * k[j] + b[j];
            for (int i = 0; i < units; i++) {
              z[j] += h[i] * r[i * 4 * units + j];
            }
          }
          for (int u = 0; u < units; u++) {
            double ig = hardSigmoid(z[u]);
            double fg = hardSigmoid(z[units + u]);
            double cand = Math.tanh(z[2 * units + u]);
            double og = hardSigmoid(z[3 * units + u]);
            c[u] = fg * c[u] + ig * cand;
            h[u] = og * Math.tanh(c[u]);
          }
        }
        double y = c0[0];
        for (int u = 0; u < units; u++) {
          y += h[u] * w[u];
        }
        assertTrue(
            Math.abs(actual[n] - y) <= Math.max(RELATIVE * Math.abs(y), FLOOR),
            name + ": sample " + n + " predicted " + actual[n] + ", the equations give " + y);
      }
    }
  }

  private static double hardSigmoid(double v) {
    return Math.min(1, Math.max(0, 0.2 * v + 0.5));
  }

  private static float[] flat(HdfFile h5, String path) {
    return HostArrays.floats(h5.getDatasetByPath(path).getDataFlat(), path);
  }

  /** The layer classes in the file's config that keras-lite does not register. */
  static Set<String> missingLayerClasses(Path modelFile) throws Exception {
    Set<String> missing = new LinkedHashSet<>();
    try (HdfFile h5 = new HdfFile(modelFile)) {
      Map<String, Object> config = KerasJson.parse(LegacyH5.stringAttribute(h5, "model_config"), "model_config");
      collect(config.get("config"), missing);
    }
    missing.removeAll(LayerRegistry.knownClassNames());
    missing.removeAll(List.of("Sequential", "Functional", "Model"));
    return missing;
  }

  /**
   * The names of the layers whose config asks for {@code data_format: channels_first}, which
   * keras-lite's convolutions and poolings refuse by name (TensorFlow's CPU kernels are NHWC only).
   */
  static Set<String> channelsFirstLayers(Path modelFile) throws Exception {
    Set<String> names = new LinkedHashSet<>();
    try (HdfFile h5 = new HdfFile(modelFile)) {
      Map<String, Object> config = KerasJson.parse(LegacyH5.stringAttribute(h5, "model_config"), "model_config");
      collectChannelsFirst(config.get("config"), names);
    }
    return names;
  }

  private static void collectChannelsFirst(Object o, Set<String> out) {
    List<Object> layers = new ArrayList<>();
    if (o instanceof List) {
      layers.addAll((List<?>) o);
    } else if (o instanceof Map && ((Map<?, ?>) o).get("layers") instanceof List) {
      layers.addAll((List<?>) ((Map<?, ?>) o).get("layers"));
    }
    for (Object l : layers) {
      if (l instanceof Map && ((Map<?, ?>) l).get("config") instanceof Map) {
        Map<?, ?> config = (Map<?, ?>) ((Map<?, ?>) l).get("config");
        if ("channels_first".equals(config.get("data_format"))) {
          out.add(String.valueOf(config.get("name")));
        }
        collectChannelsFirst(config, out);
      }
    }
  }

  private static void collect(Object o, Set<String> out) {
    List<Object> layers = new ArrayList<>();
    if (o instanceof List) {
      layers.addAll((List<?>) o);
    } else if (o instanceof Map && ((Map<?, ?>) o).get("layers") instanceof List) {
      layers.addAll((List<?>) ((Map<?, ?>) o).get("layers"));
    }
    for (Object l : layers) {
      if (l instanceof Map) {
        out.add(String.valueOf(((Map<?, ?>) l).get("class_name")));
        collect(((Map<?, ?>) l).get("config"), out);
      }
    }
  }
}
