package dev.keraslite.checkpoint;

import dev.keraslite.Variable;
import java.util.List;

/**
 * A copy, held in host memory, of the values of some variables, which can be put back later: what
 * {@code EarlyStopping(restoreBestWeights)} keeps of the best epoch (Keras's {@code
 * model.get_weights()} / {@code set_weights}).
 *
 * <pre>{@code
 * WeightsSnapshot best = WeightsSnapshot.of(model.variables());
 * ... // train on
 * best.restore(); // the variables hold the copied values again
 * }</pre>
 *
 * <p>Taking and restoring a snapshot runs a few eager ops per variable, outside any tape, and
 * releases them at once; call it between training steps, on variables of an eager context.
 */
public final class WeightsSnapshot {
  private final List<Variable> variables;
  private final List<WeightValue> values;

  private WeightsSnapshot(List<Variable> variables, List<WeightValue> values) {
    this.variables = variables;
    this.values = values;
  }

  /**
   * Copies the current values of {@code variables}.
   *
   * @throws IllegalArgumentException for a null variable, duplicate names or string variables
   * @throws IllegalStateException for variables of a graph
   */
  public static WeightsSnapshot of(List<Variable> variables) {
    List<WeightValue> values = VariableValues.read(variables, "WeightsSnapshot");
    return new WeightsSnapshot(List.copyOf(variables), values);
  }

  /** Assigns the copied values back to the variables they were taken from. */
  public void restore() {
    VariableValues.assign(variables, values);
  }

  /** The variables this snapshot was taken from, in order. */
  public List<Variable> variables() {
    return variables;
  }

  /** The number of variables copied. */
  public int size() {
    return variables.size();
  }

  @Override
  public String toString() {
    long bytes = 0;
    for (WeightValue v : values) {
      bytes += v.data().length;
    }
    return "WeightsSnapshot(" + variables.size() + " variables, " + bytes + " bytes)";
  }
}
