package dev.keraslite.losses;

import dev.keraslite.losses.internal.ShapeAlignment;
import dev.keraslite.Recording;
import java.util.Arrays;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code CategoricalCrossentropy} for one-hot (or soft) labels: {@code -sum(y log p, axis)}.
 * Probabilities are first renormalised to sum to 1 along {@code axis} and clipped to {@code [1e-7, 1 -
 * 1e-7]}; with {@code fromLogits} TensorFlow's fused {@code SoftmaxCrossEntropyWithLogits} kernel is
 * used. Label smoothing {@code s} turns labels into {@code y (1 - s) + s / numClasses}.
 */
public class CategoricalCrossentropy extends Loss {
  private final boolean fromLogits;
  private final float labelSmoothing;
  private final int axis;

  /** Probabilities, no label smoothing, classes on the last axis. */
  public CategoricalCrossentropy() {
    this(false);
  }

  /** Whether {@code yPred} holds logits rather than probabilities. */
  public CategoricalCrossentropy(boolean fromLogits) {
    this(fromLogits, 0f);
  }

  /** With label smoothing in [0, 1]. */
  public CategoricalCrossentropy(boolean fromLogits, float labelSmoothing) {
    this(fromLogits, labelSmoothing, -1, Reduction.SUM_OVER_BATCH_SIZE);
  }

  /**
   * @param fromLogits whether {@code yPred} holds logits
   * @param labelSmoothing in [0, 1]
   * @param axis the class axis
   * @param reduction how {@link #apply} reduces the per-sample losses
   */
  public CategoricalCrossentropy(
      boolean fromLogits, float labelSmoothing, int axis, Reduction reduction) {
    super("categorical_crossentropy", reduction);
    this.fromLogits = fromLogits;
    this.labelSmoothing = checkSmoothing("categorical_crossentropy", labelSmoothing);
    this.axis = axis;
  }

  /** Whether predictions are logits. */
  public boolean fromLogits() {
    return fromLogits;
  }

  /** The label smoothing factor. */
  public float labelSmoothing() {
    return labelSmoothing;
  }

  /** The class axis. */
  public int axis() {
    return axis;
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
    ShapeAlignment.Pair<TFloat32, TFloat32> p =
        ShapeAlignment.squeezeOrExpandToSameRank(tf, yTrue, yPred);
    Operand<TFloat32> y = p.first();
    Operand<TFloat32> pred = p.second();
    int rank = Recording.shape(pred).numDimensions();
    if (rank < 1) {
      throw new IllegalArgumentException(
          "Loss '" + name() + "': expected y_pred of rank >= 1 with known rank, received shape "
              + Recording.shape(pred));
    }
    int a = LossMath.canonicalAxis(name(), axis, rank);
    if (labelSmoothing > 0) {
      Operand<TFloat32> numClasses = tf.dtypes.cast(dimension(tf, pred, a), TFloat32.class);
      y = tf.math.add(
          tf.math.mul(y, tf.constant(1f - labelSmoothing)),
          tf.math.div(tf.constant(labelSmoothing), numClasses));
    }
    if (fromLogits) {
      return softmaxCrossEntropy(tf, y, pred, a);
    }
    Operand<TFloat32> normalized =
        tf.math.div(pred, tf.reduceSum(pred, tf.constant(a), ReduceSum.keepDims(true)));
    Operand<TFloat32> logP = tf.math.log(LossMath.clipProbabilities(tf, normalized));
    return tf.math.neg(LossMath.sum(tf, tf.math.mul(y, logP), a, false));
  }

  /** The fused kernel wants [batch, classes]: move the class axis last and flatten the rest. */
  private static Operand<TFloat32> softmaxCrossEntropy(
      Ops tf, Operand<TFloat32> labels, Operand<TFloat32> logits, int axis) {
    int rank = Recording.shape(logits).numDimensions();
    if (axis != rank - 1) {
      int[] perm = new int[rank];
      for (int i = 0, j = 0; i < rank; i++) {
        if (i != axis) {
          perm[j++] = i;
        }
      }
      perm[rank - 1] = axis;
      labels = tf.linalg.transpose(labels, tf.constant(perm));
      logits = tf.linalg.transpose(logits, tf.constant(perm));
    }
    if (rank == 2) {
      return tf.nn.softmaxCrossEntropyWithLogits(logits, labels).loss();
    }
    Operand<TInt32> flat = flatShape(tf, logits);
    Operand<TFloat32> loss =
        tf.nn.softmaxCrossEntropyWithLogits(tf.reshape(logits, flat), tf.reshape(labels, flat))
            .loss();
    return tf.reshape(loss, batchShape(tf, logits));
  }

  /** {@code [-1, classes]} for a tensor whose classes are on its last axis. */
  static Operand<TInt32> flatShape(Ops tf, Operand<TFloat32> logits) {
    int rank = Recording.shape(logits).numDimensions();
    return tf.concat(
        Arrays.asList(tf.constant(new int[] {-1}), sliceShape(tf, logits, rank - 1, 1)),
        tf.constant(0));
  }

  /** The shape without the last axis. */
  static Operand<TInt32> batchShape(Ops tf, Operand<TFloat32> logits) {
    return sliceShape(tf, logits, 0, Recording.shape(logits).numDimensions() - 1);
  }

  private static Operand<TInt32> sliceShape(Ops tf, Operand<?> x, int begin, int size) {
    return tf.slice(tf.shape(x), tf.constant(new int[] {begin}), tf.constant(new int[] {size}));
  }

  /** Dimension {@code axis} of {@code x}: a constant when the static shape knows it. */
  static Operand<TInt32> dimension(Ops tf, Operand<?> x, int axis) {
    long d = Recording.shape(x).get(axis);
    if (d >= 0) {
      return tf.constant((int) d);
    }
    return tf.reshape(sliceShape(tf, x, axis, 1), tf.constant(new int[0]));
  }

  static float checkSmoothing(String loss, float labelSmoothing) {
    if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
      throw new IllegalArgumentException(
          "Loss '" + loss + "': label_smoothing must be in [0, 1], received " + labelSmoothing);
    }
    return labelSmoothing;
  }
}
