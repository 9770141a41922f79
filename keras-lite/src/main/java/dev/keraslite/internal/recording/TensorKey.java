package dev.keraslite.internal.recording;

import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;

/**
 * Identity of one tensor on the tape: an operation object and an output index. Output's own
 * equals() compares native handles, which change when a value is released, so the tape compares
 * the operation objects themselves.
 */
final class TensorKey {
  private final Operation op;
  private final int index;

  private TensorKey(Operation op, int index) {
    this.op = op;
    this.index = index;
  }

  static TensorKey of(Operand<?> operand) {
    Output<?> out = operand.asOutput();
    return new TensorKey(out.op(), out.index());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorKey && ((TensorKey) o).op == op && ((TensorKey) o).index == index;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(op) * 31 + index;
  }
}
