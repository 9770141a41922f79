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
import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** LSTM and LSTMCell against Keras's gate equations computed in double precision from their own weights. */
class LSTMTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  @Test
  void lastOutputMatchesTheGateEquations() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new LSTM(4).biasInitializer(Initializers.randomUniform(-0.5, 0.5, 5)))
            .input(2, 5, 3)
            .expectOutputShape(2, 4)
            .expectWeight("lstm_cell/kernel", 3, 16)
            .expectWeight("lstm_cell/recurrent_kernel", 4, 16)
            .expectWeight("lstm_cell/bias", 16)
            .expectParams(3 * 16 + 4 * 16 + 16)
            .checkInputGradient()
            .run();
    List<float[]> w = r.weights();
    RecurrentReference.Run run =
        RecurrentReference.lstm(r.inputs().get(0), 2, 5, 3, w.get(0), w.get(1), w.get(2), 4, null, null, false);
    assertClose(run.last(), r.output(), 1e-5, "LSTM last output");
    // unit_forget_bias: the forget block starts at one whatever the bias initializer says.
    for (int q = 4; q < 8; q++) {
      assertEquals(1f, w.get(2)[q], "forget-gate bias " + q);
    }
  }

  @Test
  void sequencesReadBackwardsMatchTheGateEquations() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new LSTM(3).returnSequences(true).goBackwards(true))
            .input(2, 4, 2)
            .expectOutputShape(2, 4, 3)
            .expectWeight("lstm_cell/kernel", 2, 12)
            .expectWeight("lstm_cell/recurrent_kernel", 3, 12)
            .expectWeight("lstm_cell/bias", 12)
            .expectParams(2 * 12 + 3 * 12 + 12)
            .run();
    List<float[]> w = r.weights();
    RecurrentReference.Run run =
        RecurrentReference.lstm(r.inputs().get(0), 2, 4, 2, w.get(0), w.get(1), w.get(2), 3, null, null, true);
    assertClose(run.sequence(2, 3), r.output(), 1e-5, "LSTM backward sequences");
  }

  @Test
  void returnStateAndInitialStateFollowKerasConventions() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      float[] x = {0.5f, -1, 0.25f, 2, -0.5f, 1, 0, 0.75f, -0.25f, 1.5f, 1, -2};
      float[] h0 = {0.1f, -0.2f, 0.3f, 0.4f, 0, -0.5f};
      float[] c0 = {1, -1, 0.5f, 0.2f, -0.3f, 0};
      LSTM lstm = new LSTM(3).returnState(true).useBias(false);
      List<Operand<TFloat32>> out =
          lstm.applyOutputs(
              tf,
              List.of(
                  tf.constant(Shape.of(2, 3, 2), DataBuffers.of(x)),
                  tf.constant(Shape.of(2, 3), DataBuffers.of(h0)),
                  tf.constant(Shape.of(2, 3), DataBuffers.of(c0))));
      assertEquals(3, out.size(), "[output, h, c]");
      assertEquals(2, lstm.variables().size(), "no bias");
      float[] k = values(lstm.cell().kernel().value(tf));
      float[] rk = values(lstm.cell().recurrentKernel().value(tf));
      RecurrentReference.Run run =
          RecurrentReference.lstm(x, 2, 3, 2, k, rk, null, 3,
              RecurrentReference.toDoubles(h0), RecurrentReference.toDoubles(c0), false);
      assertClose(run.last(), values(out.get(0)), 1e-5, "output");
      assertArrayEquals(values(out.get(0)), values(out.get(1)), "h is the output");
      assertClose(run.c(), values(out.get(2)), 1e-5, "c");
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> lstm.apply(tf, tf.zeros(tf.constant(new long[] {2, 3, 2}), TFloat32.class)));
      assertTrue(e.getMessage().contains("has 3 outputs: use applyOutputs"), e.getMessage());
    }
  }

  @Test
  void aCellSteppedByHandAsInTheTutorialMatchesTheEquations() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      int batch = 2;
      int time = 3;
      float[] xs = new float[batch * time * 5];
      for (int i = 0; i < xs.length; i++) {
        xs[i] = (float) Math.sin(i);
      }
      Operand<TFloat32> inputs = tf.constant(Shape.of(batch, time, 5), DataBuffers.of(xs));
      LSTMCell cell = new LSTMCell(4);
      // output, state = cell(inputs[:, t, :], state), from cell.get_initial_state(batch_size).
      List<Operand<TFloat32>> state = cell.getInitialState(tf, batch);
      assertEquals(2, state.size());
      assertShape(Shape.of(batch, 4), state.get(0).shape(), "initial h");
      Operand<TFloat32> output = null;
      for (int t = 0; t < time; t++) {
        RecurrentStep step =
            cell.apply(tf, tf.stridedSlice(inputs, Indices.all(), Indices.at(t), Indices.all()), state);
        output = step.output();
        state = step.states();
      }
      assertEquals("lstm_cell/kernel:0", cell.kernel().name());
      RecurrentReference.Run run =
          RecurrentReference.lstm(xs, batch, time, 5, values(cell.kernel().value(tf)),
              values(cell.recurrentKernel().value(tf)), values(cell.bias().value(tf)), 4, null, null, false);
      assertClose(run.last(), values(output), 1e-5, "hand-stepped LSTMCell");
      assertClose(run.c(), values(state.get(1)), 1e-5, "hand-stepped c");
    }
  }

  @Test
  void oneCellStepThroughTheHarness() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new RecurrentReference.CellStep(new LSTMCell(4).name("cell")))
            .input(3, 2)
            .input(3, 4)
            .input(3, 4)
            .expectOutputShape(3, 8)
            .expectWeight("cell/kernel", 2, 16)
            .expectWeight("cell/recurrent_kernel", 4, 16)
            .expectWeight("cell/bias", 16)
            .expectParams(2 * 16 + 4 * 16 + 16)
            .checkInputGradient()
            .run();
    List<float[]> w = r.weights();
    float[] x = r.inputs().get(0);
    RecurrentReference.Run run =
        RecurrentReference.lstm(x, 3, 1, 2, w.get(0), w.get(1), w.get(2), 4,
            RecurrentReference.toDoubles(r.inputs().get(1)), RecurrentReference.toDoubles(r.inputs().get(2)), false);
    double[] expected = new double[3 * 8];
    for (int b = 0; b < 3; b++) {
      System.arraycopy(run.h(), b * 4, expected, b * 8, 4);
      System.arraycopy(run.c(), b * 4, expected, b * 8 + 4, 4);
    }
    assertClose(expected, r.output(), 1e-5, "one LSTMCell step [h', c']");
  }

  @Test
  void tutorialLstmCellHas321536Parameters() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      LSTMCell cell = new LSTMCell(256);
      cell.build(tf, Shape.of(-1, 57));
      assertEquals(321_536, cell.countParams());
      assertEquals(List.of("lstm_cell/kernel:0", "lstm_cell/recurrent_kernel:0", "lstm_cell/bias:0"),
          cell.variables().stream().map(Variable::name).toList());
    }
  }

  @Test
  void kerasDefaultInitializers() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      LSTM lstm = new LSTM(5);
      lstm.build(tf, Shape.of(-1, 7, 6));
      int units = 5;
      // recurrent_kernel [5, 20] orthogonal: its rows are orthonormal.
      float[] rk = values(lstm.cell().recurrentKernel().value(tf));
      for (int a = 0; a < units; a++) {
        for (int b = 0; b < units; b++) {
          double dot = 0;
          for (int j = 0; j < 4 * units; j++) {
            dot += rk[a * 4 * units + j] * rk[b * 4 * units + j];
          }
          assertEquals(a == b ? 1 : 0, dot, 1e-5, "rk rk^T [" + a + "," + b + "]");
        }
      }
      float[] bias = values(lstm.cell().bias().value(tf));
      for (int j = 0; j < 4 * units; j++) {
        assertEquals(j >= units && j < 2 * units ? 1f : 0f, bias[j], "bias " + j);
      }
      double limit = Math.sqrt(6.0 / (6 + 20));
      for (float k : values(lstm.cell().kernel().value(tf))) {
        assertTrue(Math.abs(k) <= limit, "glorot_uniform kernel value " + k);
      }
      assertEquals(List.of("lstm/lstm_cell/kernel:0", "lstm/lstm_cell/recurrent_kernel:0", "lstm/lstm_cell/bias:0"),
          lstm.variables().stream().map(Variable::name).toList());
      // The nested cell's fixed name does not use up a stand-alone cell's automatic name.
      assertEquals("lstm_cell", new LSTMCell(2).name());
    }
  }

  @Test
  void symbolicShapes() {
    assertShape(Shape.of(-1, 7), new LSTM(7).apply(Input.of(10, 3)).shape(), "last output");
    assertShape(Shape.of(-1, 10, 7), new LSTM(7).returnSequences(true).apply(Input.of(10, 3)).shape(), "sequences");
    List<KerasTensor> outs = new LSTM(7).returnSequences(true).returnState(true).applyOutputs(List.of(Input.of(-1, 3)));
    assertEquals(3, outs.size());
    assertShape(Shape.of(-1, -1, 7), outs.get(0).shape(), "sequences of unknown length");
    assertShape(Shape.of(-1, 7), outs.get(2).shape(), "c");
  }

  @Test
  void badInputIsRefusedAndLeavesTheLayerAlone() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      LSTM lstm = new LSTM(3);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> lstm.apply(tf, tf.constant(new float[][] {{1, 2}})));
      assertEquals("LSTM 'lstm': expected input of rank 3 ([batch, time, features]), received shape [1, 2].", e.getMessage());
      assertTrue(lstm.variables().isEmpty());

      lstm.apply(tf, tf.zeros(tf.constant(new long[] {2, 4, 5}), TFloat32.class));
      List<float[]> before = new ArrayList<>();
      for (Variable v : lstm.variables()) {
        before.add(values(v.value(tf)));
      }
      e = assertThrows(
          IllegalArgumentException.class,
          () -> lstm.apply(tf, tf.zeros(tf.constant(new long[] {2, 4, 6}), TFloat32.class)));
      assertEquals("LSTM 'lstm': expected input with last dimension 5, received shape [2, 4, 6].", e.getMessage());
      e = assertThrows(
          IllegalArgumentException.class,
          () ->
              lstm.apply(
                  tf,
                  List.of(
                      tf.zeros(tf.constant(new long[] {2, 4, 5}), TFloat32.class),
                      tf.zeros(tf.constant(new long[] {1, 3}), TFloat32.class),
                      tf.zeros(tf.constant(new long[] {2, 3}), TFloat32.class))));
      assertEquals(
          "LSTM 'lstm': initial state 0: expected shape [2, 3] (the input's batch, units), received shape [1, 3].",
          e.getMessage());
      for (int i = 0; i < before.size(); i++) {
        assertArrayEquals(before.get(i), values(lstm.variables().get(i).value(tf)));
      }

      LSTMCell cell = new LSTMCell(3);
      e = assertThrows(
          IllegalArgumentException.class,
          () -> cell.apply(tf, tf.zeros(tf.constant(new long[] {2, 5}), TFloat32.class), cell.getInitialState(tf, 2).subList(0, 1)));
      assertEquals("LSTMCell 'lstm_cell': expected the input followed by 2 state tensors, received 2 tensors", e.getMessage());
      assertEquals("LSTM: units must be a positive integer, received 0",
          assertThrows(IllegalArgumentException.class, () -> new LSTM(0)).getMessage());
      assertEquals("LSTMCell: units must be a positive integer, received -1",
          assertThrows(IllegalArgumentException.class, () -> new LSTMCell(-1)).getMessage());
    }
  }

  @Test
  void configurationAfterBuildIsRefused() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      LSTM lstm = new LSTM(2);
      lstm.build(tf, Shape.of(-1, 3, 4));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> lstm.returnSequences(true));
      assertTrue(e.getMessage().contains("LSTM 'lstm': cannot change returnSequences after the layer is built"), e.getMessage());
      assertThrows(IllegalStateException.class, () -> lstm.activation(Activations.relu()));
      assertThrows(IllegalStateException.class, () -> lstm.cell().unitForgetBias(false));
      assertThrows(IllegalStateException.class, () -> lstm.recurrentInitializer(Initializers.zeros()));
    }
  }
}
