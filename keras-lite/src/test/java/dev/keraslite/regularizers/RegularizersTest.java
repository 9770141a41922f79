package dev.keraslite.regularizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.Variable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class RegularizersTest {
  private static final Shape SHAPE = Shape.of(2, 3, 2);

  /** Values away from 0, so that |x| is differentiable within the finite-difference step. */
  private static float[] sample(long seed) {
    Random r = new Random(seed);
    float[] v = new float[(int) SHAPE.size()];
    for (int i = 0; i < v.length; i++) {
      float m = 0.1f + r.nextFloat();
      v[i] = r.nextBoolean() ? m : -m;
    }
    return v;
  }

  private static Operand<TFloat32> tensor(Ops tf, float[] v) {
    return tf.constant(SHAPE, DataBuffers.of(v));
  }

  private static double scalar(Operand<TFloat32> x) {
    assertEquals(0, x.shape().numDimensions(), "a penalty is a scalar");
    return x.asTensor().getFloat();
  }

  private static double sumAbs(float[] v) {
    double s = 0;
    for (float x : v) {
      s += Math.abs((double) x);
    }
    return s;
  }

  private static double sumSquares(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return s;
  }

  @Test
  void penaltiesMatchPlainArithmetic() {
    float[] v = sample(1);
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> x = tensor(tf, v);
      assertEquals(0.03 * sumAbs(v), scalar(new L1(0.03).apply(tf, x)), 1e-5);
      assertEquals(0.2 * sumSquares(v), scalar(new L2(0.2).apply(tf, x)), 1e-5);
      assertEquals(
          0.03 * sumAbs(v) + 0.2 * sumSquares(v), scalar(new L1L2(0.03, 0.2).apply(tf, x)), 1e-5);
      // Keras's defaults: L1 and L2 0.01, L1L2 nothing.
      assertEquals(0.01 * sumAbs(v), scalar(new L1().apply(tf, x)), 1e-6);
      assertEquals(0.01 * sumSquares(v), scalar(new L2().apply(tf, x)), 1e-6);
      assertEquals(0.0, scalar(new L1L2().apply(tf, x)));
      assertEquals(0.5 * sumSquares(v), scalar(new L1L2(0, 0.5).apply(tf, x)), 1e-5);
    }
  }

  /** The tape's gradient of each penalty against central differences of the penalty's own values. */
  @Test
  void gradientsMatchFiniteDifferences() {
    float[] v = sample(2);
    float h = 0.01f; // below every |x| (>= 0.1): no sign change; the L2 part is exact for any h
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      for (Regularizer reg : List.of(new L1(0.03), new L2(0.2), new L1L2(0.07, 0.4))) {
        Variable var = new Variable(tf, "w", tensor(tf, v), true);
        float[] grad;
        try (GradientTape tape = new GradientTape(tf)) {
          Operand<TFloat32> penalty = reg.apply(tf, var.value(tf));
          @SuppressWarnings("unchecked")
          Operand<TFloat32> g = (Operand<TFloat32>) tape.gradient(penalty, var);
          grad = new float[v.length];
          g.asTensor().copyTo(DataBuffers.of(grad, false, false));
        }
        for (int i = 0; i < v.length; i++) {
          float[] plus = v.clone();
          float[] minus = v.clone();
          plus[i] += h;
          minus[i] -= h;
          double fd =
              (scalar(reg.apply(tf, tensor(tf, plus))) - scalar(reg.apply(tf, tensor(tf, minus))))
                  / ((double) plus[i] - minus[i]);
          assertEquals(fd, grad[i], 2e-3, reg + ": d/dx[" + i + "]");
        }
      }
    }
  }

  @Test
  void configsRoundTripInKerasForm() {
    for (Regularizer reg : List.of(new L1(0.003), new L2(0.25), new L1L2(0.5, 0.125), new L1(), new L1L2())) {
      Map<String, Object> form = Regularizers.serialize(reg);
      assertEquals("keras.regularizers", form.get("module"));
      assertEquals(reg.getClass().getSimpleName(), form.get("class_name"));
      assertTrue(form.containsKey("registered_name"));
      assertNull(form.get("registered_name"));
      Regularizer back = Regularizers.deserialize(form);
      assertEquals(reg.getClass(), back.getClass());
      assertEquals(reg.getConfig(), back.getConfig());
    }
    assertEquals(Map.of("l2", 0.25), new L2(0.25).getConfig());
    assertEquals(Map.of("l1", 0.5, "l2", 0.125), new L1L2(0.5, 0.125).getConfig());
    assertNull(Regularizers.serialize(null));
    assertNull(Regularizers.deserialize(null));
  }

  @Test
  void readsKeras2FormsAndNames() {
    Map<String, Object> keras2 = new LinkedHashMap<>();
    keras2.put("class_name", "L1L2");
    keras2.put("config", Map.of("l1", 0.0, "l2", 0.009999999776482582));
    L1L2 reg = assertInstanceOf(L1L2.class, Regularizers.deserialize(keras2));
    assertEquals(0.0, reg.l1());
    assertEquals(0.009999999776482582, reg.l2());
    assertEquals(0.01, assertInstanceOf(L2.class, Regularizers.deserialize("l2")).l2());
    assertEquals(0.01, assertInstanceOf(L1.class, Regularizers.get("l1")).l1());
    L1L2 both = assertInstanceOf(L1L2.class, Regularizers.get("l1_l2"));
    assertEquals(0.0, both.l1());
    assertEquals(0.0, both.l2());
    // A config without the factor takes Keras's default.
    assertEquals(0.01, L2.fromConfig(Map.of()).l2());
  }

  @Test
  void unknownOrBadRegularizersAreRefusedClearly() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Regularizers.deserialize(Map.of("class_name", "OrthogonalRegularizer", "config", Map.of())));
    assertTrue(e.getMessage().equals(
        "Unknown regularizer 'OrthogonalRegularizer'; valid: L1, L1L2, L2, l1, l1_l2, l2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Regularizers.get("l3"));
    assertTrue(e.getMessage().contains("'l3'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new L2(-0.1));
    assertEquals("L2: l2 must be a finite non-negative number, received -0.1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new L1L2(Double.NaN, 0));
    assertTrue(e.getMessage().startsWith("L1L2: l1 must be"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> L2.fromConfig(Map.of("l", 0.1)));
    assertTrue(e.getMessage().contains("unknown config key 'l'"), e.getMessage());
    Regularizer lambda = (tf, x) -> tf.constant(0f);
    assertThrows(IllegalArgumentException.class, () -> Regularizers.serialize(lambda));
    assertThrows(UnsupportedOperationException.class, lambda::getConfig);
  }
}
