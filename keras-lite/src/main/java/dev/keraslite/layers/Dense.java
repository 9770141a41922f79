package dev.keraslite.layers;

import dev.keraslite.layers.internal.Shapes;
import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.constraints.Constraints;
import dev.keraslite.mixedprecision.DTypePolicy;
import dev.keraslite.constraints.Constraint;
import dev.keraslite.regularizers.Regularizer;
import dev.keraslite.Recording;
import java.util.Map;
import dev.keraslite.activations.Activations;
import dev.keraslite.Variable;
import dev.keraslite.activations.Activation;
import dev.keraslite.initializers.Initializer;
import dev.keraslite.initializers.Initializers;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The densely connected layer: {@code activation(matmul(input, kernel) + bias)}, with Keras 3's
 * defaults: no activation (linear), a bias, a {@code glorot_uniform} kernel of shape {@code
 * [inputDim, units]} and a {@code zeros} bias of shape {@code [units]}. Inputs of rank above 2 are
 * transformed on their last axis, as in Keras.
 *
 * <pre>{@code
 * Dense hidden = new Dense(100).activation(Activations.relu());
 * }</pre>
 */
public class Dense extends Layer {
  private final long units;
  private Activation activation;
  private boolean useBias = true;
  private Initializer kernelInitializer = Initializers.glorotUniform();
  private Initializer biasInitializer = Initializers.zeros();
  private Regularizer kernelRegularizer;
  private Regularizer biasRegularizer;
  private Constraint kernelConstraint;
  private Constraint biasConstraint;
  private Variable kernel;
  private Variable bias;
  private long inputDim = -1;

  /**
   * A layer with {@code units} outputs.
   *
   * @throws IllegalArgumentException unless {@code units} is positive
   */
  public Dense(long units) {
    if (units <= 0) {
      throw new IllegalArgumentException(
          "Dense: units must be a positive integer, received " + units);
    }
    this.units = units;
    setInputSpec(InputSpec.minRank(2));
  }

  /** Keras 3's {@code supports_masking}: an input mask passes through unchanged. */
  @Override
  public boolean supportsMasking() {
    return true;
  }

  @Override
  public Dense name(String name) {
    super.name(name);
    return this;
  }

  /** The activation applied to the output; {@code null} (the default) means linear. */
  public Dense activation(Activation activation) {
    checkNotBuilt("activation");
    this.activation = activation;
    return this;
  }

  /** As {@link #activation(Activation)}, by Keras name ({@code "relu"}). */
  public Dense activation(String name) {
    return activation(Activations.get(name));
  }

  /** Whether the layer adds a bias (default true). */
  public Dense useBias(boolean useBias) {
    checkNotBuilt("useBias");
    this.useBias = useBias;
    return this;
  }

  /** The kernel's initializer (default {@code glorot_uniform}). */
  public Dense kernelInitializer(Initializer initializer) {
    checkNotBuilt("kernelInitializer");
    this.kernelInitializer = Objects.requireNonNull(initializer, "kernelInitializer");
    return this;
  }

  /** As {@link #kernelInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public Dense kernelInitializer(String name) {
    return kernelInitializer(Initializers.get(name));
  }

  /** The bias's initializer (default {@code zeros}). */
  public Dense biasInitializer(Initializer initializer) {
    checkNotBuilt("biasInitializer");
    this.biasInitializer = Objects.requireNonNull(initializer, "biasInitializer");
    return this;
  }

  /** As {@link #biasInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public Dense biasInitializer(String name) {
    return biasInitializer(Initializers.get(name));
  }

  /** The kernel's penalty, added to {@link #losses(Ops)} (Keras's {@code kernel_regularizer}; default none). */
  public Dense kernelRegularizer(Regularizer regularizer) {
    checkNotBuilt("kernelRegularizer");
    this.kernelRegularizer = regularizer;
    return this;
  }

  /** As {@link #kernelRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public Dense kernelRegularizer(String name) {
    return kernelRegularizer(Regularizers.get(name));
  }

  /** The kernel's regularizer, or null. */
  public Regularizer kernelRegularizer() {
    return kernelRegularizer;
  }

  /** The bias's penalty, added to {@link #losses(Ops)} (Keras's {@code bias_regularizer}; default none). */
  public Dense biasRegularizer(Regularizer regularizer) {
    checkNotBuilt("biasRegularizer");
    this.biasRegularizer = regularizer;
    return this;
  }

  /** As {@link #biasRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public Dense biasRegularizer(String name) {
    return biasRegularizer(Regularizers.get(name));
  }

  /** The bias's regularizer, or null. */
  public Regularizer biasRegularizer() {
    return biasRegularizer;
  }

  @Override
  public Dense activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public Dense activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /**
   * The kernel's constraint, applied after each optimizer update (Keras's {@code
   * kernel_constraint}; default none).
   */
  public Dense kernelConstraint(Constraint constraint) {
    checkNotBuilt("kernelConstraint");
    this.kernelConstraint = constraint;
    return this;
  }

  /** As {@link #kernelConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public Dense kernelConstraint(String name) {
    return kernelConstraint(Constraints.get(name));
  }

  /** The kernel's constraint, or null. */
  public Constraint kernelConstraint() {
    return kernelConstraint;
  }

  /**
   * The bias's constraint, applied after each optimizer update (Keras's {@code
   * bias_constraint}; default none).
   */
  public Dense biasConstraint(Constraint constraint) {
    checkNotBuilt("biasConstraint");
    this.biasConstraint = constraint;
    return this;
  }

  /** As {@link #biasConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public Dense biasConstraint(String name) {
    return biasConstraint(Constraints.get(name));
  }

  /** The bias's constraint, or null. */
  public Constraint biasConstraint() {
    return biasConstraint;
  }

