package dev.keraslite.training.internal;

import dev.keraslite.EagerScope;
import dev.keraslite.Variable;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TType;

/**
 * The model's weights and the optimizer's state at the start of an epoch, copied to host tensors, so
 * that a {@code fit} failing mid-epoch (an exception from a batch) can put them back bit for bit:
 * the model is then as it was after the last complete epoch, not half-updated by an unknown number
 * of batches. Costs one read of every variable per epoch.
 */
final class EpochRollback implements AutoCloseable {
  private final List<Variable> variables;
  private final List<Tensor> values = new ArrayList<>();
  private final int epoch;

  private EpochRollback(List<Variable> variables, int epoch) {
    this.variables = variables;
    this.epoch = epoch;
  }

  /** Copies the current values of {@code variables} (eager ones, as between steps). */
  static EpochRollback capture(List<Variable> variables, int epoch) {
    EpochRollback r = new EpochRollback(List.copyOf(variables), epoch);
    for (Variable v : r.variables) {
      Ops tf = v.ops();
      try (EagerScope scope = EagerScope.open(tf)) {
        // asTensor's tensor owns its buffer: it stays valid once the scope releases the read.
        r.values.add(v.value(tf).asTensor());
      }
    }
    return r;
  }

  /** The epoch captured (zero-based). */
  int epoch() {
    return epoch;
  }

  /** Assigns the captured values back. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  void restore() {
    for (int i = 0; i < variables.size(); i++) {
      Variable v = variables.get(i);
      Ops tf = v.ops();
      try (EagerScope scope = EagerScope.open(tf)) {
        v.assign(tf, (Operand) tf.constantOf((TType) values.get(i)));
      }
    }
  }

  /**
   * {@code failure}, or an exception of the same class saying that the state was rolled back (its
   * cause is {@code failure}); where the class cannot be rebuilt, {@code failure} with the note as a
   * suppressed exception.
   */
  static RuntimeException annotate(RuntimeException failure, String note) {
    String message = (failure.getMessage() == null ? failure.getClass().getSimpleName()
        : failure.getMessage()) + " [" + note + "]";
    RuntimeException rebuilt = null;
    try {
      rebuilt = failure.getClass().getConstructor(String.class, Throwable.class)
          .newInstance(message, failure);
    } catch (ReflectiveOperationException | RuntimeException noSuchConstructor) {
      try {
        rebuilt = failure.getClass().getConstructor(String.class).newInstance(message);
        rebuilt.initCause(failure);
      } catch (ReflectiveOperationException | RuntimeException alsoNot) {
        rebuilt = null;
      }
    }
    if (rebuilt == null) {
      failure.addSuppressed(new IllegalStateException(note));
      return failure;
    }
    rebuilt.setStackTrace(failure.getStackTrace());
    return rebuilt;
  }

  @Override
  public void close() {
    values.forEach(Tensor::close);
    values.clear();
  }
}
