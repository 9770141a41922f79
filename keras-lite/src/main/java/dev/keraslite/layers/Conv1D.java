package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.constraints.Constraints;
import dev.keraslite.activations.Activations;
import dev.keraslite.constraints.Constraint;
import dev.keraslite.regularizers.Regularizer;
import dev.keraslite.Variable;
import dev.keraslite.activations.Activation;
import dev.keraslite.initializers.Initializer;
import dev.keraslite.initializers.Initializers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;

/**
 * The 1D convolution layer (Keras's {@code Conv1D}): slides {@code filters} kernels of {@code
 * kernelSize} steps along sequences {@code [batch, steps, channels]} (or {@code [batch, channels,
 * steps]} with {@code channels_first}) and computes {@code activation(cross_correlation(input,
 * kernel) + bias)}.
 *
 * <p>Keras 3's defaults: stride 1, {@code "valid"} padding, {@code channels_last}, dilation 1, one
 * group, no activation (linear), a bias, a {@code glorot_uniform} kernel of shape {@code
 * [kernelSize, inChannels / groups, filters]} and a {@code zeros} bias of shape {@code [filters]}.
 * {@code "causal"} padding pads only the start, so that output step {@code t} sees input steps up
 * to {@code t} (WaveNet).
 *
 * <pre>{@code
 * Conv1D conv = new Conv1D(16, 3).padding("causal").dilationRate(2).activation(Activations.relu());
 * }</pre>
 */
public class Conv1D extends Layer {
  /** Keras's padding that pads the start with {@code (kernelSize - 1) * dilation} zeros. */
  public static final String CAUSAL = "causal";

  /** Keras's default layout: {@code [batch, steps, channels]}. */
  public static final String CHANNELS_LAST = "channels_last";

  /** The layout {@code [batch, channels, steps]}. */
  public static final String CHANNELS_FIRST = "channels_first";

  private static final int RANK = 3;

  private final long filters;
  private final int kernelSize;
  private int strides = 1;
  private String padding = ConvWindows.VALID;
  private String dataFormat = CHANNELS_LAST;
  private int dilationRate = 1;
  private int groups = 1;
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
   * {@code filters} kernels spanning {@code kernelSize} steps.
   *
   * @throws IllegalArgumentException unless both are positive
   */
  public Conv1D(long filters, int kernelSize) {
    if (filters <= 0) {
      throw new IllegalArgumentException(
          "Conv1D: filters must be a positive integer, received " + filters);
    }
    if (kernelSize <= 0) {
      throw new IllegalArgumentException(
          "Conv1D: kernelSize must be a positive integer, received " + kernelSize);
    }
    this.filters = filters;
    this.kernelSize = kernelSize;
    setInputSpec(InputSpec.rank(RANK));
  }

  @Override
  public Conv1D name(String name) {
    super.name(name);
    return this;
  }

  /**
   * The step of the kernel (default 1).
   *
   * @throws IllegalArgumentException for a non-positive step, or a step above 1 together with a
   *     dilation above 1 (as in Keras)
   */
  public Conv1D strides(int strides) {
    checkNotBuilt("strides");
    requirePositive("strides", strides);
    checkStridesWithDilation(strides, dilationRate);
    this.strides = strides;
    return this;
  }

  /**
   * {@code "valid"} (default: no padding), {@code "same"} (zero padding, output {@code ceil(steps /
   * stride)}) or {@code "causal"} (zeros before the start only, same output length as "same").
   */
  public Conv1D padding(String padding) {
    checkNotBuilt("padding");
    String p = padding == null ? null : padding.toLowerCase(Locale.ROOT);
    if (!ConvWindows.VALID.equals(p) && !ConvWindows.SAME.equals(p) && !CAUSAL.equals(p)) {
      throw new IllegalArgumentException(
          describe() + ": padding must be 'valid', 'same' or 'causal', received '" + padding + "'");
    }
    this.padding = p;
    return this;
  }

  /** {@code "channels_last"} (default, {@code [batch, steps, channels]}) or {@code "channels_first"}. */
  public Conv1D dataFormat(String dataFormat) {
    checkNotBuilt("dataFormat");
    this.dataFormat = dataFormat(describe(), dataFormat);
    return this;
  }

  /**
   * The dilation of the kernel: its taps are {@code dilationRate} steps apart (default 1).
   *
   * @throws IllegalArgumentException as {@link #strides(int)}
   */
  public Conv1D dilationRate(int dilationRate) {
    checkNotBuilt("dilationRate");
    requirePositive("dilationRate", dilationRate);
    checkStridesWithDilation(strides, dilationRate);
    this.dilationRate = dilationRate;
    return this;
  }

