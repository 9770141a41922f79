package dev.keraslite.saving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.layers.Dense;
import dev.keraslite.layers.LSTM;
import dev.keraslite.regularizers.L1L2;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keras 1's weight regularizers ({@code W_regularizer}, ...) read as Keras 2's L1L2. */
class LegacyRegularizerConfigTest {

  private static Map<String, Object> keras1Dense() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", "dense_1");
    c.put("output_dim", 3);
    c.put("init", "glorot_uniform");
    c.put("activation", "linear");
    c.put("bias", true);
    c.put("input_dtype", "float32");
    return c;
  }

  @Test
  void keras1WeightRegularizersBecomeL1L2() {
    Map<String, Object> c = keras1Dense();
    c.put("W_regularizer", Map.of("name", "L1L2Regularizer", "l1", 0.0, "l2", 0.01));
    c.put("b_regularizer", Map.of("name", "L1L2Regularizer", "l1", 0.5, "l2", 0.0));
    Dense dense = Dense.fromConfig(LegacyConfig.upgrade("Dense", c));
    L1L2 kernel = (L1L2) dense.kernelRegularizer();
    assertEquals(0.0, kernel.l1());
    assertEquals(0.01, kernel.l2());
    assertEquals(0.5, ((L1L2) dense.biasRegularizer()).l1());

    Map<String, Object> lstm = new LinkedHashMap<>();
    lstm.put("name", "lstm_1");
    lstm.put("output_dim", 4);
    lstm.put("input_dtype", "float32");
    lstm.put("U_regularizer", Map.of("name", "L1L2Regularizer", "l1", 0.25, "l2", 0.125));
    LSTM layer = LSTM.fromConfig(LegacyConfig.upgrade("LSTM", lstm));
    assertEquals(0.125, ((L1L2) layer.cell().recurrentRegularizer()).l2());
    assertNull(layer.cell().kernelRegularizer());
  }

  @Test
  void otherKeras1RegularizersAreRefusedByName() {
    Map<String, Object> c = keras1Dense();
    c.put("W_regularizer", Map.of("name", "WeightRegularizer", "l1", 0.0, "l2", 0.01));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LegacyConfig.upgrade("Dense", c));
    assertTrue(e.getMessage().startsWith("Dense 'dense_1': option W_regularizer="), e.getMessage());
    Map<String, Object> a = keras1Dense();
    a.put("activity_regularizer", Map.of("name", "ActivityRegularizer", "l1", 0.0, "l2", 0.01));
    e = assertThrows(IllegalArgumentException.class, () -> LegacyConfig.upgrade("Dense", a));
    assertTrue(e.getMessage().contains("activity_regularizer"), e.getMessage());
  }
}
