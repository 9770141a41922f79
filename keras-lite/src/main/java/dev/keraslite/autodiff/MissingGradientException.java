package dev.keraslite.autodiff;

/** Thrown when an op on the path from a source to the target has no registered gradient. */
public final class MissingGradientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** For {@code op}, whose type has no gradient function; thrown by the tape's backward pass. */
  public MissingGradientException(RecordedOp op) {
    super(
        "No gradient is registered for op type '"
            + op.type()
            + "' (op '"
            + op.name()
            + "'), which lies between a source and the target. Register one with"
            + " Gradients.register(\""
            + op.type()
            + "\", (tf, op, grads) -> ...), declare it with"
            + " Gradients.registerNonDifferentiable(\""
            + op.type()
            + "\"), or cut the path with tf.stopGradient(...) or GradientTape.stopRecording().");
  }
}
