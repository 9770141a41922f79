package dev.keraslite.initializers;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * Makes the starting value of a weight: of a layer ({@code Layer.addWeight}) and of a metric's
 * state ({@code Metric.addWeight}), the one initializer type of keras-lite (Keras's {@code
 * keras.initializers.Initializer}). Layers call it once, in {@code build}, with the weight's full
 * shape and dtype. A lambda is an initializer too; it writes the float32 value, and {@link
 * #apply(Ops, Shape, Class)} casts that to the weight's dtype:
 *
 * <pre>{@code
 * Initializer halves = (tf, shape) -> tf.fill(tf.constant(shape.asArray()), tf.constant(0.5f));
 * }</pre>
 *
 * <p>The built-in initializers ({@link Initializers}) override {@link #apply(Ops, Shape, Class)} to
 * draw their values in the requested dtype itself, so a float64 weight gets float64 randomness,
 * not float32 values widened. {@code zeros}, {@code ones} and {@code constant} also make integer
 * weights ({@code TInt32}, {@code TInt64}), as metrics' counters need.
 */
@FunctionalInterface
public interface Initializer {
  /** A float32 tensor of {@code shape} built with ops on {@code tf}. */
  Operand<TFloat32> apply(Ops tf, Shape shape);

  /**
   * A tensor of {@code shape} and {@code dtype} built with ops on {@code tf}. The default casts
   * {@link #apply(Ops, Shape)}'s float32 value to {@code dtype} (no op for float32).
   *
   * @param dtype the weight's dtype, such as {@code TFloat64.class}
   */
  default <T extends TNumber> Operand<T> apply(Ops tf, Shape shape, Class<T> dtype) {
    Operand<TFloat32> value = apply(tf, shape);
    return Initializers.castTo(tf, value, dtype);
  }
}
