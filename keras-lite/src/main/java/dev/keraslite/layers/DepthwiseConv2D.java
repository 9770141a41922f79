package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.constraints.Constraints;
import dev.keraslite.activations.Activations;
import dev.keraslite.mixedprecision.DTypePolicy;
import dev.keraslite.constraints.Constraint;
import dev.keraslite.regularizers.Regularizer;
import dev.keraslite.Variable;
import dev.keraslite.activations.Activation;
import dev.keraslite.initializers.Initializer;
import dev.keraslite.initializers.Initializers;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The depthwise 2D convolution (Keras's {@code DepthwiseConv2D}): each input channel is convolved
 * with its own {@code depthMultiplier} kernels, so that {@code C} channels give {@code C *
 * depthMultiplier} outputs (channel {@code c * depthMultiplier + m} comes from input channel {@code
 * c} and kernel {@code m}), as TensorFlow's {@code DepthwiseConv2dNative} op. Channels last.
 *
 * <p>Keras 3's defaults: strides 1, {@code "valid"} padding, depth multiplier 1, dilation 1, no
 * activation, a bias; a {@code glorot_uniform} weight named {@code kernel} of shape {@code [kh, kw,
 * channels, depthMultiplier]} and a {@code zeros} {@code bias} of shape {@code [channels *
 * depthMultiplier]}.
 *
 * <pre>{@code
 * DepthwiseConv2D dw = new DepthwiseConv2D(3).strides(2).useBias(false);
 * }</pre>
 */
public class DepthwiseConv2D extends Layer {
  private static final int RANK = 4;

  private final int[] kernelSize;
  private int[] strides = {1, 1};
  private String padding = ConvWindows.VALID;
  private int depthMultiplier = 1;
  private int[] dilationRate = {1, 1};
  private Activation activation;
  private boolean useBias = true;
  private Initializer depthwiseInitializer = Initializers.glorotUniform();
  private Initializer biasInitializer = Initializers.zeros();
  private Regularizer depthwiseRegularizer;
  private Regularizer biasRegularizer;
  private Constraint depthwiseConstraint;
  private Constraint biasConstraint;
  private Variable kernel;
  private Variable bias;

  /**
   * Square kernels of side {@code kernelSize}.
   *
   * @throws IllegalArgumentException unless it is positive
   */
  public DepthwiseConv2D(int kernelSize) {
    this(new int[] {kernelSize});
  }

  /**
   * Kernels of {@code kernelSize = {height, width}} (one value means a square).
   *
   * @throws IllegalArgumentException unless it is one or two positive integers
   */
  public DepthwiseConv2D(int[] kernelSize) {
    this.kernelSize = ConvWindows.pair("DepthwiseConv2D", "kernelSize", kernelSize);
    setInputSpec(InputSpec.rank(RANK));
  }

  @Override
  public DepthwiseConv2D name(String name) {
    super.name(name);
    return this;
  }

  /** The step of the kernel along height and width (default 1). */
  public DepthwiseConv2D strides(int strides) {
    return strides(new int[] {strides});
  }

  /**
   * The steps {@code {height, width}} (default {@code {1, 1}}).
   *
   * @throws IllegalArgumentException for non-positive steps, different steps along height and
   *     width (TensorFlow's depthwise kernels take equal ones only), or steps above 1 together with
   *     a dilation above 1 (refused by Keras too)
   */
  public DepthwiseConv2D strides(int[] strides) {
    checkNotBuilt("strides");
    int[] s = ConvWindows.pair(describe(), "strides", strides);
    if (s[0] != s[1]) {
      throw new IllegalArgumentException(
          describe() + ": TensorFlow's depthwise convolution takes equal strides along height and"
              + " width, received " + Arrays.toString(s));
    }
    checkStridesWithDilation(s, dilationRate);
    this.strides = s;
    return this;
  }

  /** {@code "valid"} (default) or {@code "same"}. */
  public DepthwiseConv2D padding(String padding) {
    checkNotBuilt("padding");
    this.padding = ConvWindows.padding(describe(), padding);
    return this;
  }

  /**
   * The number of kernels per input channel (default 1).
   *
   * @throws IllegalArgumentException unless it is positive
   */
  public DepthwiseConv2D depthMultiplier(int depthMultiplier) {
    checkNotBuilt("depthMultiplier");
    if (depthMultiplier <= 0) {
      throw new IllegalArgumentException(
          describe() + ": depthMultiplier must be a positive integer, received " + depthMultiplier);
    }
    this.depthMultiplier = depthMultiplier;
    return this;
  }

  /** The dilation along height and width (default 1). */
  public DepthwiseConv2D dilationRate(int dilationRate) {
    return dilationRate(new int[] {dilationRate});
  }

  /**
   * The dilations {@code {height, width}}.
   *
   * @throws IllegalArgumentException as {@link #strides(int[])}
   */
  public DepthwiseConv2D dilationRate(int[] dilationRate) {
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
              + " strides " + Arrays.toString(s) + " and dilationRate " + Arrays.toString(d));
    }
  }

  /** The activation applied to the output; {@code null} (the default) means linear. */
  public DepthwiseConv2D activation(Activation activation) {
    checkNotBuilt("activation");
    this.activation = activation;
    return this;
  }

  /** As {@link #activation(Activation)}, by Keras name ({@code "relu"}). */
  public DepthwiseConv2D activation(String name) {
    return activation(Activations.get(name));
  }

  /** Whether the layer adds a bias (default true). */
  public DepthwiseConv2D useBias(boolean useBias) {
    checkNotBuilt("useBias");
    this.useBias = useBias;
    return this;
  }

  /** The kernel's initializer (default {@code glorot_uniform}). */
  public DepthwiseConv2D depthwiseInitializer(Initializer initializer) {
    checkNotBuilt("depthwiseInitializer");
    this.depthwiseInitializer = Objects.requireNonNull(initializer, "depthwiseInitializer");
    return this;
  }

  /** As {@link #depthwiseInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public DepthwiseConv2D depthwiseInitializer(String name) {
    return depthwiseInitializer(Initializers.get(name));
  }

  /** The bias's initializer (default {@code zeros}). */
  public DepthwiseConv2D biasInitializer(Initializer initializer) {
    checkNotBuilt("biasInitializer");
    this.biasInitializer = Objects.requireNonNull(initializer, "biasInitializer");
    return this;
  }

  /** As {@link #biasInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public DepthwiseConv2D biasInitializer(String name) {
    return biasInitializer(Initializers.get(name));
  }

  /** The depthwise kernel's penalty, added to {@link #losses(Ops)} (Keras's {@code depthwise_regularizer}; default none). */
  public DepthwiseConv2D depthwiseRegularizer(Regularizer regularizer) {
    checkNotBuilt("depthwiseRegularizer");
    this.depthwiseRegularizer = regularizer;
    return this;
  }

  /** As {@link #depthwiseRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public DepthwiseConv2D depthwiseRegularizer(String name) {
    return depthwiseRegularizer(Regularizers.get(name));
  }

  /** The depthwise kernel's regularizer, or null. */
  public Regularizer depthwiseRegularizer() {
    return depthwiseRegularizer;
  }

  /** The bias's penalty, added to {@link #losses(Ops)} (Keras's {@code bias_regularizer}; default none). */
  public DepthwiseConv2D biasRegularizer(Regularizer regularizer) {
    checkNotBuilt("biasRegularizer");
    this.biasRegularizer = regularizer;
    return this;
  }

  /** As {@link #biasRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public DepthwiseConv2D biasRegularizer(String name) {
    return biasRegularizer(Regularizers.get(name));
  }

  /** The bias's regularizer, or null. */
  public Regularizer biasRegularizer() {
    return biasRegularizer;
  }

  @Override
  public DepthwiseConv2D activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public DepthwiseConv2D activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /**
   * The depthwise kernel's constraint, applied after each optimizer update (Keras's {@code
   * depthwise_constraint}; default none).
   */
  public DepthwiseConv2D depthwiseConstraint(Constraint constraint) {
    checkNotBuilt("depthwiseConstraint");
    this.depthwiseConstraint = constraint;
    return this;
  }

  /** As {@link #depthwiseConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public DepthwiseConv2D depthwiseConstraint(String name) {
    return depthwiseConstraint(Constraints.get(name));
  }

  /** The depthwise kernel's constraint, or null. */
  public Constraint depthwiseConstraint() {
    return depthwiseConstraint;
  }

  /**
   * The bias's constraint, applied after each optimizer update (Keras's {@code
   * bias_constraint}; default none).
   */
  public DepthwiseConv2D biasConstraint(Constraint constraint) {
    checkNotBuilt("biasConstraint");
    this.biasConstraint = constraint;
    return this;
  }

  /** As {@link #biasConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public DepthwiseConv2D biasConstraint(String name) {
    return biasConstraint(Constraints.get(name));
  }

  /** The bias's constraint, or null. */
  public Constraint biasConstraint() {
    return biasConstraint;
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

  /** The number of kernels per input channel. */
  public int depthMultiplier() {
    return depthMultiplier;
  }

  /** The dilations {@code {height, width}}. */
  public int[] dilationRate() {
    return dilationRate.clone();
  }

  /** The kernel, {@code [kh, kw, channels, depthMultiplier]}. */
  public Variable kernel() {
    requireBuilt("the kernel");
    return kernel;
  }

  /** The bias, {@code [channels * depthMultiplier]}, or null without one. */
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
            "kernel",
            Shape.of(kernelSize[0], kernelSize[1], channels, depthMultiplier),
            depthwiseInitializer, depthwiseRegularizer, depthwiseConstraint);
    if (useBias) {
      bias = addWeight("bias", Shape.of(channels * depthMultiplier), biasInitializer, biasRegularizer, biasConstraint);
    }
    setInputSpec(InputSpec.rank(RANK).withAxis(-1, channels));
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    Operand<TFloat32> k = kernel.value(tf);
    if (dilationRate[0] > 1 || dilationRate[1] > 1) {
      // TensorFlow's CPU DepthwiseConv2dNative rejects dilations: spread the kernel instead.
      k = ConvWindows.spreadKernel(tf, k, kernelSize, dilationRate);
    }
    // In the compute dtype: bfloat16 under mixed_bfloat16, float32 otherwise.
    DTypePolicy policy = dtypePolicy();
    Operand<TFloat32> y =
        policy.fromCompute(
            tf,
            tf.nn.depthwiseConv2dNative(
                policy.toCompute(tf, input), policy.toCompute(tf, k), ConvWindows.nhwc(strides),
                ConvWindows.tfPadding(padding)));
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
    long channels = inputShape.get(RANK - 1);
    return Shape.of(
        inputShape.get(0),
        ConvWindows.outputLength(inputShape.get(1), kernelSize[0], strides[0], dilationRate[0], padding),
        ConvWindows.outputLength(inputShape.get(2), kernelSize[1], strides[1], dilationRate[1], padding),
        channels < 0 ? -1 : channels * depthMultiplier);
  }

  /**
   * Keras 3's {@code DepthwiseConv2D.get_config()} keys: {@code depth_multiplier, kernel_size,
   * strides, padding, data_format, dilation_rate, activation, use_bias, depthwise_initializer,
   * bias_initializer} and the regularizers and constraints (always {@code null} here).
   */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("depth_multiplier", depthMultiplier);
    config.put("kernel_size", LayerConfig.list(kernelSize));
    config.put("strides", LayerConfig.list(strides));
    config.put("padding", padding);
    config.put("data_format", "channels_last");
    config.put("dilation_rate", LayerConfig.list(dilationRate));
    config.put("activation", LayerConfig.serialize(activation));
    config.put("use_bias", useBias);
    config.put("depthwise_initializer", LayerConfig.serialize(depthwiseInitializer));
    config.put("bias_initializer", LayerConfig.serialize(biasInitializer));
    config.put("depthwise_regularizer", LayerConfig.serialize(depthwiseRegularizer));
    config.put("bias_regularizer", LayerConfig.serialize(biasRegularizer));
    config.put("activity_regularizer", LayerConfig.serialize(activityRegularizer()));
    config.put("depthwise_constraint", LayerConfig.serialize(depthwiseConstraint));
    config.put("bias_constraint", LayerConfig.serialize(biasConstraint));
    return config;
  }

  /**
   * The layer {@link #getConfig()} describes (Keras's {@code from_config}).
   *
   * @throws IllegalArgumentException for a missing kernel size, bad values, {@code channels_first}
   *     or a regularizer or constraint (not supported)
   */
  public static DepthwiseConv2D fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("DepthwiseConv2D", config);
    c.requireDefault("data_format", "channels_last");
    if (!c.has("kernel_size")) {
      throw c.error("the config needs 'kernel_size'");
    }
    DepthwiseConv2D layer =
        new DepthwiseConv2D(c.getInts("kernel_size", 2, null))
            .padding(c.getString("padding", ConvWindows.VALID))
            .depthMultiplier(Math.toIntExact(c.getLong("depth_multiplier", 1)))
            .activation(c.activation("activation"))
            .useBias(c.getBoolean("use_bias", true))
            .depthwiseInitializer(c.initializer("depthwise_initializer", Initializers.glorotUniform()))
            .biasInitializer(c.initializer("bias_initializer", Initializers.zeros()));
    if (c.has("strides")) {
      layer.strides(c.getInts("strides", 2, null));
    }
    if (c.has("dilation_rate")) {
      layer.dilationRate(c.getInts("dilation_rate", 2, null));
    }
    layer.depthwiseRegularizer(c.regularizer("depthwise_regularizer"));
    layer.biasRegularizer(c.regularizer("bias_regularizer"));
    layer.activityRegularizer(c.regularizer("activity_regularizer"));
    layer.depthwiseConstraint(c.constraint("depthwise_constraint"));
    layer.biasConstraint(c.constraint("bias_constraint"));
    return c.applyBase(layer);
  }

}
