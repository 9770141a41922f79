package dev.keraslite.activations;

import dev.keraslite.Identifiers;
import dev.keraslite.Recording;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Max;
import org.tensorflow.op.core.Sum;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/**
 * Keras 3's activations ({@code keras.activations}), with its names and default arguments. Each
 * factory returns an {@link Activation} whose {@code toString()} is its Keras name.
 */
public final class Activations {
  /** Keras 3's default {@code negative_slope} of {@code leaky_relu} (the layer LeakyReLU uses 0.3). */
  public static final float LEAKY_RELU_NEGATIVE_SLOPE = 0.2f;

  /** Keras 3's default {@code alpha} of {@code elu}. */
  public static final float ELU_ALPHA = 1.0f;

  private static final double SQRT_2 = Math.sqrt(2.0);
  private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
  private static final double GELU_CUBIC_COEFFICIENT = 0.044715;

  private static final Map<String, Supplier<Activation>> BY_NAME = new TreeMap<>();

  static {
    BY_NAME.put("linear", Activations::linear);
    BY_NAME.put("relu", Activations::relu);
    BY_NAME.put("sigmoid", Activations::sigmoid);
    BY_NAME.put("tanh", Activations::tanh);
    BY_NAME.put("softmax", Activations::softmax);
    BY_NAME.put("softplus", Activations::softplus);
    BY_NAME.put("elu", Activations::elu);
    BY_NAME.put("selu", Activations::selu);
    BY_NAME.put("gelu", Activations::gelu);
    BY_NAME.put("leaky_relu", Activations::leakyRelu);
    BY_NAME.put("hard_sigmoid", Activations::hardSigmoid);
    BY_NAME.put("softsign", Activations::softsign);
    BY_NAME.put("swish", Activations::swish);
    BY_NAME.put("silu", Activations::silu);
  }

  private Activations() {}

  /** An activation with a name, so that layers and error messages can say which one they hold. */
  private record Named(String name, Activation function) implements Activation {
    @Override
    public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
      return function.apply(tf, x);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static Activation named(String name, Activation function) {
    return new Named(name, function);
  }

  /**
   * The activation with Keras name {@code name} ({@code "relu"}, {@code "leaky_relu"}, ...), with
   * its default arguments; {@code null} gives {@link #linear()}, as in Keras.
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static Activation get(String name) {
    if (name == null) {
      return linear();
    }
    Supplier<Activation> factory = BY_NAME.get(name);
    if (factory == null) {
      throw Identifiers.unknown("activation", name, BY_NAME.keySet());
    }
    return factory.get();
  }

  /** The identity, {@code x}: what a layer does with no activation. */
  public static Activation linear() {
    return named("linear", (tf, x) -> x);
  }

  /** {@code max(x, 0)}. */
  public static Activation relu() {
    return named("relu", (tf, x) -> tf.nn.relu(x));
  }

  /** {@code 1 / (1 + exp(-x))}. */
  public static Activation sigmoid() {
    return named("sigmoid", (tf, x) -> tf.math.sigmoid(x));
  }

  /** The hyperbolic tangent. */
  public static Activation tanh() {
    return named("tanh", (tf, x) -> tf.math.tanh(x));
  }

  /** Softmax over the last axis (Keras's default {@code axis=-1}). */
  public static Activation softmax() {
    return softmax(-1);
  }

  /**
   * Softmax over {@code axis}: {@code exp(x) / sum(exp(x), axis)}, computed stably.
   *
   * @param axis the axis to normalise; negative values count from the end
   */
  public static Activation softmax(int axis) {
    return named(axis == -1 ? "softmax" : "softmax(axis=" + axis + ")", (tf, x) -> softmax(tf, x, axis));
  }

  private static Operand<TFloat32> softmax(Ops tf, Operand<TFloat32> x, int axis) {
    int rank = Recording.shape(x).numDimensions();
    if (rank < 0) {
      throw new IllegalArgumentException("softmax: the input's rank must be known");
    }
    int positive = axis < 0 ? axis + rank : axis;
    if (rank == 0 || positive < 0 || positive >= rank) {
      throw new IllegalArgumentException(
          "softmax: axis " + axis + " is out of range for an input of shape " + Recording.shape(x));
    }
    if (positive == rank - 1) {
      return tf.nn.softmax(x);
    }
    // TensorFlow's Softmax kernel normalises the last axis only; other axes use the stable formula.
    Operand<TFloat32> shifted =
        tf.math.sub(x, tf.max(x, tf.constant(positive), Max.keepDims(true)));
    Operand<TFloat32> e = tf.math.exp(shifted);
    return tf.math.div(e, tf.sum(e, tf.constant(positive), Sum.keepDims(true)));
  }

  /** {@code log(1 + exp(x))}. */
  public static Activation softplus() {
    return named("softplus", (tf, x) -> tf.math.softplus(x));
  }

  /** Exponential linear unit with Keras's default {@code alpha=1.0}. */
  public static Activation elu() {
    return elu(ELU_ALPHA);
  }

  /** {@code x} for {@code x > 0}, {@code alpha * (exp(x) - 1)} otherwise. */
  public static Activation elu(float alpha) {
    if (alpha == 1.0f) {
      return named("elu", (tf, x) -> tf.nn.elu(x));
    }
    return named(
        "elu(alpha=" + alpha + ")",
        (tf, x) -> {
          // Elu is x on the positive side, so scaling the whole output would scale x as well.
          Operand<TFloat32> negative = tf.math.mul(tf.nn.elu(x), like(tf, x, alpha));
          return tf.select(tf.math.greater(x, like(tf, x, 0)), x, negative);
        });
  }

