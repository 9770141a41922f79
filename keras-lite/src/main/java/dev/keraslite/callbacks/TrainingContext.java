package dev.keraslite.callbacks;

import dev.keraslite.layers.Layer;
import dev.keraslite.optimizers.Optimizer;
import org.tensorflow.proto.GraphDef;

/** What a callback sees of the running {@code fit}, {@code evaluate} or {@code predict}. */
public interface TrainingContext {
  /** The model being trained (its variables are current between epochs). */
  Layer model();

  /** The compiled optimizer, or null outside {@code fit}. */
  Optimizer optimizer();

  /** Asks {@code fit} to stop after the current epoch (Keras's {@code model.stop_training = True}). */
  void stopTraining();

  /** Whether {@link #stopTraining()} was called during this {@code fit}. */
  boolean stopTrainingRequested();

  /**
   * Makes {@code fit} start at {@code epoch} (0-based) instead of its {@code initialEpoch}, when
   * called from {@code onTrainBegin}: how {@link BackupAndRestore} resumes an interrupted run (Keras
   * sets {@code model._initial_epoch}).
   *
   * @throws UnsupportedOperationException where the running loop cannot skip epochs
   */
  default void setInitialEpoch(int epoch) {
    throw new UnsupportedOperationException("this training loop cannot start at another epoch");
  }

  /**
   * How many workers train this model together: the {@code MultiWorkerStrategy}'s number of
   * workers when the model was compiled in its scope, otherwise 1.
   */
  default int numWorkers() {
    return 1;
  }

  /**
   * Whether this process is the chief, the one worker that writes files (always true for a single
   * worker). Under a strategy, {@code fit} sets the other workers' model and optimizer state to the
   * chief's just before the first training step, after {@code onTrainBegin} and the first {@code
   * onTrainBatchBegin}; so state a callback restores on the chief alone reaches every worker.
   */
  default boolean isChief() {
    return true;
  }

  /**
   * The chief's {@code value} on every worker (the value itself for a single worker). A collective
   * call: every worker must make it at the same point of the loop, or the workers wait for each
   * other until the strategy's timeout.
   */
  default long broadcastFromChief(long value) {
    return value;
  }

  /** Total epochs of this {@code fit} (0 for evaluate and predict). */
  int epochs();

  /** Batches per epoch (or per evaluate / predict run), or -1 when unknown. */
  long steps();

  /** Keras's verbosity: 0 silent, 1 progress bar, 2 one line per epoch. */
  int verbose();

  /**
   * Training steps of this {@code fit} so far that applied no update because their gradients were
   * not finite (keras-lite's non-finite guard, {@code FitOptions.nonFiniteGuard}); 0 elsewhere.
   */
  default long skippedSteps() {
    return 0;
  }

  /**
   * The graph of the traced train step in use (what TensorBoard shows in its Graphs tab), or null
   * when the steps run eagerly or none was traced yet.
   */
  default GraphDef trainGraph() {
    return null;
  }
}
