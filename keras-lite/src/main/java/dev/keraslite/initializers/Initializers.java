package dev.keraslite.initializers;

import dev.keraslite.Identifiers;
import dev.keraslite.KerasLite;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.Qr;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/**
 * Keras 3's initializers ({@code keras.initializers}) with its names and defaults. Each factory
 * returns an {@link Initializer} whose {@code toString()} is its Keras name.
 *
 * <p>Random initializers come in an unseeded form (fresh values on every call) and a seeded form
 * (the same values on every call, drawn with TensorFlow's stateless random ops from the seed pair
 * {@code [seed, 0]}).
 *
 * <p>Every initializer here makes its values in the dtype it is asked for ({@link
 * Initializer#apply(Ops, Shape, Class)}): a float64 weight's random values are drawn in float64.
 * Random and orthogonal initializers make floating dtypes only; {@code zeros}, {@code ones} and
 * {@code constant} also make integer ones.
 */
public final class Initializers {
  /** Keras 3's default standard deviation of {@code RandomNormal} and {@code TruncatedNormal}. */
  public static final double DEFAULT_STDDEV = 0.05;

  /** Keras 3's default bound of {@code RandomUniform}: values in {@code [-0.05, 0.05)}. */
  public static final double DEFAULT_UNIFORM_LIMIT = 0.05;

  /**
   * The standard deviation of a standard normal truncated to two standard deviations; variance
   * scaling divides by it so that the truncated distribution has the intended variance.
   */
  static final double TRUNCATED_NORMAL_STDDEV = 0.87962566103423978;

  private static final Map<String, Supplier<Initializer>> BY_NAME = new TreeMap<>();

  static {
    BY_NAME.put("zeros", Initializers::zeros);
    BY_NAME.put("ones", Initializers::ones);
    BY_NAME.put("glorot_uniform", Initializers::glorotUniform);
    BY_NAME.put("glorot_normal", Initializers::glorotNormal);
    BY_NAME.put("he_uniform", Initializers::heUniform);
    BY_NAME.put("he_normal", Initializers::heNormal);
    BY_NAME.put("lecun_uniform", Initializers::lecunUniform);
    BY_NAME.put("lecun_normal", Initializers::lecunNormal);
    BY_NAME.put("random_normal", Initializers::randomNormal);
    BY_NAME.put("random_uniform", Initializers::randomUniform);
    BY_NAME.put("truncated_normal", Initializers::truncatedNormal);
    BY_NAME.put("orthogonal", Initializers::orthogonal);
    // Keras also accepts the class names ("HeNormal"), as keras.initializers.get does.
    BY_NAME.put("Zeros", Initializers::zeros);
    BY_NAME.put("Ones", Initializers::ones);
    BY_NAME.put("GlorotUniform", Initializers::glorotUniform);
    BY_NAME.put("GlorotNormal", Initializers::glorotNormal);
    BY_NAME.put("HeUniform", Initializers::heUniform);
    BY_NAME.put("HeNormal", Initializers::heNormal);
    BY_NAME.put("LecunUniform", Initializers::lecunUniform);
    BY_NAME.put("LecunNormal", Initializers::lecunNormal);
    BY_NAME.put("RandomNormal", Initializers::randomNormal);
    BY_NAME.put("RandomUniform", Initializers::randomUniform);
    BY_NAME.put("TruncatedNormal", Initializers::truncatedNormal);
    BY_NAME.put("Orthogonal", Initializers::orthogonal);
  }

  private Initializers() {}

  /**
   * How a built-in initializer makes its value: in {@code dtype}, which the caller has checked
   * ({@link Named#apply(Ops, Shape, Class)}).
   */
  @FunctionalInterface
  private interface Body {
    Operand<? extends TNumber> make(Ops tf, Shape shape, Class<? extends TNumber> dtype);
  }

