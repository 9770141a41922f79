package dev.keraslite.layers;

import static dev.keraslite.layers.LayerTestHarness.assertClose;
import static dev.keraslite.layers.LayerTestHarness.assertShape;
import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.models.Input;
import dev.keraslite.Variable;
import dev.keraslite.initializers.Initializers;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** GRU and GRUCell against Keras's gate equations computed in double precision from their own weights. */
class GRUTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  @Test
  void resetAfterIsTheDefaultAndMatchesTheGateEquations() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new GRU(4).biasInitializer(Initializers.randomUniform(-0.5, 0.5, 6)))
            .input(2, 5, 3)
            .expectOutputShape(2, 4)
            .expectWeight("gru_cell/kernel", 3, 12)
            .expectWeight("gru_cell/recurrent_kernel", 4, 12)
            .expectWeight("gru_cell/bias", 2, 12)
            .expectParams(3 * 12 + 4 * 12 + 2 * 12)
            .checkInputGradient()
            .run();
    List<float[]> w = r.weights();
    RecurrentReference.Run run =
        RecurrentReference.gru(r.inputs().get(0), 2, 5, 3, w.get(0), w.get(1), w.get(2), 4, true, null);
    assertClose(run.last(), r.output(), 1e-5, "GRU (reset_after) last output");
  }

  @Test
  void resetBeforeHasOneBiasRowAndMatchesTheGateEquations() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(
                () ->
                    new GRU(3)
                        .resetAfter(false)
                        .returnSequences(true)
                        .biasInitializer(Initializers.randomUniform(-0.5, 0.5, 7)))
            .input(2, 4, 2)
            .expectOutputShape(2, 4, 3)
            .expectWeight("gru_cell/kernel", 2, 9)
            .expectWeight("gru_cell/recurrent_kernel", 3, 9)
            .expectWeight("gru_cell/bias", 9)
            .expectParams(2 * 9 + 3 * 9 + 9)
            .run();
    List<float[]> w = r.weights();
    RecurrentReference.Run run =
        RecurrentReference.gru(r.inputs().get(0), 2, 4, 2, w.get(0), w.get(1), w.get(2), 3, false, null);
    assertClose(run.sequence(2, 3), r.output(), 1e-5, "GRU (reset before) sequences");
  }

  @Test
  void oneCellStepThroughTheHarness() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(
                () ->
                    new RecurrentReference.CellStep(
                        new GRUCell(3).name("cell").biasInitializer(Initializers.randomUniform(-1, 1, 8))))
            .input(4, 2)
            .input(4, 3)
            .expectOutputShape(4, 3)
            .expectWeight("cell/kernel", 2, 9)
            .expectWeight("cell/recurrent_kernel", 3, 9)
            .expectWeight("cell/bias", 2, 9)
            .expectParams(2 * 9 + 3 * 9 + 2 * 9)
            .checkInputGradient()
            .run();
    List<float[]> w = r.weights();
    RecurrentReference.Run run =
        RecurrentReference.gru(r.inputs().get(0), 4, 1, 2, w.get(0), w.get(1), w.get(2), 3, true,
            RecurrentReference.toDoubles(r.inputs().get(1)));
    assertClose(run.h(), r.output(), 1e-5, "one GRUCell step");
  }

  @Test
  void returnStateGivesTheFinalHiddenState() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      float[] x = {0.5f, -1, 0.25f, 2, -0.5f, 1, 0, 0.75f, -0.25f, 1.5f, 1, -2};
      float[] h0 = {0.1f, -0.2f, 0.3f, 0.4f};
      GRU gru = new GRU(2).returnState(true).returnSequences(true);
      List<Operand<TFloat32>> out =
          gru.applyOutputs(
              tf,
              List.of(
                  tf.constant(Shape.of(2, 3, 2), DataBuffers.of(x)),
                  tf.constant(Shape.of(2, 2), DataBuffers.of(h0))));
      assertEquals(2, out.size(), "[sequences, h]");
      assertShape(Shape.of(2, 3, 2), out.get(0).shape(), "sequences");
      RecurrentReference.Run run =
          RecurrentReference.gru(x, 2, 3, 2, values(gru.cell().kernel().value(tf)),
              values(gru.cell().recurrentKernel().value(tf)), values(gru.cell().bias().value(tf)), 2, true,
              RecurrentReference.toDoubles(h0));
      assertClose(run.sequence(2, 2), values(out.get(0)), 1e-5, "sequences");
      assertClose(run.h(), values(out.get(1)), 1e-5, "final h");
      assertEquals(List.of("gru/gru_cell/kernel:0", "gru/gru_cell/recurrent_kernel:0", "gru/gru_cell/bias:0"),
          gru.variables().stream().map(Variable::name).toList());
      // Keras 3's defaults: zero biases, orthogonal recurrent kernel.
      assertArrayEquals(new float[2 * 3 * 2], values(gru.cell().bias().value(tf)));
    }
  }

  @Test
  void symbolicShapesAndLifecycle() {
    List<KerasTensor> outs = new GRU(5).returnState(true).applyOutputs(List.of(Input.of(8, 3)));
    assertEquals(2, outs.size());
    assertShape(Shape.of(-1, 5), outs.get(0).shape(), "output");
    assertShape(Shape.of(-1, 5), outs.get(1).shape(), "h");
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      GRU gru = new GRU(2).name("gru");
      gru.apply(tf, tf.zeros(tf.constant(new long[] {1, 2, 3}), TFloat32.class));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> gru.resetAfter(false));
      assertTrue(e.getMessage().contains("GRU 'gru': cannot change resetAfter after the layer is built"), e.getMessage());
      IllegalArgumentException bad =
          assertThrows(IllegalArgumentException.class, () -> gru.apply(tf, tf.zeros(tf.constant(new long[] {1, 3}), TFloat32.class)));
      assertEquals("GRU 'gru': expected input of rank 3 ([batch, time, features]), received shape [1, 3].", bad.getMessage());
    }
  }
}
