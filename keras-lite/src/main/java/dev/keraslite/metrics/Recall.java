package dev.keraslite.metrics;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Recall}: {@code true_positives / (true_positives + false_negatives)}, where a
 * prediction is positive when it exceeds the threshold (0.5 by default) and a label when it is
 * non-zero. With {@code topK} only the {@code k} largest predictions of each row can be positive; with
 * {@code classId} only that class (the last axis) is scored.
 */
public class Recall extends TruePositiveRatio {
  /** Threshold 0.5, named {@code "recall"}. */
  public Recall() {
    this(null, null, null, "recall");
  }

  /** With the given threshold in [0, 1]. */
  public Recall(float threshold) {
    this(threshold, null, null, "recall");
  }

  /**
   * @param threshold in [0, 1]; null for Keras's default (0.5, or none with {@code topK})
   * @param topK null, or how many of the largest predictions of each row may count as positive
   * @param classId null, or the class (index on the last axis) to score
   * @param name the metric's name
   */
  public Recall(Float threshold, Integer topK, Integer classId, String name) {
    super(threshold, topK, classId, name, "false_negatives");
  }

  @Override
  Operand<TFloat32> other(ConfusionMatrix.Counts counts) {
    return counts.falseNegatives();
  }
}
