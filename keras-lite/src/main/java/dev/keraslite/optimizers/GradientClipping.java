package dev.keraslite.optimizers;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TType;

/**
 * Keras's gradient clipping ({@code BaseOptimizer._clip_gradients}): at most one of {@code
 * clipnorm}, {@code clipvalue} and {@code global_clipnorm}, a threshold of 0 meaning off.
 * Immutable; an optimizer replaces its instance when configured.
 */
final class GradientClipping {
  /** Which clipping applies. */
  enum Kind {
    CLIPNORM("clipnorm"),
    CLIPVALUE("clipvalue"),
    GLOBAL_CLIPNORM("globalClipnorm");

    final String argument;

    Kind(String argument) {
      this.argument = argument;
    }
  }

  static final GradientClipping NONE = new GradientClipping(null, 0f);

  private final Kind kind;
  private final float threshold;

  private GradientClipping(Kind kind, float threshold) {
    this.kind = kind;
    this.threshold = threshold;
  }

  /**
   * This clipping with {@code kind} set to {@code threshold}.
   *
   * @param owner the optimizer's name, for messages
   * @throws IllegalArgumentException for a negative or non-finite threshold, or when another kind
   *     is already set
   */
  GradientClipping with(Kind kind, float threshold, String owner) {
    if (!(threshold >= 0) || Float.isInfinite(threshold)) {
      throw new IllegalArgumentException(
          owner
              + ": "
              + kind.argument
              + " must be a finite number >= 0 (0 turns it off), received "
              + threshold);
    }
    if (threshold == 0) {
      return this.kind == kind ? NONE : this;
    }
    if (this.kind != null && this.kind != kind) {
      throw new IllegalArgumentException(
          owner
              + ": only one of clipnorm, clipvalue and globalClipnorm can be set; received "
              + kind.argument
              + "="
              + threshold
              + " with "
              + this.kind.argument
              + "="
              + this.threshold);
    }
    return new GradientClipping(kind, threshold);
  }

  /** The threshold of {@code kind}, or 0 when it is off. */
  float threshold(Kind kind) {
    return this.kind == kind ? threshold : 0f;
  }

  /** The clipped gradients (the same list when clipping is off). */
  List<Operand<?>> apply(Ops tf, List<Operand<?>> grads) {
    if (kind == null) {
      return grads;
    }
    if (kind == Kind.GLOBAL_CLIPNORM) {
      return byGlobalNorm(tf, grads);
    }
    List<Operand<?>> out = new ArrayList<>(grads.size());
    for (Operand<?> g : grads) {
      out.add(kind == Kind.CLIPNORM ? byNorm(tf, g) : byValue(tf, g));
    }
    return out;
  }

  /**
   * TensorFlow's {@code clip_by_norm}, used by Keras's TensorFlow backend: {@code g * clipnorm /
   * max(||g||, clipnorm)}. (Its where-trick only guards the gradient of the norm at 0, which an
   * update never takes.)
   */
  @SuppressWarnings("unchecked")
  private <T extends TFloating> Operand<T> byNorm(Ops tf, Operand<?> gradient) {
    Operand<T> g = (Operand<T>) gradient;
    Operand<T> c = Optimizer.constant(tf, threshold, g.type());
    Operand<T> norm = tf.math.sqrt(sumAll(tf, tf.math.square(g)));
    return tf.math.div(tf.math.mul(g, c), tf.math.maximum(norm, c));
  }

  @SuppressWarnings("unchecked")
  private <T extends TFloating> Operand<T> byValue(Ops tf, Operand<?> gradient) {
    Operand<T> g = (Operand<T>) gradient;
    return tf.clipByValue(
        g,
        Optimizer.constant(tf, -threshold, g.type()),
        Optimizer.constant(tf, threshold, g.type()));
  }

  /**
   * Keras's {@code clip_by_global_norm}: every gradient times {@code clip * min(1/norm, 1/clip)},
   * plus {@code norm - norm} so that a non-finite norm turns the gradients into NaN as in Keras.
   * The norm is accumulated in float64 when any gradient is float64, else in float32.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private List<Operand<?>> byGlobalNorm(Ops tf, List<Operand<?>> grads) {
    Class<? extends TFloating> normType = TFloat32.class;
    for (Operand<?> g : grads) {
      if (g.type() == TFloat64.class) {
        normType = TFloat64.class;
      }
    }
    Operand sum = null;
    for (Operand<?> g : grads) {
      Operand part = tf.dtypes.cast(sumAll(tf, tf.math.square((Operand) g)), (Class) normType);
      sum = sum == null ? part : tf.math.add(sum, part);
    }
    Operand norm = tf.math.sqrt(sum);
    Operand clip = Optimizer.constant(tf, threshold, (Class) normType);
    Operand one = Optimizer.constant(tf, 1.0, (Class) normType);
    Operand scale =
        tf.math.add(
            tf.math.mul(clip, tf.math.minimum(tf.math.div(one, norm), tf.math.div(one, clip))),
            tf.math.sub(norm, norm));
    List<Operand<?>> out = new ArrayList<>(grads.size());
    for (Operand<?> g : grads) {
      Operand s = g.type() == normType ? scale : tf.dtypes.cast(scale, (Class) g.type());
      out.add(tf.math.mul((Operand) g, s));
    }
    return out;
  }

  private static <T extends TType> Operand<T> sumAll(Ops tf, Operand<T> x) {
    Operand<TInt32> axes = tf.range(tf.constant(0), tf.rank(x), tf.constant(1));
    return tf.reduceSum(x, axes);
  }
}
