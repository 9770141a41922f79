package dev.keraslite.internal.recording;

import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;

/**
 * A set of tensors, each an operation object and an output index (identity, as in {@link
 * TensorKey}): one identity-map entry per operation with a bit per output, so the tape's per-op
 * membership test allocates nothing. Outputs past the 64th, which only list-output ops have, go
 * to an exact overflow set.
 */
final class TensorSet {
  private final IdentityHashMap<Operation, Long> outputs = new IdentityHashMap<>();
  private Set<TensorKey> overflow;

  void add(Operand<?> tensor) {
    Output<?> output = tensor.asOutput();
    int index = output.index();
    if (index >= Long.SIZE) {
      if (overflow == null) {
        overflow = new HashSet<>();
      }
      overflow.add(TensorKey.of(output));
      return;
    }
    outputs.merge(output.op(), 1L << index, (a, b) -> a | b);
  }

  /** Adds every output of {@code op}. */
  void addOutputsOf(Operation op, int numOutputs) {
    if (numOutputs <= Long.SIZE) {
      long all = numOutputs == Long.SIZE ? -1L : (1L << numOutputs) - 1;
      outputs.merge(op, all, (a, b) -> a | b);
      return;
    }
    for (int i = 0; i < numOutputs; i++) {
      add(op.output(i));
    }
  }

  boolean contains(Operand<?> tensor) {
    Output<?> output = tensor.asOutput();
    int index = output.index();
    if (index >= Long.SIZE) {
      return overflow != null && overflow.contains(TensorKey.of(output));
    }
    Long bits = outputs.get(output.op());
    return bits != null && (bits & (1L << index)) != 0;
  }
}
