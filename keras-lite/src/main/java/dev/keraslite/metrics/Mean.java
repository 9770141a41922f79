package dev.keraslite.metrics;

import dev.keraslite.Variable;
import dev.keraslite.initializers.Initializers;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Mean}: the (weighted) mean of the values seen so far, {@code total / count}. Values of
 * shape {@code [batch, ...]} count one sample per batch row (each row's mean is its value); with
 * sample weights, {@code count} is the sum of the weights.
 *
 * <p>It takes values, not labels and predictions: {@code updateState(tf, values[, sampleWeight])}, as
 * Keras's {@code Mean.update_state(values, sample_weight)}.
 */
public class Mean extends Metric {
  private Variable total;
  private Variable count;

  /** Named {@code "mean"}. */
  public Mean() {
    this("mean");
  }

  /** With the given name, such as {@code "loss"} for a loss tracker. */
  public Mean(String name) {
    super(name);
  }

  /** Float32 {@code total} and {@code count}, zero. */
  @Override
  protected final void build(Ops tf) {
    total = addWeight("total", TFloat32.class, Initializers.zeros());
    count = addWeight("count", TFloat32.class, Initializers.zeros());
  }

  /** Accumulates {@code values}, each sample weighing 1. */
  public void updateState(Ops tf, Operand<?> values) {
    updateState(tf, values, (Operand<?>) null);
  }

  /**
   * Accumulates {@code values} weighted by {@code sampleWeight} (null, a scalar, or weights
   * broadcastable to the leading axes of {@code values}).
   */
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
                  true);
          Operand<TFloat32> batchTotal = r.total(tf);
          Operand<TFloat32> batchCount = r.count(tf);
          total.assignAdd(tf, batchTotal);
          count.assignAdd(tf, batchCount);
        });
  }

  /**
   * Not available: a {@code Mean} averages values. Use {@link #updateState(Ops, Operand)} or {@link
   * #updateState(Ops, Operand, Operand)}.
   */
  @Override
  public void updateState(Ops tf, Operand<?> yTrue, Operand<?> yPred, Operand<?> sampleWeight) {
    throw new UnsupportedOperationException(
        "Metric '" + name() + "' averages values: call updateState(tf, values[, sampleWeight])");
  }

  /** Accumulates {@code values} and returns the new mean (see {@link Metric#apply}). */
  public Operand<TFloat32> apply(Ops tf, Operand<?> values) {
    return apply(tf, values, (Operand<?>) null);
  }

  /** Accumulates weighted {@code values} and returns the new mean (see {@link Metric#apply}). */
  @Override
  public Operand<TFloat32> apply(Ops tf, Operand<?> values, Operand<?> sampleWeight) {
    return updateThenResult(tf, () -> updateState(tf, values, sampleWeight));
  }

  @Override
  public Operand<TFloat32> result(Ops tf) {
    ensureBuilt(tf);
    return tf.math.divNoNan(total.<TFloat32>value(tf), count.<TFloat32>value(tf));
  }
}
