package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.constraints.Constraints;
import dev.keraslite.constraints.Constraint;
import dev.keraslite.regularizers.Regularizer;
import java.util.Map;
import dev.keraslite.Variable;
import dev.keraslite.initializers.Initializer;
import dev.keraslite.initializers.Initializers;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import java.util.List;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/**
 * Turns integer indices into dense vectors (Keras's {@code Embedding}): row {@code i} of the
 * {@code embeddings} matrix {@code [inputDim, outputDim]} for each index {@code i}, so indices of
 * any shape {@code S} give {@code S + [outputDim]}. Keras 3's default initializer is {@code
 * "uniform"}: uniform in {@code [-0.05, 0.05)}.
 *
 * <p>Indices are normally integers: pass them with {@link #lookup(Ops, Operand)}. {@link
 * Layer#apply(Ops, Operand)} takes {@code float32} tensors, as every layer in a {@code Sequential}
 * model receives; float indices are truncated to {@code int32} as Keras does, which is exact up to
 * 2^24. Indices outside {@code [0, inputDim)} make TensorFlow's gather fail.
 *
 * <pre>{@code
 * Embedding embedding = new Embedding(1000, 64);
 * Operand<TFloat32> vectors = embedding.lookup(tf, tf.constant(new int[][] {{4, 20, 7}})); // [1, 3, 64]
 * }</pre>
 */
public class Embedding extends Layer {
  private final long inputDim;
  private final long outputDim;
  private Initializer embeddingsInitializer =
      Initializers.randomUniform(-Initializers.DEFAULT_UNIFORM_LIMIT, Initializers.DEFAULT_UNIFORM_LIMIT);
  private Regularizer embeddingsRegularizer;
  private Constraint embeddingsConstraint;
  private Variable embeddings;
  private boolean maskZero;

  /**
   * A table of {@code inputDim} vectors (the vocabulary size) of {@code outputDim} values each.
   *
   * @throws IllegalArgumentException unless both are positive
   */
  public Embedding(long inputDim, long outputDim) {
    if (inputDim <= 0 || outputDim <= 0) {
      throw new IllegalArgumentException(
          "Embedding: inputDim and outputDim must be positive integers, received inputDim="
              + inputDim + ", outputDim=" + outputDim);
    }
    this.inputDim = inputDim;
    this.outputDim = outputDim;
  }

  @Override
  public Embedding name(String name) {
    super.name(name);
    return this;
  }

  /**
   * Treats index 0 as padding (Keras's {@code mask_zero}, default false): the output carries the
   * mask {@code ids != 0}, so that recurrent layers after it skip padded timesteps. Index 0 is then
   * reserved, so the vocabulary should be sized {@code inputDim = words + 1}.
   */
  public Embedding maskZero(boolean maskZero) {
    checkNotBuilt("maskZero");
    this.maskZero = maskZero;
    return this;
  }

  /** Whether index 0 is masked. */
  public boolean maskZero() {
    return maskZero;
  }

  /** Keras 3: an embedding supports masking exactly when it makes a mask ({@code mask_zero}). */
  @Override
  public boolean supportsMasking() {
    return maskZero;
  }

  /** {@code ids != 0} with {@code maskZero}, otherwise no mask. */
  @Override
  public Operand<TBool> computeMask(Ops tf, List<Operand<TFloat32>> inputs, Operand<TBool> mask) {
    if (!maskZero) {
      return null;
    }
    Operand<TFloat32> ids = inputs.get(0);
    Class<?> type = ids.type();
    if (type == TInt32.class || type == TInt64.class) {
      @SuppressWarnings("unchecked")
      Operand<? extends TNumber> integral = (Operand<? extends TNumber>) (Operand<?>) ids;
      return tf.math.notEqual(tf.dtypes.cast(integral, TInt64.class), tf.constant(0L));
    }
    // As Keras: the raw ids compared with 0 (call truncates them, the mask does not).
    return tf.math.notEqual(ids, DTypes.scalarLike(tf, ids, 0));
  }

  /** The initializer of the table (default uniform in {@code [-0.05, 0.05)}). */
  public Embedding embeddingsInitializer(Initializer initializer) {
    checkNotBuilt("embeddingsInitializer");
    this.embeddingsInitializer = Objects.requireNonNull(initializer, "embeddingsInitializer");
    return this;
  }

  /** As {@link #embeddingsInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public Embedding embeddingsInitializer(String name) {
    return embeddingsInitializer(Initializers.get(name));
  }

  /** The embeddings table's penalty, added to {@link #losses(Ops)} (Keras's {@code embeddings_regularizer}; default none). */
  public Embedding embeddingsRegularizer(Regularizer regularizer) {
    checkNotBuilt("embeddingsRegularizer");
    this.embeddingsRegularizer = regularizer;
    return this;
  }

