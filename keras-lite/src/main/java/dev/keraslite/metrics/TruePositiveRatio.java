package dev.keraslite.metrics;

import dev.keraslite.Variable;
import dev.keraslite.initializers.Initializers;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * What {@link Precision} and {@link Recall} share: {@code true_positives / (true_positives + other)}
 * at one threshold, with Keras's {@code top_k} and {@code class_id} options. The state is two float32
 * vectors of length 1, as in Keras.
 */
abstract class TruePositiveRatio extends Metric {
  private final float[] thresholds;
  private final Integer topK;
  private final Integer classId;
  private final String otherName;
  private Variable truePositives;
  private Variable other;

  TruePositiveRatio(Float threshold, Integer topK, Integer classId, String name, String otherName) {
    super(name);
    float t = threshold != null ? threshold : topK == null ? 0.5f : ConfusionMatrix.NEG_INF;
    this.thresholds = ConfusionMatrix.single(this, t);
    if (topK != null) {
      TopK.checkK(this, topK);
    }
    this.topK = topK;
    this.classId = classId;
    this.otherName = otherName;
  }

  /** Float32 vectors of length 1, zero: {@code true_positives} and the other count. */
  @Override
  protected final void build(Ops tf) {
    truePositives = addWeight("true_positives", Shape.of(1), TFloat32.class, Initializers.zeros());
    other = addWeight(otherName, Shape.of(1), TFloat32.class, Initializers.zeros());
  }

  /** The count added to the true positives in the denominator. */
  abstract Operand<TFloat32> other(ConfusionMatrix.Counts counts);

  @Override
  public final void updateState(
      Ops tf, Operand<?> yTrue, Operand<?> yPred, Operand<?> sampleWeight) {
    ConfusionMatrix.check(this, yTrue, yPred, sampleWeight, topK, classId);
    ensureBuilt(tf);
    withoutRecording(
        tf,
        () -> {
          ConfusionMatrix.Counts c =
              ConfusionMatrix.atThresholds(
                  tf,
                  ConfusionMatrix.prepare(tf, yTrue, yPred, sampleWeight, topK, classId),
                  thresholds);
          Operand<TFloat32> tp = c.truePositives();
          Operand<TFloat32> rest = other(c);
          truePositives.assignAdd(tf, tp);
          other.assignAdd(tf, rest);
        });
  }

  @Override
  public final Operand<TFloat32> result(Ops tf) {
    ensureBuilt(tf);
    Operand<TFloat32> tp = truePositives.value(tf);
    Operand<TFloat32> rest = other.value(tf);
    return tf.reshape(tf.math.divNoNan(tp, tf.math.add(tp, rest)), tf.constant(new int[0]));
  }

  /** The threshold predictions must exceed to count as positive. */
  public final float threshold() {
    return thresholds[0];
  }
}
