package dev.keraslite.internal.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.io.FifoQueue;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;

/**
 * What the fast path does not handle goes to TensorFlow Java's builder, op by op, and gives the
 * right answer there; ops around it stay on the fast path.
 */
class FastDispatchFallbackTest {
  private static final FastAndSlow CONTEXTS = new FastAndSlow();
  private static final DeviceSpec CPU =
      DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.CPU).deviceIndex(0).build();

  @AfterAll
  static void close() {
    CONTEXTS.close();
  }

  private static boolean tookFastPath(Operation op) {
    return TfInternals.outputHandles(op)[0] instanceof OwnedHandle;
  }

  /** Runs {@code ops} on the fast context and returns how many ops fell back. */
  private static long fallbacks(Function<Ops, Operand<?>> ops, float expected) {
    EagerDispatcher dispatcher = FastAndSlow.dispatcher(CONTEXTS.fast);
    long before = dispatcher.javaOpCount();
    Operand<?> result = ops.apply(CONTEXTS.fast.tf());
    long fallbacks = dispatcher.javaOpCount() - before;
    Object value = result.asTensor();
    float actual =
        value instanceof TFloat32 ? ((TFloat32) value).getFloat() : (float) ((TFloat64) value).getDouble();
    assertEquals(expected, actual);
    assertFalse(tookFastPath(result.op()), "the op itself must have fallen back");
    return fallbacks;
  }

  @Test
  void functionValuedAttributeFallsBack() {
    ConcreteFunction square =
        ConcreteFunction.create(
            tf -> {
              Operand<TFloat32> x = tf.placeholder(TFloat32.class);
              return Signature.builder().input("x", x).output("y", tf.math.mul(x, x)).build();
            });
    try (square) {
      // Only the call (PartitionedCall, attribute f) falls back; its constant argument does not.
      assertEquals(1, fallbacks(tf -> tf.call(square, tf.constant(3f)), 9f));
    }
  }

  @Test
  void attrValueAttributeFallsBackWhileBuilding() {
    AttrValue float64 = AttrValue.newBuilder().setType(DataType.DT_DOUBLE).build();
    assertEquals(
        1,
        fallbacks(
            tf ->
                tf.scope()
                    .opBuilder("Cast", "Cast")
                    .addInput(tf.constant(1.5f).asOutput())
                    .setAttr("DstT", float64)
                    .build()
                    .output(0),
            1.5f));
  }

  @Test
  void deviceScopeFallsBack() {
    assertEquals(
        1, fallbacks(tf -> tf.withDevice(CPU).math.add(tf.constant(1f), tf.constant(2f)), 3f));
  }

  @Test
  void deviceSetWhileBuildingFallsBack() {
    assertEquals(
        1,
        fallbacks(
            tf ->
                tf.scope()
                    .opBuilder("Neg", "Neg")
                    .addInput(tf.constant(4f).asOutput())
                    .setDevice("/job:localhost/replica:0/task:0/device:CPU:0")
                    .build()
                    .output(0),
            -4f));
  }

  @Test
  void controlDependenciesFallBack() {
    assertEquals(
        1,
        fallbacks(
            tf -> {
              Operand<TFloat32> before = tf.constant(5f);
              return tf.withControlDependencies(List.of(before)).math.sub(before, tf.constant(1f));
            },
            4f));
  }

  @Test
  void opsTheSessionDisablesAreRefusedAsInTensorFlowJava() {
    IllegalArgumentException slow =
        assertThrows(IllegalArgumentException.class, () -> CONTEXTS.slow.tf().placeholder(TFloat32.class));
    IllegalArgumentException fast =
        assertThrows(IllegalArgumentException.class, () -> CONTEXTS.fast.tf().placeholder(TFloat32.class));
    assertEquals(slow.getMessage(), fast.getMessage());
  }

  @Test
  void unknownOpTypeFailsWithTensorFlowsMessage() {
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () -> CONTEXTS.fast.tf().scope().opBuilder("NoSuchOp", "NoSuchOp").build());
    assertTrue(e.getMessage().contains("NoSuchOp"), e.getMessage());
  }

  @Test
  void stringListAttributeSurvivesTheFallback() throws Exception {
    Ops tf = CONTEXTS.fast.tf();
    Operand<TString> encoded =
        tf.withDevice(CPU)
            .encodeProto(
                tf.constant(new int[][] {{1, 1}}),
                List.of(
                    tf.constant(new long[][] {{11}}),
                    tf.constant(StdArrays.ndCopyOf(new String[][] {{"time"}}))),
                List.of("size", "name"),
                "tensorflow.TensorShapeProto.Dim")
            .bytes();
    assertFalse(tookFastPath(encoded.op()));
    TensorShapeProto.Dim dim =
        TensorShapeProto.Dim.parseFrom(encoded.asTensor().asBytes().getObject(0));
    assertEquals(11, dim.getSize());
    assertEquals("time", dim.getName());
  }

  @Test
  void shapeListAttributeSurvivesTheFallback() {
    Ops tf = CONTEXTS.fast.tf().withDevice(CPU);
    var queue =
        tf.io.fifoQueue(List.of(TFloat32.class, TInt32.class), FifoQueue.shapes(Shape.of(2), Shape.of(3)));
    assertFalse(tookFastPath(queue.op()));
    tf.io.queueEnqueue(queue, List.of(tf.constant(new float[] {1, 2}), tf.constant(new int[] {4, 5, 6})));
    RuntimeException wrongShape =
        assertThrows(
            RuntimeException.class,
            () ->
                tf.io.queueEnqueue(
                    queue, List.of(tf.constant(new float[] {1, 2}), tf.constant(new int[] {1, 2}))));
    assertTrue(wrongShape.getMessage().contains("[3]"), wrongShape.getMessage());
  }

  @Test
  void fastAndFallbackOpsMix() {
    Ops tf = CONTEXTS.fast.tf();
    Operand<TFloat32> a = tf.constant(2f);
    Operand<TFloat32> b = tf.withDevice(CPU).math.mul(a, a);
    Operand<TFloat32> c = tf.math.add(b, a);
    assertFalse(tookFastPath(b.op()));
    assertTrue(tookFastPath(c.op()));
    assertEquals(6f, c.asTensor().getFloat());
  }
}
