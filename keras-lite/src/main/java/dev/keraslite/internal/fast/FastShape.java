package dev.keraslite.internal.fast;

import static org.tensorflow.internal.c_api.global.tensorflow.TFE_TensorHandleDim;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_TensorHandleNumDims;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_OK;

import java.lang.ref.Reference;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.internal.c_api.TFE_TensorHandle;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.ndarray.Shape;

/**
 * The shape of any value, eager or symbolic, at a fraction of {@code Operand.shape()}'s cost for
 * eager values: TensorFlow Java allocates a JavaCPP-registered {@code TF_Status} for the rank and
 * again for every dimension, and each registration reads the process's resident memory, so one
 * {@code shape()} of a matrix costs more than executing a small op. Here one plain status serves
 * the whole query. Layers, losses and gradient functions ask for shapes on every step; they call
 * this instead.
 */
public final class FastShape {
  private FastShape() {}

  /** Same answer as {@code value.shape()}. */
  public static Shape of(Operand<?> value) {
    Output<?> output = value.asOutput();
    Operation op = output.op();
    if (!TfInternals.available() || !TfInternals.isEagerOperation(op)) {
      return output.shape();
    }
    TFE_TensorHandle handle = TfInternals.outputHandles(op)[output.index()];
    if (handle == null
        || dev.keraslite.internal.ReleasedValues.isReleased(handle)
        || handle.isNull()) {
      return output.shape(); // a released value: TensorFlow Java reports it (ReleasedValues)
    }
    TF_Status status = TF_NewStatus();
    try {
      int rank = TFE_TensorHandleNumDims(handle, status);
      if (TF_GetCode(status) != TF_OK) {
        return output.shape(); // unknown rank cannot happen eagerly; let TensorFlow Java say why
      }
      long[] dims = new long[rank];
      for (int i = 0; i < rank; i++) {
        dims[i] = TFE_TensorHandleDim(handle, i, status);
      }
      if (TF_GetCode(status) != TF_OK) {
        return output.shape();
      }
      return Shape.of(dims);
    } finally {
      TF_DeleteStatus(status);
      Reference.reachabilityFence(value);
    }
  }
}
