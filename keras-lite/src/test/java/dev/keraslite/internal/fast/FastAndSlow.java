package dev.keraslite.internal.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.internal.recording.RecordingEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.tensorflow.Operand;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TString;

/**
 * Two eager contexts, one on the fast path and one on TensorFlow Java's builders, for tests that
 * run the same computation on both: TensorFlow runs the same kernels either way, so the results
 * must be identical bit for bit.
 */
final class FastAndSlow implements AutoCloseable {
  final Eager fast = Eager.create(true);
  final Eager slow = Eager.create(false);

  FastAndSlow() {
    assertTrue(fast.fastPath(), "fast path must be available on the class path");
    assertFalse(slow.fastPath());
  }

  /** The dispatcher behind {@code eager.tf()}, or null. */
  static EagerDispatcher dispatcher(Eager eager) {
    return ((RecordingEnvironment) eager.tf().scope().env()).fastPath();
  }

  /**
   * Runs {@code computation} on both contexts; asserts that every op of the fast run took the fast
   * path and that both runs give identical values; returns the fast run's values.
   */
  List<Tensor> both(Function<Ops, List<Operand<?>>> computation) {
    EagerDispatcher dispatcher = dispatcher(fast);
    long fastBefore = dispatcher.fastOpCount();
    long javaBefore = dispatcher.javaOpCount();
    List<Tensor> onFast = values(computation.apply(fast.tf()));
    assertTrue(dispatcher.fastOpCount() > fastBefore, "no op took the fast path");
    assertEquals(javaBefore, dispatcher.javaOpCount(), "an op fell back to TensorFlow Java");
    List<Tensor> onSlow = values(computation.apply(slow.tf()));
    assertEquals(onSlow.size(), onFast.size());
    for (int i = 0; i < onFast.size(); i++) {
      assertSame(onSlow.get(i), onFast.get(i), "output " + i);
    }
    return onFast;
  }

  /** As {@link #both} for one output. */
  Tensor one(Function<Ops, Operand<?>> computation) {
    return both(tf -> List.of(computation.apply(tf))).get(0);
  }

  private static List<Tensor> values(List<Operand<?>> outputs) {
    List<Tensor> tensors = new ArrayList<>();
    for (Operand<?> output : outputs) {
      assertNotNull(output);
      tensors.add(output.asTensor());
    }
    return tensors;
  }

  /** Asserts equal dtype, shape and contents. */
  static void assertSame(Tensor expected, Tensor actual, String what) {
    assertEquals(expected.dataType(), actual.dataType(), what + " dtype");
    assertEquals(expected.shape(), actual.shape(), what + " shape");
    if (expected.dataType() == DataType.DT_STRING) {
      assertEquals(strings((TString) expected), strings((TString) actual), what);
    } else {
      assertArrayEquals(bytes(expected), bytes(actual), what + " contents");
    }
  }

  static List<String> strings(TString tensor) {
    List<String> out = new ArrayList<>();
    tensor.scalars().forEach(s -> out.add(s.getObject()));
    return out;
  }

  static byte[] bytes(Tensor tensor) {
    ByteDataBuffer data = tensor.asRawTensor().data();
    byte[] out = new byte[(int) data.size()];
    data.read(out);
    return out;
  }

  @Override
  public void close() {
    fast.close();
    slow.close();
  }
}
