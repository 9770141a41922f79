package dev.keraslite.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** Reading eager float32 results and comparing them with double-precision expectations. */
public final class TestTensors {
  /** float32 results against double closed forms: relative 2e-6 plus a small absolute slack. */
  public static final double REL = 2e-6;

  private TestTensors() {}

  /** The elements of an eager float32 tensor, row-major. */
  public static double[] values(Operand<TFloat32> x) {
    TFloat32 t = x.asTensor();
    float[] f = new float[(int) t.size()];
    t.copyTo(DataBuffers.of(f, false, false));
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  /** The value of an eager float32 scalar. */
  public static double scalar(Operand<TFloat32> x) {
    return x.asTensor().getFloat();
  }

  public static void assertClose(double expected, double actual, String what) {
    assertEquals(expected, actual, 1e-6 + REL * Math.abs(expected), what);
  }

  public static void assertClose(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      assertClose(expected[i], actual[i], what + " [" + i + "]");
    }
  }

  public static float[][] toFloat(double[][] x) {
    float[][] f = new float[x.length][];
    for (int i = 0; i < x.length; i++) {
      f[i] = new float[x[i].length];
      for (int j = 0; j < x[i].length; j++) {
        f[i][j] = (float) x[i][j];
      }
    }
    return f;
  }

  public static float[] toFloat(double[] x) {
    float[] f = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      f[i] = (float) x[i];
    }
    return f;
  }

  /** Rounds through float32, so oracles see exactly the inputs the tensors hold. */
  public static double[][] asFloat32(double[][] x) {
    double[][] d = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      d[i] = new double[x[i].length];
      for (int j = 0; j < x[i].length; j++) {
        d[i][j] = (float) x[i][j];
      }
    }
    return d;
  }
}
