package dev.keraslite.metrics;

import dev.keraslite.Recording;
import dev.keraslite.losses.internal.ShapeAlignment;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Cumsum;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Weighted true/false positive/negative counts at thresholds, as Keras's {@code
 * update_confusion_matrix_variables} computes them: a prediction is positive at threshold {@code t}
 * when it is strictly greater than {@code t}; labels count as positive when non-zero.
 */
final class ConfusionMatrix {
  /** Keras's stand-in for minus infinity, the threshold used with {@code topK}. */
  static final float NEG_INF = -1e10f;

  /** Counts per threshold, each a float32 vector. */
  record Counts(
      Operand<TFloat32> truePositives,
      Operand<TFloat32> falsePositives,
      Operand<TFloat32> trueNegatives,
      Operand<TFloat32> falseNegatives) {}

  /** Labels, predictions and optional weights after Keras's alignment, top-k and class filters. */
  record Prepared(Operand<TFloat32> yTrue, Operand<TFloat32> yPred, Operand<TFloat32> weight) {}

  private ConfusionMatrix() {}

  /**
   * Checks shapes and dtypes without building anything.
   *
   * @throws IllegalArgumentException naming the metric
   */
  static void check(
      Metric metric, Operand<?> yTrue, Operand<?> yPred, Operand<?> weight, Integer topK,
      Integer classId) {
    MetricInputs.requireDtypes(metric, yTrue, yPred, weight);
    MetricInputs.requireSameShape(metric, yTrue, yPred);
    Shape[] aligned = ShapeAlignment.alignedShapes(Recording.shape(yPred), Recording.shape(yTrue), true);
    Shape target = aligned[0];
    if (topK != null || classId != null) {
      MetricInputs.requireRank(metric, yPred, classId != null ? 2 : 1);
      long classes = target.get(target.numDimensions() - 1);
      if (classId != null && classes >= 0 && (classId < 0 || classId >= classes)) {
        throw new IllegalArgumentException(
            "Metric '" + metric.name() + "': class_id " + classId + " is out of range for y_pred "
                + "of shape " + Recording.shape(yPred));
      }
      if (topK != null && classes >= 0 && topK > classes) {
        throw new IllegalArgumentException(
            "Metric '" + metric.name() + "': top_k " + topK + " exceeds the " + classes
                + " classes of y_pred of shape " + Recording.shape(yPred));
      }
      if (classId != null) {
        target = target.take(target.numDimensions() - 1).append(1);
      }
    }
    if (weight != null && !target.isUnknown() && !Recording.shape(weight).isUnknown()) {
      Shape w =
          ShapeAlignment.alignedShapes(aligned[1], Recording.shape(weight).append(1), false)[1];
      if (!broadcastsTo(w, target)) {
        throw new IllegalArgumentException(
            "Metric '" + metric.name() + "': sample_weight of shape " + Recording.shape(weight)
                + " does not broadcast to y_pred of shape " + Recording.shape(yPred));
      }
    }
  }

  private static boolean broadcastsTo(Shape from, Shape to) {
    int rf = from.numDimensions();
    int rt = to.numDimensions();
    if (rf > rt) {
      return false;
    }
    for (int i = 1; i <= rf; i++) {
      long f = from.get(rf - i);
      long t = to.get(rt - i);
      if (f != 1 && f != t && f != Shape.UNKNOWN_SIZE && t != Shape.UNKNOWN_SIZE) {
        return false;
      }
    }
    return true;
  }

  /** Keras's preprocessing: cast, align ranks, keep the top {@code k} and the {@code classId}. */
  static Prepared prepare(
      Ops tf, Operand<?> yTrue, Operand<?> yPred, Operand<?> weight, Integer topK,
      Integer classId) {
    ShapeAlignment.Pair<TFloat32, TFloat32> p =
        ShapeAlignment.squeezeOrExpandToSameRank(
            tf, MetricInputs.toFloat32(tf, yPred), MetricInputs.toFloat32(tf, yTrue));
    Operand<TFloat32> pred = p.first();
    Operand<TFloat32> labels = p.second();
    Operand<TFloat32> w = null;
    if (weight != null) {
      Operand<TFloat32> expanded =
          tf.expandDims(MetricInputs.toFloat32(tf, weight), tf.constant(-1));
      w = ShapeAlignment.squeezeOrExpandToSameRank(tf, labels, expanded, false).second();
    }
    if (topK != null) {
      pred = filterTopK(tf, pred, topK);
    }
    if (classId != null) {
      Operand<TInt32> index = tf.constant(new int[] {classId});
      labels = tf.gather(labels, index, tf.constant(-1));
      pred = tf.gather(pred, index, tf.constant(-1));
    }
    if (w != null) {
      w = tf.broadcastTo(w, tf.shape(pred));
    }
    return new Prepared(labels, pred, w);
  }

