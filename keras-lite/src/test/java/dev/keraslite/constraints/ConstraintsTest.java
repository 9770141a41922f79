package dev.keraslite.constraints;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The constraints against plain arithmetic on a [3, 4] weight (rows i, columns j). */
class ConstraintsTest {
  private static final int ROWS = 3;
  private static final int COLS = 4;
  /** Columns of norm about 3.7, 0.37, 0, 1.2; rows of norm 3.0, 1.4, 2.9: on both sides of 1 and 2. */
  private static final float[] W = {
    2f, 0.1f, 0f, -0.5f,
    -1.5f, 0.3f, 0f, 0.6f,
    2.5f, -0.2f, 0f, -0.9f
  };
  private static final double EPS = 1e-7;

  private static float[] run(Constraint c) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> out = c.apply(tf, tf.constant(Shape.of(ROWS, COLS), DataBuffers.of(W)));
      assertEquals(Shape.of(ROWS, COLS), out.shape());
      float[] v = new float[ROWS * COLS];
      out.asTensor().copyTo(DataBuffers.of(v, false, false));
      return v;
    }
  }

  /** Norms of the columns (axis 0) or of the rows (axis 1). */
  private static double norm(int axis, int index) {
    double s = 0;
    for (int k = 0; k < (axis == 0 ? ROWS : COLS); k++) {
      double x = axis == 0 ? W[k * COLS + index] : W[index * COLS + k];
      s += x * x;
    }
    return Math.sqrt(s);
  }

  /** W with each slice (over {@code axis}) scaled by {@code scale(norm)}. */
  private static double[] scaled(int axis, java.util.function.DoubleUnaryOperator scale) {
    double[] out = new double[ROWS * COLS];
    for (int i = 0; i < ROWS; i++) {
      for (int j = 0; j < COLS; j++) {
        double n = norm(axis, axis == 0 ? j : i);
        out[i * COLS + j] = W[i * COLS + j] * scale.applyAsDouble(n);
      }
    }
    return out;
  }

  private static void assertClose(double[] expected, float[] actual, String what) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-5, what + " [" + i + "]");
    }
  }

  @Test
  void maxNormRescalesOnlyTheSlicesAboveTheMaximum() {
    assertClose(scaled(0, n -> Math.min(n, 2) / (EPS + n)), run(new MaxNorm()), "MaxNorm() on columns");
    assertClose(scaled(1, n -> Math.min(n, 1.5) / (EPS + n)), run(new MaxNorm(1.5, 1)), "MaxNorm(1.5, axis 1)");
    assertClose(scaled(1, n -> Math.min(n, 1.5) / (EPS + n)), run(new MaxNorm(1.5, -1)), "axis -1");
    // Over both axes: one norm for the whole weight.
    double total = 0;
    for (float x : W) {
      total += (double) x * x;
    }
    double all = Math.sqrt(total);
    double[] expected = new double[W.length];
    for (int i = 0; i < W.length; i++) {
      expected[i] = W[i] * Math.min(all, 2) / (EPS + all);
    }
    assertClose(expected, run(new MaxNorm(2, 0, 1)), "MaxNorm over axes 0 and 1");
  }

  @Test
  void unitNormAndMinMaxNormMatchKerasFormulas() {
    assertClose(scaled(0, n -> 1 / (EPS + n)), run(new UnitNorm()), "UnitNorm() on columns");
    assertClose(scaled(1, n -> 1 / (EPS + n)), run(new UnitNorm(1)), "UnitNorm(axis 1)");
    assertClose(
        scaled(0, n -> (0.5 * Math.min(Math.max(n, 0.5), 1.5) + 0.5 * n) / (EPS + n)),
        run(new MinMaxNorm(0.5, 1.5, 0.5, 0)),
        "MinMaxNorm(0.5, 1.5, rate 0.5)");
    assertClose(
        scaled(0, n -> Math.min(Math.max(n, 0), 1) / (EPS + n)), run(new MinMaxNorm()), "MinMaxNorm()");
  }

  @Test
  void nonNegZeroesTheNegativeEntries() {
    float[] out = run(new NonNeg());
    for (int i = 0; i < W.length; i++) {
      assertEquals(Math.max(W[i], 0f), out[i], 0f, "[" + i + "]");
    }
  }

  @Test
  void configsRoundTripInKerasForm() {
    List<Constraint> all =
        List.of(new MaxNorm(), new MaxNorm(3.5, 1), new MaxNorm(2, 0, 1), new NonNeg(), new UnitNorm(-1),
            new MinMaxNorm(0.25, 4, 0.5, 0));
    for (Constraint c : all) {
      Map<String, Object> form = Constraints.serialize(c);
      assertEquals("keras.constraints", form.get("module"));
      assertEquals(c.getClass().getSimpleName(), form.get("class_name"));
      Constraint back = Constraints.deserialize(form);
      assertEquals(c.getClass(), back.getClass());
      assertEquals(c.getConfig(), back.getConfig());
      assertArrayEquals(run(c), run(back), c.toString());
    }
    assertEquals(Map.of("max_value", 2.0, "axis", 0), new MaxNorm().getConfig());
    assertEquals(Map.of("max_value", 2.0, "axis", List.of(0, 1)), new MaxNorm(2, 0, 1).getConfig());
    assertEquals(Map.of(), new NonNeg().getConfig());
    assertNull(Constraints.serialize(null));
    assertNull(Constraints.deserialize(null));
    // Keras 2's form and Keras's names.
    MaxNorm keras2 =
        assertInstanceOf(MaxNorm.class,
            Constraints.deserialize(Map.of("class_name", "MaxNorm", "config", Map.of("max_value", 3, "axis", 0))));
    assertEquals(3.0, keras2.maxValue());
    assertEquals(2.0, assertInstanceOf(MaxNorm.class, Constraints.get("max_norm")).maxValue());
    assertInstanceOf(NonNeg.class, Constraints.deserialize("non_neg"));
    assertArrayEquals(new int[] {0}, assertInstanceOf(UnitNorm.class, Constraints.get("unit_norm")).axis());
    assertEquals(1.0, assertInstanceOf(MinMaxNorm.class, Constraints.get("min_max_norm")).maxValue());
  }

  @Test
  void badConstraintsAreRefusedClearly() {
    BiFunction<Class<? extends Throwable>, org.junit.jupiter.api.function.Executable, String> message =
        (type, call) -> assertThrows(type, call).getMessage();
    String m =
        message.apply(IllegalArgumentException.class,
            () -> Constraints.deserialize(Map.of("class_name", "RadialConstraint", "config", Map.of())));
    assertTrue(m.startsWith(
        "Unknown constraint 'RadialConstraint'; valid: MaxNorm, MinMaxNorm, NonNeg, UnitNorm, max_norm,"
            + " min_max_norm, non_neg, unit_norm"), m);
    m = message.apply(IllegalArgumentException.class, () -> new MaxNorm(-1));
    assertEquals("MaxNorm: maxValue must be a finite non-negative number, received -1.0", m);
    m = message.apply(IllegalArgumentException.class, () -> new MinMaxNorm(2, 1));
    assertTrue(m.startsWith("MinMaxNorm: minValue must not exceed maxValue"), m);
    m = message.apply(IllegalArgumentException.class, () -> new UnitNorm(new int[0]));
    assertEquals("UnitNorm: axis needs at least one axis", m);
    m = message.apply(IllegalArgumentException.class, () -> NonNegFromConfig.read());
    assertTrue(m.contains("NonNeg: unknown config key 'x'"), m);
    Constraint lambda = (tf, w) -> w;
    assertThrows(IllegalArgumentException.class, () -> Constraints.serialize(lambda));
    assertThrows(UnsupportedOperationException.class, lambda::getConfig);
  }

  private static final class NonNegFromConfig {
    static Constraint read() {
      return Constraints.deserialize(Map.of("class_name", "NonNeg", "config", Map.of("x", 1)));
    }
  }
}
