package dev.keraslite.saving;

import dev.keraslite.Variable;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.proto.DataType;

/** float32 variable values as host arrays: flat for checks, nested for jhdf's dataset writer. */
final class HostArrays {
  private HostArrays() {}

  /** The current value of a float32 variable, row-major. */
  static float[] read(Variable v, String user) {
    WeightValue w = VariableValues.read(List.of(v), user).get(0);
    if (w.dtype() != DataType.DT_FLOAT) {
      throw new IllegalArgumentException(
          user + ": variable '" + v.name() + "' has dtype " + WeightValue.dtypeName(w.dtype())
              + "; Keras weights files hold float32 layer weights only");
    }
    float[] out = new float[w.data().length / Float.BYTES];
    ByteBuffer.wrap(w.data()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  /** Assigns {@code values.get(i)} to {@code variables.get(i)}, all shapes already checked. */
  static void assign(List<Variable> variables, List<float[]> values) {
    List<WeightValue> weights = new ArrayList<>(values.size());
    for (int i = 0; i < variables.size(); i++) {
      Variable v = variables.get(i);
      ByteBuffer b = ByteBuffer.allocate(values.get(i).length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(values.get(i));
      weights.add(new WeightValue(v.name(), DataType.DT_FLOAT, v.shape(), b.array()));
    }
    // One variable at a time: assign() expects no name clashes, which models may not guarantee.
    for (int i = 0; i < variables.size(); i++) {
      VariableValues.assign(List.of(variables.get(i)), List.of(weights.get(i)));
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
