package dev.keraslite.autodiff;

import static dev.keraslite.autodiff.GradientCheck.Input.random;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;

/**
 * The gradients of {@code DepthwiseConv2dNative} and its two backward ops, against finite
 * differences (float64) and, for the forward op, against {@code Graph.addGradients}. TensorFlow's
 * C++ registry has no gradient for the depthwise op, so the graph oracle differentiates the same
 * function written as one {@code Conv2D} per channel (slice the channel and its {@code [kh, kw, 1,
 * M]} kernels, convolve, concatenate: output channel {@code c * M + m}), whose ops it does know.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
class DepthwiseGradientsTest {
  private static final String PER_CHANNEL =
      "a depthwise convolution is one Conv2D per input channel, concatenated in channel order";

  @Test
  void depthwiseStridesPaddingsAndMultipliers() {
    for (long stride : new long[] {1, 2}) {
      for (String padding : new String[] {"SAME", "VALID"}) {
        for (int multiplier : new int[] {1, 2}) {
          List<Long> strides = List.of(1L, stride, stride, 1L);
          GradientCheck.float64()
              .graphOracleOn(
                  (tf, x) -> perChannel(tf, x.get(0), x.get(1), 3, multiplier, strides, padding), PER_CHANNEL)
              .check(
                  (tf, x) -> tf.nn.depthwiseConv2dNative((Operand) x.get(0), (Operand) x.get(1), strides, padding),
                  random(10 + stride + multiplier, -1, 1, 2, 5, 6, 3),
                  random(20 + stride + multiplier, -1, 1, 3, 3, 3, multiplier));
        }
      }
    }
  }

  @Test
  void depthwiseNonSquareKernel() {
    // TensorFlow's kernels take equal row and column strides only.
    List<Long> strides = List.of(1L, 1L, 1L, 1L);
    GradientCheck.float64()
        .graphOracleOn((tf, x) -> perChannel(tf, x.get(0), x.get(1), 2, 1, strides, "SAME"), PER_CHANNEL)
        .check(
            (tf, x) -> tf.nn.depthwiseConv2dNative((Operand) x.get(0), (Operand) x.get(1), strides, "SAME"),
            random(31, -1, 1, 1, 5, 4, 2),
            random(32, -1, 1, 3, 2, 2, 1));
  }

  @Test
  void depthwiseBackpropInputIsDifferentiable() {
    GradientCheck.float64()
        .withoutGraphOracle("TensorFlow's C++ registry has no DepthwiseConv2dNativeBackpropInput gradient")
        .check(
            (tf, x) ->
                tf.nn.depthwiseConv2dNativeBackpropInput(
                    tf.constant(new int[] {1, 5, 5, 2}),
                    (Operand) x.get(0),
                    (Operand) x.get(1),
                    List.of(1L, 2L, 2L, 1L),
                    "SAME"),
            random(41, -1, 1, 3, 3, 2, 2),
            random(42, -1, 1, 1, 3, 3, 4));
  }

  @Test
  void depthwiseBackpropFilterIsDifferentiable() {
    GradientCheck.float64()
        .withoutGraphOracle("TensorFlow's C++ registry has no DepthwiseConv2dNativeBackpropFilter gradient")
        .check(
            (tf, x) ->
                tf.nn.depthwiseConv2dNativeBackpropFilter(
                    (Operand) x.get(0),
                    tf.constant(new int[] {3, 3, 2, 2}),
                    (Operand) x.get(1),
                    List.of(1L, 1L, 1L, 1L),
                    "VALID"),
            random(43, -1, 1, 1, 5, 5, 2),
            random(44, -1, 1, 1, 3, 3, 4));
  }

  @Test
  void depthwiseSecondOrder() {
    GradientCheck check = GradientCheck.float64();
    check.checkSecondOrder(
        (tf, x) ->
            tf.math.square(
                tf.nn.depthwiseConv2dNative(
                    (Operand) x.get(0), (Operand) x.get(1), List.of(1L, 2L, 2L, 1L), "SAME")),
        random(51, -1, 1, 1, 4, 4, 2),
        random(52, -1, 1, 2, 2, 2, 2));
    check.checkSecondOrder(
        (tf, x) ->
            tf.math.square(
                tf.nn.depthwiseConv2dNative(
                    (Operand) x.get(1), (Operand) x.get(0), List.of(1L, 1L, 1L, 1L), "VALID")),
        random(53, -1, 1, 2, 2, 2, 1),
        random(54, -1, 1, 1, 4, 4, 2));
  }

  @Test
  void theDepthwiseOpsAreRegistered() {
    for (String type :
        List.of(
            "DepthwiseConv2dNative",
            "DepthwiseConv2dNativeBackpropInput",
            "DepthwiseConv2dNativeBackpropFilter",
            "Relu6",
            "Pad",
            "PadV2")) {
      assertTrue(Gradients.isRegistered(type) && !Gradients.isNonDifferentiable(type), type);
    }
  }

  /** The depthwise convolution as one Conv2D per channel: only ops the C++ registry knows. */
  private static Operand<?> perChannel(
      Ops tf, Operand<?> x, Operand<?> k, int kh, int multiplier, List<Long> strides, String padding) {
    long[] xs = x.shape().asArray();
    long[] ks = k.shape().asArray();
    List<Operand<?>> outs = new ArrayList<>();
    for (int c = 0; c < xs[3]; c++) {
      Operand channel =
          tf.slice((Operand) x, tf.constant(new int[] {0, 0, 0, c}), tf.constant(new int[] {(int) xs[0], (int) xs[1], (int) xs[2], 1}));
      Operand kernels =
          tf.slice((Operand) k, tf.constant(new int[] {0, 0, c, 0}), tf.constant(new int[] {(int) ks[0], (int) ks[1], 1, multiplier}));
      outs.add(tf.nn.conv2d(channel, kernels, strides, padding));
    }
    return tf.concat((List) outs, tf.constant(3));
  }
}
