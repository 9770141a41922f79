package dev.keraslite.internal.fast;

import java.util.Arrays;
import java.util.function.Function;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * The small constants eager code asks for on every step (reduction axes, target shapes, the 2 of
 * a square's gradient, element counts): in a keras-lite eager context each distinct value is made
 * once and kept (see {@link ConstantCache}), so a step pays a map lookup
 * instead of a tensor allocation and a dispatch. In a graph being traced, and in other
 * environments, each call makes a plain constant.
 */
public final class KeptConstants {
  private KeptConstants() {}

  /** The constant {@code make} builds, cached under {@code key} (which must identify its value). */
  public static <T extends TType> Operand<T> get(
      Ops tf, Object key, Function<Ops, Operand<T>> make) {
    ExecutionEnvironment env = tf.scope().env();
    if (env instanceof ConstantCache && env.isEager()) {
      return ((ConstantCache) env).cachedConstant(key, () -> make.apply(tf));
    }
    return make.apply(tf);
  }

  /** An int32 vector. */
  public static Operand<TInt32> ints(Ops tf, int... values) {
    int[] copy = values.clone();
    return get(tf, new Ints(copy), o -> o.constant(copy));
  }

  /** An int32 vector of {@code values} (dimensions or axes, which fit in an int). */
  public static Operand<TInt32> ints(Ops tf, long[] values) {
    int[] ints = toInts(values);
    return get(tf, new Ints(ints), o -> o.constant(ints));
  }

  /** The int32 vector {@code [0, 1, ..., rank - 1]}: every axis of a tensor of that rank. */
  public static Operand<TInt32> allAxes(Ops tf, int rank) {
    int[] axes = new int[rank];
    for (int i = 0; i < rank; i++) {
      axes[i] = i;
    }
    return ints(tf, axes);
  }

  /** A scalar of numeric type {@code type}. */
  public static <T extends TNumber> Operand<T> scalar(Ops tf, Class<T> type, double value) {
    return get(tf, new Scalar(type, value), o -> o.constant(type, value));
  }

  /**
   * A tensor of {@code shape} with every element {@code value}: a reduction's gradient when the
   * gradient flowing in is a known scalar (the loss's seed), so that {@code mean(...)}'s backward
   * pass costs no op per step, as TensorFlow's graph optimizer folds it in a traced step.
   */
  public static <T extends TNumber> Operand<T> filled(
      Ops tf, Class<T> type, Shape shape, double value) {
    long[] dims = shape.asArray();
    return get(
        tf,
        new Filled(type, new Ints(toInts(dims)), value),
        o -> o.fill(o.constant(dims), o.constant(type, value)));
  }

  /**
   * Whether {@code x} is a tensor of zeros made by {@link #filled} in this eager context (false in
   * graphs, whose constants are not tracked here).
   */
  public static boolean isZeros(Ops tf, Operand<?> x) {
    ExecutionEnvironment env = tf.scope().env();
    if (env instanceof ConstantCache && env.isEager()) {
      Object key = ((ConstantCache) env).cachedConstantKey(x);
      return key instanceof Filled && ((Filled) key).value() == 0;
    }
    return false;
  }

  /**
   * The value of {@code x} if it is a scalar made by {@link #scalar} in this eager context, else
   * null (also in graphs, whose constants are not tracked here).
   */
  public static Double scalarValue(Ops tf, Operand<?> x) {
    ExecutionEnvironment env = tf.scope().env();
    if (env instanceof ConstantCache && env.isEager()) {
      Object key = ((ConstantCache) env).cachedConstantKey(x);
      if (key instanceof Scalar) {
        return ((Scalar) key).value();
      }
    }
    return null;
  }

  private static int[] toInts(long[] values) {
    int[] ints = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      ints[i] = Math.toIntExact(values[i]);
    }
    return ints;
  }

  /** The key of a scalar: its dtype and value. */
  private record Scalar(Class<?> type, double value) {}

  /** The key of a filled tensor: dtype, shape and value. */
  private record Filled(Class<?> type, Ints shape, double value) {}

  /** An int array compared by content. */
  private record Ints(int[] values) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Ints && Arrays.equals(values, ((Ints) o).values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }
  }
}
