package dev.keraslite.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keraslite.Eager;
import dev.keraslite.models.Input;
import dev.keraslite.models.Model;
import dev.keraslite.models.Sequential;
import dev.keraslite.Variable;
import dev.keraslite.activations.Activations;
import dev.keraslite.datasets.FashionMnist;
import dev.keraslite.datasets.ImageData;
import dev.keraslite.datasets.LoadOptions;
import dev.keraslite.layers.BatchNormalization;
import dev.keraslite.layers.Conv2D;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Dropout;
import dev.keraslite.layers.Flatten;
import dev.keraslite.layers.Layer;
import dev.keraslite.layers.MaxPooling2D;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;

/**
 * A CNN trained briefly on Fashion-MNIST goes out as Keras files and comes back: Debian's h5py
 * (an independent HDF5 reader) finds Keras 3's layout and keras-lite's values in the {@code
 * .weights.h5} and in the {@code model.weights.h5} inside the {@code .keras}; {@code save} then
 * {@code Model.load}, and {@code saveWeights} then {@code loadWeights} into a fresh model, give
 * bit-identical weights and the same predictions on 100 test images; the loaded model fine-tunes.
 */
class KerasFilesIT {
  private static final Path SCRIPT = Paths.get("h5py", "check_keras_weights.py").toAbsolutePath();

  @TempDir Path dir;

  private static Sequential cnn() {
    return new Sequential(
        Input.of(28, 28, 1),
        new Conv2D(8, 3).activation(Activations.relu()),
        new BatchNormalization(),
        new MaxPooling2D(2),
        new Flatten(),
        new Dropout(0.2),
        new Dense(32).activation(Activations.relu()),
        new Dense(10).activation(Activations.softmax()));
  }

  private static float[] values(Variable v) {
    Ops tf = v.ops();
    try (Tensor t = v.value(tf).asTensor()) {
      float[] out = new float[Math.toIntExact(v.shape().size())];
      ((org.tensorflow.types.TFloat32) t).copyTo(DataBuffers.of(out, false, false));
      return out;
    }
  }

  private static float[] flat(FloatNdArray a) {
    float[] out = new float[Math.toIntExact(a.size())];
    a.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  private static void assertSameWeights(Model expected, Model actual) {
    List<Variable> e = expected.variables();
    List<Variable> a = actual.variables();
    assertEquals(e.size(), a.size());
    for (int i = 0; i < e.size(); i++) {
      assertArrayEquals(values(e.get(i)), values(a.get(i)), 0f, "bitwise: " + e.get(i).name());
    }
  }

  @Test
  void fashionMnistCnnThroughKerasFiles() throws Exception {
    ImageData<FloatNdArray> data = FashionMnist.load(new LoadOptions().channelAxis(true));
    FloatNdArray xTrain = data.xTrain().slice(Indices.range(0, 2000));
    IntNdArray yTrain = data.yTrain().slice(Indices.range(0, 2000));
    FloatNdArray xTune = data.xTrain().slice(Indices.range(2000, 4000));
    IntNdArray yTune = data.yTrain().slice(Indices.range(2000, 4000));
    FloatNdArray xTest = data.xTest().slice(Indices.range(0, 100));
    Path keras = dir.resolve("fashion.keras");
    Path weights = dir.resolve("fashion.weights.h5");
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential model = cnn();
      model.compile(tf, new Adam(1e-3f), new SparseCategoricalCrossentropy());
      model.fit(xTrain, yTrain, FitOptions.epochs(1).batchSize(64).seed(1).verbose(0));
      float[] predicted = flat(model.predict(xTest, 50));
      model.save(keras);
      model.saveWeights(weights);

      runIndependentReader(model, keras, weights);

      Model loaded = Model.load(tf, keras);
      assertSameWeights(model, loaded);
      assertArrayEquals(predicted, flat(loaded.predict(xTest, 50)), 1e-6f, "save -> load");

      Sequential fresh = cnn(); // other automatic layer names: conv2d_1, dense_2, ...
      fresh.build(tf);
      fresh.loadWeights(weights);
      assertSameWeights(model, fresh);
      assertArrayEquals(predicted, flat(fresh.predict(xTest, 50)), 1e-6f, "saveWeights -> loadWeights");

      loaded.compile(tf, new Adam(1e-3f), new SparseCategoricalCrossentropy());
      double before = loaded.evaluate(xTune, yTune, 100).get("loss");
      loaded.fit(xTune, yTune, FitOptions.epochs(1).batchSize(64).seed(2).verbose(0));
      double after = loaded.evaluate(xTune, yTune, 100).get("loss");
      System.out.println("KerasFilesIT fine-tune of the loaded .keras model: loss " + before + " -> " + after);
      assertTrue(after < before, "fine-tuning the loaded model lowers its loss: " + before + " -> " + after);
    }
  }

  /** Writes what keras-lite saved, layer by layer, and has h5py check both files against it. */
  private void runIndependentReader(Sequential model, Path keras, Path weights) throws Exception {
    List<Map<String, Object>> layers = new ArrayList<>();
    for (Layer layer : model.layers()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("class_name", layer.typeName());
      entry.put("name", layer.name());
      List<Map<String, Object>> ws = new ArrayList<>();
      for (Variable v : layer.ownVariables()) {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("shape", v.shape().asArray());
        w.put("values", values(v));
        ws.add(w);
      }
      entry.put("weights", ws);
      layers.add(entry);
    }
    Path expected = dir.resolve("expected.json");
    new ObjectMapper().writeValue(expected.toFile(), layers);
    Process p =
        new ProcessBuilder("/usr/bin/python3", SCRIPT.toString(), keras.toString(), weights.toString(), expected.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "h5py check timed out");
    assertEquals(0, p.exitValue(), "h5py check failed:\n" + output);
    String[] lines = output.strip().split("\n");
    String last = lines[lines.length - 1];
    assertTrue(last.endsWith("passed, 0 failed"), output);
    System.out.println("KerasFilesIT h5py reader: " + (lines.length - 1) + " checks of Keras 3's layout and values ok");
  }
}
