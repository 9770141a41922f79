package dev.keraslite.saving;

import dev.keraslite.Variable;
import dev.keraslite.EagerScope;
import dev.keraslite.Recording;
import java.lang.reflect.Array;
import java.util.List;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/** float32 variable values as host arrays: flat for checks, nested for jhdf's dataset writer. */
final class HostArrays {
  private HostArrays() {}

  /** The current value of a float32 variable, row-major. */
  static float[] read(Variable v, String user) {
    checkFloatOfEagerContext(v, user);
    Ops tf = v.ops();
    // An unrecorded, released region: weights are read every epoch by checkpoints and must
    // neither enter a tape nor accumulate native memory.
    try (Recording.Paused paused = Recording.paused(tf);
        EagerScope scope = EagerScope.open(tf);
        TFloat32 t = (TFloat32) v.value(tf).asTensor()) {
      float[] out = new float[Math.toIntExact(t.size())];
      t.copyTo(DataBuffers.of(out, false, false));
      return out;
    }
  }

  /** Assigns {@code values.get(i)} to {@code variables.get(i)}, all shapes already checked. */
  @SuppressWarnings("unchecked")
  static void assign(List<Variable> variables, List<float[]> values) {
    for (int i = 0; i < variables.size(); i++) {
      Variable v = variables.get(i);
      checkFloatOfEagerContext(v, "assign");
      Ops tf = v.ops();
      try (Recording.Paused paused = Recording.paused(tf);
          EagerScope scope = EagerScope.open(tf)) {
        v.assign(tf, tf.constant(v.shape(), DataBuffers.of(values.get(i), true, false)));
      }
    }
  }

  private static void checkFloatOfEagerContext(Variable v, String user) {
    if (!v.ops().scope().env().isEager()) {
      throw new IllegalStateException(
          user + ": variable '" + v.name() + "' lives in a graph; only variables of an eager"
              + " context (Eager.create()) are read and written here");
    }
    if (v.dataType() != DataType.DT_FLOAT) {
      throw new IllegalArgumentException(
          user + ": variable '" + v.name() + "' has dtype " + v.dataType()
              + "; Keras weights files hold float32 layer weights only");
    }
  }

  /** {@code flat} as a nested Java array of {@code shape} ({@code float[2][3]}), for jhdf. */
  static Object nest(float[] flat, long[] shape) {
    if (shape.length == 0) {
      throw new IllegalArgumentException("scalar weights are not written to Keras weights files");
    }
    int[] dims = new int[shape.length];
    for (int i = 0; i < shape.length; i++) {
      dims[i] = Math.toIntExact(shape[i]);
    }
    Object out = Array.newInstance(float.class, dims);
    fill(out, flat, new int[] {0});
    return out;
  }

  private static void fill(Object array, float[] flat, int[] pos) {
    if (array instanceof float[]) {
      float[] row = (float[]) array;
      System.arraycopy(flat, pos[0], row, 0, row.length);
      pos[0] += row.length;
      return;
    }
    for (int i = 0; i < Array.getLength(array); i++) {
      fill(Array.get(array, i), flat, pos);
    }
  }

  /** A dataset's flat data (float32 or float64) as floats. */
  static float[] floats(Object flatData, String what) {
    if (flatData instanceof float[]) {
      return (float[]) flatData;
    }
    if (flatData instanceof double[]) {
      double[] d = (double[]) flatData;
      float[] out = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        out[i] = (float) d[i];
      }
      return out;
    }
    throw new IllegalArgumentException(
        what + " holds " + (flatData == null ? "nothing" : flatData.getClass().getSimpleName())
            + ", not float32 or float64 values");
  }
}
