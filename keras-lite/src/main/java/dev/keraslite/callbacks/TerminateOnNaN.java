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

  private long skippedSeen;

  @Override
  public void onTrainBegin(Map<String, Double> logs) {
    skippedSeen = 0;
  }

  /**
   * Stops on a NaN or infinite loss, as Keras does, and also when keras-lite's non-finite guard
   * skipped this batch's update because its gradients were not finite (a NaN input can leave a ReLU
   * network's loss finite while its gradients are NaN); the weights are then still finite.
   */
  @Override
  public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
    long skipped = contextSkippedSteps();
    if (skipped > skippedSeen) {
      skippedSeen = skipped;
      if (raiseError) {
        throw new ArithmeticException(
            "NaN or Inf gradients encountered at batch " + batch + ": the update was skipped (the"
                + " weights are unchanged). Terminating training immediately.");
      }
      out.println("Batch " + batch + ": Invalid gradients (update skipped), terminating training");
      context().stopTraining();
      return;
    }
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

  private long contextSkippedSteps() {
    try {
      return context().skippedSteps();
    } catch (IllegalStateException noContext) {
      return 0; // called outside fit
    }
  }
}
