package dev.keraslite.checkpoint;

import dev.keraslite.Variable;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt64;

/** Creates variables with given contents and reads them back, for the saving tests. */
final class Values {
  private Values() {}

  static Variable floats(Ops tf, String name, Shape shape, float... values) {
    return new Variable(tf, name, tf.constant(shape, DataBuffers.of(values)), true);
  }

  static Variable doubles(Ops tf, String name, Shape shape, double... values) {
    return new Variable(tf, name, tf.constant(shape, DataBuffers.of(values)), true);
  }

  static Variable longs(Ops tf, String name, Shape shape, long... values) {
    return new Variable(tf, name, tf.constant(shape, DataBuffers.of(values)), false);
  }

  static Variable bools(Ops tf, String name, Shape shape, boolean... values) {
    return new Variable(tf, name, tf.constant(shape, DataBuffers.of(values)), false);
  }

  static void setFloats(Ops tf, Variable v, float... values) {
    v.assign(tf, tf.constant(v.shape(), DataBuffers.of(values)));
  }

  static float[] floatsOf(Variable v) {
    try (Tensor t = v.value(v.ops()).asTensor()) {
      float[] out = new float[(int) v.shape().size()];
      ((TFloat32) t).asRawTensor().data().asFloats().read(out);
      return out;
    }
  }

  static double[] doublesOf(Variable v) {
    try (Tensor t = v.value(v.ops()).asTensor()) {
      double[] out = new double[(int) v.shape().size()];
      ((TFloat64) t).asRawTensor().data().asDoubles().read(out);
      return out;
    }
  }

  static long[] longsOf(Variable v) {
    try (Tensor t = v.value(v.ops()).asTensor()) {
      long[] out = new long[(int) v.shape().size()];
      ((TInt64) t).asRawTensor().data().asLongs().read(out);
      return out;
    }
  }

  static boolean[] boolsOf(Variable v) {
    try (Tensor t = v.value(v.ops()).asTensor()) {
      boolean[] out = new boolean[(int) v.shape().size()];
      ((TBool) t).asRawTensor().data().asBooleans().read(out);
      return out;
    }
  }
}