  /**
   * Splits the channels into {@code groups} independent convolutions (default 1); {@code filters}
   * and the input channels must both be multiples of it.
   */
  public Conv1D groups(int groups) {
    checkNotBuilt("groups");
    requirePositive("groups", groups);
    if (filters % groups != 0) {
      throw new IllegalArgumentException(
          describe() + ": filters (" + filters + ") must be a multiple of groups (" + groups + ")");
    }
    this.groups = groups;
    return this;
  }

  /** The activation applied to the output; {@code null} (the default) means linear. */
  public Conv1D activation(Activation activation) {
    checkNotBuilt("activation");
    this.activation = activation;
    return this;
  }

  /** As {@link #activation(Activation)}, by Keras name ({@code "relu"}). */
  public Conv1D activation(String name) {
    return activation(Activations.get(name));
  }

  /** Whether the layer adds a bias (default true). */
  public Conv1D useBias(boolean useBias) {
    checkNotBuilt("useBias");
    this.useBias = useBias;
    return this;
  }

  /** The kernel's initializer (default {@code glorot_uniform}). */
  public Conv1D kernelInitializer(Initializer initializer) {
    checkNotBuilt("kernelInitializer");
    this.kernelInitializer = Objects.requireNonNull(initializer, "kernelInitializer");
    return this;
  }

  /** As {@link #kernelInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public Conv1D kernelInitializer(String name) {
    return kernelInitializer(Initializers.get(name));
  }

  /** The bias's initializer (default {@code zeros}). */
  public Conv1D biasInitializer(Initializer initializer) {
    checkNotBuilt("biasInitializer");
    this.biasInitializer = Objects.requireNonNull(initializer, "biasInitializer");
    return this;
  }

  /** As {@link #biasInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public Conv1D biasInitializer(String name) {
    return biasInitializer(Initializers.get(name));
  }

  /** The kernel's penalty, added to {@link #losses(Ops)} (Keras's {@code kernel_regularizer}; default none). */
  public Conv1D kernelRegularizer(Regularizer regularizer) {
    checkNotBuilt("kernelRegularizer");
    this.kernelRegularizer = regularizer;
    return this;
  }

  /** As {@link #kernelRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public Conv1D kernelRegularizer(String name) {
    return kernelRegularizer(Regularizers.get(name));
  }

  /** The kernel's regularizer, or null. */
  public Regularizer kernelRegularizer() {
    return kernelRegularizer;
  }

  /** The bias's penalty, added to {@link #losses(Ops)} (Keras's {@code bias_regularizer}; default none). */
  public Conv1D biasRegularizer(Regularizer regularizer) {
    checkNotBuilt("biasRegularizer");
    this.biasRegularizer = regularizer;
    return this;
  }

  /** As {@link #biasRegularizer(Regularizer)}, by Keras name ({@code "l2"}). */
  public Conv1D biasRegularizer(String name) {
    return biasRegularizer(Regularizers.get(name));
  }

  /** The bias's regularizer, or null. */
  public Regularizer biasRegularizer() {
    return biasRegularizer;
  }

  @Override
  public Conv1D activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public Conv1D activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /**
   * The kernel's constraint, applied after each optimizer update (Keras's {@code
   * kernel_constraint}; default none).
   */
  public Conv1D kernelConstraint(Constraint constraint) {
    checkNotBuilt("kernelConstraint");
    this.kernelConstraint = constraint;
    return this;
  }

  /** As {@link #kernelConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public Conv1D kernelConstraint(String name) {
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
  public Conv1D biasConstraint(Constraint constraint) {
    checkNotBuilt("biasConstraint");
    this.biasConstraint = constraint;
    return this;
  }

  /** As {@link #biasConstraint(Constraint)}, by Keras name ({@code "max_norm"}). */
  public Conv1D biasConstraint(String name) {
    return biasConstraint(Constraints.get(name));
  }

  /** The bias's constraint, or null. */
  public Constraint biasConstraint() {
    return biasConstraint;
  }

