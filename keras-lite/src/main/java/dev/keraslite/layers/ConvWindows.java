package dev.keraslite.layers;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

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
  static String tfPadding(String padding) {
    return padding.toUpperCase(Locale.ROOT);
  }

  /** {@code [1, h, w, 1]}: a height-width pair as the NHWC attribute of TensorFlow's ops. */
  static List<Long> nhwc(int[] pair) {
    return List.of(1L, (long) pair[0], (long) pair[1], 1L);
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
}
