package dev.keraslite.internal.fast;

import static org.tensorflow.internal.c_api.global.tensorflow.TFE_ContextListDevices;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_TensorHandleDeviceName;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteDeviceList;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListCount;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListType;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_OK;

import dev.keraslite.internal.ReleasedValues;
import org.bytedeco.javacpp.BytePointer;
import org.tensorflow.EagerSession;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.internal.c_api.TFE_TensorHandle;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Status;

/**
 * The device of an eager value, as TensorFlow's {@code tensor.device} reports it: the device of the
 * op that produced it ({@code TFE_TensorHandleDeviceName}); and whether a context has CPUs only.
 * TensorFlow Java has no such accessors.
 */
public final class DeviceReader {
  private DeviceReader() {}

  /**
   * The full device name of {@code value} ({@code /job:localhost/replica:0/task:0/device:CPU:0}),
   * or null when it is not an eager result (a graph's operand).
   *
   * @throws IllegalStateException if the value was released, or TensorFlow Java's internals are out
   *     of reach (on the module path without the flag the fast path names)
   */
  public static String deviceOf(Operand<?> value) {
    Output<?> output = value.asOutput();
    Operation op = output.op();
    if (!TfInternals.available()) {
      throw new IllegalStateException(
          "Recording.device needs access to TensorFlow Java's internals: " + TfInternals.failure());
    }
    if (!TfInternals.isEagerOperation(op)) {
      return null;
    }
    TFE_TensorHandle handle = TfInternals.outputHandles(op)[output.index()];
    if (ReleasedValues.isReleased(handle) || handle == null || handle.isNull()) {
      throw new IllegalStateException(
          ReleasedValues.message("The value asked for its device (output " + output.index() + " of " + op.type() + ")"));
    }
    TF_Status status = TF_NewStatus();
    try {
      BytePointer name = TFE_TensorHandleDeviceName(handle, status);
      if (TF_GetCode(status) != TF_OK) {
        status.throwExceptionIfNotOK();
      }
      return name.getString();
    } finally {
      TF_DeleteStatus(status);
      java.lang.ref.Reference.reachabilityFence(op);
    }
  }

  /**
   * Whether every device of {@code session}'s context is a CPU (no GPU or other accelerator): a
   * graph then runs as one partition, by one executor. False when that cannot be known (TensorFlow
   * Java's internals out of reach).
   */
  public static boolean cpuOnly(EagerSession session) {
    if (!TfInternals.available()) {
      return false;
    }
    TF_Status status = TF_NewStatus();
    try {
      TF_DeviceList devices = TFE_ContextListDevices(TfInternals.context(session), status);
      if (TF_GetCode(status) != TF_OK) {
        status.throwExceptionIfNotOK();
      }
      try {
        boolean all = true;
        for (int i = 0; i < TF_DeviceListCount(devices); i++) {
          BytePointer type = TF_DeviceListType(devices, i, status);
          if (TF_GetCode(status) != TF_OK) {
            status.throwExceptionIfNotOK();
          }
          all &= "CPU".equals(type.getString());
        }
        return all;
      } finally {
        TF_DeleteDeviceList(devices);
      }
    } finally {
      TF_DeleteStatus(status);
    }
  }
}
