package dev.keraslite.models;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.Variable;
import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Dropout;
import dev.keraslite.layers.Layer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Subclassed models: automatic tracking, naming, the trainable switch and the training flag. */
class ModelTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  /** Layers in a plain field, a list, an array, a map, a nested model; one transient. */
  static class MyModel extends Model {
    Dense first = new Dense(4).activation(Activations.relu());
    List<Layer> blocks = new ArrayList<>(List.of(new Dense(3), new Dense(2)));
    Dense[] heads = {new Dense(2)};
    Map<String, Layer> named = new LinkedHashMap<>(Map.of("extra", new Dense(2)));
    Inner inner = new Inner();
    transient Dense untracked = new Dense(1);

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
      Operand<TFloat32> x = first.apply(tf, input);
      for (Layer block : blocks) {
        x = block.apply(tf, x);
      }
      x = inner.apply(tf, named.get("extra").apply(tf, heads[0].apply(tf, x)));
      return x;
    }
  }

  static class Inner extends Model {
    Dense dense = new Dense(1);

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
      return dense.apply(tf, input);
    }
  }

  @Test
  void layersInFieldsCollectionsArraysMapsAndNestedModelsAreTracked() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      MyModel model = new MyModel();
      assertEquals("my_model", model.name());
      assertEquals(
          List.of(model.first, model.blocks.get(0), model.blocks.get(1), model.heads[0], model.named.get("extra"), model.inner),
          model.layers());
      Operand<TFloat32> y = model.apply(tf, tf.constant(new float[][] {{1, 2, 3}}));
      assertArrayEquals(new long[] {1, 1}, y.shape().asArray());
      List<String> names = new ArrayList<>();
      for (Variable v : model.variables()) {
        names.add(v.name());
      }
      // Creation order = call order; names scoped by the layers being applied.
      assertEquals(
          List.of(
              "my_model/dense/kernel:0", "my_model/dense/bias:0",
              "my_model/dense_1/kernel:0", "my_model/dense_1/bias:0",
              "my_model/dense_2/kernel:0", "my_model/dense_2/bias:0",
              "my_model/dense_3/kernel:0", "my_model/dense_3/bias:0",
              "my_model/dense_4/kernel:0", "my_model/dense_4/bias:0",
              "my_model/inner/dense_5/kernel:0", "my_model/inner/dense_5/bias:0"),
          names);
      assertFalse(model.untracked.built());
      // 3*4+4 + 4*3+3 + 3*2+2 + 2*2+2 + 2*2+2 + 2*1+1
      assertEquals(16 + 15 + 8 + 6 + 6 + 3, model.countParams());
    }
  }

  @Test
  void summaryOfASubclassedModelShowsItsDirectLayers() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      MyModel model = new MyModel();
      assertThrows(IllegalStateException.class, () -> model.summary(s -> {}));
      model.build(tf, Shape.of(-1, 3));
      String text = model.summary(s -> {});
      List<String> lines = List.of(text.split("\n"));
      assertEquals("Model: \"my_model\"", lines.get(0));
      assertEquals(List.of("Layer (type)", "Output Shape", "Param #"), cells(lines.get(2)));
      assertEquals(List.of("dense (Dense)", "(None, 4)", "16"), cells(lines.get(4)));
      assertEquals(List.of("inner (Inner)", "(None, 1)", "3"), cells(lines.get(14)));
      assertTrue(text.contains("\nTotal params: 54\nTrainable params: 54\nNon-trainable params: 0\n"), text);
    }
  }

  static List<String> cells(String line) {
    return List.of(line.trim().split(" {2,}"));
  }

  @Test
  void automaticNamesFollowKeras() {
    assertEquals("dense", new Dense(1).name());
    assertEquals("dense_1", new Dense(1).name());
    assertEquals("inner", new Inner().name());
    assertEquals("max_pooling2d", new MaxPooling2D().name());
    assertEquals("two_layer_mlp", new TwoLayerMLP().name());
    Model anonymous = new Model() {
      @Override
      protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
        return input;
      }
    };
    assertEquals("model", anonymous.name());
    assertEquals("head", new Dense(1).name("head").name());
    Layer.clearNameCounters();
    assertEquals("dense", new Dense(1).name());
    assertThrows(IllegalArgumentException.class, () -> new Dense(1).name("a/b"));
  }

  static class MaxPooling2D extends Layer {
    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
      return input;
    }
  }

  static class TwoLayerMLP extends Inner {}

  @Test
  void freezingAModelOrALayerRemovesItsWeightsFromTrainingAndFromTheTape() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      MyModel model = new MyModel();
      Operand<TFloat32> x = tf.constant(new float[][] {{1, 2, 3}});
      model.apply(tf, x);
      int all = model.variables().size();

      model.inner.setTrainable(false);
      assertEquals(all - 2, model.trainableVariables().size());
      assertEquals(List.of(model.inner.dense.kernel(), model.inner.dense.bias()), model.nonTrainableVariables());
      try (GradientTape tape = new GradientTape(tf)) {
        model.apply(tf, x);
        assertEquals(model.trainableVariables().size(), tape.watchedVariables().size());
        assertFalse(tape.watchedVariables().contains(model.inner.dense.kernel()));
      }

      model.setTrainable(false);
      assertTrue(model.trainableVariables().isEmpty());
      assertFalse(model.first.trainable(), "Keras: the trainable setter reaches every sublayer");
      try (GradientTape tape = new GradientTape(tf)) {
        model.apply(tf, x);
        assertTrue(tape.watchedVariables().isEmpty());
      }
      model.setTrainable(true);
      assertEquals(all, model.trainableVariables().size());
    }
  }

  @Test
  void aLayerFrozenBeforeItsBuildCreatesNonTrainableWeights() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Inner model = new Inner();
      model.setTrainable(false);
      model.apply(tf, tf.constant(new float[][] {{1, 2}}));
      assertEquals(2, model.nonTrainableVariables().size());
      assertTrue(model.trainableVariables().isEmpty());
    }
  }

  // ---- the training flag ---------------------------------------------------------------------

  static class WithDropout extends Model {
    Dropout dropout = new Dropout(0.5).seed(5);

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
      return dropout.apply(tf, input); // no flag: inherits the caller's
    }
  }

  static class Outer extends Model {
    WithDropout inner = new WithDropout();

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
      return inner.apply(tf, input);
    }
  }

  static class ForcesInference extends Model {
    Dropout dropout = new Dropout(0.5).seed(5);

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input, boolean training) {
      assertTrue(training, "the model itself sees the flag of its apply");
      return dropout.apply(tf, input, false); // an explicit flag wins over the context
    }

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
      throw new AssertionError("call(tf, input, training) is the one to be used");
    }
  }

  private static int zeros(float[] v) {
    int n = 0;
    for (float f : v) {
      n += f == 0 ? 1 : 0;
    }
    return n;
  }

  @Test
  void theTrainingFlagOfTheOuterApplyReachesNestedLayers() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> ones = tf.fill(tf.constant(new long[] {10, 20}), tf.constant(1f));
      WithDropout model = new WithDropout();
      float[] trained = values(model.apply(tf, ones, true));
      assertTrue(zeros(trained) > 0, "training=true: the nested Dropout drops");
      for (float v : trained) {
        assertTrue(v == 0f || v == 2f, "kept values scaled by 1/(1-0.5): " + v);
      }
      assertEquals(0, zeros(values(model.apply(tf, ones))), "no flag: inference, as in Keras");
      assertEquals(0, zeros(values(model.apply(tf, ones, false))));

      Outer outer = new Outer();
      assertTrue(zeros(values(outer.apply(tf, ones, true))) > 0, "two levels down");
      assertEquals(0, zeros(values(outer.apply(tf, ones))));

      assertEquals(0, zeros(values(new ForcesInference().apply(tf, ones, true))));

      Sequential seq = new Sequential(new Dense(20).kernelInitializer(Initializers.ones()), new Dropout(0.5));
      assertTrue(zeros(values(seq.apply(tf, ones, true))) > 0, "Sequential passes the flag on");
      assertEquals(0, zeros(values(seq.apply(tf, ones))));
    }
  }

  @Test
  void buildingASubclassedModelWithoutDataRunsItOnce() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      MyModel model = new MyModel();
      model.build(tf, Shape.of(-1, 3));
      assertTrue(model.built());
      assertEquals(12, model.variables().size());
      assertEquals("my_model/dense/kernel:0", model.variables().get(0).name());
      assertNotNull(model.getLayer("dense_1"));
      assertThrows(IllegalArgumentException.class, () -> model.getLayer("nope"));
      assertThrows(IllegalStateException.class, () -> model.build(tf));
      assertNull(model.inputSpec());
    }
  }
}
