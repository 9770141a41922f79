package dev.keraslite.metrics;

import dev.keraslite.Variable;
import dev.keraslite.initializers.Initializers;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code MeanMetricWrapper}: the running (weighted) mean of a per-sample function of labels
 * and predictions. Subclasses check their inputs in {@link #checkInputs} and compute the per-sample
 * values in {@link #values}; the base accumulates {@code total} and {@code count} as {@link Mean}
 * does, after every check has passed.
 */
public abstract class MeanMetricWrapper extends Metric {
  private Variable total;
  private Variable count;

  /** A metric named {@code name} with float32 {@code total} and {@code count}. */
  protected MeanMetricWrapper(String name) {
    super(name);
  }

  /** Float32 {@code total} and {@code count}, zero. */
  @Override
  protected final void build(Ops tf) {
    total = addWeight("total", TFloat32.class, Initializers.zeros());
    count = addWeight("count", TFloat32.class, Initializers.zeros());
  }

  /**
   * Checks labels and predictions (dtype, shape) without building anything.
   *
   * @throws IllegalArgumentException naming the metric, the expected and the received value
   */
  protected abstract void checkInputs(Operand<?> yTrue, Operand<?> yPred);

  /** The per-sample values whose mean the metric reports. */
  protected abstract Operand<TFloat32> values(Ops tf, Operand<?> yTrue, Operand<?> yPred);

  @Override
  public final void updateState(
      Ops tf, Operand<?> yTrue, Operand<?> yPred, Operand<?> sampleWeight) {
    MetricInputs.requireDtypes(this, yTrue, yPred, sampleWeight);
    checkInputs(yTrue, yPred);
    ensureBuilt(tf);
    withoutRecording(
        tf,
        () -> {
          SampleReduction r =
              SampleReduction.of(
                  tf,
                  this,
                  values(tf, yTrue, yPred),
                  sampleWeight == null ? null : MetricInputs.toFloat32(tf, sampleWeight),
                  true);
          Operand<TFloat32> batchTotal = r.total(tf);
          Operand<TFloat32> batchCount = r.count(tf);
          total.assignAdd(tf, batchTotal);
          count.assignAdd(tf, batchCount);
        });
  }

  /** {@code total / count}, 0 before any sample. */
  @Override
  public Operand<TFloat32> result(Ops tf) {
    ensureBuilt(tf);
    return tf.math.divNoNan(total.<TFloat32>value(tf), count.<TFloat32>value(tf));
  }
}
