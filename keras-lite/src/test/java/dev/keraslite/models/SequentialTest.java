package dev.keraslite.models;

import dev.keraslite.Eager;
import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.activations.Activations;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Flatten;
import dev.keraslite.layers.Layer;
import dev.keraslite.layers.LayerTestHarness;
import dev.keraslite.layers.Reshape;
import dev.keraslite.layers.Softmax;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class SequentialTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  /** The tutorial's MLP (TUTORIAL.md E3/E9). */
  private static Sequential mlp(boolean withInput) {
    Layer[] layers = {
      new Flatten(), new Dense(100).activation(Activations.relu()), new Dense(10), new Softmax()
    };
    return withInput ? new Sequential(Input.of(28, 28, 1), layers) : new Sequential(layers);
  }

  @Test
  void theTutorialMlpHas79510ParametersAndKnownShapes() {
    try (Eager eager = Eager.create()) {
      Sequential model = mlp(true);
      model.build(eager.tf());
      // 784*100 + 100 + 100*10 + 10
      assertEquals(79_510, model.countParams());
      assertEquals("sequential/dense/kernel:0", model.variables().get(0).name());
      String text = model.summary(s -> {});
      List<String> lines = List.of(text.split("\n"));
      assertEquals(
          List.of(
              "Model: \"sequential\"",
              "_".repeat(65),
              "Layer (type)                 Output Shape              Param #",
              "=".repeat(65),
              "flatten (Flatten)            (None, 784)               0",
              "_".repeat(65),
              "dense (Dense)                (None, 100)               78500",
              "_".repeat(65),
              "dense_1 (Dense)              (None, 10)                1010",
              "_".repeat(65),
              "softmax (Softmax)            (None, 10)                0",
              "=".repeat(65),
              "Total params: 79,510",
              "Trainable params: 79,510",
              "Non-trainable params: 0",
              "_".repeat(65)),
          lines);
    }
  }

  @Test
  void withoutAnInputShapesAreLearnedOnTheFirstApply() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential model = mlp(false);
      assertThrows(IllegalStateException.class, () -> model.summary(s -> {}));
      assertThrows(IllegalStateException.class, () -> model.build(tf));
      Operand<TFloat32> x = tf.zeros(tf.constant(new long[] {2, 28, 28, 1}), TFloat32.class);
      float[] p = values(model.apply(tf, x));
      assertEquals(20, p.length);
      double rowSum = 0;
      for (int i = 0; i < 10; i++) {
        rowSum += p[i];
      }
      assertEquals(1.0, rowSum, 1e-6, "softmax rows sum to one");
      assertTrue(model.summary(s -> {}).contains("dense (Dense)                (None, 100)               78500"));
      assertEquals(Shape.of(-1, 10).toString(), model.computeOutputShape(Shape.of(-1, 28, 28, 1)).toString());
    }
  }

  @Test
  void anIncompatibleLayerIsRefusedAndTheModelIsUnchanged() {
    Sequential model = new Sequential(Input.of(4), new Dense(10));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.add(new Reshape(3, 3)));
    assertTrue(e.getMessage().startsWith("Reshape 'reshape': cannot reshape 10 values per example to [3, 3]"), e.getMessage());
    assertEquals(1, model.layers().size());
    model.add(new Reshape(5, 2));
    assertEquals(2, model.layers().size());
  }

  @Test
  void aSequentialTrainsThroughTheHarnessOracle() {
    // A two-layer stack as one layer: the harness checks build, weights and a training step.
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new Sequential(new Dense(3).name("hidden"), new Dense(2).name("out")))
            .input(4, 5)
            .expectOutputShape(4, 2)
            .expectWeight("hidden/kernel", 5, 3)
            .expectWeight("hidden/bias", 3)
            .expectWeight("out/kernel", 3, 2)
            .expectWeight("out/bias", 2)
            .expectParams(5 * 3 + 3 + 3 * 2 + 2)
            .oracle(
                (tf, x, w) ->
                    tf.math.add(
                        tf.linalg.matMul(tf.math.add(tf.linalg.matMul(x.get(0), w.get(0)), w.get(1)), w.get(2)),
                        w.get(3)),
                1e-5)
            .run();
    assertFalse(r.layer().trainableVariables().isEmpty());
  }
}
