package dev.keraslite.metrics;

import dev.keraslite.Variable;
import dev.keraslite.initializers.Initializers;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Sum}: the (weighted) sum of every value seen so far. Like {@link Mean} it takes
 * values: {@code updateState(tf, values[, sampleWeight])}.
 */
public class Sum extends Metric {
  private Variable total;

  /** Named {@code "sum"}. */
  public Sum() {
    this("sum");
  }

  /** With the given name. */
  public Sum(String name) {
    super(name);
  }

  /** A float32 {@code total}, zero. */
  @Override
  protected final void build(Ops tf) {
    total = addWeight("total", TFloat32.class, Initializers.zeros());
  }

  /** Adds {@code values}. */
  public void updateState(Ops tf, Operand<?> values) {
    updateState(tf, values, (Operand<?>) null);
  }

  /** Adds {@code values} weighted by {@code sampleWeight}. */
  @Override
  public void updateState(Ops tf, Operand<?> values, Operand<?> sampleWeight) {
    MetricInputs.requireNumeric(this, "values", values, true);
    if (sampleWeight != null) {
      MetricInputs.requireNumeric(this, "sample_weight", sampleWeight, false);
    }
    ensureBuilt(tf);
    withoutRecording(
        tf,
        () -> {
          SampleReduction r =
              SampleReduction.of(
                  tf,
                  this,
                  MetricInputs.toFloat32(tf, values),
                  sampleWeight == null ? null : MetricInputs.toFloat32(tf, sampleWeight),
                  false);
          total.assignAdd(tf, r.total(tf));
        });
  }

  /** Not available: a {@code Sum} adds values. Use {@link #updateState(Ops, Operand, Operand)}. */
  @Override
  public void updateState(Ops tf, Operand<?> yTrue, Operand<?> yPred, Operand<?> sampleWeight) {
    throw new UnsupportedOperationException(
        "Metric '" + name() + "' sums values: call updateState(tf, values[, sampleWeight])");
  }

  /** Adds {@code values} and returns the new sum. */
  public Operand<TFloat32> apply(Ops tf, Operand<?> values) {
    return apply(tf, values, (Operand<?>) null);
  }

  /** Adds weighted {@code values} and returns the new sum. */
  @Override
  public Operand<TFloat32> apply(Ops tf, Operand<?> values, Operand<?> sampleWeight) {
    return updateThenResult(tf, () -> updateState(tf, values, sampleWeight));
  }

  @Override
  public Operand<TFloat32> result(Ops tf) {
    ensureBuilt(tf);
    return tf.identity(total.<TFloat32>value(tf));
  }
}
