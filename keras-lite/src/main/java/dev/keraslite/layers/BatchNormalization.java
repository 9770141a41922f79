package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import dev.keraslite.Recording;
import java.util.Map;
import dev.keraslite.Variable;
import dev.keraslite.initializers.Initializer;
import dev.keraslite.initializers.Initializers;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Batch normalization (Keras's {@code BatchNormalization}): normalizes each feature along {@code
 * axis} to {@code gamma * (x - mean) / sqrt(variance + epsilon) + beta}.
 *
 * <ul>
 *   <li>In training ({@code apply(tf, x, true)}) the mean and variance are the batch's (over every
 *       axis but {@code axis}; the variance is the biased one), and each call moves the
 *       non-trainable {@code moving_mean} and {@code moving_variance} towards them: {@code moving =
 *       moving * momentum + batch * (1 - momentum)}.
 *   <li>In inference, and in training when the layer is frozen (as in Keras 3, so that fine-tuning
 *       a frozen model leaves its statistics alone), the moving statistics are used.
 * </ul>
 *
 * <p>Keras 3's defaults: {@code axis=-1}, {@code momentum=0.99}, {@code epsilon=1e-3}, {@code
 * center} and {@code scale} on; {@code gamma} ones, {@code beta} zeros, {@code moving_mean} zeros,
 * {@code moving_variance} ones, created in that order, each of shape {@code [features]}.
 *
 * <p>It is built from plain ops ({@code Mean}, {@code SquaredDifference}, {@code Rsqrt}) rather
 * than {@code FusedBatchNormV3}, so that tapes differentiate it.
 */
public class BatchNormalization extends Layer {
  /** Keras's default weight of the old value in the moving statistics. */
  public static final double DEFAULT_MOMENTUM = 0.99;

  /** Keras's default variance offset, which keeps the division finite. */
  public static final double DEFAULT_EPSILON = 1e-3;

  private int axis = -1;
  private double momentum = DEFAULT_MOMENTUM;
  private double epsilon = DEFAULT_EPSILON;
  private boolean center = true;
  private boolean scale = true;
  private Initializer betaInitializer = Initializers.zeros();
  private Initializer gammaInitializer = Initializers.ones();
  private Initializer movingMeanInitializer = Initializers.zeros();
  private Initializer movingVarianceInitializer = Initializers.ones();
  private Variable gamma;
  private Variable beta;
  private Variable movingMean;
  private Variable movingVariance;
  /** The input's rank and normalized axis (made non-negative), fixed by build. */
  private int rank = -1;
  private int featureAxis = -1;
  private long features = -1;

  /** A layer with Keras 3's defaults. */
  public BatchNormalization() {
    setInputSpec(InputSpec.minRank(1));
  }

  @Override
  public BatchNormalization name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public BatchNormalization activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public BatchNormalization activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** The feature axis, normalized separately per index (default -1, the last; negative counts from the end). */
  public BatchNormalization axis(int axis) {
    checkNotBuilt("axis");
    this.axis = axis;
    return this;
  }

  /**
   * The weight of the old value in the moving statistics (default 0.99).
   *
   * @throws IllegalArgumentException unless {@code 0 <= momentum <= 1}
   */
  public BatchNormalization momentum(double momentum) {
    checkNotBuilt("momentum");
    if (!(momentum >= 0 && momentum <= 1)) {
      throw new IllegalArgumentException(
          describe() + ": momentum must be in [0, 1], received " + momentum);
    }
    this.momentum = momentum;
    return this;
  }

  /**
   * The offset added to the variance (default 1e-3).
   *
   * @throws IllegalArgumentException unless it is positive
   */
  public BatchNormalization epsilon(double epsilon) {
    checkNotBuilt("epsilon");
    if (!(epsilon > 0)) {
      throw new IllegalArgumentException(describe() + ": epsilon must be positive, received " + epsilon);
    }
    this.epsilon = epsilon;
    return this;
  }

  /** Whether to add the learned offset {@code beta} (default true). */
  public BatchNormalization center(boolean center) {
    checkNotBuilt("center");
    this.center = center;
    return this;
  }

  /** Whether to multiply by the learned scale {@code gamma} (default true). */
  public BatchNormalization scale(boolean scale) {
    checkNotBuilt("scale");
    this.scale = scale;
    return this;
  }

  /** The initializer of {@code beta} (default zeros). */
  public BatchNormalization betaInitializer(Initializer initializer) {
    checkNotBuilt("betaInitializer");
    this.betaInitializer = Objects.requireNonNull(initializer, "betaInitializer");
    return this;
  }

