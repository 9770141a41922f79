package dev.keraslite;

import dev.keraslite.models.Model;
import dev.keraslite.models.Input;
import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Dropout;
import dev.keraslite.layers.Layer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Refused input and refused configuration: a clear exception, and nothing changed. */
class BadInputTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  static class TwoLayers extends Model {
    Dense hidden = new Dense(4).activation(Activations.relu()).kernelInitializer(Initializers.glorotUniform(1));
    Dense out = new Dense(2).kernelInitializer(Initializers.glorotUniform(2));

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
      return out.apply(tf, hidden.apply(tf, input));
    }
  }

  private static List<float[]> snapshot(Ops tf, Layer layer) {
    List<float[]> values = new ArrayList<>();
    for (Variable v : layer.variables()) {
      values.add(values(v.value(tf)));
    }
    return values;
  }

  private static void assertUnchanged(List<Variable> varsBefore, List<float[]> before, Ops tf, Layer layer) {
    assertEquals(varsBefore, layer.variables(), "no variable added or replaced");
    List<float[]> after = snapshot(tf, layer);
    for (int i = 0; i < before.size(); i++) {
      assertArrayEquals(before.get(i), after.get(i), "values of " + varsBefore.get(i).name());
    }
  }

  @Test
  void denseFedTheWrongInnerDimensionAfterBuild() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      TwoLayers model = new TwoLayers();
      model.apply(tf, tf.constant(new float[][] {{1, 2, 3}}));
      List<Variable> vars = model.variables();
      List<float[]> before = snapshot(tf, model);

      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> model.apply(tf, tf.constant(new float[][] {{1, 2, 3, 4}, {5, 6, 7, 8}})));
      assertEquals("Dense 'dense': expected input with last dimension 3, received shape [2, 4].", e.getMessage());
      assertUnchanged(vars, before, tf, model);

      // Under a tape, mid-step: the same refusal, and the model still works afterwards.
      try (GradientTape tape = new GradientTape(tf)) {
        assertThrows(IllegalArgumentException.class, () -> model.apply(tf, tf.constant(new float[] {1, 2, 3})));
      }
      assertUnchanged(vars, before, tf, model);
      assertEquals(2, values(model.apply(tf, tf.constant(new float[][] {{1, 2, 3}}))).length);
    }
  }

  @Test
  void imagesFedToADenseLayerBuiltForTheirFlattenedSize() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      new Dense(1); // takes the name "dense"
      Dense dense = new Dense(10);
      dense.build(tf, Shape.of(-1, 784));
      List<Variable> vars = dense.variables();
      List<float[]> before = snapshot(tf, dense);
      Operand<TFloat32> images = tf.zeros(tf.constant(new long[] {50, 28, 28}), TFloat32.class);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dense.apply(tf, images));
      assertEquals(
          "Dense 'dense_1': expected input with last dimension 784, received shape [50, 28, 28]."
              + " Add a Flatten layer before it.",
          e.getMessage());
      assertUnchanged(vars, before, tf, dense);
    }
  }

  @Test
  void inputRefusedBeforeTheFirstBuildCreatesNothing() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Dense dense = new Dense(2);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> dense.apply(tf, tf.constant(new float[] {1, 2, 3})));
      assertEquals("Dense 'dense': expected input of rank at least 2, received shape [3].", e.getMessage());
      assertFalse(dense.built());
      assertTrue(dense.variables().isEmpty());
    }
  }

  @Test
  void configurationAfterBuildIsRefused() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      TwoLayers model = new TwoLayers();
      model.hidden.activation(Activations.tanh()); // before build: fine
      model.apply(tf, tf.constant(new float[][] {{1, 2, 3}}));
      List<Variable> vars = model.variables();
      List<float[]> before = snapshot(tf, model);

      IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.hidden.activation(Activations.relu()));
      assertEquals(
          "Dense 'dense': cannot change activation after the layer is built (its weights exist);"
              + " configure it before its first apply()",
          e.getMessage());
      e = assertThrows(IllegalStateException.class, () -> model.out.kernelInitializer(Initializers.ones()));
      assertTrue(e.getMessage().startsWith("Dense 'dense_1': cannot change kernelInitializer"), e.getMessage());
      e = assertThrows(IllegalStateException.class, () -> model.out.useBias(false));
      assertTrue(e.getMessage().contains("useBias"), e.getMessage());
      e = assertThrows(IllegalStateException.class, () -> model.name("renamed"));
      assertTrue(e.getMessage().startsWith("TwoLayers 'two_layers': cannot change name"), e.getMessage());
      assertEquals(Activations.tanh().toString(), model.hidden.activation().toString());
      assertUnchanged(vars, before, tf, model);

      Dropout dropout = new Dropout(0.5);
      dropout.apply(tf, tf.constant(new float[][] {{1}}));
      assertThrows(IllegalStateException.class, () -> dropout.seed(1));
    }
  }

  @Test
  void badConstructorArgumentsNameTheProblem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Dense(0));
    assertEquals("Dense: units must be a positive integer, received 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new dev.keraslite.layers.Activation("rleu"));
    assertTrue(e.getMessage().startsWith("Unknown activation 'rleu'; valid: elu, gelu,"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Input.of(0, 3));
  }
}
