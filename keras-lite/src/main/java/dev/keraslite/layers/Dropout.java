package dev.keraslite.layers;

import dev.keraslite.layers.internal.Shapes;
import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import dev.keraslite.KerasLite;
import dev.keraslite.Recording;
import java.util.Map;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Inverted dropout (Keras's {@code Dropout}): in training, each input element is zeroed with
 * probability {@code rate} and the kept ones are scaled by {@code 1 / (1 - rate)}, so that the
 * expected sum is unchanged; in inference the input passes through untouched.
 *
 * <p>The mask comes from TensorFlow's {@code RandomUniform} op. With a {@link #seed} the masks are a
 * reproducible sequence (each apply draws the next mask, in a fresh context the sequence restarts),
 * also when the step is traced into a graph. Without one, the layer takes a seed from {@link
 * KerasLite#drawSeed()} on its first training call: masks that differ from run to run, or a
 * reproducible sequence after {@link KerasLite#setRandomSeed}. The op always gets a seed, so that
 * it also runs under TensorFlow's op determinism, which rejects unseeded random ops.
 */
public class Dropout extends Layer {
  /** TensorFlow's default graph-level seed, paired with the layer's seed as Python TF does. */
  private static final long GRAPH_SEED = 87654321L;

  private final double rate;
  private Long seed;
  private Long drawnSeed; // taken from KerasLite.drawSeed() on the first training call without a seed
  private long[] noiseShape;

  /**
   * Drops each element with probability {@code rate}.
   *
   * @throws IllegalArgumentException unless {@code 0 <= rate <= 1}
   */
  public Dropout(double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException(
          "Dropout: rate must be in [0, 1], received " + rate);
    }
    this.rate = rate;
  }

  /** Keras 3's {@code supports_masking}: an input mask passes through unchanged. */
  @Override
  public boolean supportsMasking() {
    return true;
  }

  @Override
  public Dropout name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public Dropout activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public Dropout activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** Makes the masks reproducible. */
  public Dropout seed(long seed) {
    checkNotBuilt("seed");
    this.seed = seed;
    return this;
  }

  /**
   * The shape of the mask, broadcast over the input (Keras's {@code noise_shape}); {@code -1} takes
   * the input's size, so {@code noiseShape(-1, 1, -1)} drops whole timesteps' features alike.
   */
  public Dropout noiseShape(long... noiseShape) {
    checkNotBuilt("noiseShape");
    this.noiseShape = noiseShape.clone();
    return this;
  }

  /** The drop probability. */
  public double rate() {
    return rate;
  }

  @Override
  protected void checkInputShapes(List<Shape> inputShapes) {
    if (noiseShape == null) {
      return;
    }
    for (Shape s : inputShapes) {
      if (s.numDimensions() != noiseShape.length) {
        throw inputError("expected input of rank " + noiseShape.length + " to match noiseShape "
            + Shapes.format(Shape.of(noiseShape)), s);
      }
      for (int i = 0; i < noiseShape.length; i++) {
        if (noiseShape[i] != -1 && noiseShape[i] != 1 && s.get(i) >= 0 && noiseShape[i] != s.get(i)) {
          throw inputError("noiseShape " + Shapes.format(Shape.of(noiseShape))
              + " does not broadcast to the input", s);
        }
      }
    }
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    return input;
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input, boolean training) {
    if (!training || rate == 0) {
      return input;
    }
    if (rate == 1) {
      return tf.math.mul(input, DTypes.scalarLike(tf, input, 0));
    }
    RandomUniform.Options[] options = {
      RandomUniform.seed(GRAPH_SEED), RandomUniform.seed2(seed != null ? seed : drawnSeed())
    };
    Operand<TFloat32> uniform = tf.random.randomUniform(maskShape(tf, input), TFloat32.class, options);
    Operand<TFloat32> keep = DTypes.castLike(tf, tf.math.greaterEqual(uniform, tf.constant((float) rate)), input);
    // TensorFlow's order: scale first, then mask.
    Operand<TFloat32> scaled = tf.math.mul(input, DTypes.scalarLike(tf, input, 1.0 / (1.0 - rate)));
    return tf.math.mul(scaled, keep);
  }

  private synchronized long drawnSeed() {
    if (drawnSeed == null) {
      drawnSeed = KerasLite.drawSeed();
    }
    return drawnSeed;
  }

  private Operand<TInt64> maskShape(Ops tf, Operand<TFloat32> input) {
    Shape shape = Recording.shape(input);
    if (noiseShape == null) {
      return shape.hasUnknownDimension() ? tf.shape(input, TInt64.class) : tf.constant(shape.asArray());
    }
    long[] dims = noiseShape.clone();
    boolean known = true;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] == -1) {
        dims[i] = shape.get(i);
        known &= dims[i] >= 0;
      }
    }
    if (known) {
      return tf.constant(dims);
    }
    // -1 on an axis whose size is only known at run time: pick it from the input's shape.
    Operand<TInt64> actual = tf.shape(input, TInt64.class);
    long[] isInput = new long[dims.length];
    long[] fixed = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      isInput[i] = noiseShape[i] == -1 ? 1 : 0;
      fixed[i] = noiseShape[i] == -1 ? 0 : noiseShape[i];
    }
    return tf.math.add(tf.math.mul(actual, tf.constant(isInput)), tf.constant(fixed));
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    return inputShape;
  }

  /** Keras 3's config keys: rate, seed, noise_shape. */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("rate", rate);
    config.put("seed", seed);
    java.util.List<Long> noise = null;
    if (noiseShape != null) {
      noise = new java.util.ArrayList<>();
      for (long d : noiseShape) {
        noise.add(d < 0 ? null : d);
      }
    }
    config.put("noise_shape", noise);
    return config;
  }

  /** A layer from a Keras config. */
  public static Dropout fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("Dropout", config);
    Dropout layer = new Dropout(c.getDouble("rate", 0));
    if (c.has("seed")) {
      layer.seed(c.getLong("seed"));
    }
    if (c.has("noise_shape")) {
      java.util.List<Long> noise = c.getLongList("noise_shape");
      long[] dims = new long[noise.size()];
      for (int i = 0; i < dims.length; i++) {
        dims[i] = noise.get(i);
      }
      layer.noiseShape(dims);
    }
    return c.applyBase(layer);
  }
}
