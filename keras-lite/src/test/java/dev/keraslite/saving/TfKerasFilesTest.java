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

  @ParameterizedTest
  @MethodSource("files")
  void loadsAndRunsOrNamesTheMissingLayer(String name) throws Exception {
    Path file = KerasFixtures.file(name);
    Set<String> missing = KerasFixturesTest.missingLayerClasses(file);
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
}
