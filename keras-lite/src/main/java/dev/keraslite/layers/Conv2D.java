package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.constraints.Constraints;
import dev.keraslite.constraints.Constraint;
import dev.keraslite.regularizers.Regularizer;
import java.util.Map;
import dev.keraslite.activations.Activations;
import dev.keraslite.Variable;
import dev.keraslite.activations.Activation;
import dev.keraslite.initializers.Initializer;
import dev.keraslite.initializers.Initializers;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The 2D convolution layer (Keras's {@code Conv2D}): slides {@code filters} kernels of {@code
 * kernelSize} over images {@code [batch, height, width, channels]} (channels last) and computes
 * {@code activation(cross_correlation(input, kernel) + bias)}, as TensorFlow's {@code Conv2D} op.
 *
 * <p>Keras 3's defaults: strides 1, {@code "valid"} padding, dilation 1, no activation (linear), a
 * bias, a {@code glorot_uniform} kernel of shape {@code [kh, kw, inChannels, filters]} (fans
 * multiplied by {@code kh * kw}) and a {@code zeros} bias of shape {@code [filters]}.
 *
 * <pre>{@code
 * Conv2D conv = new Conv2D(32, 5).padding("same").activation(Activations.relu());
 * }</pre>
 */
public class Conv2D extends Layer {
  private static final int RANK = 4;

  private final long filters;
  private final int[] kernelSize;
  private int[] strides = {1, 1};
  private String padding = ConvWindows.VALID;
  private int[] dilationRate = {1, 1};
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

  /**
   * {@code filters} square kernels of side {@code kernelSize}.
   *
   * @throws IllegalArgumentException unless both are positive
   */
  public Conv2D(long filters, int kernelSize) {
    this(filters, new int[] {kernelSize});
  }

  /**
   * {@code filters} kernels of {@code kernelSize = {height, width}} (one value means a square).
   *
   * @throws IllegalArgumentException unless {@code filters} is positive and {@code kernelSize} is
   *     one or two positive integers
   */
  public Conv2D(long filters, int[] kernelSize) {
    if (filters <= 0) {
      throw new IllegalArgumentException(
          "Conv2D: filters must be a positive integer, received " + filters);
    }
    this.filters = filters;
    this.kernelSize = ConvWindows.pair("Conv2D", "kernelSize", kernelSize);
    setInputSpec(InputSpec.rank(RANK));
  }

  @Override
  public Conv2D name(String name) {
    super.name(name);
    return this;
  }

  /** The step of the kernel along height and width (default 1). */
  public Conv2D strides(int strides) {
    return strides(new int[] {strides});
  }

  /**
   * The steps {@code {height, width}} of the kernel (default {@code {1, 1}}).
   *
   * @throws IllegalArgumentException for non-positive steps, or steps above 1 together with a
   *     dilation above 1 (which TensorFlow's op does not support, as in Keras)
   */
  public Conv2D strides(int[] strides) {
    checkNotBuilt("strides");
    int[] s = ConvWindows.pair(describe(), "strides", strides);
    checkStridesWithDilation(s, dilationRate);
    this.strides = s;
    return this;
  }

  /**
   * {@code "valid"} (default: no padding) or {@code "same"} (zero padding, output {@code ceil(input
   * / stride)}).
   */
  public Conv2D padding(String padding) {
    checkNotBuilt("padding");
    this.padding = ConvWindows.padding(describe(), padding);
    return this;
  }

  /** The dilation of the kernel along height and width (default 1: a dense kernel). */
  public Conv2D dilationRate(int dilationRate) {
    return dilationRate(new int[] {dilationRate});
  }

  /**
   * The dilations {@code {height, width}}: the kernel taps are {@code dilation} input positions
   * apart.
   *
   * @throws IllegalArgumentException as {@link #strides(int[])}
   */
  public Conv2D dilationRate(int[] dilationRate) {
    checkNotBuilt("dilationRate");
    int[] d = ConvWindows.pair(describe(), "dilationRate", dilationRate);
    checkStridesWithDilation(strides, d);
    this.dilationRate = d;
    return this;
  }

  private void checkStridesWithDilation(int[] s, int[] d) {
    if ((s[0] > 1 || s[1] > 1) && (d[0] > 1 || d[1] > 1)) {
      throw new IllegalArgumentException(
          describe() + ": strides above 1 cannot be combined with a dilationRate above 1, received"
              + " strides " + Arrays.toString(s) + " and dilationRate "
              + Arrays.toString(d));
    }
  }

  /** The activation applied to the output; {@code null} (the default) means linear. */
  public Conv2D activation(Activation activation) {
    checkNotBuilt("activation");
    this.activation = activation;
    return this;
  }

  /** As {@link #activation(Activation)}, by Keras name ({@code "relu"}). */
  public Conv2D activation(String name) {
    return activation(Activations.get(name));
  }

  /** Whether the layer adds a bias (default true). */
  public Conv2D useBias(boolean useBias) {
    checkNotBuilt("useBias");
    this.useBias = useBias;
    return this;
  }

  /** The kernel's initializer (default {@code glorot_uniform}). */
  public Conv2D kernelInitializer(Initializer initializer) {
    checkNotBuilt("kernelInitializer");
    this.kernelInitializer = Objects.requireNonNull(initializer, "kernelInitializer");
    return this;
  }

  /** As {@link #kernelInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public Conv2D kernelInitializer(String name) {
    return kernelInitializer(Initializers.get(name));
  }

  /** The bias's initializer (default {@code zeros}). */
  public Conv2D biasInitializer(Initializer initializer) {
    checkNotBuilt("biasInitializer");
    this.biasInitializer = Objects.requireNonNull(initializer, "biasInitializer");
    return this;
  }