  private void requirePositive(String option, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(
          describe() + ": " + option + " must be a positive integer, received " + value);
    }
  }

  private void checkStridesWithDilation(int s, int d) {
    if (s > 1 && d > 1) {
      throw new IllegalArgumentException(
          describe() + ": strides above 1 cannot be combined with a dilationRate above 1, received"
              + " strides " + s + " and dilationRate " + d);
    }
  }

  /**
   * The data format in Keras's lower-case form, null meaning {@code channels_last} (Keras's default
   * when no {@code image_data_format} is configured); shared by the 1D layers.
   *
   * @throws IllegalArgumentException unless "channels_last" or "channels_first" (any case)
   */
  static String dataFormat(String layer, String dataFormat) {
    String f = dataFormat == null ? CHANNELS_LAST : dataFormat.toLowerCase(Locale.ROOT);
    if (!CHANNELS_LAST.equals(f) && !CHANNELS_FIRST.equals(f)) {
      throw new IllegalArgumentException(
          layer + ": dataFormat must be 'channels_last' or 'channels_first', received '"
              + dataFormat + "'");
    }
    return f;
  }

  /** The number of output channels. */
  public long filters() {
    return filters;
  }

  /** The kernel's length in steps. */
  public int kernelSize() {
    return kernelSize;
  }

  /** The step of the kernel. */
  public int strides() {
    return strides;
  }

  /** {@code "valid"}, {@code "same"} or {@code "causal"}. */
  public String padding() {
    return padding;
  }

  /** {@code "channels_last"} or {@code "channels_first"}. */
  public String dataFormat() {
    return dataFormat;
  }

  /** The dilation of the kernel. */
  public int dilationRate() {
    return dilationRate;
  }

  /** The number of channel groups. */
  public int groups() {
    return groups;
  }

  /** The kernel, {@code [kernelSize, inChannels / groups, filters]}. */
  public Variable kernel() {
    requireBuilt("the kernel");
    return kernel;
  }

  /** The bias, {@code [filters]}, or null without one. */
  public Variable bias() {
    requireBuilt("the bias");
    return bias;
  }

  private int channelAxis() {
    return CHANNELS_LAST.equals(dataFormat) ? 2 : 1;
  }

  private int stepAxis() {
    return CHANNELS_LAST.equals(dataFormat) ? 1 : 2;
  }

  /** The kernel's extent in input steps: {@code (kernelSize - 1) * dilation + 1}. */
  private long span() {
    return (long) (kernelSize - 1) * dilationRate + 1;
  }

  private long outputLength(long steps) {
    // Causal padding adds span - 1 steps in front, which gives the length of "same".
    String p = CAUSAL.equals(padding) ? ConvWindows.SAME : padding;
    return ConvWindows.outputLength(steps, kernelSize, strides, dilationRate, p);
  }

  @Override
  protected void checkInputShapes(List<Shape> inputShapes) {
    for (Shape s : inputShapes) {
      if (s.isUnknown()) {
        continue;
      }
      long channels = s.get(channelAxis());
      if (channels < 0) {
        throw inputError(
            "the channels dimension (axis " + channelAxis() + ", " + dataFormat + ") must be known", s);
      }
      if (channels % groups != 0) {
        throw inputError(
            "the input's " + channels + " channels (axis " + channelAxis() + ", " + dataFormat
                + ") must be a multiple of groups (" + groups + ")", s);
      }
      long steps = s.get(stepAxis());
      if (steps >= 0 && outputLength(steps) <= 0) {
        throw inputError(
            "expected sequences of at least " + span() + " steps (axis " + stepAxis() + ") for a"
                + " kernel of " + kernelSize + " with dilation " + dilationRate + " and valid padding", s);
      }
    }
  }

  @Override
  protected void build(Shape inputShape) {
    long channels = inputShape.get(channelAxis());
    kernel =
        addWeight("kernel", Shape.of(kernelSize, channels / groups, filters), kernelInitializer, kernelRegularizer, kernelConstraint);
    if (useBias) {
      bias = addWeight("bias", Shape.of(filters), biasInitializer, biasRegularizer, biasConstraint);
    }
    setInputSpec(InputSpec.rank(RANK).withAxis(channelAxis(), channels));
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    boolean channelsFirst = CHANNELS_FIRST.equals(dataFormat);
    // TensorFlow's CPU convolutions take channels last only, so channels_first is transposed
    // around the computation (as Keras's TensorFlow backend does on CPU).
    Operand<TFloat32> x = channelsFirst ? swapLastAxes(tf, input) : input;
    if (CAUSAL.equals(padding)) {
      x = tf.pad(
              x, tf.constant(new int[][] {{0, 0}, {(int) span() - 1, 0}, {0, 0}}), tf.constant(0f));
    }
    Operand<TFloat32> k = kernel.value(tf);
    if (dilationRate > 1) {
      k = dilate(tf, k);
    }
    // A 1D convolution is a 2D one over images of height 1: [b, 1, steps, c] * [1, k, c, f].
    Operand<TFloat32> images = tf.expandDims(x, tf.constant(1));
    Operand<TFloat32> kernels = tf.expandDims(k, tf.constant(0));
    String tfPadding = ConvWindows.SAME.equals(padding) ? "SAME" : "VALID";
    List<Long> stride = List.of(1L, 1L, (long) strides, 1L);
    Operand<TFloat32> y;
    if (groups == 1) {
      y = ConvWindows.conv2d(tf, dtypePolicy(), images, kernels, stride, tfPadding);
    } else {
      // One convolution per group, each seeing its own slice of the input channels and producing
      // its own slice of the filters.
      List<Output<TFloat32>> xs = tf.split(tf.constant(3), images, (long) groups).output();
      List<Output<TFloat32>> ks = tf.split(tf.constant(3), kernels, (long) groups).output();
      List<Operand<TFloat32>> ys = new ArrayList<>(groups);
      for (int g = 0; g < groups; g++) {
        ys.add(ConvWindows.conv2d(tf, dtypePolicy(), xs.get(g), ks.get(g), stride, tfPadding));
      }
      y = tf.concat(ys, tf.constant(3));
    }
    y = tf.squeeze(y, Squeeze.axis(List.of(1L)));
    if (useBias) {
      y = tf.nn.biasAdd(y, bias.value(tf));
    }
    if (activation != null) {
      y = activation.apply(tf, y);
    }
    return channelsFirst ? swapLastAxes(tf, y) : y;
  }

  private static Operand<TFloat32> swapLastAxes(Ops tf, Operand<TFloat32> x) {
    return tf.linalg.transpose(x, tf.constant(new int[] {0, 2, 1}));
  }

  /**
   * The kernel spread out with {@code dilation - 1} zeros between taps, so that a plain convolution
   * computes the dilated one (as {@link Conv2D} does: TensorFlow's CPU backward kernels do not
   * support dilations).
   */
  private Operand<TFloat32> dilate(Ops tf, Operand<TFloat32> k) {
    Shape s = kernel.shape();
    long cin = s.get(1);
    Operand<TFloat32> taps = tf.reshape(k, tf.constant(new long[] {kernelSize, 1, cin, filters}));
    Operand<TFloat32> padded =
        tf.pad(
            taps,
            tf.constant(new int[][] {{0, 0}, {0, dilationRate - 1}, {0, 0}, {0, 0}}),
            tf.constant(0f));
    Operand<TFloat32> spread =
        tf.reshape(padded, tf.constant(new long[] {(long) kernelSize * dilationRate, cin, filters}));
    return tf.slice(
        spread, tf.constant(new long[] {0, 0, 0}), tf.constant(new long[] {span(), cin, filters}));
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    String problem = InputSpec.rank(RANK).mismatch(inputShape);
    if (problem != null) {
      throw inputError(problem, inputShape);
    }
    long steps = outputLength(inputShape.get(stepAxis()));
    return CHANNELS_LAST.equals(dataFormat)
        ? Shape.of(inputShape.get(0), steps, filters)
        : Shape.of(inputShape.get(0), filters, steps);
  }

  /**
   * Keras 3's {@code Conv1D.get_config()}: the base keys, then {@code filters}, {@code
   * kernel_size}, {@code strides}, {@code padding}, {@code data_format}, {@code dilation_rate}
   * (tuples as lists), {@code groups}, {@code activation}, {@code use_bias}, the initializers, and
   * the regularizers and constraints (always null: keras-lite has none).
   */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("filters", filters);
    config.put("kernel_size", LayerConfig.list(kernelSize));
    config.put("strides", LayerConfig.list(strides));
    config.put("padding", padding);
    config.put("data_format", dataFormat);
    config.put("dilation_rate", LayerConfig.list(dilationRate));
    config.put("groups", groups);
    config.put("activation", LayerConfig.serialize(activation));
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
   * The layer a Keras config describes (Keras 3's {@code get_config()} or a Keras 2 file's layer
   * config); absent keys take Keras's defaults.
   *
   * @throws IllegalArgumentException for values keras-lite does not support (regularizers,
   *     constraints, unknown activations or initializers), naming the layer and the key
   */
  public static Conv1D fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("Conv1D", config);
    if (!c.has("filters") || !c.has("kernel_size")) {
      throw c.error("the config needs 'filters' and 'kernel_size'");
    }
    Conv1D layer =
        new Conv1D(
            (long) c.getDouble("filters", 0),
            c.getInts("kernel_size", 1, new int[] {0})[0]);
    layer
        .strides(c.getInts("strides", 1, new int[] {1})[0])
        .dilationRate(c.getInts("dilation_rate", 1, new int[] {1})[0])
        .padding(c.getString("padding", ConvWindows.VALID))
        .dataFormat(c.getString("data_format", CHANNELS_LAST))
        .groups(c.getInts("groups", 1, new int[] {1})[0])
        .activation(c.activation("activation"))
        .useBias(c.getBoolean("use_bias", true))
        .kernelInitializer(
            c.initializer("kernel_initializer", Initializers.glorotUniform()))
        .biasInitializer(c.initializer("bias_initializer", Initializers.zeros()));
    layer.kernelRegularizer(c.regularizer("kernel_regularizer"));
    layer.biasRegularizer(c.regularizer("bias_regularizer"));
    layer.activityRegularizer(c.regularizer("activity_regularizer"));
    layer.kernelConstraint(c.constraint("kernel_constraint"));
    layer.biasConstraint(c.constraint("bias_constraint"));
    return c.applyBase(layer);
  }
}
