package dev.keraslite.layers;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * One step of a {@link RecurrentCell}: Keras's {@code output, new_states = cell(x, states)}.
 *
 * @param output the step's output, {@code [batch, units]}
 * @param states the state to pass to the next step: {@code [h, c]} for an LSTM cell, {@code [h]}
 *     for a GRU cell, each {@code [batch, units]}
 */
public record RecurrentStep(Operand<TFloat32> output, List<Operand<TFloat32>> states) {
  /** Copies {@code states} so that the step cannot change afterwards. */
  public RecurrentStep {
    states = List.copyOf(states);
  }
}
