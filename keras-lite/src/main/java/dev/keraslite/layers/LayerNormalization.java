package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import dev.keraslite.Recording;
import dev.keraslite.Variable;
import dev.keraslite.initializers.Initializer;
import dev.keraslite.initializers.Initializers;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Layer normalization (Keras's {@code LayerNormalization}): each example is normalized over {@code
 * axis} by its own mean and variance, {@code gamma * (x - mean) / sqrt(variance + epsilon) + beta}.
 * Unlike {@link BatchNormalization} nothing depends on the batch, so training and inference compute
 * the same thing and there are no moving statistics.
 *
 * <p>Keras 3's defaults: the last axis, {@code epsilon} 1e-3, a {@code gamma} weight initialized to
 * ones and a {@code beta} weight initialized to zeros, each of the shape of the normalized axes
 * (created in that order).
 *
 * <pre>{@code
 * LayerNormalization norm = new LayerNormalization().epsilon(1e-6f);
 * }</pre>
 */
public class LayerNormalization extends Layer {
  /** Keras's default {@code epsilon}, added to the variance before the square root. */
  public static final float DEFAULT_EPSILON = 1e-3f;

  private int[] axis = {-1};
  private float epsilon = DEFAULT_EPSILON;
  private boolean center = true;
  private boolean scale = true;
  private Initializer gammaInitializer = Initializers.ones();
  private Initializer betaInitializer = Initializers.zeros();
  private Variable gamma;
  private Variable beta;
  /** The normalized axes made non-negative and sorted, once the input rank is known. */
  private int[] axes;
  private int rankBuilt = -1;

  /** Normalization over the last axis. */
  public LayerNormalization() {
    setInputSpec(InputSpec.minRank(1));
  }

  @Override
  public LayerNormalization name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public LayerNormalization activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public LayerNormalization activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /**
   * The axes to normalize over (default {@code -1}, the last), negative ones counted from the end.
   * The batch axis 0 is allowed, as in Keras, though it mixes examples.
   *
   * @throws IllegalArgumentException for no axis or a repeated one
   */
  public LayerNormalization axis(int... axis) {
    checkNotBuilt("axis");
    if (axis == null || axis.length == 0) {
      throw new IllegalArgumentException(describe() + ": axis must name at least one axis");
    }
    this.axis = axis.clone();
    return this;
  }

  /**
   * The small value added to the variance (default {@link #DEFAULT_EPSILON}).
   *
   * @throws IllegalArgumentException unless positive
   */
  public LayerNormalization epsilon(float epsilon) {
    checkNotBuilt("epsilon");
    if (!(epsilon > 0)) {
      throw new IllegalArgumentException(describe() + ": epsilon must be positive, received " + epsilon);
    }
    this.epsilon = epsilon;
    return this;
  }

  /** Whether the {@code beta} offset is added (default true). */
  public LayerNormalization center(boolean center) {
    checkNotBuilt("center");
    this.center = center;
    return this;
  }

  /** Whether the output is multiplied by {@code gamma} (default true). */
  public LayerNormalization scale(boolean scale) {
    checkNotBuilt("scale");
    this.scale = scale;
    return this;
  }

  /** The initializer of {@code gamma} (default {@code ones}). */
  public LayerNormalization gammaInitializer(Initializer initializer) {
    checkNotBuilt("gammaInitializer");
    this.gammaInitializer = Objects.requireNonNull(initializer, "gammaInitializer");
    return this;
  }

  /** As {@link #gammaInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public LayerNormalization gammaInitializer(String name) {
    return gammaInitializer(Initializers.get(name));
  }

  /** The initializer of {@code beta} (default {@code zeros}). */
  public LayerNormalization betaInitializer(Initializer initializer) {
    checkNotBuilt("betaInitializer");
    this.betaInitializer = Objects.requireNonNull(initializer, "betaInitializer");
    return this;
  }

  /** As {@link #betaInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public LayerNormalization betaInitializer(String name) {
    return betaInitializer(Initializers.get(name));
  }

  /** The normalized axes as given. */
  public int[] axis() {
    return axis.clone();
  }

  /** The value added to the variance. */
  public float epsilon() {
    return epsilon;
  }

  /** The scale, of the shape of the normalized axes, or null without {@code scale}. */
  public Variable gamma() {
    requireBuilt("gamma");
    return gamma;
  }

  /** The offset, of the shape of the normalized axes, or null without {@code center}. */
  public Variable beta() {
    requireBuilt("beta");
    return beta;
  }

  /** The axes for an input of {@code rank}, non-negative and sorted, or null if one is out of range. */
  private int[] resolve(int rank) {
    int[] out = new int[axis.length];
    for (int i = 0; i < axis.length; i++) {
      int a = axis[i] < 0 ? axis[i] + rank : axis[i];
      if (a < 0 || a >= rank) {
        return null;
      }
      out[i] = a;
    }
    Arrays.sort(out);
    for (int i = 1; i < out.length; i++) {
      if (out[i] == out[i - 1]) {
        return null;
      }
    }
    return out;
  }

