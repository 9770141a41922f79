package dev.keraslite.autodiff;

import org.tensorflow.Operation;

/** What the tape needs to know of a resource variable to watch its reads. */
public interface VariableSource {
  /** The op producing the variable's resource handle. */
  Operation handleOp();

  /** Whether tapes watch reads of this variable automatically. */
  boolean trainable();
}