  /** Scaled ELU with the fixed constants of Klambauer et al. (2017), as Keras. */
  public static Activation selu() {
    return named("selu", (tf, x) -> tf.nn.selu(x));
  }

  /** Gaussian error linear unit, exact form (Keras 3's default {@code approximate=false}). */
  public static Activation gelu() {
    return gelu(false);
  }

  /**
   * Gaussian error linear unit: {@code 0.5 x (1 + erf(x / sqrt(2)))}, or with {@code approximate}
   * the tanh form {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}.
   */
  public static Activation gelu(boolean approximate) {
    if (!approximate) {
      return named(
          "gelu",
          (tf, x) -> {
            Operand<TFloat32> cdf =
                tf.math.add(
                    like(tf, x, 1), tf.math.erf(tf.math.div(x, like(tf, x, SQRT_2))));
            return tf.math.mul(tf.math.mul(like(tf, x, 0.5), x), cdf);
          });
    }
    return named(
        "gelu(approximate=true)",
        (tf, x) -> {
          Operand<TFloat32> cube = tf.math.mul(tf.math.square(x), x);
          Operand<TFloat32> inner =
              tf.math.mul(
                  like(tf, x, SQRT_2_OVER_PI),
                  tf.math.add(x, tf.math.mul(like(tf, x, GELU_CUBIC_COEFFICIENT), cube)));
          Operand<TFloat32> cdf = tf.math.add(like(tf, x, 1), tf.math.tanh(inner));
          return tf.math.mul(tf.math.mul(like(tf, x, 0.5), x), cdf);
        });
  }

  /** Leaky ReLU with Keras 3's default {@code negative_slope=0.2}. */
  public static Activation leakyRelu() {
    return leakyRelu(LEAKY_RELU_NEGATIVE_SLOPE);
  }

  /** {@code x} for {@code x >= 0}, {@code negativeSlope * x} otherwise. */
  public static Activation leakyRelu(float negativeSlope) {
    String name =
        negativeSlope == LEAKY_RELU_NEGATIVE_SLOPE
            ? "leaky_relu"
            : "leaky_relu(negative_slope=" + negativeSlope + ")";
    return named(name, (tf, x) -> tf.nn.leakyRelu(x, LeakyRelu.alpha(negativeSlope)));
  }

  /**
   * Keras 3's hard sigmoid: {@code relu6(x + 3) / 6}, a piecewise-linear sigmoid of slope 1/6
   * (Keras 2's had slope 0.2; see {@link #hardSigmoid(float)}).
   */
  public static Activation hardSigmoid() {
    return named("hard_sigmoid", (tf, x) -> hardSigmoid(tf, x, 1f / 6f));
  }

  /**
   * A hard sigmoid of slope {@code slope}: {@code clip(slope * x + 0.5, 0, 1)} (Keras 2 and
   * tf.keras used slope 0.2 under the name {@code hard_sigmoid}).
   */
  public static Activation hardSigmoid(float slope) {
    if (slope == 1f / 6f) {
      return hardSigmoid();
    }
    return named("hard_sigmoid(slope=" + slope + ")", (tf, x) -> hardSigmoid(tf, x, slope));
  }

  /**
   * The constant {@code value} in {@code x}'s dtype: float32, or float64 for a float64 layer's
   * tensors (the signatures say float32; the dtype is known at run time).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Operand<TFloat32> like(Ops tf, Operand<TFloat32> x, double value) {
    return x.type() == (Class) TFloat64.class ? (Operand) tf.constant(value) : tf.constant((float) value);
  }

  private static Operand<TFloat32> hardSigmoid(Ops tf, Operand<TFloat32> x, float slope) {
    Operand<TFloat32> linear = tf.math.add(tf.math.mul(x, like(tf, x, slope)), like(tf, x, 0.5));
    return tf.math.minimum(tf.math.maximum(linear, like(tf, x, 0)), like(tf, x, 1));
  }

  /** {@code x / (1 + |x|)}. */
  public static Activation softsign() {
    return named("softsign", (tf, x) -> tf.nn.softsign(x));
  }

  /** {@code x * sigmoid(x)} (Keras's {@code swish}, also called {@code silu}). */
  public static Activation swish() {
    return named("swish", (tf, x) -> tf.math.mul(x, tf.math.sigmoid(x)));
  }

  /** The same function as {@link #swish()}, under Keras's other name. */
  public static Activation silu() {
    return named("silu", (tf, x) -> tf.math.mul(x, tf.math.sigmoid(x)));
  }

  /**
   * Keras's serialized form of {@code activation} ({@code keras.activations.serialize}): the name of
   * a built-in activation with its default arguments, {@code "linear"} for none.
   *
   * @throws IllegalArgumentException for an activation Keras cannot name (a lambda, a configured
   *     one), saying to use an activation layer instead
   */
  public static String serialize(Activation activation) {
    return ActivationConfig.serialize(activation);
  }

  /**
   * The activation a Keras file names ({@code keras.activations.deserialize}): a name, or Keras 3's
   * {@code {"class_name": "function", "config": "relu"}}; {@code null} is linear. Runs no code from
   * the file: custom activations are refused.
   *
   * @throws IllegalArgumentException for anything else, naming what was received
   */
  public static Activation deserialize(Object config) {
    return ActivationConfig.deserialize(config);
  }
}
