package dev.keraslite.layers;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/**
 * Constants in the dtype of the tensors a layer works on. The signatures say float32, but a float64
 * layer's tensors are float64 at run time ({@code DTypePolicy "float64"}), and TensorFlow's kernels
 * want both operands of one dtype.
 */
final class DTypes {
  private DTypes() {}

  /** The scalar {@code value} in {@code x}'s dtype: float64 for float64 tensors, float32 otherwise. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Operand<TFloat32> scalarLike(Ops tf, Operand<TFloat32> x, double value) {
    return isFloat64(x) ? (Operand) tf.constant(value) : tf.constant((float) value);
  }

  /** {@code x} (of any dtype) cast to the dtype of {@code like}: float64 or float32. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Operand<TFloat32> castLike(Ops tf, Operand<?> x, Operand<TFloat32> like) {
    return isFloat64(like)
        ? (Operand) tf.dtypes.cast(x, TFloat64.class)
        : tf.dtypes.cast(x, TFloat32.class);
  }

  @SuppressWarnings({"rawtypes"})
  static boolean isFloat64(Operand<?> x) {
    return x.type() == (Class) TFloat64.class;
  }
}
