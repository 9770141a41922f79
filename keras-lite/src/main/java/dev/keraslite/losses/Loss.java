package dev.keraslite.losses;

import dev.keraslite.losses.internal.ShapeAlignment;
import dev.keraslite.Recording;
import java.util.regex.Pattern;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * A Keras 3 loss. Subclasses compute per-sample values in {@link #call}; callers use {@link #apply},
 * which does what Keras's {@code Loss.__call__} does around it: labels are cast to float32 (integer
 * class indices included), shapes are checked, sample weights applied and the {@link Reduction}
 * taken. The tutorial's custom loss (compiled in {@code CustomLossTest}) reads:
 *
 * <pre>{@code
 * class MeanSquaredError extends Loss {
 *   public Operand<TFloat32> call(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
 *     Operand<TFloat32> se = tf.math.square(tf.math.sub(yPred, yTrue));
 *     return tf.math.mean(se, tf.range(tf.constant(0), tf.rank(se), tf.constant(1)));
 *   }
 * }
 * Operand<TFloat32> loss = new MeanSquaredError().apply(tf, y, yPred);
 * }</pre>
 *
 * <p>A loss holds no state: one object serves eager code and traced graphs alike.
 *
 * <p>Predictions of a float64 model ({@code DTypePolicy "float64"}) are cast to float32 on entry:
 * the loss is always float32, as under {@code mixed_bfloat16}. Gradients keep float64 below the
 * loss (the cast's gradient is a cast back), so a float64 model's weights still get float64
 * gradients; Keras with {@code set_floatx("float64")} computes the loss itself in float64.
 */
public abstract class Loss {
  private static final Pattern CAMEL_WORD = Pattern.compile("(.)([A-Z][a-z]+)");
  private static final Pattern CAMEL_BOUNDARY = Pattern.compile("([a-z])([A-Z])");

  private final String name;
  private final Reduction reduction;

  /** A loss named after its class in snake case (Keras's {@code auto_name}), summed over the batch. */
  protected Loss() {
    this(null, Reduction.SUM_OVER_BATCH_SIZE);
  }

  /** A loss named after its class in snake case, with the given reduction. */
  protected Loss(Reduction reduction) {
    this(null, reduction);
  }

  /**
   * @param name the loss's name, used in error messages (null: the class name in snake case)
   * @param reduction how {@link #apply} reduces the weighted per-sample losses
   */
  protected Loss(String name, Reduction reduction) {
    if (reduction == null) {
      throw new IllegalArgumentException("Loss: reduction must not be null (use Reduction.NONE)");
    }
    this.name = name != null ? name : snakeCase(getClass().getSimpleName(), "loss");
    this.reduction = reduction;
  }

  /** The loss's name, such as {@code "sparse_categorical_crossentropy"}. */
  public String name() {
    return name;
  }

  /** The reduction {@link #apply} takes. */
  public Reduction reduction() {
    return reduction;
  }

  /**
   * The per-sample losses, before sample weighting and reduction. Override this in custom losses.
   *
   * @param tf where to build the computation
   * @param yTrue labels, already cast to float32 and checked against {@link #checkShapes}
   * @param yPred predictions
   * @return one value per sample (any shape the reduction can sum, a scalar included)
   */
  public abstract Operand<TFloat32> call(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred);

  /** The reduced loss of {@code yPred} against {@code yTrue}, every sample weighing 1. */
  public final Operand<TFloat32> apply(
      Ops tf, Operand<? extends TNumber> yTrue, Operand<TFloat32> yPred) {
    return apply(tf, yTrue, yPred, null);
  }

  /**
   * The reduced, weighted loss of {@code yPred} against {@code yTrue}.
   *
   * @param yTrue labels of any real number type (class indices for sparse losses)
   * @param yPred float32 predictions (float64 ones are cast to float32)
   * @param sampleWeight null, a scalar, or weights broadcastable (NumPy rules, after Keras's
   *     trailing-dimension alignment) to the per-sample losses
   * @throws IllegalArgumentException for a dtype or shape that does not fit, naming this loss
   */
  public final Operand<TFloat32> apply(
      Ops tf,
      Operand<? extends TNumber> yTrue,
      Operand<TFloat32> yPred,
      Operand<? extends TNumber> sampleWeight) {
    requireReal("y_true", yTrue);
    yPred = float64ToFloat32(tf, yPred);
    requireFloat32("y_pred", yPred);
    if (sampleWeight != null) {
      requireReal("sample_weight", sampleWeight);
    }
    checkShapes(Recording.shape(yTrue), Recording.shape(yPred));
    Operand<TFloat32> values = callOnIntegerLabels(tf, yTrue, yPred);
    Operand<TBool> mask = null;
    if (values == null) {
      Operand<TFloat32> labels = toFloat32(tf, yTrue);
      values = call(tf, labels, yPred);
      mask = mask(tf, labels, yPred);
    }
    Operand<TFloat32> weight = sampleWeight == null ? null : toFloat32(tf, sampleWeight);
    if (weight != null) {
      Shape[] aligned = ShapeAlignment.alignedShapes(Recording.shape(values), Recording.shape(weight), true);
      if (!ShapeAlignment.broadcastable(aligned[0], aligned[1])) {
        throw new IllegalArgumentException(
            "Loss '" + name + "': sample_weight of shape " + Recording.shape(weight)
                + " does not broadcast to the per-sample losses of shape " + Recording.shape(values));
      }
    }
    return reduceWeighted(tf, values, weight, mask);
  }

  /**
   * The per-sample losses computed from integer labels as given, or null to cast them to float32 and
   * use {@link #call}. For built-in losses of class indices whose kernel takes integer labels: the
   * cast to float32 and back is two ops per step for nothing (one dispatch each when eager). Only
   * for losses that need no mask, and never for subclasses, whose {@code call} may differ.
   */
  Operand<TFloat32> callOnIntegerLabels(
      Ops tf, Operand<? extends TNumber> yTrue, Operand<TFloat32> yPred) {
    return null;
  }

  /**
   * Checks the static shapes of labels and predictions before anything is computed. The default
   * requires equal shapes after Keras's trailing-dimension alignment (unknown dimensions match
   * anything); losses whose labels are shaped otherwise, such as sparse class indices, override it.
   *
   * @throws IllegalArgumentException naming the loss, the expected and the received shapes
   */
  protected void checkShapes(Shape yTrue, Shape yPred) {
    if (!ShapeAlignment.sameShapeAfterAlignment(yTrue, yPred)) {
      throw new IllegalArgumentException(
          "Loss '" + name + "': expected y_true with the shape of y_pred " + yPred
              + " (a trailing dimension of 1 aside), received y_true shape " + yTrue);
    }
  }

  /**
   * Which per-sample losses count, or null when all do. Masked entries are left out of the sum and of
   * the {@link Reduction#SUM_OVER_BATCH_SIZE} count, as Keras does with a loss's Keras mask.
   */
  protected Operand<TBool> mask(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
    return null;
  }

  private Operand<TFloat32> reduceWeighted(
      Ops tf, Operand<TFloat32> values, Operand<TFloat32> weight, Operand<TBool> mask) {
    if (mask != null) {
      weight = applyMask(tf, weight, mask);
    }
    if (weight != null) {
      ShapeAlignment.Pair<TFloat32, TFloat32> aligned =
          ShapeAlignment.squeezeOrExpandToSameRank(tf, values, weight);
      values = tf.math.mul(aligned.first(), aligned.second());
    }
    if (reduction == Reduction.NONE || (Recording.shape(values).isScalar())) {
      return values;
    }
    Operand<TFloat32> sum = tf.reduceSum(values, allAxes(tf, values));
    if (reduction == Reduction.SUM) {
      return sum;
    }
    Operand<TFloat32> divisor =
        reduction == Reduction.MEAN_WITH_SAMPLE_WEIGHT && weight != null
            ? tf.reduceSum(weight, allAxes(tf, weight))
            : elementCount(tf, values);
    return tf.math.divNoNan(sum, divisor);
  }

  /**
   * Keras's {@code apply_mask}: for mean reductions valid entries weigh {@code total / valid}, so the
   * mean runs over the valid entries only; otherwise the mask is a 0/1 weight.
   */
  private Operand<TFloat32> applyMask(Ops tf, Operand<TFloat32> weight, Operand<TBool> mask) {
    Operand<TFloat32> floatMask = tf.dtypes.cast(mask, TFloat32.class);
    if (reduction == Reduction.SUM_OVER_BATCH_SIZE || reduction == Reduction.MEAN) {
      Operand<TFloat32> total = elementCount(tf, mask);
      Operand<TFloat32> valid = tf.reduceSum(floatMask, allAxes(tf, floatMask));
      floatMask = tf.math.mul(floatMask, tf.math.divNoNan(total, valid));
    }
    if (weight == null) {
      return floatMask;
    }
    ShapeAlignment.Pair<TFloat32, TFloat32> aligned =
        ShapeAlignment.squeezeOrExpandToSameRank(tf, floatMask, weight);
    return tf.math.mul(aligned.second(), aligned.first());
  }

  /**
   * Every axis of {@code x}: a constant when the rank is static, which also keeps the reduction's
   * bookkeeping off the tape (no {@code Rank} op depending on the loss).
   */
  private static Operand<TInt32> allAxes(Ops tf, Operand<?> x) {
    Shape s = Recording.shape(x);
    if (s.isUnknown()) {
      return tf.range(tf.constant(0), tf.rank(x), tf.constant(1));
    }
    return Recording.allAxes(tf, s.numDimensions());
  }

  /** The number of elements of {@code x}, as a constant when its shape is static. */
  private static Operand<TFloat32> elementCount(Ops tf, Operand<?> x) {
    Shape s = Recording.shape(x);
    if (!s.isUnknown() && !s.hasUnknownDimension()) {
      return Recording.scalar(tf, TFloat32.class, s.size());
    }
    return tf.dtypes.cast(tf.size(x), TFloat32.class);
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> toFloat32(Ops tf, Operand<? extends TNumber> x) {
    return x.type() == TFloat32.class ? (Operand<TFloat32>) x : tf.dtypes.cast(x, TFloat32.class);
  }

  /** A float64 model's predictions in float32 (see the class documentation); others unchanged. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Operand<TFloat32> float64ToFloat32(Ops tf, Operand<TFloat32> yPred) {
    return yPred.type() == (Class) TFloat64.class ? tf.dtypes.cast(yPred, TFloat32.class) : yPred;
  }

  private void requireReal(String what, Operand<?> x) {
    if (!TNumber.class.isAssignableFrom(x.type())) {
      throw new IllegalArgumentException(
          "Loss '" + name + "': expected " + what + " of a number dtype, received "
              + dtypeName(x.asOutput().dataType()));
    }
  }

  private void requireFloat32(String what, Operand<?> x) {
    if (x.type() != TFloat32.class) {
      throw new IllegalArgumentException(
          "Loss '" + name + "': expected " + what + " of dtype float32 (or float64, cast to float32),"
              + " received "
              + dtypeName(x.asOutput().dataType()));
    }
  }

  /** NumPy's name of a dtype, as Keras prints it. */
  static String dtypeName(DataType t) {
    switch (t) {
      case DT_FLOAT:
        return "float32";
      case DT_DOUBLE:
        return "float64";
      case DT_HALF:
        return "float16";
      default:
        return t.name().substring(3).toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Keras's {@code to_snake_case} of a class name; {@code fallback} for anonymous classes. */
  static String snakeCase(String className, String fallback) {
    if (className.isEmpty()) {
      return fallback;
    }
    String s = CAMEL_WORD.matcher(className).replaceAll("$1_$2");
    return CAMEL_BOUNDARY.matcher(s).replaceAll("$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public String toString() {
    return "<" + getClass().getSimpleName() + " name=" + name + " reduction=" + reduction.kerasName()
        + ">";
  }
}