  /** As {@link #embeddingsRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public Embedding embeddingsRegularizer(String name) {
    return embeddingsRegularizer(Regularizers.get(name));
  }

  /** The embeddings table's regularizer, or null. */
  public Regularizer embeddingsRegularizer() {
    return embeddingsRegularizer;
  }

  @Override
  public Embedding activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public Embedding activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /**
   * The embeddings table's constraint, applied after each optimizer update (Keras's {@code
   * embeddings_constraint}; default none).
   */
  public Embedding embeddingsConstraint(Constraint constraint) {
    checkNotBuilt("embeddingsConstraint");
    this.embeddingsConstraint = constraint;
    return this;
  }

  /** As {@link #embeddingsConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public Embedding embeddingsConstraint(String name) {
    return embeddingsConstraint(Constraints.get(name));
  }

  /** The embeddings table's constraint, or null. */
  public Constraint embeddingsConstraint() {
    return embeddingsConstraint;
  }

  /** The vocabulary size. */
  public long inputDim() {
    return inputDim;
  }

  /** The size of each vector. */
  public long outputDim() {
    return outputDim;
  }

  /** The table, {@code [inputDim, outputDim]}. */
  public Variable embeddings() {
    if (!built()) {
      throw new IllegalStateException(
          describe() + ": the embeddings are created on the first apply(); the layer is not built yet");
    }
    return embeddings;
  }

  /**
   * Looks up integer (or float) indices of any shape: {@link #apply(Ops, Operand)} for the index
   * types Keras accepts. Builds the layer on first use, like {@code apply}.
   */
  public Operand<TFloat32> lookup(Ops tf, Operand<? extends TNumber> indices) {
    Objects.requireNonNull(indices, "indices");
    // Layer.apply is typed for float32 inputs but only reads their shapes before handing them to
    // call(), which dispatches on the real dtype: the cast is unchecked but never observed.
    @SuppressWarnings("unchecked")
    Operand<TFloat32> passed = (Operand<TFloat32>) (Operand<?>) indices;
    return apply(tf, passed);
  }

  @Override
  protected void build(Shape inputShape) {
    embeddings = addWeight("embeddings", Shape.of(inputDim, outputDim), embeddingsInitializer, embeddingsRegularizer, embeddingsConstraint);
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    Class<?> type = input.type();
    Operand<? extends TNumber> ids;
    if (type == TInt32.class || type == TInt64.class) {
      @SuppressWarnings("unchecked")
      Operand<? extends TNumber> integral = (Operand<? extends TNumber>) (Operand<?>) input;
      ids = integral;
    } else {
      @SuppressWarnings("unchecked")
      Operand<? extends TNumber> numbers = (Operand<? extends TNumber>) (Operand<?>) input;
      ids = tf.dtypes.cast(numbers, TInt32.class);
    }
    // GatherV2 on the value read: its gradient is a gather-shaped update of the table.
    return tf.gather(embeddings.<TFloat32>value(tf), ids, tf.constant(0));
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    return inputShape.isUnknown() ? inputShape : inputShape.append(outputDim);
  }

  /** Keras 3's config keys: input_dim, output_dim, embeddings_initializer, ... */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("input_dim", inputDim);
    config.put("output_dim", outputDim);
    config.put("embeddings_initializer", LayerConfig.serialize(embeddingsInitializer));
    config.put("embeddings_regularizer", LayerConfig.serialize(embeddingsRegularizer));
    config.put("activity_regularizer", LayerConfig.serialize(activityRegularizer()));
    config.put("embeddings_constraint", LayerConfig.serialize(embeddingsConstraint));
    config.put("mask_zero", maskZero);
    return config;
  }

  /** A layer from a Keras config. */
  public static Embedding fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("Embedding", config);
    Embedding layer =
        new Embedding(c.getLong("input_dim"), c.getLong("output_dim"))
            .embeddingsInitializer(
                c.initializer(
                    "embeddings_initializer",
                    Initializers.randomUniform(
                        -Initializers.DEFAULT_UNIFORM_LIMIT, Initializers.DEFAULT_UNIFORM_LIMIT)));
    layer.embeddingsRegularizer(c.regularizer("embeddings_regularizer"));
    layer.activityRegularizer(c.regularizer("activity_regularizer"));
    layer.embeddingsConstraint(c.constraint("embeddings_constraint"));
    layer.maskZero(c.getBoolean("mask_zero", false));
    return c.applyBase(layer);
  }
}