  @Override
  protected void checkInputShapes(List<Shape> inputShapes) {
    for (Shape s : inputShapes) {
      if (s.isUnknown()) {
        continue;
      }
      int[] resolved = resolve(s.numDimensions());
      if (resolved == null) {
        throw inputError(
            "axis " + Arrays.toString(axis) + " must name distinct axes of the input (rank "
                + s.numDimensions() + ")", s);
      }
      for (int a : resolved) {
        if (s.get(a) < 0) {
          throw inputError("the normalized axis " + a + " of the input must have a known size", s);
        }
        // Once built, gamma and beta fix the normalized sizes.
        if (gamma != null || beta != null) {
          long want = (gamma != null ? gamma : beta).shape().get(Arrays.binarySearch(axes, a));
          if (s.numDimensions() != rankBuilt || s.get(a) != want) {
            throw inputError(
                "expected input of rank " + rankBuilt + " with size " + want + " on axis " + a, s);
          }
        }
      }
    }
  }

  @Override
  protected void build(Shape inputShape) {
    int rank = inputShape.numDimensions();
    axes = resolve(rank);
    long[] dims = new long[axes.length];
    for (int i = 0; i < axes.length; i++) {
      dims[i] = inputShape.get(axes[i]);
    }
    Shape paramShape = Shape.of(dims);
    if (scale) {
      gamma = addWeight("gamma", paramShape, gammaInitializer);
    }
    if (center) {
      beta = addWeight("beta", paramShape, betaInitializer);
    }
    rankBuilt = rank;
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    int rank = Recording.shape(input).numDimensions();
    int[] a = axes != null && rank == rankBuilt ? axes : resolve(rank);
    Operand<TInt32> reduce = tf.constant(a);
    Operand<TFloat32> mean = tf.math.mean(input, reduce, Mean.keepDims(true));
    // The variance's gradient with respect to the mean is zero, so it is not propagated (as
    // tf.nn.moments does). Square(Sub) rather than SquaredDifference: TensorFlow's oneDNN remapper
    // rewrites Mean, SquaredDifference, Mean, Rsqrt, Mul in a graph into its fused layer-norm op,
    // which refuses this layer's rank-matched scale ("scale must be 1D tensor"), so compiled steps
    // failed where eager ones ran (LayerNormalizationTest checks both).
    Operand<TFloat32> variance =
        tf.math.mean(
            tf.math.square(tf.math.sub(input, tf.stopGradient(mean))), reduce, Mean.keepDims(true));
    Operand<TFloat32> y =
        tf.math.mul(
            tf.math.sub(input, mean), tf.math.rsqrt(tf.math.add(variance, DTypes.scalarLike(tf, variance, epsilon))));
    if (gamma != null) {
      y = tf.math.mul(y, broadcastable(tf, gamma.value(tf), rank, a));
    }
    if (beta != null) {
      y = tf.math.add(y, broadcastable(tf, beta.value(tf), rank, a));
    }
    return y;
  }

  /** {@code param} reshaped to the input's rank: its sizes on the normalized axes, 1 elsewhere. */
  private static Operand<TFloat32> broadcastable(Ops tf, Operand<TFloat32> param, int rank, int[] a) {
    long[] dims = new long[rank];
    Arrays.fill(dims, 1);
    Shape p = Recording.shape(param);
    for (int i = 0; i < a.length; i++) {
      dims[a[i]] = p.get(i);
    }
    return tf.reshape(param, tf.constant(dims));
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    checkInputShapes(List.of(inputShape));
    return inputShape;
  }

  /** Keras 3's config keys: axis, epsilon, center, scale, rms_scaling, initializers, ... */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("axis", axis.length == 1 ? (Object) axis[0] : LayerConfig.list(axis));
    config.put("epsilon", LayerConfig.decimal(epsilon));
    config.put("center", center);
    config.put("scale", scale);
    config.put("rms_scaling", false);
    config.put("beta_initializer", LayerConfig.serialize(betaInitializer));
    config.put("gamma_initializer", LayerConfig.serialize(gammaInitializer));
    config.put("beta_regularizer", null);
    config.put("gamma_regularizer", null);
    config.put("beta_constraint", null);
    config.put("gamma_constraint", null);
    return config;
  }

  /**
   * A layer from a Keras config (Keras 2 or 3 keys; {@code axis} an integer or a list).
   *
   * @throws IllegalArgumentException for an option keras-lite lacks ({@code rms_scaling},
   *     regularizers, constraints)
   */
  public static LayerNormalization fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("LayerNormalization", config);
    c.requireNull("beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint");
    c.requireDefault("rms_scaling", false);
    int[] axis;
    if (!c.has("axis")) {
      axis = new int[] {-1};
    } else if (c.raw("axis") instanceof Number) {
      axis = new int[] {(int) c.getLong("axis")};
    } else {
      axis = c.getLongList("axis").stream().mapToInt(Math::toIntExact).toArray();
    }
    LayerNormalization layer =
        new LayerNormalization()
            .axis(axis)
            .epsilon((float) c.getDouble("epsilon", DEFAULT_EPSILON))
            .center(c.getBoolean("center", true))
            .scale(c.getBoolean("scale", true))
            .gammaInitializer(c.initializer("gamma_initializer", Initializers.ones()))
            .betaInitializer(c.initializer("beta_initializer", Initializers.zeros()));
    return c.applyBase(layer);
  }
}
