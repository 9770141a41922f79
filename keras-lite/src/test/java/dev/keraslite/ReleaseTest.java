package dev.keraslite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.internal.NativeHandles;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** What is released when (Eager's memory contract). */
class ReleaseTest {
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
  void closingTheTapeReleasesTheStepButNotVariablesOrKeptValues() {
    assertTrue(NativeHandles.available(), "reflection into TensorFlow Java must work on the classpath");
    Variable w = new Variable(tf, "w", tf.constant(2f), true);
    Operand<TFloat32> x = tf.constant(3f);
    Operand<TFloat32> loss;
    Operand<TFloat32> kept;
    List<Operand<?>> grads;
    try (GradientTape tape = new GradientTape(tf)) {
      loss = tf.math.square(tf.math.mul(w.<TFloat32>value(tf), x));
      kept = eager.keep(tf.math.add(loss, tf.constant(1f)));
      grads = tape.gradient(loss, List.of(w));
      w.assignSub(tf, tf.math.mul((Operand<TFloat32>) grads.get(0), tf.constant(0.01f)));
    }
    assertTrue(NativeHandles.isReleased(loss.op()));
    assertTrue(NativeHandles.isReleased(grads.get(0).op()));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> loss.asTensor());
    assertTrue(e.getMessage() != null);
    assertEquals(37f, scalar(kept), 1e-5);
    assertEquals(3f, scalar(x), 0f, "values created before the tape are not the step's");
    // w = 2 - 0.01 * d(w x)^2/dw = 2 - 0.01 * 2 * 9 * 2
    assertEquals(2f - 0.36f, scalar(w.value(tf)), 1e-6);
  }

  @Test
  void releasedValueUsedAsInputFailsInJavaNotNatively() {
    Operand<TFloat32> y;
    try (EagerScope scope = eager.scope()) {
      y = tf.math.add(tf.constant(1f), tf.constant(2f));
    }
    assertThrows(IllegalStateException.class, () -> tf.math.add(y, y));
  }

  @Test
  void scopeReleasesWhatItCreatedOnly() {
    Operand<TFloat32> outside = tf.constant(5f);
    Operand<TFloat32> inside;
    try (EagerScope scope = eager.scope()) {
      inside = tf.math.mul(outside, outside);
      assertEquals(25f, scalar(inside), 0f);
    }
    assertTrue(NativeHandles.isReleased(inside.op()));
    assertEquals(5f, scalar(outside), 0f);
  }

  @Test
  void scopeInsideARecordingTapeDefersToTheTape() {
    Operand<TFloat32> x = tf.constant(3f);
    try (GradientTape tape = new GradientTape(tf)) {
      tape.watch(x);
      Operand<TFloat32> y;
      try (EagerScope scope = eager.scope()) {
        y = tf.math.square(x);
      }
      // The tape still needs the scope's values for the backward pass.
      assertEquals(6f, scalar(tape.gradient(y, x)), 1e-6);
    }
  }

  @Test
  void innerTapeLeavesValuesToTheOuterOne() {
    Operand<TFloat32> x = tf.constant(2f);
    Operand<TFloat32> y;
    try (GradientTape outer = new GradientTape(tf)) {
      outer.watch(x);
      try (GradientTape inner = new GradientTape(tf)) {
        inner.watch(x);
        y = tf.math.square(x);
      }
      assertEquals(4f, scalar(y), 0f);
      assertEquals(4f, scalar(outer.gradient(y, x)), 1e-6);
    }
    assertTrue(NativeHandles.isReleased(y.op()));
  }

  @Test
  void scopeAroundATapeOwnsTheStep() {
    Operand<TFloat32> x = tf.constant(3f);
    Operand<TFloat32> y;
    try (EagerScope scope = eager.scope()) {
      try (GradientTape tape = new GradientTape(tf)) {
        tape.watch(x);
        y = tf.math.square(x);
        tape.gradient(y, x);
      }
      assertEquals(9f, scalar(y), 0f, "the scope, not the tape, releases the step");
    }
    assertTrue(NativeHandles.isReleased(y.op()));
  }
}
