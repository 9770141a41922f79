package dev.keraslite.metrics;

import dev.keraslite.Recording;
import dev.keraslite.losses.internal.ShapeAlignment;
import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * Checks on metric inputs that run before any state changes, with messages that name the metric,
 * what was expected and what was received.
 */
final class MetricInputs {
  private MetricInputs() {}

  /** {@code x} must hold numbers (or booleans, when {@code allowBool}). */
  static void requireNumeric(Metric metric, String what, Operand<?> x, boolean allowBool) {
    if (x == null) {
      throw new IllegalArgumentException(
          "Metric '" + metric.name() + "': " + what + " must not be null");
    }
    boolean ok = TNumber.class.isAssignableFrom(x.type()) || (allowBool && x.type() == TBool.class);
    if (!ok) {
      throw new IllegalArgumentException(
          "Metric '" + metric.name() + "': expected " + what + " of a number"
              + (allowBool ? " or bool" : "") + " dtype, received " + dtypeName(x));
    }
  }

  /** The labels, predictions and weights every built-in accepts: numbers (bool labels too). */
  static void requireDtypes(Metric metric, Operand<?> yTrue, Operand<?> yPred, Operand<?> weight) {
    requireNumeric(metric, "y_true", yTrue, true);
    requireNumeric(metric, "y_pred", yPred, false);
    if (weight != null) {
      requireNumeric(metric, "sample_weight", weight, false);
    }
  }

  /** Equal shapes once a trailing dimension of 1 is aligned; unknown dimensions match anything. */
  static void requireSameShape(Metric metric, Operand<?> yTrue, Operand<?> yPred) {
    if (!ShapeAlignment.sameShapeAfterAlignment(Recording.shape(yTrue), Recording.shape(yPred))) {
      throw new IllegalArgumentException(
          "Metric '" + metric.name() + "': expected y_true with the shape of y_pred "
              + Recording.shape(yPred) + " (a trailing dimension of 1 aside), received y_true shape "
              + Recording.shape(yTrue));
    }
  }

  /** Class indices: the shape of {@code yPred} without its last axis (or with it as 1). */
  static void requireSparseShape(Metric metric, Operand<?> yTrue, Operand<?> yPred) {
    Shape t = Recording.shape(yTrue);
    Shape p = Recording.shape(yPred);
    if (t.isUnknown() || p.isUnknown()) {
      return;
    }
    if (p.numDimensions() < 1) {
      throw new IllegalArgumentException(
          "Metric '" + metric.name() + "': expected y_pred with a class axis, received shape " + p);
    }
    Shape batch = p.take(p.numDimensions() - 1);
    Shape labels =
        t.numDimensions() == p.numDimensions() && t.get(t.numDimensions() - 1) == 1
            ? t.take(t.numDimensions() - 1)
            : t;
    if (!labels.isCompatibleWith(batch)) {
      throw new IllegalArgumentException(
          "Metric '" + metric.name() + "': expected y_true of shape " + batch + " (y_pred " + p
              + " without its class axis), received y_true shape " + t);
    }
  }

  /** {@code yPred} must have a known rank of at least {@code min}. */
  static void requireRank(Metric metric, Operand<?> yPred, int min) {
    Shape p = Recording.shape(yPred);
    if (p.isUnknown() || p.numDimensions() < min) {
      throw new IllegalArgumentException(
          "Metric '" + metric.name() + "': expected y_pred of rank >= " + min
              + ", received shape " + p);
    }
  }

  /** {@code x} as float32, cast only when needed. */
  @SuppressWarnings("unchecked")
  static Operand<TFloat32> toFloat32(Ops tf, Operand<?> x) {
    return x.type() == TFloat32.class
        ? (Operand<TFloat32>) x
        : tf.dtypes.cast((Operand) x, TFloat32.class);
  }

  static String dtypeName(Operand<?> x) {
    DataType t = x.asOutput().dataType();
    switch (t) {
      case DT_FLOAT:
        return "float32";
      case DT_DOUBLE:
        return "float64";
      case DT_HALF:
        return "float16";
      default:
        return t.name().substring(3).toLowerCase(Locale.ROOT);
    }
  }
}