  /** As {@link #betaInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public BatchNormalization betaInitializer(String name) {
    return betaInitializer(Initializers.get(name));
  }

  /** The initializer of {@code gamma} (default ones). */
  public BatchNormalization gammaInitializer(Initializer initializer) {
    checkNotBuilt("gammaInitializer");
    this.gammaInitializer = Objects.requireNonNull(initializer, "gammaInitializer");
    return this;
  }

  /** As {@link #gammaInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public BatchNormalization gammaInitializer(String name) {
    return gammaInitializer(Initializers.get(name));
  }

  /** The initializer of {@code moving_mean} (default zeros). */
  public BatchNormalization movingMeanInitializer(Initializer initializer) {
    checkNotBuilt("movingMeanInitializer");
    this.movingMeanInitializer = Objects.requireNonNull(initializer, "movingMeanInitializer");
    return this;
  }

  /** As {@link #movingMeanInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public BatchNormalization movingMeanInitializer(String name) {
    return movingMeanInitializer(Initializers.get(name));
  }

  /** The initializer of {@code moving_variance} (default ones). */
  public BatchNormalization movingVarianceInitializer(Initializer initializer) {
    checkNotBuilt("movingVarianceInitializer");
    this.movingVarianceInitializer = Objects.requireNonNull(initializer, "movingVarianceInitializer");
    return this;
  }

  /** As {@link #movingVarianceInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public BatchNormalization movingVarianceInitializer(String name) {
    return movingVarianceInitializer(Initializers.get(name));
  }

  /** The feature axis as configured (possibly negative). */
  public int axis() {
    return axis;
  }

  /** The weight of the old value in the moving statistics. */
  public double momentum() {
    return momentum;
  }

  /** The offset added to the variance. */
  public double epsilon() {
    return epsilon;
  }

  /** The learned scale, or null without {@code scale}. */
  public Variable gamma() {
    requireBuilt("gamma");
    return gamma;
  }

  /** The learned offset, or null without {@code center}. */
  public Variable beta() {
    requireBuilt("beta");
    return beta;
  }

  /** The moving mean (non-trainable). */
  public Variable movingMean() {
    requireBuilt("moving_mean");
    return movingMean;
  }

  /** The moving variance (non-trainable). */
  public Variable movingVariance() {
    requireBuilt("moving_variance");
    return movingVariance;
  }

  @Override
  protected void checkInputShapes(List<Shape> inputShapes) {
    for (Shape s : inputShapes) {
      if (s.isUnknown()) {
        continue;
      }
      int r = s.numDimensions();
      if (axis >= r || axis < -r) {
        int needed = axis < 0 ? -axis : axis + 1;
        throw inputError("axis " + axis + " needs an input of rank at least " + needed, s);
      }
      if (s.get(axis < 0 ? r + axis : axis) < 0) {
        throw inputError("the size of the normalized axis " + axis + " must be known", s);
      }
    }
  }

  @Override
  protected void build(Shape inputShape) {
    rank = inputShape.numDimensions();
    featureAxis = axis < 0 ? rank + axis : axis;
    features = inputShape.get(featureAxis);
    Shape shape = Shape.of(features);
    if (scale) {
      gamma = addWeight("gamma", shape, gammaInitializer);
    }
    if (center) {
      beta = addWeight("beta", shape, betaInitializer);
    }
    movingMean = addWeight("moving_mean", shape, movingMeanInitializer, false);
    movingVariance = addWeight("moving_variance", shape, movingVarianceInitializer, false);
    setInputSpec(InputSpec.rank(rank).withAxis(axis, features));
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    return call(tf, input, false);
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input, boolean training) {
    Operand<TFloat32> mean;
    Operand<TFloat32> variance;
    if (training && trainable()) {
      // tf.nn.moments: the variance around a mean held constant has the same gradient (the
      // deviations sum to zero) and spares the backward pass a path.
      Operand<TInt32> axes = tf.constant(reductionAxes());
      mean = tf.math.mean(input, axes, Mean.keepDims(true));
      variance =
          tf.math.mean(
              tf.math.squaredDifference(input, tf.stopGradient(mean)), axes, Mean.keepDims(true));
      updateMovingStatistics(tf, mean, variance);
    } else {
      mean = broadcastable(tf, movingMean.value(tf));
      variance = broadcastable(tf, movingVariance.value(tf));
    }
    // tf.nn.batch_normalization's arrangement: x * inv + (beta - mean * inv).
    Operand<TFloat32> inv = tf.math.rsqrt(tf.math.add(variance, DTypes.scalarLike(tf, variance, epsilon)));
    if (scale) {
      inv = tf.math.mul(inv, broadcastable(tf, gamma.value(tf)));
    }
    Operand<TFloat32> shift = tf.math.mul(mean, inv);
    shift = center ? tf.math.sub(broadcastable(tf, beta.value(tf)), shift) : tf.math.neg(shift);
    return tf.math.add(tf.math.mul(input, inv), shift);
  }