  /** The number of outputs. */
  public long units() {
    return units;
  }

  /** The activation, or null for linear. */
  public Activation activation() {
    return activation;
  }

  /** Whether a bias is added. */
  public boolean useBias() {
    return useBias;
  }

  /** The kernel, {@code [inputDim, units]}. */
  public Variable kernel() {
    requireBuilt("the kernel");
    return kernel;
  }

  /** The bias, {@code [units]}, or null without one. */
  public Variable bias() {
    requireBuilt("the bias");
    return bias;
  }

  @Override
  protected void checkInputShapes(List<Shape> inputShapes) {
    for (Shape s : inputShapes) {
      if (s.isUnknown() || s.get(s.numDimensions() - 1) < 0) {
        throw inputError("the last dimension of the input must be known", s);
      }
    }
  }

  @Override
  protected void build(Shape inputShape) {
    long dim = inputShape.get(inputShape.numDimensions() - 1);
    kernel = addWeight("kernel", Shape.of(dim, units), kernelInitializer, kernelRegularizer, kernelConstraint);
    if (useBias) {
      bias = addWeight("bias", Shape.of(units), biasInitializer, biasRegularizer, biasConstraint);
    }
    inputDim = dim;
    setInputSpec(InputSpec.minRank(2).withAxis(-1, dim));
  }

  @Override
  protected String inputHint(Shape received) {
    // The classic mistake: images fed to a Dense layer built for their flattened size.
    if (inputDim > 0 && received.numDimensions() > 2 && Shapes.sizeFrom(received, 1) == inputDim) {
      return "Add a Flatten layer before it.";
    }
    return "";
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    Operand<TFloat32> w = kernel.value(tf);
    Operand<TFloat32> y;
    Shape shape = Recording.shape(input);
    if (shape.numDimensions() == 2) {
      y = product(tf, input, w);
    } else {
      // MatMul is rank 2: fold the leading axes into rows, then unfold them.
      Operand<TFloat32> rows = tf.reshape(input, tf.constant(new long[] {-1, inputDim}));
      y = tf.reshape(product(tf, rows, w), outputDims(tf, input));
    }
    if (useBias) {
      y = tf.nn.biasAdd(y, bias.value(tf));
    }
    return activation == null ? y : activation.apply(tf, y);
  }

  /** {@code rows . w} in the layer's compute dtype (bfloat16 under mixed_bfloat16), as float32. */
  private Operand<TFloat32> product(Ops tf, Operand<TFloat32> rows, Operand<TFloat32> w) {
    DTypePolicy policy = dtypePolicy();
    return policy.fromCompute(tf, tf.linalg.matMul(policy.toCompute(tf, rows), policy.toCompute(tf, w)));
  }

  private Operand<TInt64> outputDims(Ops tf, Operand<TFloat32> input) {
    Shape shape = Recording.shape(input);
    int rank = shape.numDimensions();
    if (Shapes.sizeFrom(shape, 1) >= 0) {
      long[] dims = shape.asArray();
      dims[0] = -1;
      dims[rank - 1] = units;
      return tf.constant(dims);
    }
    // Unknown inner sizes (a traced graph): take them from the input at run time.
    Operand<TInt64> leading =
        tf.slice(
            tf.shape(input, TInt64.class),
            tf.constant(new long[] {0}),
            tf.constant(new long[] {rank - 1}));
    return tf.concat(List.of(leading, tf.constant(new long[] {units})), tf.constant(0));
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    String problem = (inputSpec() == null ? InputSpec.minRank(2) : inputSpec()).mismatch(inputShape);
    if (problem != null) {
      throw inputError(problem, inputShape);
    }
    long[] dims = inputShape.asArray();
    dims[dims.length - 1] = units;
    return Shape.of(dims);
  }

  /** Keras 3's config keys: units, activation, use_bias, initializers, regularizers (null), ... */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("units", units);
    config.put("activation", LayerConfig.serialize(activation == null ? Activations.linear() : activation));
    config.put("use_bias", useBias);
    config.put("kernel_initializer", LayerConfig.serialize(kernelInitializer));
    config.put("bias_initializer", LayerConfig.serialize(biasInitializer));
    config.put("kernel_regularizer", LayerConfig.serialize(kernelRegularizer));
    config.put("bias_regularizer", LayerConfig.serialize(biasRegularizer));
    config.put("activity_regularizer", LayerConfig.serialize(activityRegularizer()));
    config.put("kernel_constraint", LayerConfig.serialize(kernelConstraint));
    config.put("bias_constraint", LayerConfig.serialize(biasConstraint));
    return config;
  }

  /**
   * A layer from a Keras config (Keras 2 or 3 keys).
   *
   * @throws IllegalArgumentException for a missing units or an option keras-lite lacks
   */
  public static Dense fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("Dense", config);
    c.requireNull("lora_rank");
    Dense layer =
        new Dense(c.getLong("units"))
            .activation(c.activation("activation"))
            .useBias(c.getBoolean("use_bias", true))
            .kernelInitializer(c.initializer("kernel_initializer", Initializers.glorotUniform()))
            .biasInitializer(c.initializer("bias_initializer", Initializers.zeros()));
    layer.kernelRegularizer(c.regularizer("kernel_regularizer"));
    layer.biasRegularizer(c.regularizer("bias_regularizer"));
    layer.activityRegularizer(c.regularizer("activity_regularizer"));
    layer.kernelConstraint(c.constraint("kernel_constraint"));
    layer.biasConstraint(c.constraint("bias_constraint"));
    return c.applyBase(layer);
  }
}
