package dev.keraslite.metrics;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Precision}: {@code true_positives / (true_positives + false_positives)}, where a
 * prediction is positive when it exceeds the threshold (0.5 by default) and a label when it is
 * non-zero. With {@code topK} only the {@code k} largest predictions of each row can be positive; with
 * {@code classId} only that class (the last axis) is scored.
 */
public class Precision extends TruePositiveRatio {
  /** Threshold 0.5, named {@code "precision"}. */
  public Precision() {
    this(null, null, null, "precision");
  }

  /** With the given threshold in [0, 1]. */
  public Precision(float threshold) {
    this(threshold, null, null, "precision");
  }

  /**
   * @param threshold in [0, 1]; null for Keras's default (0.5, or none with {@code topK})
   * @param topK null, or how many of the largest predictions of each row may count as positive
   * @param classId null, or the class (index on the last axis) to score
   * @param name the metric's name
   */
  public Precision(Float threshold, Integer topK, Integer classId, String name) {
    super(threshold, topK, classId, name, "false_positives");
  }

  @Override
  Operand<TFloat32> other(ConfusionMatrix.Counts counts) {
    return counts.falsePositives();
  }
}
