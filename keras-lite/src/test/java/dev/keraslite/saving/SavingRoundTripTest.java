package dev.keraslite.saving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.models.Input;
import dev.keraslite.models.Model;
import dev.keraslite.models.Sequential;
import dev.keraslite.Variable;
import dev.keraslite.activations.Activations;
import dev.keraslite.layers.Add;
import dev.keraslite.layers.BatchNormalization;
import dev.keraslite.layers.Bidirectional;
import dev.keraslite.layers.Conv2DTranspose;
import dev.keraslite.layers.GRU;
import dev.keraslite.layers.LayerNormalization;
import dev.keraslite.layers.TimeDistributed;
import dev.keraslite.layers.Concatenate;
import dev.keraslite.layers.Conv2D;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Dropout;
import dev.keraslite.layers.Flatten;
import dev.keraslite.layers.KerasTensor;
import dev.keraslite.layers.LSTM;
import dev.keraslite.layers.Layer;
import dev.keraslite.layers.MaxPooling2D;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** save then load, saveWeights then loadWeights: identical weights (bitwise) and predictions. */
class SavingRoundTripTest {
  @TempDir Path dir;

  static Sequential cnn() {
    return new Sequential(
        Input.of(6, 6, 2),
        new Conv2D(3, 3).padding("same").activation(Activations.relu()),
        new BatchNormalization(),
        new MaxPooling2D(2),
        new Flatten(),
        new Dropout(0.3),
        new Dense(4).activation(Activations.softmax()));
  }

  /** Two inputs and two outputs, a Dense shared by both inputs, an LSTM branch, merges. */
  static Model functional() {
    KerasTensor a = Input.of("a", 3);
    KerasTensor b = Input.of("b", 3);
    KerasTensor seq = Input.of("seq", 5, 2);
    Dense shared = new Dense(4).activation(Activations.tanh());
    KerasTensor sa = shared.apply(a);
    KerasTensor sb = shared.apply(b);
    KerasTensor sum = new Add().apply(sa, sb);
    KerasTensor rnn = new LSTM(3).apply(seq);
    KerasTensor joined = new Concatenate().apply(sum, rnn);
    KerasTensor out1 = new Dense(2).apply(joined);
    KerasTensor out2 = new Dense(1).activation(Activations.sigmoid()).apply(sa);
    return Model.of(List.of(a, b, seq), List.of(out1, out2));
  }

