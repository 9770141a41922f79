package dev.keraslite.internal.fast;

import static org.tensorflow.internal.c_api.global.tensorflow.TFE_TensorHandleResolve;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_BOOL;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DOUBLE;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteTensor;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_FLOAT;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_INT32;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_INT64;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_INT8;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_UINT8;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_OK;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorByteSize;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorData;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorType;

import dev.keraslite.internal.ReleasedValues;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Tensor;
import org.tensorflow.internal.c_api.TFE_TensorHandle;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.TF_Tensor;
import org.tensorflow.types.TBool;
import org.tensorflow.types.family.TNumber;

/**
 * Reads a one-element eager value (a loss, a flag) to the host as a {@code double}.
 *
 * <p>Why: {@code value.asTensor().getFloat()} costs about 10 µs, a fifth of a small model's eager
 * step: TensorFlow Java resolves the handle into a {@code RawTensor} with a JavaCPP deallocator, a
 * status object with another, and an {@code NdArray} view, all for four bytes. Here the handle is
 * resolved with {@code TFE_TensorHandleResolve} (which copies device memory to the host when the
 * value lives on a GPU), the value read straight from the buffer and the {@code TF_Tensor} deleted
 * at once. Values that are not eager results of this JVM's TensorFlow Java (or when its internals
 * are out of reach) take {@code asTensor()}, with the same result.
 */
public final class ScalarReader {
  private ScalarReader() {}

  /**
   * The single element of {@code value} as a double (booleans as 1 or 0).
   *
   * @throws IllegalArgumentException if {@code value} has more or fewer than one element, or is not
   *     a number or a boolean
   * @throws IllegalStateException if {@code value} was released, or its session closed
   */
  public static double read(Operand<?> value) {
    Output<?> output = value.asOutput();
    Operation op = output.op();
    if (!TfInternals.available() || !TfInternals.isEagerOperation(op)) {
      return readThroughJava(value);
    }
    TFE_TensorHandle handle = TfInternals.outputHandles(op)[output.index()];
    if (ReleasedValues.isReleased(handle)) {
      throw new IllegalStateException(
          ReleasedValues.message("The value read (output " + output.index() + " of " + op.type() + ")"));
    }
    if (handle == null || handle.isNull()) {
      throw new IllegalStateException("Eager session has been closed");
    }
    // Plain malloc'd objects, deleted below: no deallocator for the garbage collector to run.
    TF_Status status = TF_NewStatus();
    TF_Tensor tensor = null;
    try {
      tensor = TFE_TensorHandleResolve(handle, status);
      if (TF_GetCode(status) != TF_OK) {
        status.throwExceptionIfNotOK();
      }
      int dtype = TF_TensorType(tensor);
      long bytes = TF_TensorByteSize(tensor);
      Pointer data = TF_TensorData(tensor);
      switch (dtype) {
        case TF_FLOAT:
          requireOne(value, bytes, 4);
          return new FloatPointer(data).get();
        case TF_DOUBLE:
          requireOne(value, bytes, 8);
          return new DoublePointer(data).get();
        case TF_INT32:
          requireOne(value, bytes, 4);
          return new IntPointer(data).get();
        case TF_INT64:
          requireOne(value, bytes, 8);
          return new LongPointer(data).get();
        case TF_BOOL:
          requireOne(value, bytes, 1);
          return new BytePointer(data).get() != 0 ? 1 : 0;
        case TF_UINT8:
          requireOne(value, bytes, 1);
          return new BytePointer(data).get() & 0xFF;
        case TF_INT8:
          requireOne(value, bytes, 1);
          return new BytePointer(data).get();
        default:
          return readThroughJava(value); // float16, bfloat16, 16-bit ints: rare for a scalar read
      }
    } finally {
      if (tensor != null && !tensor.isNull()) {
        TF_DeleteTensor(tensor);
      }
      TF_DeleteStatus(status);
      java.lang.ref.Reference.reachabilityFence(op);
    }
  }

  private static void requireOne(Operand<?> value, long bytes, int elementBytes) {
    if (bytes != elementBytes) {
      throw notOne(value);
    }
  }

  private static IllegalArgumentException notOne(Operand<?> value) {
    return new IllegalArgumentException(
        "Recording.readScalar: expected a value with one element, received shape "
            + FastShape.of(value)
            + " (" + value.asOutput().op().type() + "); reduce it first, e.g. with tf.math.mean.");
  }

  private static double readThroughJava(Operand<?> value) {
    // Not closed: an eager value's tensor belongs to its op (released with it).
    Tensor t = value.asTensor();
    {
      if (t.shape().size() != 1) {
        throw notOne(value);
      }
      if (t instanceof TBool) {
        return ((TBool) t).getBoolean() ? 1 : 0;
      }
      if (t instanceof TNumber) {
        return ((Number) ((org.tensorflow.ndarray.NdArray<?>) t).scalars().iterator().next().getObject())
            .doubleValue();
      }
      throw new IllegalArgumentException(
          "Recording.readScalar: expected a number or a boolean, received " + t.dataType());
    }
  }
}
