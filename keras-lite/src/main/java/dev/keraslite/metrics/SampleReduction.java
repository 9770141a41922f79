package dev.keraslite.metrics;

import dev.keraslite.Recording;
import dev.keraslite.losses.internal.ShapeAlignment;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code reduce_to_samplewise_values}: weighted values reduced to one per sample, and the
 * weights reduced alike, for {@link Mean}, {@link Sum} and {@link MeanMetricWrapper}. Values with more
 * dimensions than the weights are first reduced to the weights' rank; the weights are broadcast to
 * the values; anything past the batch axis is reduced last.
 */
final class SampleReduction {
  final Operand<TFloat32> values;
  final Operand<TFloat32> weights;

  private SampleReduction(Operand<TFloat32> values, Operand<TFloat32> weights) {
    this.values = values;
    this.weights = weights;
  }

  /**
   * @param mean whether to reduce extra axes by mean (Mean) or by sum (Sum)
   * @throws IllegalArgumentException before building anything when the weights do not fit
   */
  static SampleReduction of(
      Ops tf, Metric metric, Operand<TFloat32> values, Operand<TFloat32> weight, boolean mean) {
    if (Recording.shape(values).isUnknown() || (weight != null && Recording.shape(weight).isUnknown())) {
      throw new IllegalArgumentException(
          "Metric '" + metric.name() + "': needs values and sample weights of known rank, received "
              + Recording.shape(values) + (weight == null ? "" : " and " + Recording.shape(weight)));
    }
    if (weight != null) {
      checkWeightShape(metric, Recording.shape(values), Recording.shape(weight));
      ShapeAlignment.Pair<TFloat32, TFloat32> aligned =
          ShapeAlignment.squeezeOrExpandToSameRank(tf, values, weight);
      values = aligned.first();
      weight = aligned.second();
      int weightRank = Recording.shape(weight).numDimensions();
      int valuesRank = Recording.shape(values).numDimensions();
      if (valuesRank > weightRank) {
        values = reduce(tf, values, weightRank, valuesRank, mean);
      }
      if (!sameStaticShape(Recording.shape(weight), Recording.shape(values))) {
        weight = tf.broadcastTo(weight, tf.shape(values));
      }
      values = tf.math.mul(values, weight);
      if (weightRank > 1) {
        weight = reduce(tf, weight, 1, weightRank, mean);
      }
    }
    int rank = Recording.shape(values).numDimensions();
    if (rank > 1) {
      values = reduce(tf, values, 1, rank, mean);
    }
    return new SampleReduction(values, weight);
  }

  /** Keras's {@code Mean} count: the summed weights, else the number of samples. */
  Operand<TFloat32> count(Ops tf) {
    if (weights != null) {
      return sumAll(tf, weights);
    }
    if (Recording.shape(values).numDimensions() >= 1) {
      long known = Recording.shape(values).get(0);
      if (known >= 0) {
        return Recording.scalar(tf, TFloat32.class, known);
      }
      Operand<TInt32> n =
          tf.reshape(
              tf.slice(tf.shape(values), tf.constant(new int[] {0}), tf.constant(new int[] {1})),
              tf.constant(new int[0]));
      return tf.dtypes.cast(n, TFloat32.class);
    }
    return tf.constant(1f);
  }

  /** The sum of the per-sample values. */
  Operand<TFloat32> total(Ops tf) {
    return sumAll(tf, values);
  }

  /**
   * The sum of every element. The axes are a constant (the rank is known here), and a scalar is its
   * own sum: a loss tracker's update then costs no reduction op at all, where {@code range(0,
   * rank(x))} took four ops per sum, which eager steps pay one dispatch each for.
   */
  private static Operand<TFloat32> sumAll(Ops tf, Operand<TFloat32> x) {
    int rank = Recording.shape(x).numDimensions();
    if (rank == 0) {
      return x;
    }
    return tf.reduceSum(x, Recording.allAxes(tf, rank));
  }

  /** Whether both shapes are fully known and equal, so broadcasting one to the other is a no-op. */
  private static boolean sameStaticShape(Shape a, Shape b) {
    return !a.isUnknown() && !a.hasUnknownDimension() && a.equals(b);
  }

  private static void checkWeightShape(Metric metric, Shape values, Shape weight) {
    Shape[] aligned = ShapeAlignment.alignedShapes(values, weight, true);
    Shape v = aligned[0];
    Shape w = aligned[1];
    boolean ok = w.numDimensions() <= v.numDimensions();
    for (int i = 0; ok && i < w.numDimensions(); i++) {
      long dw = w.get(i);
      long dv = v.get(i);
      ok = dw == 1 || dw == dv || dw == Shape.UNKNOWN_SIZE || dv == Shape.UNKNOWN_SIZE;
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "Metric '" + metric.name() + "': sample_weight of shape " + weight
              + " does not broadcast to the per-sample values of shape " + values);
    }
  }

  private static Operand<TFloat32> reduce(
      Ops tf, Operand<TFloat32> x, int fromAxis, int toAxis, boolean mean) {
    int[] range = new int[toAxis - fromAxis];
    for (int i = 0; i < range.length; i++) {
      range[i] = fromAxis + i;
    }
    Operand<TInt32> axes = tf.constant(range);
    return mean ? tf.math.mean(x, axes) : tf.reduceSum(x, axes);
  }

}
