package dev.keraslite.callbacks;

import java.io.PrintStream;
import java.util.Map;

/**
 * Stops training when a batch's loss is NaN or infinite, as Keras's {@code TerminateOnNaN}: by
 * default it prints {@code Batch 3: Invalid loss, terminating training} and asks {@code fit} to
 * stop ({@link TrainingContext#stopTraining()}), so the other callbacks still see the end of
 * training; with {@link #raiseError(boolean) raiseError(true)} it throws at once instead.
 */
public class TerminateOnNaN extends Callback {
  private boolean raiseError;
  private PrintStream out = System.out;

  /**
   * Whether to throw an {@link ArithmeticException} from the batch hook instead of stopping
   * gracefully (Keras's {@code raise_error}, default false). The exception skips the other
   * callbacks' {@code onTrainEnd}, which keeps their state as it was when training failed.
   */
  public TerminateOnNaN raiseError(boolean raiseError) {
    this.raiseError = raiseError;
    return this;
  }

  public boolean raiseError() {
    return raiseError;
  }

  /** Where the message goes (default {@code System.out}). */
  public TerminateOnNaN output(PrintStream out) {
    if (out == null) {
      throw new IllegalArgumentException("TerminateOnNaN: the output stream is null");
    }
    this.out = out;
    return this;
  }

  @Override
  public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
    Double loss = logs == null ? null : logs.get("loss");
    if (loss == null || Double.isFinite(loss)) {
      return;
    }
    if (raiseError) {
      throw new ArithmeticException(
          "NaN or Inf loss encountered at batch " + batch + ". Loss value: "
              + PythonFormat.repr(loss) + ". Terminating training immediately.");
    }
    out.println("Batch " + batch + ": Invalid loss, terminating training");
    context().stopTraining();
  }
}