  /** moving = moving * momentum + batch * (1 - momentum), outside every tape: state, not math. */
  private void updateMovingStatistics(Ops tf, Operand<TFloat32> mean, Operand<TFloat32> variance) {
    try (Recording.Paused paused = Recording.paused(tf)) {
      Operand<TFloat32> keep = DTypes.scalarLike(tf, mean, momentum);
      Operand<TFloat32> take = DTypes.scalarLike(tf, mean, 1 - momentum);
      Operand<TInt32> vector = tf.constant(new int[] {(int) features});
      movingMean.assign(
          tf,
          tf.math.add(
              tf.math.mul(movingMean.<TFloat32>value(tf), keep),
              tf.math.mul(tf.reshape(mean, vector), take)));
      movingVariance.assign(
          tf,
          tf.math.add(
              tf.math.mul(movingVariance.<TFloat32>value(tf), keep),
              tf.math.mul(tf.reshape(variance, vector), take)));
    }
  }

  /** Every axis but the feature axis. */
  private int[] reductionAxes() {
    int[] axes = new int[rank - 1];
    for (int i = 0, j = 0; i < rank; i++) {
      if (i != featureAxis) {
        axes[j++] = i;
      }
    }
    return axes;
  }

  /** A {@code [features]} vector shaped to broadcast against the input along the feature axis. */
  private Operand<TFloat32> broadcastable(Ops tf, Operand<TFloat32> v) {
    if (featureAxis == rank - 1) {
      return v;
    }
    int[] dims = new int[rank];
    Arrays.fill(dims, 1);
    dims[featureAxis] = (int) features;
    return tf.reshape(v, tf.constant(dims));
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    return inputShape;
  }

  /** Keras 3's config keys: axis, momentum, epsilon, center, scale, initializers, ... */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("axis", axis);
    config.put("momentum", momentum);
    config.put("epsilon", epsilon);
    config.put("center", center);
    config.put("scale", scale);
    config.put("beta_initializer", LayerConfig.serialize(betaInitializer));
    config.put("gamma_initializer", LayerConfig.serialize(gammaInitializer));
    config.put("moving_mean_initializer", LayerConfig.serialize(movingMeanInitializer));
    config.put("moving_variance_initializer", LayerConfig.serialize(movingVarianceInitializer));
    config.put("beta_regularizer", null);
    config.put("gamma_regularizer", null);
    config.put("beta_constraint", null);
    config.put("gamma_constraint", null);
    config.put("synchronized", false);
    return config;
  }

  /** A layer from a Keras config (Keras 2 writes the axis as a one-element list, also read). */
  public static BatchNormalization fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("BatchNormalization", config);
    c.requireNull("beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint");
    c.requireDefault("synchronized", false);
    c.requireDefault("renorm", false);
    c.requireDefault("virtual_batch_size", null);
    int axis;
    if (c.raw("axis") instanceof java.util.List) {
      java.util.List<Long> axes = c.getLongList("axis");
      if (axes.size() != 1) {
        throw c.error("normalization over several axes " + axes + " is not supported by keras-lite");
      }
      axis = Math.toIntExact(axes.get(0));
    } else {
      axis = Math.toIntExact(c.getLong("axis", -1));
    }
    BatchNormalization layer =
        new BatchNormalization()
            .axis(axis)
            .momentum(c.getDouble("momentum", DEFAULT_MOMENTUM))
            .epsilon(c.getDouble("epsilon", DEFAULT_EPSILON))
            .center(c.getBoolean("center", true))
            .scale(c.getBoolean("scale", true))
            .betaInitializer(c.initializer("beta_initializer", Initializers.zeros()))
            .gammaInitializer(c.initializer("gamma_initializer", Initializers.ones()))
            .movingMeanInitializer(c.initializer("moving_mean_initializer", Initializers.zeros()))
            .movingVarianceInitializer(
                c.initializer("moving_variance_initializer", Initializers.ones()));
    return c.applyBase(layer);
  }
}