  /**
   * An initializer with a name, for messages and {@code toString()}.
   *
   * @param floatingOnly whether it makes floating values only (random draws, orthogonal matrices)
   */
  private record Named(String name, boolean floatingOnly, Body body) implements Initializer {
    @Override
    public Operand<TFloat32> apply(Ops tf, Shape shape) {
      return apply(tf, shape, TFloat32.class);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends TNumber> Operand<T> apply(Ops tf, Shape shape, Class<T> dtype) {
      if (dtype == null) {
        throw new IllegalArgumentException("initializer " + name + ": the dtype must not be null");
      }
      if (floatingOnly && !isFloating(dtype)) {
        throw new IllegalArgumentException(
            "initializer " + name + " makes floating-point values: expected a weight dtype of"
                + " float16, bfloat16, float32 or float64, received " + dtypeName(dtype));
      }
      return (Operand<T>) body.make(tf, shape, dtype);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A built-in initializer of any numeric dtype (constants). */
  private static Initializer named(String name, Body body) {
    return new Named(name, false, body);
  }

  /** A built-in initializer of floating dtypes only (random draws). */
  private static Initializer floating(String name, Body body) {
    return new Named(name, true, body);
  }

  /**
   * The seed as it appears in a seeded initializer's name, {@code "glorot_uniform[seed=3]"}, which is also how
   * {@link InitializerConfig} finds it to write Keras's {@code "seed"}.
   */
  private static String seedSuffix(Long seed) {
    return seed == null ? "" : "[seed=" + seed + "]";
  }

  /**
   * The initializer with Keras name {@code name} ({@code "glorot_uniform"}, {@code "zeros"}, ...),
   * unseeded and with its default arguments.
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static Initializer get(String name) {
    Supplier<Initializer> factory = name == null ? null : BY_NAME.get(name);
    if (factory == null) {
      throw Identifiers.unknown("initializer", name, BY_NAME.keySet());
    }
    return factory.get();
  }

  // ---- constants ---------------------------------------------------------------------------

  /** All zeros (Keras's default bias initializer). */
  public static Initializer zeros() {
    return named("zeros", (tf, shape, dtype) -> constantFill(tf, shape, 0, dtype));
  }

  /** All ones. */
  public static Initializer ones() {
    return named("ones", (tf, shape, dtype) -> constantFill(tf, shape, 1, dtype));
  }

  /** Every element equal to {@code value}. */
  public static Initializer constant(float value) {
    return named("constant(" + value + ")", (tf, shape, dtype) -> constantFill(tf, shape, value, dtype));
  }

  /**
   * Every element equal to {@code value}, kept in double precision for a float64 weight (and
   * rounded to float32 for a float32 one).
   */
  public static Initializer constant(double value) {
    return named("constant(" + value + ")", (tf, shape, dtype) -> constantFill(tf, shape, value, dtype));
  }

  /**
   * The given values, row-major: reshaped when they have as many elements as the weight (as
   * TensorFlow's {@code constant_initializer} does, so a 3x3 list can fill a {@code [3, 3, 1, 1]}
   * convolution kernel), otherwise broadcast to the weight's shape (as Keras 3's {@code Constant}).
   */
  public static Initializer constant(float[] values) {
    return constantArray(values.clone(), Shape.of(values.length));
  }

  /** As {@link #constant(float[])} for a matrix, flattened row by row. */
  public static Initializer constant(float[][] values) {
    int rows = values.length;
    int cols = rows == 0 ? 0 : values[0].length;
    float[] flat = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      if (values[r].length != cols) {
        throw new IllegalArgumentException(
            "Initializers.constant: row " + r + " has " + values[r].length + " values, row 0 has "
                + cols);
      }
      System.arraycopy(values[r], 0, flat, r * cols, cols);
    }
    return constantArray(flat, Shape.of(rows, cols));
  }

  private static Initializer constantArray(float[] flat, Shape valueShape) {
    return named(
        "constant(" + Arrays.toString(flat) + ")",
        (tf, shape, dtype) -> {
          Operand<? extends TNumber> value = castTo(tf, tf.constant(flat), dtype);
          if (flat.length == shape.size()) {
            return tf.reshape(value, tf.constant(shape.asArray()));
          }
          if (!broadcastable(valueShape, shape)) {
            throw new IllegalArgumentException(
                "Initializers.constant: " + flat.length + " values of shape " + valueShape
                    + " can neither fill nor broadcast to the weight shape " + shape);
          }
          return tf.broadcastTo(
              tf.reshape(value, tf.constant(valueShape.asArray())), tf.constant(shape.asArray()));
        });
  }

  private static boolean broadcastable(Shape from, Shape to) {
    int fr = from.numDimensions();
    int tr = to.numDimensions();
    if (fr > tr) {
      return false;
    }
    for (int i = 1; i <= fr; i++) {
      long f = from.get(fr - i);
      if (f != 1 && f != to.get(tr - i)) {
        return false;
      }
    }
    return true;
  }

  private static <T extends TNumber> Operand<T> constantFill(
      Ops tf, Shape shape, double value, Class<T> dtype) {
    return tf.fill(tf.constant(shape.asArray()), scalar(tf, value, dtype));
  }

  // ---- variance scaling --------------------------------------------------------------------

  /** Glorot (Xavier) uniform, Keras's default kernel initializer: limit {@code sqrt(6/(fanIn+fanOut))}. */
  public static Initializer glorotUniform() {
    return varianceScaling("glorot_uniform", 1.0, "fan_avg", "uniform", null);
  }

  /** {@link #glorotUniform()} with a seed. */
  public static Initializer glorotUniform(long seed) {
    return varianceScaling("glorot_uniform", 1.0, "fan_avg", "uniform", seed);
  }

  /** Glorot normal: truncated normal with standard deviation {@code sqrt(2/(fanIn+fanOut))}. */
  public static Initializer glorotNormal() {
    return varianceScaling("glorot_normal", 1.0, "fan_avg", "truncated_normal", null);
  }

  /** {@link #glorotNormal()} with a seed. */
  public static Initializer glorotNormal(long seed) {
    return varianceScaling("glorot_normal", 1.0, "fan_avg", "truncated_normal", seed);
  }

  /** He normal: truncated normal with standard deviation {@code sqrt(2/fanIn)}. */
  public static Initializer heNormal() {
    return varianceScaling("he_normal", 2.0, "fan_in", "truncated_normal", null);
  }

  /** {@link #heNormal()} with a seed. */
  public static Initializer heNormal(long seed) {
    return varianceScaling("he_normal", 2.0, "fan_in", "truncated_normal", seed);
  }

  /** He uniform: limit {@code sqrt(6/fanIn)}. */
  public static Initializer heUniform() {
    return varianceScaling("he_uniform", 2.0, "fan_in", "uniform", null);
  }

  /** {@link #heUniform()} with a seed. */
  public static Initializer heUniform(long seed) {
    return varianceScaling("he_uniform", 2.0, "fan_in", "uniform", seed);
  }

  /** LeCun normal: truncated normal with standard deviation {@code sqrt(1/fanIn)}. */
  public static Initializer lecunNormal() {
    return varianceScaling("lecun_normal", 1.0, "fan_in", "truncated_normal", null);
  }

  /** {@link #lecunNormal()} with a seed. */
  public static Initializer lecunNormal(long seed) {
    return varianceScaling("lecun_normal", 1.0, "fan_in", "truncated_normal", seed);
  }

  /** LeCun uniform: limit {@code sqrt(3/fanIn)}. */
  public static Initializer lecunUniform() {
    return varianceScaling("lecun_uniform", 1.0, "fan_in", "uniform", null);
  }

  /** {@link #lecunUniform()} with a seed. */
  public static Initializer lecunUniform(long seed) {
    return varianceScaling("lecun_uniform", 1.0, "fan_in", "uniform", seed);
  }

  /**
   * Keras's {@code VarianceScaling}: samples with variance {@code scale / n}, where {@code n} is
   * the fan-in, the fan-out or their average ({@link Fans}), at least 1.
   *
   * @param mode {@code "fan_in"}, {@code "fan_out"} or {@code "fan_avg"}
   * @param distribution {@code "truncated_normal"}, {@code "untruncated_normal"} or {@code
   *     "uniform"}
   */
  public static Initializer varianceScaling(double scale, String mode, String distribution) {
    return varianceScaling(varianceScalingName(scale, mode, distribution), scale, mode, distribution, null);
  }

  /** {@link #varianceScaling(double, String, String)} with a seed. */
  public static Initializer varianceScaling(
      double scale, String mode, String distribution, long seed) {
    return varianceScaling(
        varianceScalingName(scale, mode, distribution), scale, mode, distribution, Long.valueOf(seed));
  }

  private static String varianceScalingName(double scale, String mode, String distribution) {
    return "variance_scaling(scale=" + scale + ", mode=" + mode + ", distribution=" + distribution + ")";
  }

  private static Initializer varianceScaling(
      String name, double scale, String mode, String distribution, Long seed) {
    if (!(scale > 0)) {
      throw new IllegalArgumentException(
          "Initializers.varianceScaling: scale must be positive, received " + scale);
    }
    if (!mode.equals("fan_in") && !mode.equals("fan_out") && !mode.equals("fan_avg")) {
      throw new IllegalArgumentException(
          "Initializers.varianceScaling: mode must be fan_in, fan_out or fan_avg, received '"
              + mode + "'");
    }
    if (!distribution.equals("truncated_normal")
        && !distribution.equals("untruncated_normal")
        && !distribution.equals("uniform")) {
      throw new IllegalArgumentException(
          "Initializers.varianceScaling: distribution must be truncated_normal, untruncated_normal"
              + " or uniform, received '" + distribution + "'");
    }
    return floating(
        name + seedSuffix(seed),
        (tf, shape, dtype) -> {
          Fans fans = Fans.of(shape);
          double n =
              mode.equals("fan_in") ? fans.in() : mode.equals("fan_out") ? fans.out() : fans.average();
          double variance = scale / Math.max(1.0, n);
          switch (distribution) {
            case "truncated_normal":
              return affine(
                  tf, tf.random.statelessTruncatedNormal(dims(tf, shape), seed(tf, seed), dtype),
                  0, Math.sqrt(variance) / TRUNCATED_NORMAL_STDDEV);
            case "untruncated_normal":
              return affine(
                  tf, tf.random.statelessRandomNormal(dims(tf, shape), seed(tf, seed), dtype),
                  0, Math.sqrt(variance));
            default:
              double limit = Math.sqrt(3 * variance);
              return uniform(tf, shape, -limit, limit, seed, dtype);
          }
        });
  }

  // ---- plain random ------------------------------------------------------------------------

  /** Normal with Keras's defaults: mean 0, standard deviation 0.05. */
  public static Initializer randomNormal() {
    return randomNormal(0, DEFAULT_STDDEV);
  }

  /** Normal with the given mean and standard deviation. */
  public static Initializer randomNormal(double mean, double stddev) {
    return randomNormal(mean, stddev, null);
  }

  /** Normal with the given mean, standard deviation and seed. */
  public static Initializer randomNormal(double mean, double stddev, long seed) {
    return randomNormal(mean, stddev, Long.valueOf(seed));
  }

  private static Initializer randomNormal(double mean, double stddev, Long seed) {
    requirePositive("randomNormal", "stddev", stddev);
    return floating(
        "random_normal(mean=" + mean + ", stddev=" + stddev + ")" + seedSuffix(seed),
        (tf, shape, dtype) ->
            affine(
                tf, tf.random.statelessRandomNormal(dims(tf, shape), seed(tf, seed), dtype), mean, stddev));
  }

  /** Uniform with Keras's defaults: {@code [-0.05, 0.05)}. */
  public static Initializer randomUniform() {
    return randomUniform(-DEFAULT_UNIFORM_LIMIT, DEFAULT_UNIFORM_LIMIT);
  }

  /** Uniform on {@code [minval, maxval)}. */
  public static Initializer randomUniform(double minval, double maxval) {
    return randomUniform(minval, maxval, null);
  }

  /** Uniform on {@code [minval, maxval)} with a seed. */
  public static Initializer randomUniform(double minval, double maxval, long seed) {
    return randomUniform(minval, maxval, Long.valueOf(seed));
  }

  private static Initializer randomUniform(double minval, double maxval, Long seed) {
    if (!(maxval > minval)) {
      throw new IllegalArgumentException(
          "Initializers.randomUniform: maxval must exceed minval, received minval=" + minval
              + ", maxval=" + maxval);
    }
    return floating(
        "random_uniform(minval=" + minval + ", maxval=" + maxval + ")" + seedSuffix(seed),
        (tf, shape, dtype) -> uniform(tf, shape, minval, maxval, seed, dtype));
  }

  /**
   * Truncated normal with Keras's defaults: mean 0, standard deviation 0.05, values beyond two
   * standard deviations redrawn.
   */
  public static Initializer truncatedNormal() {
    return truncatedNormal(0, DEFAULT_STDDEV);
  }

  /** Truncated normal with the given mean and standard deviation (before truncation). */
  public static Initializer truncatedNormal(double mean, double stddev) {
    return truncatedNormal(mean, stddev, null);
  }

  /** Truncated normal with the given mean, standard deviation and seed. */
  public static Initializer truncatedNormal(double mean, double stddev, long seed) {
    return truncatedNormal(mean, stddev, Long.valueOf(seed));
  }

  private static Initializer truncatedNormal(double mean, double stddev, Long seed) {
    requirePositive("truncatedNormal", "stddev", stddev);
    return floating(
        "truncated_normal(mean=" + mean + ", stddev=" + stddev + ")" + seedSuffix(seed),
        (tf, shape, dtype) ->
            affine(
                tf,
                tf.random.statelessTruncatedNormal(dims(tf, shape), seed(tf, seed), dtype),
                mean,
                stddev));
  }

  // ---- orthogonal --------------------------------------------------------------------------

  /** Orthogonal with Keras's default {@code gain=1.0}. */
  public static Initializer orthogonal() {
    return orthogonal(1.0);
  }

  /**
   * An orthogonal matrix (times {@code gain}) reshaped to the weight: the weight is viewed as a
   * {@code [prod(shape[:-1]), shape[-1]]} matrix whose rows (or columns, whichever are fewer) are
   * orthonormal; Keras's recurrent-kernel default.
   */
  public static Initializer orthogonal(double gain) {
    return orthogonal(gain, null);
  }

  /** {@link #orthogonal(double)} with a seed. */
  public static Initializer orthogonal(double gain, long seed) {
    return orthogonal(gain, Long.valueOf(seed));
  }

  private static Initializer orthogonal(double gain, Long seed) {
    return floating(
        "orthogonal(gain=" + gain + ")" + seedSuffix(seed),
        (tf, shape, dtype) -> orthogonalValue(tf, shape, gain, seed, dtype));
  }

  private static <T extends TNumber> Operand<T> orthogonalValue(
      Ops tf, Shape shape, double gain, Long seed, Class<T> dtype) {
    int rank = shape.numDimensions();
    if (rank < 2 || shape.hasUnknownDimension()) {
      throw new IllegalArgumentException(
          "Initializers.orthogonal: the weight must be at least two-dimensional and fully"
              + " known, received shape " + shape);
    }
    long cols = shape.get(rank - 1);
    long rows = shape.size() / cols;
    // QR of a tall Gaussian matrix gives orthonormal columns; the signs of R's diagonal make
    // the result uniformly distributed over orthogonal matrices (Mezzadri 2007).
    Operand<T> a =
        tf.random.statelessRandomNormal(
            tf.constant(new long[] {Math.max(rows, cols), Math.min(rows, cols)}),
            seed(tf, seed),
            dtype);
    Qr<T> qr = tf.linalg.qr(a);
    Operand<T> d = tf.linalg.matrixDiagPart(qr.r(), tf.constant(0), scalar(tf, 0, dtype));
    Operand<T> q = tf.math.mul(qr.q(), tf.math.sign(d));
    if (rows < cols) {
      q = tf.linalg.transpose(q, tf.constant(new int[] {1, 0}));
    }
    return tf.math.mul(tf.reshape(q, tf.constant(shape.asArray())), scalar(tf, gain, dtype));
  }

  // ---- helpers -----------------------------------------------------------------------------

  private static void requirePositive(String who, String what, double value) {
    if (!(value > 0)) {
      throw new IllegalArgumentException(
          "Initializers." + who + ": " + what + " must be positive, received " + value);
    }
  }

  private static Operand<TInt64> dims(Ops tf, Shape shape) {
    if (shape.numDimensions() < 0 || shape.hasUnknownDimension()) {
      throw new IllegalArgumentException(
          "Initializers: the weight shape must be fully known, received " + shape);
    }
    return tf.constant(shape.asArray());
  }

  /**
   * The stateless seed pair: {@code [seed, 0]}, or when unseeded a pair drawn from {@link
   * KerasLite#drawSeed()} (reproducible after {@link KerasLite#setRandomSeed}).
   */
  private static Operand<TInt64> seed(Ops tf, Long seed) {
    if (seed != null) {
      return tf.constant(new long[] {seed, 0});
    }
    return tf.constant(new long[] {KerasLite.drawSeed(), KerasLite.drawSeed()});
  }

  private static <T extends TNumber> Operand<T> uniform(
      Ops tf, Shape shape, double minval, double maxval, Long seed, Class<T> dtype) {
    return affine(
        tf,
        tf.random.statelessRandomUniform(dims(tf, shape), seed(tf, seed), dtype),
        minval,
        maxval - minval);
  }

  /** {@code offset + scale * x}, the constants in {@code x}'s dtype. */
  private static <T extends TNumber> Operand<T> affine(
      Ops tf, Operand<T> x, double offset, double scale) {
    Class<T> dtype = x.type();
    return tf.math.add(tf.math.mul(x, scalar(tf, scale, dtype)), scalar(tf, offset, dtype));
  }

  /** A scalar constant {@code value} of {@code dtype}: double precision for float64. */
  @SuppressWarnings("unchecked")
  static <T extends TNumber> Operand<T> scalar(Ops tf, double value, Class<T> dtype) {
    if (dtype == TFloat32.class) {
      return (Operand<T>) tf.constant((float) value);
    }
    if (dtype == TFloat64.class) {
      return (Operand<T>) tf.constant(value);
    }
    if (dtype == TInt32.class) {
      return (Operand<T>) tf.constant((int) value);
    }
    if (dtype == TInt64.class) {
      return (Operand<T>) tf.constant((long) value);
    }
    return tf.dtypes.cast(tf.constant(value), dtype);
  }

  /** {@code value} in {@code dtype}: itself for float32, a cast otherwise. */
  @SuppressWarnings("unchecked")
  static <T extends TNumber> Operand<T> castTo(Ops tf, Operand<TFloat32> value, Class<T> dtype) {
    if (dtype == null) {
      throw new IllegalArgumentException("initializer: the dtype must not be null");
    }
    return dtype == TFloat32.class ? (Operand<T>) value : tf.dtypes.cast(value, dtype);
  }

  private static boolean isFloating(Class<?> dtype) {
    return dtype == TFloat32.class
        || dtype == TFloat64.class
        || dtype == TFloat16.class
        || dtype == TBfloat16.class;
  }

  /** {@code "float64"} for {@code TFloat64.class}: Keras's dtype names in messages. */
  private static String dtypeName(Class<?> dtype) {
    String simple = dtype.getSimpleName();
    return simple.startsWith("T") ? simple.substring(1).toLowerCase(java.util.Locale.ROOT) : simple;
  }

  /**
   * Keras 3's serialized form of {@code initializer} ({@code keras.initializers.serialize}): {@code
   * {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null}, ...}}.
   *
   * @throws IllegalArgumentException for an initializer without a Keras form (a lambda)
   */
  public static Map<String, Object> serialize(Initializer initializer) {
    return InitializerConfig.serialize(initializer);
  }

  /**
   * The initializer a Keras config describes ({@code keras.initializers.deserialize}): Keras 3's or
   * Keras 2's serialized map, or a name such as {@code "he_normal"}. Runs no code from the config.
   *
   * @throws IllegalArgumentException for an unknown or unsupported initializer, naming it
   */
  public static Initializer deserialize(Object config) {
    return InitializerConfig.deserialize(config);
  }
}
