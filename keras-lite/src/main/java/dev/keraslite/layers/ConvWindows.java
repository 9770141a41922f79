package dev.keraslite.layers;

import dev.keraslite.Recording;
import dev.keraslite.mixedprecision.DTypePolicy;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The arithmetic that convolution and pooling layers share: checking Keras's "an integer or a
 * tuple of 2 integers" arguments, the padding names, and the output length of a sliding window
 * (the formulas of TensorFlow's {@code Conv2D} and pooling ops).
 */
final class ConvWindows {
  /** Keras's padding that drops the positions where the window would leave the input. */
  static final String VALID = "valid";

  /** Keras's padding that pads with zeros so the output has {@code ceil(input / stride)} positions. */
  static final String SAME = "same";

  private ConvWindows() {}

  /**
   * {@code values} as a height-width pair: one value is used for both, as Keras does with an
   * integer.
   *
   * @throws IllegalArgumentException unless there are one or two positive values
   */
  static int[] pair(String layer, String argument, int... values) {
    if (values == null || values.length < 1 || values.length > 2) {
      throw new IllegalArgumentException(
          layer + ": " + argument + " must be an integer or 2 integers, received "
              + (values == null ? "null" : Arrays.toString(values)));
    }
    int[] out = values.length == 1 ? new int[] {values[0], values[0]} : values.clone();
    if (out[0] <= 0 || out[1] <= 0) {
      throw new IllegalArgumentException(
          layer + ": " + argument + " must be positive, received " + Arrays.toString(values));
    }
    return out;
  }

  /**
   * The padding name in Keras's lower-case form.
   *
   * @throws IllegalArgumentException unless it is "valid" or "same" (any case)
   */
  static String padding(String layer, String padding) {
    String p = padding == null ? null : padding.toLowerCase(Locale.ROOT);
    if (!VALID.equals(p) && !SAME.equals(p)) {
      throw new IllegalArgumentException(
          layer + ": padding must be 'valid' or 'same', received '" + padding + "'");
    }
    return p;
  }

  /** TensorFlow's padding attribute for a Keras padding name. */
  /**
   * TensorFlow's {@code Conv2D} in the compute dtype of {@code policy}, as float32. In a graph
   * (compiled steps) a bfloat16 policy runs the bfloat16 kernel. Eagerly it does not: TensorFlow
   * 2.18's eager oneDNN Conv2D returns wrong bfloat16 values for every output channel past the
   * first (measured: 3 input channels, 4 filters, 0.3242 for -0.3178; right in a graph and with
   * TF_ENABLE_ONEDNN_OPTS=0; MixedBfloat16Test). So eagerly the operands are rounded to bfloat16,
   * convolved in float32 and the result rounded: a correct bfloat16 kernel's values, up to the
   * order of float32 sums, without its speed.
   */
  static Operand<TFloat32> conv2d(
      Ops tf, DTypePolicy policy, Operand<TFloat32> input, Operand<TFloat32> kernel, List<Long> strides,
      String tfPadding) {
    if (tf.scope().env().isEager()) {
      return policy.rounded(
          tf, tf.nn.conv2d(policy.rounded(tf, input), policy.rounded(tf, kernel), strides, tfPadding));
    }
    return policy.fromCompute(
        tf, tf.nn.conv2d(policy.toCompute(tf, input), policy.toCompute(tf, kernel), strides, tfPadding));
  }

  static String tfPadding(String padding) {
    return padding.toUpperCase(Locale.ROOT);
  }

  /** {@code [1, h, w, 1]}: a height-width pair as the NHWC attribute of TensorFlow's ops. */
  static List<Long> nhwc(int[] pair) {
    return List.of(1L, (long) pair[0], (long) pair[1], 1L);
  }

  /**
   * What is wrong with an image input {@code [batch, height, width, channels]} for a 2D window of
   * {@code kernelSize} (unknown channels, or an image smaller than a valid-padded window), or null
   * when nothing is; an unknown shape is not checked.
   */
  static String imageProblem(
      Shape s, int[] kernelSize, int[] strides, int[] dilationRate, String padding) {
    if (s.isUnknown()) {
      return null;
    }
    if (s.get(3) < 0) {
      return "the channels dimension (the last) of the input must be known";
    }
    for (int axis = 0; axis < 2; axis++) {
      long in = s.get(1 + axis);
      long out = outputLength(in, kernelSize[axis], strides[axis], dilationRate[axis], padding);
      if (in >= 0 && out <= 0) {
        long spanH = (long) (kernelSize[0] - 1) * dilationRate[0] + 1;
        long spanW = (long) (kernelSize[1] - 1) * dilationRate[1] + 1;
        return "expected images of at least " + spanH + "x" + spanW + " for a " + kernelSize[0] + "x"
            + kernelSize[1] + " kernel with valid padding";
      }
    }
    return null;
  }

  /**
   * The number of window positions along one axis: {@code ceil(input / stride)} with same padding,
   * {@code floor((input - span) / stride) + 1} with valid padding, where the window spans {@code
   * (window - 1) * dilation + 1} input positions. Unknown input ({@code -1}) gives unknown output;
   * a window larger than a valid-padded input gives 0 or less.
   */
  static long outputLength(long input, int window, int stride, int dilation, String padding) {
    if (input < 0) {
      return -1;
    }
    if (SAME.equals(padding)) {
      return (input + stride - 1) / stride;
    }
    long span = (long) (window - 1) * dilation + 1;
    return Math.floorDiv(input - span, stride) + 1;
  }

  /**
   * A {@code [kh, kw, a, b]} kernel spread out with {@code dilation - 1} zeros between taps, so
   * that a plain convolution computes the dilated one (for {@code Conv2D}, {@code a, b} are the
   * input and output channels; for {@code DepthwiseConv2D}, the channels and the depth multiplier).
   * TensorFlow's CPU kernels run {@code Conv2D} with dilations but not its backward ops (and {@code
   * DepthwiseConv2dNative} not at all), so a native dilation could not be trained on CPU; zeros
   * cost {@code dilation^2} times the multiplications but differentiate everywhere (Reshape, PadV2,
   * Slice).
   */
  static Operand<TFloat32> spreadKernel(Ops tf, Operand<TFloat32> k, int[] kernelSize, int[] dilation) {
    long kh = kernelSize[0];
    long kw = kernelSize[1];
    Shape shape = Recording.shape(k);
    long a = shape.get(2);
    long b = shape.get(3);
    int dh = dilation[0];
    int dw = dilation[1];
    Operand<TFloat32> taps = tf.reshape(k, tf.constant(new long[] {kh, 1, kw, 1, a, b}));
    Operand<TFloat32> padded =
        tf.pad(
            taps,
            tf.constant(new int[][] {{0, 0}, {0, dh - 1}, {0, 0}, {0, dw - 1}, {0, 0}, {0, 0}}),
            tf.constant(0f));
    Operand<TFloat32> spread = tf.reshape(padded, tf.constant(new long[] {kh * dh, kw * dw, a, b}));
    return tf.slice(
        spread,
        tf.constant(new long[] {0, 0, 0, 0}),
        tf.constant(new long[] {(kh - 1) * dh + 1, (kw - 1) * dw + 1, a, b}));
  }
}
