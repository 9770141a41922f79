package dev.keraslite.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keraslite.EagerScope;
import dev.keraslite.Variable;
import dev.keraslite.models.Model;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;

/**
 * The raw bytes of every variable of a model and of its compiled optimizer, for "bit-identical
 * state" assertions: read independently of the code under test (one eager read per variable).
 */
record StateBits(List<String> names, List<byte[]> bytes) {

  static StateBits of(Model model) {
    List<Variable> all = new ArrayList<>(model.variables());
    try {
      all.addAll(model.compiled().optimizer().variables());
    } catch (IllegalStateException notCompiled) {
      // a model that was never compiled has no optimizer state
    }
    return of(all);
  }

  static StateBits of(List<Variable> variables) {
    List<String> names = new ArrayList<>();
    List<byte[]> bytes = new ArrayList<>();
    for (Variable v : variables) {
      Ops tf = v.ops();
      try (EagerScope scope = EagerScope.open(tf)) {
        Tensor t = v.value(tf).asTensor();
        byte[] b = new byte[(int) t.numBytes()];
        t.asRawTensor().data().read(b);
        names.add(v.name());
        bytes.add(b);
      }
    }
    return new StateBits(names, bytes);
  }

  /** Asserts that {@code after} holds the same variables with the same bits. */
  void assertSameAs(StateBits after, String context) {
    assertEquals(names, after.names, context + ": the same variables");
    for (int i = 0; i < bytes.size(); i++) {
      assertArrayEquals(bytes.get(i), after.bytes.get(i), context + ": bits of " + names.get(i));
    }
  }

  /** Whether any variable differs from {@code other} (same list of variables assumed). */
  boolean differsFrom(StateBits other) {
    if (!names.equals(other.names)) {
      return true;
    }
    for (int i = 0; i < bytes.size(); i++) {
      if (!java.util.Arrays.equals(bytes.get(i), other.bytes.get(i))) {
        return true;
      }
    }
    return false;
  }

  /** Whether every float32 variable holds finite values only. */
  boolean allFinite() {
    for (byte[] b : bytes) {
      if (b.length % 4 != 0) {
        continue;
      }
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.nativeOrder());
      while (buf.remaining() >= 4) {
        if (!Float.isFinite(buf.getFloat())) {
          return false;
        }
      }
    }
    return true;
  }
}
