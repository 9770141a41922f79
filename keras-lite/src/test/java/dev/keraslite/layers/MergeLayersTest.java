package dev.keraslite.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.models.Input;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;

class MergeLayersTest {
  @Test
  void concatenateAlongTheLastAxis() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(Concatenate::new).input(2, 3).input(2, 2).expectOutputShape(2, 5).run();
    float[] a = r.inputs().get(0);
    float[] b = r.inputs().get(1);
    double[] expected = new double[10];
    for (int row = 0; row < 2; row++) {
      for (int j = 0; j < 3; j++) {
        expected[row * 5 + j] = a[row * 3 + j];
      }
      for (int j = 0; j < 2; j++) {
        expected[row * 5 + 3 + j] = b[row * 2 + j];
      }
    }
    LayerTestHarness.assertClose(expected, r.output(), 0, "concatenate");
  }

  @Test
  void concatenateAlongAMiddleAxis() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new Concatenate(1)).input(2, 1, 3).input(2, 2, 3).expectOutputShape(2, 3, 3).run();
    float[] a = r.inputs().get(0);
    float[] b = r.inputs().get(1);
    double[] expected = new double[18];
    for (int batch = 0; batch < 2; batch++) {
      for (int j = 0; j < 3; j++) {
        expected[batch * 9 + j] = a[batch * 3 + j];
        expected[batch * 9 + 3 + j] = b[batch * 6 + j];
        expected[batch * 9 + 6 + j] = b[batch * 6 + 3 + j];
      }
    }
    LayerTestHarness.assertClose(expected, r.output(), 0, "concatenate(axis=1)");
  }

  @Test
  void addSumsElementWiseAndBroadcasts() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(Add::new)
            .input(2, 3)
            .input(2, 3)
            .input(2, 1)
            .expectOutputShape(2, 3)
            .checkInputGradient()
            .run();
    float[] a = r.inputs().get(0);
    float[] b = r.inputs().get(1);
    float[] c = r.inputs().get(2);
    double[] expected = new double[6];
    for (int i = 0; i < 6; i++) {
      expected[i] = (double) a[i] + b[i] + c[i / 3];
    }
    LayerTestHarness.assertClose(expected, r.output(), 1e-6, "add");
  }

  @Test
  void mergeLayersRefuseMismatchedShapesAndSingleInputs() {
    Layer.clearNameCounters();
    Concatenate concat = new Concatenate();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> concat.apply(Input.of(2, 3), Input.of(3, 3)));
    assertEquals(
        "Concatenate 'concatenate': expected inputs with matching shapes except on the concatenation"
            + " axis -1, received shapes [None, 2, 3], [None, 3, 3]",
        e.getMessage());
    Add add = new Add();
    e = assertThrows(IllegalArgumentException.class, () -> add.apply(Input.of(3), Input.of(4)));
    assertTrue(e.getMessage().startsWith("Add 'add': expected inputs of equal or broadcastable shapes"), e.getMessage());
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      e = assertThrows(IllegalArgumentException.class, () -> add.apply(tf, tf.constant(new float[][] {{1}})));
      assertEquals("Add 'add': expected a list of at least 2 inputs, received 1 input of shape [1, 1]", e.getMessage());
      e = assertThrows(
          IllegalArgumentException.class,
          () -> concat.apply(tf, List.of(tf.constant(new float[][] {{1}}), tf.constant(new float[] {1}))));
      assertTrue(e.getMessage().contains("received shapes [1, 1], [1]"), e.getMessage());
      assertTrue(!concat.built() && !add.built(), "refused inputs must not build the layer");
    }
    assertEquals(Shape.of(-1, 5).toString(), new Concatenate().apply(Input.of(2), Input.of(3)).shape().toString());
  }
}
