package dev.keraslite.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keraslite.Variable;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt64;

/** Reads tensors into doubles and compares them, for the optimizer tests. */
final class TestValues {
  private TestValues() {}

  static double[] toDoubles(Tensor t) {
    int n = (int) t.shape().size();
    double[] out = new double[n];
    if (t instanceof TFloat32) {
      float[] f = new float[n];
      t.asRawTensor().data().asFloats().read(f);
      for (int i = 0; i < n; i++) {
        out[i] = f[i];
      }
    } else if (t instanceof TFloat64) {
      t.asRawTensor().data().asDoubles().read(out);
    } else if (t instanceof TInt64) {
      for (int i = 0; i < n; i++) {
        out[i] = t.asRawTensor().data().asLongs().getLong(i);
      }
    } else {
      throw new IllegalArgumentException("unexpected tensor type " + t.dataType());
    }
    return out;
  }

  /** The current value of an eager variable. */
  static double[] read(Ops tf, Variable v) {
    try (Tensor t = v.value(tf).asTensor()) {
      return toDoubles(t);
    }
  }

  static void assertClose(String what, double[] expected, double[] actual, double tolerance) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double err = Math.abs(expected[i] - actual[i]);
      if (!(err <= tolerance)) {
        throw new AssertionError(
            what
                + "["
                + i
                + "]: expected "
                + expected[i]
                + ", got "
                + actual[i]
                + " (|diff| "
                + err
                + " > "
                + tolerance
                + ")\n expected "
                + java.util.Arrays.toString(expected)
                + "\n actual   "
                + java.util.Arrays.toString(actual));
      }
    }
  }
}