  /** Gives every variable random values, so that nothing passes by matching initial values. */
  static void randomize(Ops tf, Model model, long seed) {
    Random r = new Random(seed);
    for (Variable v : model.variables()) {
      float[] values = new float[Math.toIntExact(v.shape().size())];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) (r.nextGaussian() * 0.5 + (v.name().contains("moving_variance") ? 1.5 : 0));
      }
      v.assign(tf, tf.constant(v.shape(), DataBuffers.of(values)));
    }
  }

  static Operand<TFloat32> random(Ops tf, long seed, long... shape) {
    Random r = new Random(seed);
    float[] v = new float[Math.toIntExact(Shape.of(shape).size())];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextFloat() * 2 - 1;
    }
    return tf.constant(Shape.of(shape), DataBuffers.of(v));
  }

  static List<float[]> values(List<Variable> vars) {
    List<float[]> out = new ArrayList<>();
    for (Variable v : vars) {
      out.add(HostArrays.read(v, "test"));
    }
    return out;
  }

  static void assertBitwiseEqual(List<float[]> expected, List<float[]> actual) {
    assertEquals(expected.size(), actual.size(), "variable count");
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), 0f, "variable " + i);
    }
  }

  static float[] flat(Operand<TFloat32> t) {
    float[] out = new float[Math.toIntExact(t.shape().size())];
    t.asTensor().copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  @Test
  void sequentialSaveThenLoadGivesIdenticalWeightsAndPredictions() throws Exception {
    Path file = dir.resolve("cnn.keras");
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential model = cnn();
      model.build(tf);
      randomize(tf, model, 1);
      Operand<TFloat32> x = random(tf, 2, 5, 6, 6, 2);
      float[] before = flat(model.apply(tf, x));
      model.save(file);

      Model loaded = Model.load(tf, file);
      assertTrue(loaded instanceof Sequential);
      assertEquals(model.layers().size(), loaded.layers().size());
      for (int i = 0; i < model.layers().size(); i++) {
        assertEquals(model.layers().get(i).name(), loaded.layers().get(i).name());
        assertEquals(model.layers().get(i).getConfig(), loaded.layers().get(i).getConfig());
      }
      assertBitwiseEqual(values(model.variables()), values(loaded.variables()));
      assertArrayEquals(before, flat(loaded.apply(tf, x)), 1e-6f);
    }
  }

  @Test
  void functionalSaveThenLoadKeepsSharedLayersMultipleInputsAndOutputs() throws Exception {
    Path file = dir.resolve("functional.keras");
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Model model = functional();
      model.build(tf);
      randomize(tf, model, 3);
      List<Operand<TFloat32>> inputs =
          List.of(random(tf, 4, 7, 3), random(tf, 5, 7, 3), random(tf, 6, 7, 5, 2));
      List<Operand<TFloat32>> before = model.applyOutputs(tf, inputs);
      model.save(file);

      Model loaded = Model.load(tf, file);
      assertEquals(3, loaded.inputs().size());
      assertEquals(2, loaded.outputs().size());
      // The shared Dense is one layer called twice, so it has one set of weights.
      assertEquals(model.variables().size(), loaded.variables().size());
      assertBitwiseEqual(values(model.variables()), values(loaded.variables()));
      List<Operand<TFloat32>> after = loaded.applyOutputs(tf, inputs);
      for (int i = 0; i < 2; i++) {
        assertArrayEquals(flat(before.get(i)), flat(after.get(i)), 1e-6f, "output " + i);
      }
    }
  }

  @Test
  void weightsLoadIntoAFreshModelWhoseLayersGotOtherNames() throws Exception {
    Path file = dir.resolve("cnn.weights.h5");
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential first = cnn();
      first.build(tf);
      randomize(tf, first, 7);
      first.saveWeights(file);

      Sequential second = cnn(); // dense_1, conv2d_1, ...: other automatic names
      second.build(tf);
      assertNotEquals(first.layers().get(0).name(), second.layers().get(0).name());
      List<float[]> fresh = values(second.variables());
      assertNotEquals(fresh.get(0)[0], values(first.variables()).get(0)[0]);
      second.loadWeights(file);
      assertBitwiseEqual(values(first.variables()), values(second.variables()));
      Operand<TFloat32> x = random(tf, 8, 3, 6, 6, 2);
      assertArrayEquals(flat(first.apply(tf, x)), flat(second.apply(tf, x)), 1e-6f);
    }
  }

  @Test
  void weightsFileUsesKerasObjectPaths() throws Exception {
    Path file = dir.resolve("f.weights.h5");
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Model model = functional();
      model.build(tf);
      randomize(tf, model, 9);
      model.saveWeights(file);
      LSTM lstm = null;
      Dense shared = null;
      for (Layer l : model.layers()) {
        if (l instanceof LSTM) {
          lstm = (LSTM) l;
        } else if (l instanceof Dense && shared == null) {
          shared = (Dense) l;
        }
      }
      try (HdfFile h5 = new HdfFile(file)) {
        // Keras numbers layers by class within the model: dense, dense_1, ...; the cell is an attribute.
        assertArrayEquals(HostArrays.read(shared.kernel(), "t"), floats(h5, "layers/dense/vars/0"), 0f);
        assertArrayEquals(HostArrays.read(shared.bias(), "t"), floats(h5, "layers/dense/vars/1"), 0f);
        assertArrayEquals(
            HostArrays.read(lstm.cell().recurrentKernel(), "t"), floats(h5, "layers/lstm/cell/vars/1"), 0f);
        assertTrue(h5.getByPath("vars").isGroup());
        assertTrue(h5.getByPath("layers/input_layer/vars").isGroup());
        assertTrue(h5.getByPath("layers/input_layer_2/vars").isGroup());
        assertTrue(h5.getByPath("layers/dense_2/vars/1") instanceof Dataset);
      }
    }
  }

  private static float[] floats(HdfFile h5, String path) {
    return HostArrays.floats(h5.getDatasetByPath(path).getDataFlat(), path);
  }

  @Test
  void configJsonHasKeras3Keys() throws Exception {
    Path file = dir.resolve("c.keras");
    try (Eager eager = Eager.create()) {
      Sequential model = cnn();
      model.build(eager.tf());
      model.save(file);
    }
    Map<String, byte[]> entries = Saving.readArchive(file, Saving.DEFAULT_MAX_BYTES);
    assertEquals(List.of("metadata.json", "config.json", "model.weights.h5"), new ArrayList<>(entries.keySet()));
    Map<String, Object> config = KerasJson.parse(new String(entries.get("config.json"), StandardCharsets.UTF_8), "c");
    assertEquals("Sequential", config.get("class_name"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> layers = (List<Map<String, Object>>) ((Map<String, Object>) config.get("config")).get("layers");
    assertEquals("InputLayer", layers.get(0).get("class_name"));
    assertEquals(java.util.Arrays.asList(null, 6, 6, 2), ((Map<?, ?>) layers.get(0).get("config")).get("batch_shape"));
    Map<?, ?> conv = (Map<?, ?>) layers.get(1).get("config");
    assertEquals("keras.layers", layers.get(1).get("module"));
    assertEquals(List.of(3, 3), conv.get("kernel_size"));
    assertEquals("same", conv.get("padding"));
    assertEquals("relu", conv.get("activation"));
    assertEquals("GlorotUniform", ((Map<?, ?>) conv.get("kernel_initializer")).get("class_name"));
    assertTrue(conv.containsKey("kernel_regularizer"));
  }

  /** A sequence model with the wrappers and LayerNormalization, and an upsampling model. */
  static List<Sequential> newLayerModels() {
    return List.of(
        new Sequential(
            Input.of(5, 3),
            new TimeDistributed(new Dense(4).activation(Activations.relu())),
            new LayerNormalization(),
            new Bidirectional(new LSTM(3).returnSequences(true)),
            new Bidirectional(new GRU(2)).mergeMode("ave"),
            new Dense(2)),
        new Sequential(
            Input.of(4, 4, 2),
            new Conv2DTranspose(3, 3).strides(2).padding("same").activation(Activations.relu()),
            new Conv2DTranspose(2, 2).strides(2)));
  }

  @Test
  void newLayersSaveThenLoadGivesIdenticalWeightsAndPredictions() throws Exception {
    long[][] inputs = {{2, 5, 3}, {2, 4, 4, 2}};
    for (int m = 0; m < 2; m++) {
      Path file = dir.resolve("new_" + m + ".keras");
      try (Eager eager = Eager.create()) {
        Ops tf = eager.tf();
        Sequential model = newLayerModels().get(m);
        model.build(tf);
        randomize(tf, model, 40 + m);
        Operand<TFloat32> x = random(tf, 50 + m, inputs[m]);
        float[] before = flat(model.apply(tf, x));
        model.save(file);
        Model loaded = Model.load(tf, file);
        assertEquals(model.layers().size(), loaded.layers().size());
        for (int i = 0; i < model.layers().size(); i++) {
          assertEquals(model.layers().get(i).getClass(), loaded.layers().get(i).getClass());
          assertEquals(model.layers().get(i).getConfig(), loaded.layers().get(i).getConfig());
        }
        assertBitwiseEqual(values(model.variables()), values(loaded.variables()));
        assertArrayEquals(before, flat(loaded.apply(tf, x)), 1e-6f);
      }
    }
  }

  @Test
  void wrappedLayersAreStoredUnderKerasAttributePaths() throws Exception {
    Path file = dir.resolve("wrappers.weights.h5");
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential model = newLayerModels().get(0);
      model.build(tf);
      randomize(tf, model, 60);
      model.saveWeights(file);
      TimeDistributed td = (TimeDistributed) model.layers().get(0);
      Bidirectional bi = (Bidirectional) model.layers().get(2);
      Bidirectional gru = (Bidirectional) model.layers().get(3);
      try (HdfFile h5 = new HdfFile(file)) {
        // Keras 3: TimeDistributed.layer, Bidirectional.forward_layer and .backward_layer.
        assertArrayEquals(HostArrays.read(((Dense) td.layer()).kernel(), "t"),
            floats(h5, "layers/time_distributed/layer/vars/0"), 0f);
        assertArrayEquals(HostArrays.read(((LSTM) bi.forwardLayer()).cell().kernel(), "t"),
            floats(h5, "layers/bidirectional/forward_layer/cell/vars/0"), 0f);
        assertArrayEquals(HostArrays.read(((LSTM) bi.backwardLayer()).cell().recurrentKernel(), "t"),
            floats(h5, "layers/bidirectional/backward_layer/cell/vars/1"), 0f);
        assertArrayEquals(HostArrays.read(((GRU) gru.backwardLayer()).cell().bias(), "t"),
            floats(h5, "layers/bidirectional_1/backward_layer/cell/vars/2"), 0f);
        assertArrayEquals(HostArrays.read(((LayerNormalization) model.layers().get(1)).beta(), "t"),
            floats(h5, "layers/layer_normalization/vars/1"), 0f);
      }
      Sequential fresh = newLayerModels().get(0);
      fresh.build(tf);
      fresh.loadWeights(file);
      assertBitwiseEqual(values(model.variables()), values(fresh.variables()));
    }
  }
}