  /** Counts at arbitrary thresholds: one comparison per threshold and prediction. */
  static Counts atThresholds(Ops tf, Prepared in, float[] thresholds) {
    Operand<TInt32> row = tf.constant(new int[] {1, -1});
    Operand<TFloat32> pred = tf.reshape(in.yPred(), row);
    Operand<TBool> labelIsPos =
        tf.reshape(tf.math.notEqual(in.yTrue(), tf.constant(0f)), row);
    float[][] column = new float[thresholds.length][1];
    for (int i = 0; i < thresholds.length; i++) {
      column[i][0] = thresholds[i];
    }
    Operand<TBool> predIsPos = tf.math.greater(pred, tf.constant(column));
    Operand<TBool> labelIsNeg = tf.math.logicalNot(labelIsPos);
    Operand<TBool> predIsNeg = tf.math.logicalNot(predIsPos);
    Operand<TFloat32> w = in.weight() == null ? null : tf.reshape(in.weight(), row);
    return new Counts(
        count(tf, labelIsPos, predIsPos, w),
        count(tf, labelIsNeg, predIsPos, w),
        count(tf, labelIsNeg, predIsNeg, w),
        count(tf, labelIsPos, predIsNeg, w));
  }

  private static Operand<TFloat32> count(
      Ops tf, Operand<TBool> label, Operand<TBool> pred, Operand<TFloat32> weight) {
    Operand<TBool> both = tf.math.logicalAnd(label, pred);
    Operand<TFloat32> hits =
        weight == null
            ? tf.dtypes.cast(both, TFloat32.class)
            : tf.select(both, weight, tf.constant(0f));
    return tf.reduceSum(hits, tf.constant(1));
  }

  /**
   * Counts at {@code n} evenly spaced thresholds {@code [-1e-7, 1/(n-1), ..., (n-2)/(n-1), 1 + 1e-7]}
   * in one pass (Keras's optimized path): each prediction falls in bucket {@code ceil(p (n-1)) - 1},
   * and a reversed cumulative sum over buckets gives the counts above every threshold.
   */
  static Counts evenlySpaced(Ops tf, Prepared in, int n) {
    Operand<TInt32> flat = tf.constant(new int[] {-1});
    Operand<TFloat32> pred =
        tf.reshape(tf.clipByValue(in.yPred(), tf.constant(0f), tf.constant(1f)), flat);
    Operand<TFloat32> positive =
        tf.reshape(
            tf.dtypes.cast(tf.math.notEqual(in.yTrue(), tf.constant(0f)), TFloat32.class), flat);
    Operand<TFloat32> weight = in.weight() == null ? tf.constant(1f) : tf.reshape(in.weight(), flat);
    Operand<TFloat32> trueLabels = tf.math.mul(positive, weight);
    Operand<TFloat32> falseLabels = tf.math.mul(tf.math.sub(tf.constant(1f), positive), weight);
    Operand<TFloat32> scaled = tf.math.mul(pred, tf.constant((float) (n - 1)));
    // The thresholds carry an epsilon outside [0, 1], so a prediction of 0 still lands in bucket 0.
    Operand<TInt32> bucket =
        tf.dtypes.cast(
            tf.nn.relu(tf.math.sub(tf.math.ceil(scaled), tf.constant(1f))), TInt32.class);
    Operand<TFloat32> tp = aboveEachThreshold(tf, trueLabels, bucket, n);
    Operand<TFloat32> fp = aboveEachThreshold(tf, falseLabels, bucket, n);
    Operand<TInt32> all = tf.constant(0);
    return new Counts(
        tp,
        fp,
        tf.math.sub(tf.reduceSum(falseLabels, all), fp),
        tf.math.sub(tf.reduceSum(trueLabels, all), tp));
  }

  private static Operand<TFloat32> aboveEachThreshold(
      Ops tf, Operand<TFloat32> labels, Operand<TInt32> bucket, int n) {
    Operand<TFloat32> perBucket = tf.math.unsortedSegmentSum(labels, bucket, tf.constant(n));
    return tf.math.cumsum(perBucket, tf.constant(0), Cumsum.reverse(true));
  }

  /** Keeps the {@code k} largest values of each row and pushes the rest to {@link #NEG_INF}. */
  private static Operand<TFloat32> filterTopK(Ops tf, Operand<TFloat32> x, int k) {
    int rank = Recording.shape(x).numDimensions();
    Operand<TInt32> indices = tf.nn.topK(x, tf.constant(k), TInt32.class).indices();
    Operand<TInt32> classes =
        tf.reshape(
            tf.slice(tf.shape(x), tf.constant(new int[] {rank - 1}), tf.constant(new int[] {1})),
            tf.constant(new int[0]));
    Operand<TFloat32> mask =
        tf.reduceSum(
            tf.oneHot(indices, classes, tf.constant(1f), tf.constant(0f)), tf.constant(-2));
    return tf.math.add(
        tf.math.mul(x, mask),
        tf.math.mul(tf.constant(NEG_INF), tf.math.sub(tf.constant(1f), mask)));
  }

  /** A single threshold, checked to lie in [0, 1] (or to be {@link #NEG_INF}, for top-k). */
  static float[] single(Metric metric, float threshold) {
    if (!(threshold >= 0 && threshold <= 1) && threshold != NEG_INF) {
      throw new IllegalArgumentException(
          "Metric '" + metric.name() + "': threshold values must be in [0, 1], received "
              + threshold);
    }
    return new float[] {threshold};
  }
}
