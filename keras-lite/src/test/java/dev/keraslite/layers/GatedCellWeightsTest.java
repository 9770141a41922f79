package dev.keraslite.layers;

import dev.keraslite.initializers.Initializer;
import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.Variable;
import dev.keraslite.initializers.Initializers;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;

/**
 * The weight options LSTMCell and GRUCell share: lifecycle errors naming the cell and the option,
 * and the weights each option gives (the gate equations are checked in LSTMTest and GRUTest).
 */
class GatedCellWeightsTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  private static void assertLifecycleErrors(RecurrentCell cell, String described, Runnable change) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      IllegalStateException early = assertThrows(IllegalStateException.class, () -> bias(cell));
      assertEquals(
          described + ": the bias is created on the first apply(); the cell is not built yet",
          early.getMessage());
      cell.build(tf, Shape.of(-1, 3));
      IllegalStateException late = assertThrows(IllegalStateException.class, change::run);
      assertTrue(
          late.getMessage().startsWith(described + ": cannot change kernelInitializer after the"),
          late.getMessage());
    }
  }

  private static Variable bias(RecurrentCell cell) {
    return cell instanceof LSTMCell ? ((LSTMCell) cell).bias() : ((GRUCell) cell).bias();
  }

  @Test
  void lstmCellRefusesEarlyReadsAndLateChanges() {
    LSTMCell cell = new LSTMCell(2);
    assertLifecycleErrors(
        cell, "LSTMCell 'lstm_cell'", () -> cell.kernelInitializer(Initializers.ones()));
  }

  @Test
  void gruCellRefusesEarlyReadsAndLateChanges() {
    GRUCell cell = new GRUCell(2);
    assertLifecycleErrors(
        cell, "GRUCell 'gru_cell'", () -> cell.kernelInitializer(Initializers.ones()));
  }

  @Test
  void nullInitializersAreRefusedByName() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> new GRUCell(2).recurrentInitializer((Initializer) null));
    assertEquals("recurrentInitializer", e.getMessage());
    e = assertThrows(NullPointerException.class, () -> new LSTMCell(2).biasInitializer((Initializer) null));
    assertEquals("biasInitializer", e.getMessage());
  }

  @Test
  void initializersReachTheirWeights() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      LSTMCell lstm =
          new LSTMCell(2)
              .kernelInitializer(Initializers.constant(0.5f))
              .recurrentInitializer(Initializers.constant(-0.25f))
              .biasInitializer(Initializers.constant(3f))
              .unitForgetBias(false);
      lstm.build(tf, Shape.of(-1, 3));
      assertArrayEquals(filled(3 * 8, 0.5f), values(lstm.kernel().value(tf)));
      assertArrayEquals(filled(2 * 8, -0.25f), values(lstm.recurrentKernel().value(tf)));
      assertArrayEquals(filled(8, 3f), values(lstm.bias().value(tf)), "no forget-gate ones");

      GRUCell gru = new GRUCell(2).useBias(false).kernelInitializer(Initializers.constant(2f));
      gru.build(tf, Shape.of(-1, 3));
      assertNull(gru.bias());
      assertEquals(2, gru.variables().size());
      assertEquals(
          List.of(Shape.of(3, 6), Shape.of(2, 6)),
          List.of(gru.kernel().shape(), gru.recurrentKernel().shape()));
      assertArrayEquals(filled(3 * 6, 2f), values(gru.kernel().value(tf)));
    }
  }

  private static float[] filled(int n, float value) {
    float[] a = new float[n];
    Arrays.fill(a, value);
    return a;
  }
}
