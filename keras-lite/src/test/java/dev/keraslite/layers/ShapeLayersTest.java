package dev.keraslite.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.models.Input;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;

/** Flatten and Reshape move values without changing them: the output is the input, row-major. */
class ShapeLayersTest {
  @Test
  void flattenKeepsTheBatchAxis() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(Flatten::new)
            .input(2, 3, 4, 1)
            .expectOutputShape(2, 12)
            .expectParams(0)
            .checkInputGradient()
            .run();
    assertArrayEquals(r.inputs().get(0), r.output());
  }

  @Test
  void flattenOfAVectorBatchGivesOneColumn() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(Flatten::new).input(4).expectOutputShape(4, 1).run();
    assertArrayEquals(r.inputs().get(0), r.output());
  }

  @Test
  void reshapeInfersTheMinusOne() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new Reshape(-1, 2))
            .input(2, 6)
            .expectOutputShape(2, 3, 2)
            .checkInputGradient()
            .run();
    assertArrayEquals(r.inputs().get(0), r.output());
  }

  @Test
  void reshapeToTheTutorialCnnVector() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new Reshape(7 * 7 * 4)).input(2, 7, 7, 4).expectOutputShape(2, 196).run();
    assertArrayEquals(r.inputs().get(0), r.output());
  }

  @Test
  void reshapeShapeInferenceOnSymbolicInput() {
    assertEquals(Shape.of(-1, 3, 4).toString(), new Reshape(3, -1).apply(Input.of(12)).shape().toString());
    assertEquals(Shape.of(-1, 784).toString(), new Flatten().apply(Input.of(28, 28, 1)).shape().toString());
  }

  @Test
  void reshapeRefusesAChangeOfSizeAndBadTargets() {
    Reshape reshape = new Reshape(5);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> reshape.apply(Input.of(6)));
    assertTrue(
        e.getMessage().startsWith("Reshape '" + reshape.name() + "': cannot reshape 6 values per example to [5]"),
        e.getMessage());
    assertTrue(e.getMessage().contains("received shape [None, 6]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Reshape(-1, -1));
    assertThrows(IllegalArgumentException.class, () -> new Reshape(0, 3));
  }
}
