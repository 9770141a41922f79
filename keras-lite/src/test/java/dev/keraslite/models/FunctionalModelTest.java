package dev.keraslite.models;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.Variable;
import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Add;
import dev.keraslite.layers.Concatenate;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.KerasTensor;
import dev.keraslite.layers.Layer;
import dev.keraslite.layers.LayerTestHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class FunctionalModelTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  /**
   * Two inputs: concat(a, b) -> Dense(4, relu) plus a skip Dense(4) on a -> Add -> Dense(1). The
   * Concatenate sits on the raw inputs, so training reaches every weight through MatMul, BiasAdd,
   * Relu and AddV2 only.
   */
  private static Model twoInputModel() {
    KerasTensor a = Input.of("a", 3);
    KerasTensor b = Input.of("b", 2);
    KerasTensor joined = new Concatenate().apply(a, b);
    KerasTensor hidden =
        new Dense(4).activation(Activations.relu()).kernelInitializer(Initializers.glorotUniform(1)).apply(joined);
    KerasTensor skip = new Dense(4).kernelInitializer(Initializers.glorotUniform(2)).apply(a);
    KerasTensor sum = new Add().apply(hidden, skip);
    KerasTensor out = new Dense(1).kernelInitializer(Initializers.glorotUniform(3)).apply(sum);
    assertEquals(Shape.of(-1, 5).toString(), joined.shape().toString());
    assertEquals(Shape.of(-1, 1).toString(), out.shape().toString());
    return Model.of(List.of(a, b), out);
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
  void twoInputModelTrainsAndMatchesAHandWrittenForwardPass() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Model model = twoInputModel();
      Operand<TFloat32> xa = random(tf, 1, 16, 3);
      Operand<TFloat32> xb = random(tf, 2, 16, 2);
      // A target the model can fit: a fixed linear function of both inputs.
      Operand<TFloat32> target =
          tf.math.add(
              tf.linalg.matMul(xa, tf.constant(new float[][] {{1}, {-2}, {0.5f}})),
              tf.linalg.matMul(xb, tf.constant(new float[][] {{3}, {1}})));

      Operand<TFloat32> y = model.apply(tf, List.of(xa, xb));
      assertEquals(Shape.of(16, 1).toString(), y.shape().toString());
      Dense hidden = (Dense) model.getLayer("dense");
      Dense skip = (Dense) model.getLayer("dense_1");
      Dense head = (Dense) model.getLayer("dense_2");
      Operand<TFloat32> byHand =
          tf.math.add(
              tf.linalg.matMul(
                  tf.math.add(
                      tf.nn.relu(
                          tf.math.add(
                              tf.linalg.matMul(tf.concat(List.of(xa, xb), tf.constant(1)), hidden.kernel().value(tf)),
                              hidden.bias().value(tf))),
                      tf.math.add(tf.linalg.matMul(xa, skip.kernel().value(tf)), skip.bias().value(tf))),
                  head.kernel().value(tf)),
              head.bias().value(tf));
      LayerTestHarness.assertClose(values(byHand), values(y), 1e-6, "functional forward pass");
      assertEquals("functional/dense/kernel:0", model.variables().get(0).name());

      List<Float> losses = new ArrayList<>();
      for (int step = 0; step < 30; step++) {
        try (GradientTape tape = new GradientTape(tf)) {
          Operand<TFloat32> pred = model.apply(tf, List.of(xa, xb), true);
          Operand<TFloat32> loss =
              tf.math.mean(tf.math.square(tf.math.sub(pred, target)), tf.constant(new int[] {0, 1}));
          losses.add(values(loss)[0]);
          List<Operand<?>> grads = tape.gradient(loss, model.trainableVariables());
          List<Variable> vars = model.trainableVariables();
          for (int i = 0; i < vars.size(); i++) {
            @SuppressWarnings("unchecked")
            Operand<TFloat32> g = (Operand<TFloat32>) grads.get(i);
            vars.get(i).assignSub(tf, tf.math.mul(g, tf.constant(0.05f)));
          }
        }
      }
      assertTrue(losses.get(29) < 0.5 * losses.get(0), "loss falls: " + losses);
      for (int i = 1; i < losses.size(); i++) {
        assertTrue(losses.get(i) < losses.get(i - 1), "loss falls at every step: " + losses);
      }
    }
  }

  @Test
  void summaryShowsShapesParamsAndConnections() {
    try (Eager eager = Eager.create()) {
      Model model = twoInputModel();
      model.build(eager.tf());
      String text = model.summary(s -> {});
      String[] lines = text.split("\n");
      assertEquals("Model: \"functional\"", lines[0]);
      assertEquals("_".repeat(98), lines[1]);
      assertEquals(List.of("Layer (type)", "Output Shape", "Param #", "Connected to"), ModelTest.cells(lines[2]));
      assertEquals("=".repeat(98), lines[3]);
      List<List<String>> rows = new ArrayList<>();
      for (int i = 4; i < lines.length; i++) {
        if (!lines[i].startsWith("_") && !lines[i].startsWith("=") && !lines[i].contains("params:")) {
          rows.add(ModelTest.cells(lines[i]));
        }
      }
      assertEquals(
          List.of(
              List.of("a (InputLayer)", "(None, 3)", "0", "-"),
              List.of("b (InputLayer)", "(None, 2)", "0", "-"),
              List.of("concatenate (Concatenate)", "(None, 5)", "0", "a[0][0]"),
              List.of("b[0][0]"),
              List.of("dense (Dense)", "(None, 4)", "24", "concatenate[0][0]"),
              List.of("dense_1 (Dense)", "(None, 4)", "16", "a[0][0]"),
              List.of("add (Add)", "(None, 4)", "0", "dense[0][0]"),
              List.of("dense_1[0][0]"),
              List.of("dense_2 (Dense)", "(None, 1)", "5", "add[0][0]")),
          rows);
      // 5*4+4 + 3*4+4 + 4*1+1
      assertTrue(text.endsWith("Total params: 45\nTrainable params: 45\nNon-trainable params: 0\n" + "_".repeat(98) + "\n"), text);
      // The connection column starts where Keras puts it, at 65 characters.
      assertEquals(65, lines[2].indexOf("Connected to"));
    }
  }

  @Test
  void aChainOfLayersHasNoConnectionColumn() {
    try (Eager eager = Eager.create()) {
      KerasTensor x = Input.of(4);
      Model model = Model.of(x, new Dense(2).apply(new Dense(3).apply(x)));
      model.build(eager.tf());
      String text = model.summary(s -> {});
      assertTrue(text.contains("\n" + "=".repeat(65) + "\n"), text);
      assertTrue(!text.contains("Connected to"), text);
      assertTrue(text.contains("Total params: 23\n"), text); // 4*3+3 + 3*2+2
    }
  }

  @Test
  void severalOutputsAndNesting() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      KerasTensor x = Input.of(3);
      Dense shared = new Dense(2);
      KerasTensor h = shared.apply(x);
      Model twoHeads = Model.of(List.of(x), List.of(new Dense(1).apply(h), new Dense(5).apply(h)));
      List<Operand<TFloat32>> outs = twoHeads.applyOutputs(tf, List.of(tf.constant(new float[][] {{1, 2, 3}})));
      assertEquals(2, outs.size());
      assertEquals(Shape.of(1, 5).toString(), outs.get(1).shape().toString());
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> twoHeads.apply(tf, tf.constant(new float[][] {{1, 2, 3}})));
      assertEquals("Functional 'functional' has 2 outputs: use applyOutputs(...) to get them all", e.getMessage());

      // A functional model is a layer: it can be applied symbolically inside another.
      KerasTensor y = Input.of(3);
      Model inner = Model.of(x, h);
      KerasTensor z = new Dense(1).apply(inner.apply(y));
      Model outer = Model.of(y, z);
      assertEquals(Shape.of(2, 1).toString(), outer.apply(tf, tf.constant(new float[][] {{1, 2, 3}, {4, 5, 6}})).shape().toString());
      assertEquals(3 * 2 + 2 + 2 * 1 + 1, outer.countParams());
    }
  }

  @Test
  void badGraphsAndBadInputsAreRefused() {
    KerasTensor a = Input.of("a", 3);
    KerasTensor b = Input.of("b", 2);
    KerasTensor joined = new Concatenate().apply(a, b);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Model.of(a, joined));
    assertTrue(e.getMessage().startsWith("Model.of: graph disconnected: cannot obtain the value of <KerasTensor shape=(None, 2), dtype=float32, name=b> needed by layer 'concatenate'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Model.of(joined, joined), "inputs must come from Input.of");

    Model model = Model.of(List.of(a, b), joined);
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      e = assertThrows(IllegalArgumentException.class,
          () -> model.apply(tf, List.of(tf.constant(new float[][] {{1, 2, 3}}), tf.constant(new float[][] {{1, 2, 3}}))));
      assertEquals("Functional 'functional': input 1: expected input of shape [None, 2], received shape [1, 3].", e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> model.apply(tf, tf.constant(new float[][] {{1, 2, 3}})));
      assertEquals("Functional 'functional': expected 2 inputs, received 1", e.getMessage());
    }
  }
}
