package dev.keraslite.layers;

import dev.keraslite.layers.internal.Shapes;
import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.constraints.Constraints;
import dev.keraslite.Recording;
import dev.keraslite.constraints.Constraint;
import dev.keraslite.initializers.Initializer;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * Keras 3's multi-head attention layer ({@code MultiHeadAttention}, "Attention Is All You Need"):
 * projects the query {@code [batch, T, dim]}, key and value {@code [batch, S, dim]} into {@code
 * numHeads} heads, computes each head's scaled dot-product attention {@code softmax(q k^T /
 * sqrt(keyDim)) v}, and projects the heads back to {@code [batch, T, outputShape]}.
 *
 * <p>Weights as Keras names and shapes them (its {@code EinsumDense} sublayers): {@code
 * query/kernel [dim, numHeads, keyDim]}, {@code query/bias [numHeads, keyDim]}, the same for {@code
 * key}, {@code value/kernel [dim, numHeads, valueDim]}, {@code value/bias [numHeads, valueDim]},
 * {@code attention_output/kernel [numHeads, valueDim, outputDim]}, {@code attention_output/bias
 * [outputDim]}. Keras 3's defaults: {@code valueDim = keyDim}, no dropout, biases, a {@code
 * glorot_uniform} kernel and {@code zeros} bias initializer, output size the query's last dimension.
 * Attention runs over the sequence axis of rank-3 inputs (Keras's default {@code attention_axes}).
 *
 * <pre>{@code
 * MultiHeadAttention mha = new MultiHeadAttention(2, 16);
 * Operand<TFloat32> y = mha.apply(tf, query, value);                 // self-attention: (x, x)
 * MultiHeadAttention.Result r = mha.applyWithScores(tf, query, value, null, mask, false);
 * }</pre>
 *
 * <p>An {@code attentionMask} {@code [batch, T, S]} says which keys each query position may attend
 * to (true or above 0.5: attend); the scores of the others are set to -1e9 before the softmax, as in
 * Keras, so they get zero weight.
 */
public class MultiHeadAttention extends Layer {
  /** Keras's stand-in for minus infinity at masked positions (float32). */
  static final float MASKED_SCORE = -1e9f;

  private final int numHeads;
  private final int keyDim;
  private int valueDim;
  private double dropout;
  private boolean useBias = true;
  private long outputShape = -1;
  private Long seed;
  private Initializer kernelInitializer = Initializers.glorotUniform();
  private Initializer biasInitializer = Initializers.zeros();
  private Regularizer kernelRegularizer;
  private Regularizer biasRegularizer;
  private Constraint kernelConstraint;
  private Constraint biasConstraint;
  private AttentionProjection queryDense;
  private AttentionProjection keyDense;
  private AttentionProjection valueDense;
  private AttentionProjection outputDense;
  private Dropout dropoutLayer;
  /** Set while {@link #applyWithScores} runs: the call then also returns the scores. */
  private transient boolean scoresRequested;

  /**
   * {@code numHeads} heads of {@code keyDim} query and key features each.
   *
   * @throws IllegalArgumentException unless both are positive
   */
  public MultiHeadAttention(int numHeads, int keyDim) {
    if (numHeads <= 0 || keyDim <= 0) {
      throw new IllegalArgumentException(
          "MultiHeadAttention: numHeads and keyDim must be positive integers, received numHeads="
              + numHeads + ", keyDim=" + keyDim);
    }
    this.numHeads = numHeads;
    this.keyDim = keyDim;
    this.valueDim = keyDim;
  }

  @Override
  public MultiHeadAttention name(String name) {
    super.name(name);
    return this;
  }

  /** The size of each head of the value (default {@code keyDim}). */
  public MultiHeadAttention valueDim(int valueDim) {
    checkNotBuilt("valueDim");
    if (valueDim <= 0) {
      throw new IllegalArgumentException(
          describe() + ": valueDim must be a positive integer, received " + valueDim);
    }
    this.valueDim = valueDim;
    return this;
  }

  /** The dropout rate on the attention weights in training (default 0). */
  public MultiHeadAttention dropout(double dropout) {
    checkNotBuilt("dropout");
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException(
          describe() + ": dropout must be in [0, 1), received " + dropout);
    }
    this.dropout = dropout;
    return this;
  }

  /** Whether the four projections add biases (default true). */
  public MultiHeadAttention useBias(boolean useBias) {
    checkNotBuilt("useBias");
    this.useBias = useBias;
    return this;
  }

  /** The last dimension of the output (Keras's {@code output_shape}; default the query's). */
  public MultiHeadAttention outputShape(long outputShape) {
    checkNotBuilt("outputShape");
    if (outputShape <= 0) {
      throw new IllegalArgumentException(
          describe() + ": outputShape must be a positive integer, received " + outputShape);
    }
    this.outputShape = outputShape;
    return this;
  }

  /** The seed of the attention dropout (default: drawn, see {@link Dropout#seed}). */
  public MultiHeadAttention seed(long seed) {
    checkNotBuilt("seed");
    this.seed = seed;
    return this;
  }

  /** The initializer of the four kernels (default {@code glorot_uniform}). */
  public MultiHeadAttention kernelInitializer(Initializer initializer) {
    checkNotBuilt("kernelInitializer");
    this.kernelInitializer = Objects.requireNonNull(initializer, "kernelInitializer");
    return this;
  }

  /** As {@link #kernelInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public MultiHeadAttention kernelInitializer(String name) {
    return kernelInitializer(Initializers.get(name));
  }

  /** The initializer of the four biases (default {@code zeros}). */
  public MultiHeadAttention biasInitializer(Initializer initializer) {
    checkNotBuilt("biasInitializer");
    this.biasInitializer = Objects.requireNonNull(initializer, "biasInitializer");
    return this;
  }

  /** As {@link #biasInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public MultiHeadAttention biasInitializer(String name) {
    return biasInitializer(Initializers.get(name));
  }

  /** The penalty on each of the four kernels (default none). */
  public MultiHeadAttention kernelRegularizer(Regularizer regularizer) {
    checkNotBuilt("kernelRegularizer");
    this.kernelRegularizer = regularizer;
    return this;
  }

  /** As {@link #kernelRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public MultiHeadAttention kernelRegularizer(String name) {
    return kernelRegularizer(Regularizers.get(name));
  }

  /** The penalty on each of the four biases (default none). */
  public MultiHeadAttention biasRegularizer(Regularizer regularizer) {
    checkNotBuilt("biasRegularizer");
    this.biasRegularizer = regularizer;
    return this;
  }

  /** As {@link #biasRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public MultiHeadAttention biasRegularizer(String name) {
    return biasRegularizer(Regularizers.get(name));
  }

  @Override
  public MultiHeadAttention activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public MultiHeadAttention activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** The constraint on each of the four kernels (default none). */
  public MultiHeadAttention kernelConstraint(Constraint constraint) {
    checkNotBuilt("kernelConstraint");
    this.kernelConstraint = constraint;
    return this;
  }

  /** As {@link #kernelConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public MultiHeadAttention kernelConstraint(String name) {
    return kernelConstraint(Constraints.get(name));
  }

  /** The constraint on each of the four biases (default none). */
  public MultiHeadAttention biasConstraint(Constraint constraint) {
    checkNotBuilt("biasConstraint");
    this.biasConstraint = constraint;
    return this;
  }

  /** As {@link #biasConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public MultiHeadAttention biasConstraint(String name) {
    return biasConstraint(Constraints.get(name));
  }

  /** The number of heads. */
  public int numHeads() {
    return numHeads;
  }

  /** The size of each query and key head. */
  public int keyDim() {
    return keyDim;
  }

  /** The size of each value head. */
  public int valueDim() {
    return valueDim;
  }

  /** The attention dropout rate. */
  public double dropout() {
    return dropout;
  }

  /** Whether the projections add biases. */
  public boolean useBias() {
    return useBias;
  }

  Initializer kernelInitializer() {
    return kernelInitializer;
  }

  Initializer biasInitializer() {
    return biasInitializer;
  }

  Regularizer kernelRegularizer() {
    return kernelRegularizer;
  }

  Regularizer biasRegularizer() {
    return biasRegularizer;
  }

  Constraint kernelConstraint() {
    return kernelConstraint;
  }

  Constraint biasConstraint() {
    return biasConstraint;
  }

  // ---- calling -----------------------------------------------------------------------------

  /** The output and the attention scores of one call (Keras's {@code return_attention_scores}). */
  public record Result(Operand<TFloat32> output, Operand<TFloat32> scores) {}

  /** Attention of {@code query} to {@code value} (also the key), in inference mode. */
  public final Operand<TFloat32> apply(Ops tf, Operand<TFloat32> query, Operand<TFloat32> value) {
    return apply(tf, List.of(query, value));
  }

  /**
   * Keras's {@code mha(query, value, key, attention_mask, training=...)}.
   *
   * @param key {@code [batch, S, dim]}, or null to use {@code value}
   * @param attentionMask {@code [batch, T, S]}, boolean or numeric (above 0.5: attend), or null
   */
  public final Operand<TFloat32> apply(
      Ops tf,
      Operand<TFloat32> query,
      Operand<TFloat32> value,
      Operand<TFloat32> key,
      Operand<? extends TType> attentionMask,
      boolean training) {
    return apply(tf, inputs(tf, query, value, key, attentionMask), training);
  }

  /**
   * As {@link #apply(Ops, Operand, Operand, Operand, Operand, boolean)}, also returning the
   * attention scores {@code [batch, numHeads, T, S]} (after the softmax, before dropout), as
   * Keras's {@code return_attention_scores=True}.
   */
  public final Result applyWithScores(
      Ops tf,
      Operand<TFloat32> query,
      Operand<TFloat32> value,
      Operand<TFloat32> key,
      Operand<? extends TType> attentionMask,
      boolean training) {
    scoresRequested = true;
    try {
      List<Operand<TFloat32>> out =
          applyOutputs(tf, inputs(tf, query, value, key, attentionMask), training);
      return new Result(out.get(0), out.get(1));
    } finally {
      scoresRequested = false;
    }
  }

  /** The inputs as {@code apply} takes them: query, value, key, then the mask (float32) if any. */
  private List<Operand<TFloat32>> inputs(
      Ops tf,
      Operand<TFloat32> query,
      Operand<TFloat32> value,
      Operand<TFloat32> key,
      Operand<? extends TType> attentionMask) {
    List<Operand<TFloat32>> inputs = new ArrayList<>(4);
    inputs.add(Objects.requireNonNull(query, "query"));
    inputs.add(Objects.requireNonNull(value, "value"));
    inputs.add(key == null ? value : key);
    if (attentionMask != null) {
      inputs.add(maskAsFloat(tf, attentionMask));
    }
    return inputs;
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> maskAsFloat(Ops tf, Operand<? extends TType> mask) {
    if (mask.type() == TFloat32.class) {
      return (Operand<TFloat32>) mask;
    }
    if (mask.type() == TBool.class) {
      return tf.dtypes.cast((Operand<TBool>) mask, TFloat32.class);
    }
    return tf.dtypes.cast(mask, TFloat32.class);
  }

  // ---- shapes ------------------------------------------------------------------------------

  @Override
  protected void checkInputShapes(List<Shape> shapes) {
    if (shapes.size() < 2 || shapes.size() > 4) {
      throw new IllegalArgumentException(
          describe() + ": expected query and value, then optionally key and attention mask;"
              + " received " + shapes.size() + " input" + (shapes.size() == 1 ? "" : "s"));
    }
    String[] names = {"query", "value", "key"};
    for (int i = 0; i < Math.min(3, shapes.size()); i++) {
      Shape s = shapes.get(i);
      if (s.isUnknown() || s.numDimensions() != 3) {
        throw inputError(names[i] + ": expected rank 3 ([batch, sequence, features])", s);
      }
      if (s.get(2) < 0) {
        throw inputError(names[i] + ": the last dimension must be known", s);
      }
    }
    Shape query = shapes.get(0);
    Shape value = shapes.get(1);
    Shape key = shapes.size() > 2 ? shapes.get(2) : value;
    if (!compatible(key.get(1), value.get(1))) {
      throw inputError(
          "key and value must have the same sequence length, the value has shape "
              + Shapes.format(value), key);
    }
    for (Shape s : List.of(value, key)) {
      if (!compatible(s.get(0), query.get(0))) {
        throw inputError("expected the query's batch size " + query.get(0), s);
      }
    }
    if (built()) {
      checkBuiltDims("query", query, queryDense.kernel().shape().get(0));
      checkBuiltDims("value", value, valueDense.kernel().shape().get(0));
      checkBuiltDims("key", key, keyDense.kernel().shape().get(0));
    }
    if (shapes.size() == 4) {
      Shape mask = shapes.get(3);
      boolean ok =
          !mask.isUnknown() && mask.numDimensions() == 3 && compatible(mask.get(0), query.get(0))
              && compatible(mask.get(1), query.get(1)) && compatible(mask.get(2), value.get(1));
      if (!ok) {
        throw inputError(
            "attention mask: expected shape [" + dim(query.get(0)) + ", " + dim(query.get(1)) + ", "
                + dim(value.get(1)) + "] ([batch, query length, key length])", mask);
      }
    }
  }

  private void checkBuiltDims(String what, Shape s, long expected) {
    if (s.get(2) != expected) {
      throw inputError(what + ": expected last dimension " + expected, s);
    }
  }

  private static boolean compatible(long a, long b) {
    return a < 0 || b < 0 || a == b;
  }

  private static String dim(long d) {
    return d < 0 ? "None" : Long.toString(d);
  }

  @Override
  protected void build(List<Shape> shapes) {
    Shape query = shapes.get(0);
    long outputDim = outputShape > 0 ? outputShape : query.get(2);
    // Keras's order and names: query, key, value, attention_output.
    queryDense = new AttentionProjection("query", this, 1, numHeads, keyDim);
    keyDense = new AttentionProjection("key", this, 1, numHeads, keyDim);
    valueDense = new AttentionProjection("value", this, 1, numHeads, valueDim);
    outputDense = new AttentionProjection("attention_output", this, 2, outputDim);
    for (AttentionProjection p : List.of(queryDense, keyDense, valueDense, outputDense)) {
      // Created now, so a freeze set before the build has not reached them yet.
      p.setTrainable(trainable());
    }
    Ops tf = ops();
    Shape value = shapes.get(1);
    Shape key = shapes.size() > 2 ? shapes.get(2) : value;
    queryDense.build(tf, query);
    keyDense.build(tf, key);
    valueDense.build(tf, value);
    outputDense.build(tf, Shape.of(query.get(0), query.get(1), numHeads, valueDim));
    dropoutLayer = new Dropout(dropout);
    if (seed != null) {
      dropoutLayer.seed(seed);
    }
  }

  @Override
  public Shape computeOutputShape(List<Shape> shapes) {
    checkInputShapes(shapes);
    Shape query = shapes.get(0);
    return Shape.of(query.get(0), query.get(1), outputShape > 0 ? outputShape : query.get(2));
  }

  @Override
  public List<Shape> computeOutputShapes(List<Shape> shapes) {
    Shape out = computeOutputShape(shapes);
    if (!scoresRequested) {
      return List.of(out);
    }
    Shape query = shapes.get(0);
    return List.of(out, Shape.of(query.get(0), numHeads, query.get(1), shapes.get(1).get(1)));
  }

  // ---- the math ----------------------------------------------------------------------------

  @Override
  protected List<Operand<TFloat32>> callOutputs(
      Ops tf, List<Operand<TFloat32>> inputs, boolean training) {
    Operand<TFloat32> value = inputs.get(1);
    Operand<TFloat32> key = inputs.size() > 2 ? inputs.get(2) : value;
    Operand<TFloat32> mask = inputs.size() > 3 ? inputs.get(3) : null;
    // [batch, T or S, heads, headDim], then heads first: [batch, heads, T or S, headDim].
    int[] headsFirst = {0, 2, 1, 3};
    Operand<TFloat32> q = tf.linalg.transpose(queryDense.apply(tf, inputs.get(0)), tf.constant(headsFirst));
    Operand<TFloat32> k = tf.linalg.transpose(keyDense.apply(tf, key), tf.constant(headsFirst));
    Operand<TFloat32> v = tf.linalg.transpose(valueDense.apply(tf, value), tf.constant(headsFirst));
    // As Keras, the query is scaled before the dot product.
    q = tf.math.mul(q, tf.constant((float) (1.0 / Math.sqrt(keyDim))));
    Operand<TFloat32> logits =
        tf.train.batchMatMul(q, k, TFloat32.class, org.tensorflow.op.train.BatchMatMul.adjY(true)); // [b, h, T, S]
    if (mask != null) {
      // Keras keeps the positions where the mask is above 0.5 and sets the others to -1e9:
      // keep * logits + (1 - keep) * -1e9, which leaves kept logits exact.
      Operand<TFloat32> keep =
          tf.dtypes.cast(tf.math.greater(mask, tf.constant(0.5f)), TFloat32.class);
      keep = tf.expandDims(keep, tf.constant(1)); // one mask for every head
      logits =
          tf.math.add(
              tf.math.mul(logits, keep),
              tf.math.mul(tf.math.sub(tf.constant(1f), keep), tf.constant(MASKED_SCORE)));
    }
    Operand<TFloat32> scores = tf.nn.softmax(logits);
    Operand<TFloat32> weights = dropout > 0 ? dropoutLayer.apply(tf, scores, training) : scores;
    Operand<TFloat32> heads =
        tf.linalg.transpose(tf.train.batchMatMul(weights, v, TFloat32.class), tf.constant(headsFirst)); // [b, T, h, vd]
    Operand<TFloat32> output = outputDense.apply(tf, heads);
    return scoresRequested ? List.of(output, scores) : List.of(output);
  }

  /**
   * Not reached: as in Keras, the value is a required argument, and {@link #checkInputShapes}
   * refuses a single input (self-attention passes the same tensor twice).
   */
  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    throw new IllegalStateException(describe() + ": expected query and value, received one input");
  }

  // ---- config ------------------------------------------------------------------------------

  /** Keras 3's config keys: num_heads, key_dim, value_dim, dropout, use_bias, output_shape, ... */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("num_heads", numHeads);
    config.put("key_dim", keyDim);
    config.put("value_dim", valueDim);
    config.put("dropout", dropout);
    config.put("use_bias", useBias);
    config.put("output_shape", outputShape > 0 ? outputShape : null);
    config.put("attention_axes", null);
    config.put("kernel_initializer", LayerConfig.serialize(kernelInitializer));
    config.put("bias_initializer", LayerConfig.serialize(biasInitializer));
    config.put("kernel_regularizer", LayerConfig.serialize(kernelRegularizer));
    config.put("bias_regularizer", LayerConfig.serialize(biasRegularizer));
    config.put("activity_regularizer", LayerConfig.serialize(activityRegularizer()));
    config.put("kernel_constraint", LayerConfig.serialize(kernelConstraint));
    config.put("bias_constraint", LayerConfig.serialize(biasConstraint));
    config.put("seed", seed);
    return config;
  }

  /**
   * The layer a Keras config describes.
   *
   * @throws IllegalArgumentException for missing heads or key size, {@code attention_axes} other
   *     than the default, or an {@code output_shape} of several dimensions
   */
  public static MultiHeadAttention fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("MultiHeadAttention", config);
    if (!c.has("num_heads") || !c.has("key_dim")) {
      throw c.error("the config needs 'num_heads' and 'key_dim'");
    }
    c.requireDefault("attention_axes", null);
    MultiHeadAttention layer =
        new MultiHeadAttention(
                Math.toIntExact(c.getLong("num_heads")), Math.toIntExact(c.getLong("key_dim")))
            .dropout(c.getDouble("dropout", 0.0))
            .useBias(c.getBoolean("use_bias", true))
            .kernelInitializer(c.initializer("kernel_initializer", Initializers.glorotUniform()))
            .biasInitializer(c.initializer("bias_initializer", Initializers.zeros()))
            .kernelRegularizer(c.regularizer("kernel_regularizer"))
            .biasRegularizer(c.regularizer("bias_regularizer"))
            .activityRegularizer(c.regularizer("activity_regularizer"))
            .kernelConstraint(c.constraint("kernel_constraint"))
            .biasConstraint(c.constraint("bias_constraint"));
    if (c.has("value_dim")) {
      layer.valueDim(Math.toIntExact(c.getLong("value_dim")));
    }
    Object out = c.raw("output_shape");
    if (out instanceof List && ((List<?>) out).size() == 1) {
      out = ((List<?>) out).get(0);
    }
    if (out instanceof Number) {
      layer.outputShape(((Number) out).longValue());
    } else if (out != null) {
      throw c.error("output_shape=" + out + " is not supported by keras-lite (only one dimension)");
    }
    if (c.has("seed")) {
      layer.seed(c.getLong("seed"));
    }
    return c.applyBase(layer);
  }
}
