package dev.keraslite.internal.recording;

import org.tensorflow.Operation;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.family.TType;

/** What the tape needs to know of a resource variable to watch its reads. */
public interface VariableSource {
  /** The op producing the variable's resource handle. */
  Operation handleOp();

  /** Whether tapes watch reads of this variable automatically. */
  boolean trainable();

  /** The variable's Keras-style path, for messages and for naming twins. */
  String name();

  /** The variable's shape. */
  Shape shape();

  /** The variable's TensorFlow Java type class. */
  Class<? extends TType> type();

  /**
   * The {@code shared_name} of the variable's resource: a graph function run in the variable's eager
   * context reaches the same resource through a {@code VarHandleOp} of that name (see {@link
   * RecordingEnvironment#shareVariables}).
   */
  String sharedName();
}
