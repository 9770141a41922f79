package dev.keraslite.internal.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.EagerScope;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.io.FifoQueue;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Bad ops on the fast path raise the Java exception TensorFlow Java raises, with TensorFlow's
 * message; misuse of released values or closed sessions raises IllegalStateException; none of it
 * crashes or breaks the dispatcher for the next op.
 */
class FastDispatchErrorsTest {
  private static final FastAndSlow CONTEXTS = new FastAndSlow();

  @AfterAll
  static void close() {
    CONTEXTS.close();
  }

  /**
   * Runs {@code badOp} on both contexts; the fast one must throw what the slow one throws: the
   * same exception class (org.tensorflow.exceptions, mapped from TensorFlow's status code) and
   * TensorFlow's message.
   */
  private static RuntimeException sameErrorOnBoth(Consumer<Ops> badOp) {
    RuntimeException slow = assertThrows(RuntimeException.class, () -> badOp.accept(CONTEXTS.slow.tf()));
    RuntimeException fast = assertThrows(RuntimeException.class, () -> badOp.accept(CONTEXTS.fast.tf()));
    assertTrue(slow.getClass().getName().startsWith("org.tensorflow.exceptions."), slow.toString());
    assertEquals(slow.getClass(), fast.getClass());
    assertEquals(slow.getMessage(), fast.getMessage());
    // The reused TFE_Op of the failed type is clean again: the next op of that type works.
    Ops tf = CONTEXTS.fast.tf();
    assertEquals(
        11f,
        tf.linalg.matMul(tf.constant(new float[][] {{1, 2}}), tf.constant(new float[][] {{3}, {4}}))
            .asTensor()
            .getFloat(0, 0));
    assertEquals(5f, tf.math.add(tf.constant(2f), tf.constant(3f)).asTensor().getFloat());
    return fast;
  }

  @Test
  void shapeMismatchCarriesTensorFlowsMessage() {
    RuntimeException e =
        sameErrorOnBoth(
            tf ->
                tf.linalg.matMul(
                    tf.constant(new float[][] {{1, 2, 3}}), tf.constant(new float[][] {{1, 2, 3}})));
    assertTrue(e instanceof TFInvalidArgumentException, e.toString());
    assertTrue(e.getMessage().contains("Matrix size-incompatible"), e.getMessage());
  }

  @Test
  void dtypeMismatchCarriesTensorFlowsMessage() {
    RuntimeException e =
        sameErrorOnBoth(
            tf ->
                tf.scope()
                    .opBuilder("AddV2", "AddV2")
                    .addInput(tf.constant(1f).asOutput())
                    .addInput(tf.constant(1).asOutput())
                    .build());
    assertTrue(e.getMessage().contains("int32"), e.getMessage());
  }

  @Test
  void missingAttributeCarriesTensorFlowsMessage() {
    RuntimeException e =
        sameErrorOnBoth(
            tf -> tf.scope().opBuilder("Cast", "Cast").addInput(tf.constant(1f).asOutput()).build());
    assertTrue(e.getMessage().contains("DstT"), e.getMessage());
  }

  @Test
  void invalidAttributeValueCarriesTensorFlowsMessage() {
    sameErrorOnBoth(
        tf ->
            tf.scope()
                .opBuilder("Cast", "Cast")
                .addInput(tf.constant(1f).asOutput())
                .setAttr("DstT", DataType.DT_RESOURCE)
                .build());
  }

  @Test
  void kernelErrorsCarryTensorFlowsMessage() {
    RuntimeException e =
        sameErrorOnBoth(tf -> tf.ensureShape(tf.constant(new float[] {1, 2, 3}), Shape.of(2)));
    assertTrue(e.getMessage().contains("Shape of tensor"), e.getMessage());
  }

  @Test
  void shapeListAttributeIsEnforced() {
    // The queue checks enqueued components against its list(shape) attribute: proof it was set.
    Ops tf = CONTEXTS.fast.tf();
    var queue = tf.io.fifoQueue(List.of(TFloat32.class, TInt32.class), FifoQueue.shapes(Shape.of(2), Shape.of(3)));
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () ->
                tf.io.queueEnqueue(
                    queue, List.of(tf.constant(new float[] {1, 2}), tf.constant(new int[] {1, 2}))));
    assertTrue(e.getMessage().contains("[3]"), e.getMessage());
  }

  @Test
  void releasedValueUsedAgainThrows() {
    Ops tf = CONTEXTS.fast.tf();
    Operand<TFloat32> x = tf.constant(2f);
    Operand<TFloat32> read;
    Operand<TFloat32> unread;
    try (EagerScope scope = CONTEXTS.fast.scope()) {
      read = tf.math.mul(x, x);
      assertEquals(4f, read.asTensor().getFloat());
      unread = tf.math.add(x, x);
    }
    assertTrue(dev.keraslite.internal.NativeHandles.isReleased(unread.op()));
    IllegalStateException asInput = assertThrows(IllegalStateException.class, () -> tf.math.add(unread, x));
    assertTrue(asInput.getMessage().contains("released"), asInput.getMessage());
    assertThrows(IllegalStateException.class, () -> tf.math.add(read, x));
    assertThrows(IllegalStateException.class, () -> tf.concat(List.of(x, unread), tf.constant(0)));
    assertThrows(IllegalStateException.class, unread::shape);
    assertThrows(IllegalStateException.class, unread::asTensor);
    assertThrows(IllegalStateException.class, () -> FastShape.of(unread));
    // A tensor read before the release stays valid, as in TensorFlow Java.
    assertEquals(4f, read.asTensor().getFloat());
    // The live input still works.
    assertEquals(5f, tf.math.add(x, tf.constant(3f)).asTensor().getFloat());
  }

  @Test
  void releasedValueInASlowPathOpThrows() {
    Ops tf = CONTEXTS.fast.tf();
    Operand<TFloat32> y;
    try (EagerScope scope = CONTEXTS.fast.scope()) {
      y = tf.math.square(tf.constant(3f));
    }
    // A device sends the op to TensorFlow Java's builder, which checks the handle too.
    assertThrows(
        IllegalStateException.class,
        () -> tf.withDevice(org.tensorflow.DeviceSpec.newBuilder().deviceType(org.tensorflow.DeviceSpec.DeviceType.CPU).deviceIndex(0).build()).math.neg(y));
  }

  @Test
  void closedSessionThrows() {
    Eager eager = Eager.create(true);
    Ops tf = eager.tf();
    Operand<TFloat32> x = tf.math.add(tf.constant(1f), tf.constant(2f));
    eager.close();
    assertThrows(IllegalStateException.class, () -> tf.constant(1f));
    assertThrows(IllegalStateException.class, x::shape);
    assertThrows(IllegalStateException.class, () -> x.asTensor());
  }

  @Test
  void graphOperandsAreRefused() {
    try (Graph g = new Graph()) {
      Operand<TFloat32> inGraph = Ops.create(g).constant(1f);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> CONTEXTS.fast.tf().math.neg(inGraph));
      assertTrue(e.getMessage().contains("graph operation"), e.getMessage());
    }
  }
}
