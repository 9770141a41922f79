package dev.keraslite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.autodiff.MissingGradientException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class GradientTapeTest {
  private Eager eager;
  private Ops tf;

  @BeforeEach
  void open() {
    eager = Eager.create();
    tf = eager.tf();
  }

  @AfterEach
  void close() {
    eager.close();
  }

  private static float scalar(Operand<?> x) {
    return ((TFloat32) x.asTensor()).getFloat();
  }

  @Test
  void watchedConstantGetsItsGradient() {
    Operand<TFloat32> x = tf.constant(3f);
    try (GradientTape tape = new GradientTape(tf)) {
      tape.watch(x);
      Operand<TFloat32> y = tf.math.mul(x, x);
      assertEquals(6f, scalar(tape.gradient(y, x)), 1e-6);
    }
  }

  @Test
  void unwatchedConstantHasNoGradient() {
    Operand<TFloat32> x = tf.constant(3f);
    Operand<TFloat32> z = tf.constant(5f);
    try (GradientTape tape = new GradientTape(tf)) {
      tape.watch(x);
      Operand<TFloat32> y = tf.math.mul(x, z);
      List<Operand<?>> g = tape.gradient(y, List.of(x, z));
      assertEquals(5f, scalar(g.get(0)), 1e-6);
      assertNull(g.get(1), "z was never watched");
    }
  }

  @Test
  void gradientsComeBackInSourceOrderWithNullForUnconnected() {
    Variable a = new Variable(tf, "a", tf.constant(2f), true);
    Variable unused = new Variable(tf, "unused", tf.constant(1f), true);
    Variable b = new Variable(tf, "b", tf.constant(3f), true);
    try (GradientTape tape = new GradientTape(tf)) {
      Operand<TFloat32> y = tf.math.mul(a.value(tf), tf.math.square(b.<TFloat32>value(tf)));
      List<Operand<?>> g = tape.gradient(y, List.of(b, unused, a));
      assertEquals(12f, scalar(g.get(0)), 1e-6); // d(a b^2)/db = 2ab
      assertNull(g.get(1));
      assertEquals(9f, scalar(g.get(2)), 1e-6); // b^2
    }
  }

  @Test
  void variableReadTwiceAccumulates() {
    Variable v = new Variable(tf, "v", tf.constant(4f), true);
    try (GradientTape tape = new GradientTape(tf)) {
      Operand<TFloat32> y = tf.math.add(tf.math.mul(v.value(tf), tf.constant(3f)), v.value(tf));
      assertEquals(4f, scalar(tape.gradient(y, v)), 1e-6);
    }
  }

  @Test
  void nonTrainableVariablesAreNotWatchedUnlessAsked() {
    Variable v = new Variable(tf, "frozen", tf.constant(4f), false);
    try (GradientTape tape = new GradientTape(tf)) {
      Operand<TFloat32> y = tf.math.square(v.<TFloat32>value(tf));
      assertNull(tape.gradient(y, v));
    }
    try (GradientTape tape = new GradientTape(tf)) {
      tape.watch(v);
      Operand<TFloat32> y = tf.math.square(v.<TFloat32>value(tf));
      assertEquals(8f, scalar(tape.gradient(y, v)), 1e-6);
    }
  }

  @Test
  void watchAccessedVariablesCanBeTurnedOff() {
    Variable v = new Variable(tf, "v", tf.constant(4f), true);
    try (GradientTape tape = new GradientTape(tf, false, false)) {
      Operand<TFloat32> y = tf.math.square(v.<TFloat32>value(tf));
      assertNull(tape.gradient(y, v));
    }
  }

  @Test
  void plainTapeAllowsOneGradientCall() {
    Operand<TFloat32> x = tf.constant(3f);
    try (GradientTape tape = new GradientTape(tf)) {
      tape.watch(x);
      Operand<TFloat32> y = tf.math.square(x);
      tape.gradient(y, x);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> tape.gradient(y, x));
      assertTrue(e.getMessage().contains("only be called once on a non-persistent tape"), e.getMessage());
      assertTrue(e.getMessage().contains("GradientTape.persistent"), e.getMessage());
    }
  }

  @Test
  void persistentTapeAllowsSeveralCalls() {
    Operand<TFloat32> x = tf.constant(3f);
    try (GradientTape tape = GradientTape.persistent(tf)) {
      tape.watch(x);
      Operand<TFloat32> y = tf.math.square(x);
      Operand<TFloat32> z = tf.math.mul(y, x);
      assertEquals(6f, scalar(tape.gradient(y, x)), 1e-6);
      assertEquals(27f, scalar(tape.gradient(z, x)), 1e-6);
    }
  }

  @Test
  void gradientAfterCloseAsAfterPythonsWithBlock() {
    Operand<TFloat32> x = tf.constant(3f);
    GradientTape tape = new GradientTape(tf);
    Operand<TFloat32> y;
    try (tape) {
      tape.watch(x);
      y = tf.math.square(x);
    }
    assertEquals(6f, scalar(tape.gradient(y, x)), 1e-6);
    // The target stays readable after the forward values are released.
    assertEquals(9f, scalar(y), 1e-6);
  }

  @Test
  void nestedTapesGiveSecondDerivatives() {
    Operand<TFloat32> x = tf.constant(2f);
    try (GradientTape outer = new GradientTape(tf)) {
      outer.watch(x);
      Operand<TFloat32> dy;
      try (GradientTape inner = new GradientTape(tf)) {
        inner.watch(x);
        Operand<TFloat32> y = tf.math.mul(tf.math.square(x), x); // x^3
        dy = inner.gradient(y, x); // 3x^2 = 12
      }
      assertEquals(12f, scalar(dy), 1e-5);
      assertEquals(12f, scalar(outer.gradient(dy, x)), 1e-5); // 6x
    }
  }

  @Test
  void nothingIsRecordedWhileStopped() throws Exception {
    Operand<TFloat32> x = tf.constant(3f);
    try (GradientTape tape = new GradientTape(tf)) {
      tape.watch(x);
      Operand<TFloat32> hidden;
      try (AutoCloseable paused = tape.stopRecording()) {
        hidden = tf.math.square(x);
      }
      Operand<TFloat32> y = tf.math.add(tf.math.mul(hidden, x), x);
      // d/dx (hidden * x + x) with hidden treated as a constant 9: 9 + 1
      assertEquals(10f, scalar(tape.gradient(y, x)), 1e-6);
    }
  }

  @Test
  void targetNotDependingOnSourceGivesNull() {
    Operand<TFloat32> x = tf.constant(3f);
    try (GradientTape tape = new GradientTape(tf)) {
      tape.watch(x);
      assertNull(tape.gradient(tf.constant(1f), x));
    }
  }

  @Test
  void missingGradientNamesTheOpAndTheRemedies() {
    Operand<TFloat32> x = tf.constant(new float[] {1f, 2f});
    try (GradientTape tape = new GradientTape(tf)) {
      tape.watch(x);
      // keras-lite registers no gradient for Digamma; it sits between x and y.
      Operand<TFloat32> y = tf.math.mul(tf.math.digamma(x), x);
      MissingGradientException e =
          assertThrows(MissingGradientException.class, () -> tape.gradient(y, x));
      assertTrue(e.getMessage().contains("'Digamma'"), e.getMessage());
      assertTrue(e.getMessage().contains("Gradients.register(\"Digamma\""), e.getMessage());
      assertTrue(e.getMessage().contains("stopGradient"), e.getMessage());
    }
  }

  @Test
  void tapeNeedsAKerasLiteContext() {
    try (org.tensorflow.EagerSession bare = org.tensorflow.EagerSession.create()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> new GradientTape(Ops.create(bare)));
      assertTrue(e.getMessage().contains("Eager.create().tf()"), e.getMessage());
    }
  }

  @Test
  void gatherStraightFromAVariableReachesTheVariable() {
    Variable table = new Variable(tf, "table", tf.constant(new float[][] {{1, 2}, {3, 4}, {5, 6}, {7, 8}}), true);
    try (GradientTape tape = new GradientTape(tf)) {
      Operand<TFloat32> rows = tf.resourceGather(table.handle(), tf.constant(new int[] {1, 1, 3}), TFloat32.class);
      Operand<TFloat32> y = tf.sum(rows, tf.constant(new int[] {0, 1}));
      TFloat32 g = (TFloat32) tape.gradient(y, table).asTensor();
      // Row 1 is gathered twice, row 3 once, rows 0 and 2 never.
      float[] expected = {0, 0, 2, 2, 0, 0, 1, 1};
      for (int i = 0; i < 8; i++) {
        assertEquals(expected[i], g.getFloat(i / 2, i % 2), 0f);
      }
    }
  }
}