  /** As {@link #biasInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public Conv2D biasInitializer(String name) {
    return biasInitializer(Initializers.get(name));
  }

  /** The kernel's penalty, added to {@link #losses(Ops)} (Keras's {@code kernel_regularizer}; default none). */
  public Conv2D kernelRegularizer(Regularizer regularizer) {
    checkNotBuilt("kernelRegularizer");
    this.kernelRegularizer = regularizer;
    return this;
  }

  /** As {@link #kernelRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public Conv2D kernelRegularizer(String name) {
    return kernelRegularizer(Regularizers.get(name));
  }

  /** The kernel's regularizer, or null. */
  public Regularizer kernelRegularizer() {
    return kernelRegularizer;
  }

  /** The bias's penalty, added to {@link #losses(Ops)} (Keras's {@code bias_regularizer}; default none). */
  public Conv2D biasRegularizer(Regularizer regularizer) {
    checkNotBuilt("biasRegularizer");
    this.biasRegularizer = regularizer;
    return this;
  }

  /** As {@link #biasRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public Conv2D biasRegularizer(String name) {
    return biasRegularizer(Regularizers.get(name));
  }

  /** The bias's regularizer, or null. */
  public Regularizer biasRegularizer() {
    return biasRegularizer;
  }

  @Override
  public Conv2D activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public Conv2D activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /**
   * The kernel's constraint, applied after each optimizer update (Keras's {@code
   * kernel_constraint}; default none).
   */
  public Conv2D kernelConstraint(Constraint constraint) {
    checkNotBuilt("kernelConstraint");
    this.kernelConstraint = constraint;
    return this;
  }

  /** As {@link #kernelConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public Conv2D kernelConstraint(String name) {
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
  public Conv2D biasConstraint(Constraint constraint) {
    checkNotBuilt("biasConstraint");
    this.biasConstraint = constraint;
    return this;
  }

  /** As {@link #biasConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public Conv2D biasConstraint(String name) {
    return biasConstraint(Constraints.get(name));
  }

  /** The bias's constraint, or null. */
  public Constraint biasConstraint() {
    return biasConstraint;
  }

  /** The number of output channels. */
  public long filters() {
    return filters;
  }

  /** The kernel's {@code {height, width}}. */
  public int[] kernelSize() {
    return kernelSize.clone();
  }

  /** The steps {@code {height, width}}. */
  public int[] strides() {
    return strides.clone();
  }

  /** {@code "valid"} or {@code "same"}. */
  public String padding() {
    return padding;
  }

  /** The dilations {@code {height, width}}. */
  public int[] dilationRate() {
    return dilationRate.clone();
  }

  /** The kernel, {@code [kh, kw, inChannels, filters]}. */
  public Variable kernel() {
    requireBuilt("the kernel");
    return kernel;
  }

  /** The bias, {@code [filters]}, or null without one. */
  public Variable bias() {
    requireBuilt("the bias");
    return bias;
  }

  @Override
  protected void checkInputShapes(List<Shape> inputShapes) {
    for (Shape s : inputShapes) {
      String problem = ConvWindows.imageProblem(s, kernelSize, strides, dilationRate, padding);
      if (problem != null) {
        throw inputError(problem, s);
      }
    }
  }

  @Override
  protected void build(Shape inputShape) {
    long channels = inputShape.get(RANK - 1);
    kernel =
        addWeight(
            "kernel", Shape.of(kernelSize[0], kernelSize[1], channels, filters), kernelInitializer, kernelRegularizer, kernelConstraint);
    if (useBias) {
      bias = addWeight("bias", Shape.of(filters), biasInitializer, biasRegularizer, biasConstraint);
    }
    setInputSpec(InputSpec.rank(RANK).withAxis(-1, channels));
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    Operand<TFloat32> k = kernel.value(tf);
    if (dilationRate[0] > 1 || dilationRate[1] > 1) {
      k = ConvWindows.spreadKernel(tf, k, kernelSize, dilationRate);
    }
    Operand<TFloat32> y =
        ConvWindows.conv2d(
            tf, dtypePolicy(), input, k, ConvWindows.nhwc(strides), ConvWindows.tfPadding(padding));
    if (useBias) {
      y = tf.nn.biasAdd(y, bias.value(tf));
    }
    return activation == null ? y : activation.apply(tf, y);
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    String problem = InputSpec.rank(RANK).mismatch(inputShape);
    if (problem != null) {
      throw inputError(problem, inputShape);
    }
    return Shape.of(
        inputShape.get(0),
        ConvWindows.outputLength(inputShape.get(1), kernelSize[0], strides[0], dilationRate[0], padding),
        ConvWindows.outputLength(inputShape.get(2), kernelSize[1], strides[1], dilationRate[1], padding),
        filters);
  }

  /** Keras 3's config keys: filters, kernel_size, strides, padding, data_format, ... */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("filters", filters);
    config.put("kernel_size", LayerConfig.list(kernelSize));
    config.put("strides", LayerConfig.list(strides));
    config.put("padding", padding.toLowerCase(java.util.Locale.ROOT));
    config.put("data_format", "channels_last");
    config.put("dilation_rate", LayerConfig.list(dilationRate));
    config.put("groups", 1);
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

  /** A layer from a Keras config; only channels_last data and groups 1. */
  public static Conv2D fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("Conv2D", config);
    c.requireDefault("data_format", "channels_last");
    c.requireDefault("groups", 1);
    Conv2D layer =
        new Conv2D(c.getLong("filters"), c.getInts("kernel_size", 2, null))
            .strides(c.getInts("strides", 2, new int[] {1, 1}))
            .padding(c.getString("padding", "valid"))
            .dilationRate(c.getInts("dilation_rate", 2, new int[] {1, 1}))
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
