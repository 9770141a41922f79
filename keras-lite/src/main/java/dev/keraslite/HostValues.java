package dev.keraslite;

import org.tensorflow.Operand;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.BooleanNdArray;
import org.tensorflow.ndarray.DoubleNdArray;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.LongNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * Host arrays for variable values, one NdArray type per dtype ({@link Variable#numpy()}, {@link
 * Variable#assign(NdArray)}): the five dtypes Keras layers hold weights in.
 */
final class HostValues {
  private HostValues() {}

  /** A heap copy of {@code t}, the value of {@code v}. */
  static NdArray<?> copyOf(Tensor t, Variable v) {
    if (t instanceof TFloat32 f) {
      FloatNdArray out = NdArrays.ofFloats(f.shape());
      f.copyTo(out);
      return out;
    }
    if (t instanceof TFloat64 d) {
      DoubleNdArray out = NdArrays.ofDoubles(d.shape());
      d.copyTo(out);
      return out;
    }
    if (t instanceof TInt32 i) {
      IntNdArray out = NdArrays.ofInts(i.shape());
      i.copyTo(out);
      return out;
    }
    if (t instanceof TInt64 l) {
      LongNdArray out = NdArrays.ofLongs(l.shape());
      l.copyTo(out);
      return out;
    }
    if (t instanceof TBool b) {
      BooleanNdArray out = NdArrays.ofBooleans(b.shape());
      b.copyTo(out);
      return out;
    }
    throw unsupported(v);
  }

  /** Rejects a value whose element type or shape is not {@code v}'s, naming both. */
  static void check(Variable v, NdArray<?> value) {
    if (value == null) {
      throw new IllegalArgumentException("Variable '" + v.name() + "'.assign: the value is null");
    }
    Class<?> expected = hostType(v);
    if (!expected.isInstance(value)) {
      throw new IllegalArgumentException(
          "Variable '" + v.name() + "'.assign: expected a " + expected.getSimpleName() + " (dtype "
              + Variable.dtypeName(v.dataType()) + "), received a " + hostTypeName(value));
    }
    if (!value.shape().equals(v.shape())) {
      throw new IllegalArgumentException(
          "Variable '" + v.name() + "'.assign: expected shape " + v.shape() + ", received shape "
              + value.shape());
    }
  }

  /** An eager constant holding {@code value}, already {@link #check checked}. */
  static Operand<? extends TType> constant(Ops tf, NdArray<?> value) {
    if (value instanceof FloatNdArray f) {
      return tf.constant(f);
    }
    if (value instanceof DoubleNdArray d) {
      return tf.constant(d);
    }
    if (value instanceof IntNdArray i) {
      return tf.constant(i);
    }
    if (value instanceof LongNdArray l) {
      return tf.constant(l);
    }
    return tf.constant((BooleanNdArray) value);
  }

  private static Class<?> hostType(Variable v) {
    DataType t = v.dataType();
    switch (t) {
      case DT_FLOAT:
        return FloatNdArray.class;
      case DT_DOUBLE:
        return DoubleNdArray.class;
      case DT_INT32:
        return IntNdArray.class;
      case DT_INT64:
        return LongNdArray.class;
      case DT_BOOL:
        return BooleanNdArray.class;
      default:
        throw unsupported(v);
    }
  }

  private static String hostTypeName(NdArray<?> value) {
    for (Class<?> c :
        new Class<?>[] {
          FloatNdArray.class, DoubleNdArray.class, IntNdArray.class, LongNdArray.class, BooleanNdArray.class
        }) {
      if (c.isInstance(value)) {
        return c.getSimpleName();
      }
    }
    return value.getClass().getSimpleName();
  }

  private static IllegalArgumentException unsupported(Variable v) {
    return new IllegalArgumentException(
        "Variable '" + v.name() + "' has dtype " + Variable.dtypeName(v.dataType())
            + "; host values exist for float32, float64, int32, int64 and bool");
  }
}
