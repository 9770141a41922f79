package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import dev.keraslite.Recording;
import dev.keraslite.Variable;
import dev.keraslite.activations.Activation;
import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializer;
import dev.keraslite.initializers.Initializers;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The transposed 2D convolution (Keras's {@code Conv2DTranspose}, sometimes called deconvolution):
 * the gradient of a {@link Conv2D} with respect to its input, used to upsample images {@code
 * [batch, height, width, channels]} (channels last). Every input pixel scatters {@code kernel *
 * value} onto a {@code kernelSize} window of the output, windows {@code strides} apart, and
 * overlapping contributions add up; then the bias and the activation are applied.
 *
 * <p>Keras 3's defaults: strides 1, {@code "valid"} padding, no output padding, dilation 1, no
 * activation (linear), a bias, a {@code glorot_uniform} kernel of shape {@code [kh, kw, filters,
 * inChannels]} (output channels before input channels, the reverse of Conv2D's, because it is
 * Conv2D's kernel read backwards) and a {@code zeros} bias of shape {@code [filters]}.
 *
 * <p>Output size along each axis (Keras's {@code deconv_output_length}), with the dilated kernel
 * spanning {@code k = (kernel - 1) * dilation + 1}: without output padding, {@code input * stride +
 * max(k - stride, 0)} with valid padding and {@code input * stride} with same padding; with output
 * padding {@code p}, {@code (input - 1) * stride + k - 2 * pad + p} where {@code pad} is {@code k /
 * 2} for same padding and 0 for valid.
 *
 * <pre>{@code
 * Conv2DTranspose up = new Conv2DTranspose(16, 3).strides(2).padding("same"); // 7x7 -> 14x14
 * }</pre>
 */
public class Conv2DTranspose extends Layer {
  private static final int RANK = 4;

  private final long filters;
  private final int[] kernelSize;
  private int[] strides = {1, 1};
  private String padding = ConvWindows.VALID;
  private int[] outputPadding;
  private int[] dilationRate = {1, 1};
  private Activation activation;
  private boolean useBias = true;
  private Initializer kernelInitializer = Initializers.glorotUniform();
  private Initializer biasInitializer = Initializers.zeros();
  private Variable kernel;
  private Variable bias;

  /**
   * {@code filters} output channels from square kernels of side {@code kernelSize}.
   *
   * @throws IllegalArgumentException unless both are positive
   */
  public Conv2DTranspose(long filters, int kernelSize) {
    this(filters, new int[] {kernelSize});
  }

  /**
   * {@code filters} output channels from kernels of {@code kernelSize = {height, width}} (one value
   * means a square).
   *
   * @throws IllegalArgumentException unless {@code filters} is positive and {@code kernelSize} is
   *     one or two positive integers
   */
  public Conv2DTranspose(long filters, int[] kernelSize) {
    if (filters <= 0) {
      throw new IllegalArgumentException(
          "Conv2DTranspose: filters must be a positive integer, received " + filters);
    }
    this.filters = filters;
    this.kernelSize = ConvWindows.pair("Conv2DTranspose", "kernelSize", kernelSize);
    setInputSpec(InputSpec.rank(RANK));
  }

  @Override
  public Conv2DTranspose name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public Conv2DTranspose activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public Conv2DTranspose activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** The step between the output windows of neighbouring input pixels (default 1). */
  public Conv2DTranspose strides(int strides) {
    return strides(new int[] {strides});
  }

  /**
   * The steps {@code {height, width}} (default {@code {1, 1}}): the upsampling factor.
   *
   * @throws IllegalArgumentException for non-positive steps, steps above 1 with a dilation above 1
   *     (as in Keras), or steps not above a given output padding
   */
  public Conv2DTranspose strides(int[] strides) {
    checkNotBuilt("strides");
    int[] s = ConvWindows.pair(describe(), "strides", strides);
    checkCombination(s, dilationRate, outputPadding);
    this.strides = s;
    return this;
  }

  /** {@code "valid"} (default) or {@code "same"} (output {@code input * stride}). */
  public Conv2DTranspose padding(String padding) {
    checkNotBuilt("padding");
    this.padding = ConvWindows.padding(describe(), padding);
    return this;
  }

  /** The output padding along height and width; see {@link #outputPadding(int[])}. */
  public Conv2DTranspose outputPadding(int outputPadding) {
    return outputPadding(new int[] {outputPadding});
  }

  /**
   * Extra rows and columns {@code {height, width}} at the bottom and right of the output, to pick
   * one of the output sizes that a strided Conv2D maps to the same input size; {@code null} (the
   * default) lets the formula choose. Each must be below its stride, as in Keras.
   *
   * @throws IllegalArgumentException for negative values or values not below the strides
   */
  public Conv2DTranspose outputPadding(int[] outputPadding) {
    checkNotBuilt("outputPadding");
    int[] p = null;
    if (outputPadding != null) {
      if (outputPadding.length < 1 || outputPadding.length > 2) {
        throw new IllegalArgumentException(
            describe() + ": outputPadding must be an integer or 2 integers, received "
                + Arrays.toString(outputPadding));
      }
      p = outputPadding.length == 1 ? new int[] {outputPadding[0], outputPadding[0]} : outputPadding.clone();
      if (p[0] < 0 || p[1] < 0) {
        throw new IllegalArgumentException(
            describe() + ": outputPadding must not be negative, received " + Arrays.toString(outputPadding));
      }
    }
    checkCombination(strides, dilationRate, p);
    this.outputPadding = p;
    return this;
  }

  /** The dilation of the kernel along height and width (default 1). */
  public Conv2DTranspose dilationRate(int dilationRate) {
    return dilationRate(new int[] {dilationRate});
  }

  /**
   * The dilations {@code {height, width}}: the kernel taps are {@code dilation} output positions
   * apart.
   *
   * @throws IllegalArgumentException as {@link #strides(int[])}
   */
  public Conv2DTranspose dilationRate(int[] dilationRate) {
    checkNotBuilt("dilationRate");
    int[] d = ConvWindows.pair(describe(), "dilationRate", dilationRate);
    checkCombination(strides, d, outputPadding);
    this.dilationRate = d;
    return this;
  }

  private void checkCombination(int[] s, int[] d, int[] p) {
    if ((s[0] > 1 || s[1] > 1) && (d[0] > 1 || d[1] > 1)) {
      throw new IllegalArgumentException(
          describe() + ": strides above 1 cannot be combined with a dilationRate above 1, received"
              + " strides " + Arrays.toString(s) + " and dilationRate " + Arrays.toString(d));
    }
    if (p != null && (p[0] >= s[0] || p[1] >= s[1])) {
      throw new IllegalArgumentException(
          describe() + ": outputPadding must be smaller than strides, received outputPadding "
              + Arrays.toString(p) + " and strides " + Arrays.toString(s));
    }
  }

  /** The activation applied to the output; {@code null} (the default) means linear. */
  public Conv2DTranspose activation(Activation activation) {
    checkNotBuilt("activation");
    this.activation = activation;
    return this;
  }

  /** As {@link #activation(Activation)}, by Keras name ({@code "relu"}). */
  public Conv2DTranspose activation(String name) {
    return activation(Activations.get(name));
  }

  /** Whether the layer adds a bias (default true). */
  public Conv2DTranspose useBias(boolean useBias) {
    checkNotBuilt("useBias");
    this.useBias = useBias;
    return this;
  }

  /** The kernel's initializer (default {@code glorot_uniform}). */
  public Conv2DTranspose kernelInitializer(Initializer initializer) {
    checkNotBuilt("kernelInitializer");
    this.kernelInitializer = Objects.requireNonNull(initializer, "kernelInitializer");
    return this;
  }

  /** As {@link #kernelInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public Conv2DTranspose kernelInitializer(String name) {
    return kernelInitializer(Initializers.get(name));
  }

  /** The bias's initializer (default {@code zeros}). */
  public Conv2DTranspose biasInitializer(Initializer initializer) {
    checkNotBuilt("biasInitializer");
    this.biasInitializer = Objects.requireNonNull(initializer, "biasInitializer");
    return this;
  }

  /** As {@link #biasInitializer(Initializer)}, by Keras name ({@code "he_normal"}). */
  public Conv2DTranspose biasInitializer(String name) {
    return biasInitializer(Initializers.get(name));
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

  /** The output padding {@code {height, width}}, or null. */
  public int[] outputPadding() {
    return outputPadding == null ? null : outputPadding.clone();
  }

  /** The dilations {@code {height, width}}. */
  public int[] dilationRate() {
    return dilationRate.clone();
  }

  /** The kernel, {@code [kh, kw, filters, inChannels]}. */
  public Variable kernel() {
    requireBuilt("the kernel");
    return kernel;
  }

  /** The bias, {@code [filters]}, or null without one. */
  public Variable bias() {
    requireBuilt("the bias");
    return bias;
  }

  /**
   * Keras's {@code deconv_output_length} along one axis; unknown input ({@code -1}) gives unknown
   * output.
   */
  static long outputLength(
      long input, int kernel, int stride, int dilation, String padding, Integer outputPadding) {
    if (input < 0) {
      return -1;
    }
    long span = (long) (kernel - 1) * dilation + 1;
    boolean same = ConvWindows.SAME.equals(padding);
    if (outputPadding == null) {
      return same ? input * stride : input * stride + Math.max(span - stride, 0);
    }
    long pad = same ? span / 2 : 0;
    return (input - 1) * stride + span - 2 * pad + outputPadding;
  }

  private long outputLength(long input, int axis) {
    return outputLength(
        input, kernelSize[axis], strides[axis], dilationRate[axis], padding,
        outputPadding == null ? null : outputPadding[axis]);
  }

  @Override
  protected void checkInputShapes(List<Shape> inputShapes) {
    for (Shape s : inputShapes) {
      if (!s.isUnknown() && s.get(3) < 0) {
        throw inputError("the channels dimension (the last) of the input must be known", s);
      }
    }
  }

  @Override
  protected void build(Shape inputShape) {
    long channels = inputShape.get(RANK - 1);
    kernel =
        addWeight(
            "kernel", Shape.of(kernelSize[0], kernelSize[1], filters, channels), kernelInitializer);
    if (useBias) {
      bias = addWeight("bias", Shape.of(filters), biasInitializer);
    }
    setInputSpec(InputSpec.rank(RANK).withAxis(-1, channels));
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    Operand<TFloat32> k = kernel.value(tf);
    if (dilationRate[0] > 1 || dilationRate[1] > 1) {
      // As in Conv2D: TensorFlow's CPU kernels have no dilated Conv2DBackpropInput.
      k = ConvWindows.spreadKernel(tf, k, kernelSize, dilationRate);
    }
    Shape in = Recording.shape(input);
    // The eager oneDNN kernel is also wrong for one channel in, one filter and strides above 1
    // (the case NnGradients routes around for Conv2D's input gradient).
    boolean singleChannelEager =
        tf.scope().env().isEager() && filters == 1 && in.get(3) == 1 && (strides[0] > 1 || strides[1] > 1);
    Operand<TFloat32> y =
        kernelSize[0] <= strides[0] || kernelSize[1] <= strides[1] || singleChannelEager
            ? transposeAsConvolution(tf, input, k, in)
            : transpose(tf, input, k, in);
    if (useBias) {
      y = tf.nn.biasAdd(y, bias.value(tf));
    }
    return activation == null ? y : activation.apply(tf, y);
  }

  /** {@code Conv2DBackpropInput} on {@code input} with kernel {@code k}, to Keras's output size. */
  private Operand<TFloat32> transpose(Ops tf, Operand<TFloat32> input, Operand<TFloat32> k, Shape in) {
    // The output size is affine in the input size: stride * input + its value at 0.
    long[] offsets = {outputLength(0, 0), outputLength(0, 1)};
    Operand<TInt32> outputSize;
    long h = in.get(1) < 0 ? -1 : in.get(1) * strides[0] + offsets[0];
    long w = in.get(2) < 0 ? -1 : in.get(2) * strides[1] + offsets[1];
    if (in.get(0) >= 0 && h >= 0 && w >= 0) {
      outputSize = tf.constant(new int[] {Math.toIntExact(in.get(0)), Math.toIntExact(h), Math.toIntExact(w),
          Math.toIntExact(filters)});
    } else {
      // Sizes known only at run time (a traced graph): the same formula on the input's shape.
      Operand<TInt32> dims = tf.shape(input);
      outputSize =
          tf.stack(
              List.of(
                  element(tf, dims, 0),
                  affine(tf, element(tf, dims, 1), strides[0], offsets[0]),
                  affine(tf, element(tf, dims, 2), strides[1], offsets[1]),
                  tf.constant(Math.toIntExact(filters))));
    }
    // Conv2DBackpropInput is the gradient of Conv2D with respect to its input: exactly the
    // transposed convolution, with Conv2D's kernel layout [kh, kw, out, in] read as [kh, kw,
    // filters, inChannels].
    return tf.nn.conv2dBackpropInput(
        outputSize, k, input, ConvWindows.nhwc(strides), ConvWindows.tfPadding(padding));
  }

  /**
   * The transposed convolution as a stride-1 Conv2D, for strides at least as large as the kernel:
   * TensorFlow 2.18's oneDNN kernel of {@code Conv2DBackpropInput} (the CPU default) drops kernel
   * taps in that case (with strides 2 and a 2x2 kernel it returns only the first tap's
   * contributions; the tests check the adjoint identity there). The input is spread out with
   * {@code stride - 1} zeros between pixels and fully convolved with the kernel turned by 180
   * degrees, which is the scatter-add written as a gather; the result is then cut to Keras's
   * output window, which starts where TensorFlow's SAME rule puts it ({@code (input - 1) * stride +
   * kernel - output} rows of padding, half of them, rounded down, on top).
   */
  private Operand<TFloat32> transposeAsConvolution(
      Ops tf, Operand<TFloat32> input, Operand<TFloat32> k, Shape in) {
    Shape ks = Recording.shape(k);
    long spanH = ks.get(0);
    long spanW = ks.get(1);
    Operand<TInt64> dims = tf.shape(input, TInt64.class);
    Operand<TInt64> b = tf.slice(dims, tf.constant(new long[] {0}), tf.constant(new long[] {1}));
    Operand<TInt64> h = tf.slice(dims, tf.constant(new long[] {1}), tf.constant(new long[] {1}));
    Operand<TInt64> w = tf.slice(dims, tf.constant(new long[] {2}), tf.constant(new long[] {1}));
    Operand<TInt64> c = tf.constant(new long[] {in.get(3)});
    Operand<TInt64> one = tf.constant(new long[] {1});
    Operand<TFloat32> spread =
        tf.pad(
            tf.reshape(input, tf.concat(List.of(b, h, one, w, one, c), tf.constant(0))),
            tf.constant(new int[][] {{0, 0}, {0, 0}, {0, strides[0] - 1}, {0, 0}, {0, strides[1] - 1}, {0, 0}}),
            tf.constant(0f));
    Operand<TInt64> sh = tf.constant(new long[] {strides[0]});
    Operand<TInt64> sw = tf.constant(new long[] {strides[1]});
    spread = tf.reshape(
        spread, tf.concat(List.of(b, tf.math.mul(h, sh), tf.math.mul(w, sw), c), tf.constant(0)));
    Operand<TFloat32> padded =
        tf.pad(
            spread,
            tf.constant(new long[][] {{0, 0}, {spanH - 1, spanH - 1}, {spanW - 1, spanW - 1}, {0, 0}}),
            tf.constant(0f));
    // [kh, kw, filters, inChannels] turned by 180 degrees, as a Conv2D kernel [kh, kw, in, out].
    Operand<TFloat32> turned =
        tf.reverse(tf.linalg.transpose(k, tf.constant(new int[] {0, 1, 3, 2})), tf.constant(new int[] {0, 1}));
    Operand<TFloat32> full = tf.nn.conv2d(padded, turned, List.of(1L, 1L, 1L, 1L), "VALID");
    long[] begin = new long[4];
    for (int axis = 0; axis < 2; axis++) {
      long span = axis == 0 ? spanH : spanW;
      // Keras's length is stride * input + a constant, so the padding does not depend on the input.
      long padding = ConvWindows.SAME.equals(this.padding)
          ? Math.max(span - strides[axis] - outputLength(0, axis), 0) : 0;
      begin[1 + axis] = padding / 2;
    }
    Operand<TInt64> size;
    if (in.get(1) >= 0 && in.get(2) >= 0) {
      size = tf.constant(new long[] {-1, outputLength(in.get(1), 0), outputLength(in.get(2), 1), -1});
    } else {
      size = tf.concat(
          List.of(
              tf.constant(new long[] {-1}),
              tf.math.add(tf.math.mul(h, sh), tf.constant(new long[] {outputLength(0, 0)})),
              tf.math.add(tf.math.mul(w, sw), tf.constant(new long[] {outputLength(0, 1)})),
              tf.constant(new long[] {-1})),
          tf.constant(0));
    }
    return tf.slice(full, tf.constant(begin), size);
  }

  private static Operand<TInt32> element(Ops tf, Operand<TInt32> dims, int i) {
    return tf.reshape(
        tf.slice(dims, tf.constant(new int[] {i}), tf.constant(new int[] {1})), tf.constant(new int[0]));
  }

  private static Operand<TInt32> affine(Ops tf, Operand<TInt32> input, int stride, long offset) {
    return tf.math.add(tf.math.mul(input, tf.constant(stride)), tf.constant(Math.toIntExact(offset)));
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    String problem = InputSpec.rank(RANK).mismatch(inputShape);
    if (problem != null) {
      throw inputError(problem, inputShape);
    }
    return Shape.of(
        inputShape.get(0), outputLength(inputShape.get(1), 0), outputLength(inputShape.get(2), 1), filters);
  }

  /**
   * Keras 3's config keys: filters, kernel_size, strides, padding, data_format, dilation_rate,
   * activation, use_bias, initializers, regularizers and constraints (null); then output_padding,
   * which Keras 3's {@code get_config} leaves out but tf.keras wrote and {@code from_config} reads,
   * so that a round trip keeps it.
   */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = super.getConfig();
    config.put("filters", filters);
    config.put("kernel_size", LayerConfig.list(kernelSize));
    config.put("strides", LayerConfig.list(strides));
    config.put("padding", padding.toLowerCase(Locale.ROOT));
    config.put("data_format", "channels_last");
    config.put("dilation_rate", LayerConfig.list(dilationRate));
    config.put("activation", LayerConfig.serialize(activation == null ? Activations.linear() : activation));
    config.put("use_bias", useBias);
    config.put("kernel_initializer", LayerConfig.serialize(kernelInitializer));
    config.put("bias_initializer", LayerConfig.serialize(biasInitializer));
    config.put("kernel_regularizer", null);
    config.put("bias_regularizer", null);
    config.put("activity_regularizer", null);
    config.put("kernel_constraint", null);
    config.put("bias_constraint", null);
    config.put("output_padding", outputPadding == null ? null : LayerConfig.list(outputPadding));
    return config;
  }

  /** A layer from a Keras config (Keras 2 or 3 keys); only channels_last data. */
  public static Conv2DTranspose fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("Conv2DTranspose", config);
    c.requireNull("kernel_regularizer", "bias_regularizer", "activity_regularizer",
        "kernel_constraint", "bias_constraint");
    c.requireDefault("data_format", "channels_last");
    c.requireDefault("groups", 1);
    int[] strides = c.getInts("strides", 2, new int[] {1, 1});
    Conv2DTranspose layer =
        new Conv2DTranspose(c.getLong("filters"), c.getInts("kernel_size", 2, null))
            .strides(strides)
            .padding(c.getString("padding", "valid"))
            .dilationRate(c.getInts("dilation_rate", 2, new int[] {1, 1}))
            .outputPadding(c.getInts("output_padding", 2, null))
            .activation(c.activation("activation"))
            .useBias(c.getBoolean("use_bias", true))
            .kernelInitializer(c.initializer("kernel_initializer", Initializers.glorotUniform()))
            .biasInitializer(c.initializer("bias_initializer", Initializers.zeros()));
    return c.applyBase(layer);
  }
}
