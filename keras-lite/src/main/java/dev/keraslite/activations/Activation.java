package dev.keraslite.activations;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * An element-wise (or, for softmax, per-axis) function applied to a layer's output, such as
 * {@code Dense(units).activation(Activations.relu())}. A lambda is an activation too:
 *
 * <pre>{@code
 * Activation halfRelu = (tf, x) -> tf.math.mul(tf.nn.relu(x), tf.constant(0.5f));
 * }</pre>
 */
@FunctionalInterface
public interface Activation {
  /** Applies the function to {@code x} with ops built on {@code tf}. */
  Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x);
}
