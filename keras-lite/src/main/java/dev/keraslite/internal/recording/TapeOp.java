package dev.keraslite.internal.recording;

import dev.keraslite.autodiff.RecordedOp;
import java.util.Collections;
import java.util.List;
import org.tensorflow.Operation;
import org.tensorflow.Output;

/**
 * The recording environment's {@link RecordedOp}: what a builder saw (type, flattened inputs,
 * attributes) and the operation it produced, plus which inputs the current backward pass needs.
 */
final class TapeOp implements RecordedOp {
  private final String type;
  private final List<Output<?>> inputs;
  private final OpAttributes attrs;
  private final Operation operation;
  private boolean[] needed;

  TapeOp(String type, List<Output<?>> inputs, OpAttributes attrs, Operation operation) {
    this.type = type;
    this.inputs = Collections.unmodifiableList(inputs);
    this.attrs = attrs;
    this.operation = operation;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public Operation operation() {
    return operation;
  }

  @Override
  public List<Output<?>> inputs() {
    return inputs;
  }

  @Override
  public boolean needsGradient(int i) {
    return needed == null || needed[i];
  }

  void setNeeded(boolean[] needed) {
    this.needed = needed;
  }

  @Override
  public Object attr(String name) {
    return attrs.get(name);
  }

  @Override
  public String toString() {
    return type + " '" + operation.name() + "'";
  }
}
