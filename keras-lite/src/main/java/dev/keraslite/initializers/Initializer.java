package dev.keraslite.initializers;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Makes the starting value of a weight. Layers call it once, in {@code build}, with the weight's
 * full shape. A lambda is an initializer too:
 *
 * <pre>{@code
 * Initializer halves = (tf, shape) -> tf.fill(tf.constant(shape.asArray()), tf.constant(0.5f));
 * }</pre>
 */
@FunctionalInterface
public interface Initializer {
  /** A tensor of {@code shape} built with ops on {@code tf}. */
  Operand<TFloat32> apply(Ops tf, Shape shape);
}
