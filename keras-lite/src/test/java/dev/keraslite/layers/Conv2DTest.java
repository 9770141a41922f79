package dev.keraslite.layers;

import static dev.keraslite.layers.LayerTestHarness.assertClose;
import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.models.Input;
import dev.keraslite.Variable;
import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.types.TFloat32;

class Conv2DTest {
  /** The tutorial's 7x7 single-channel image (E6, convolution by hand). */
  private static final float[][] IMAGE = {
    {0, 0, 0, 0, 0, 0, 0},
    {0, 1, 0, 1, 2, 1, 0},
    {0, 0, 2, 2, 0, 1, 0},
    {0, 1, 1, 0, 2, 1, 0},
    {0, 0, 2, 1, 1, 0, 0},
    {0, 2, 1, 1, 2, 0, 0},
    {0, 0, 0, 0, 0, 0, 0}
  };

  private static final float[][] KERNEL = {{0, 0, -1}, {0, 1, 0}, {-2, 0, 2}};

  /** The output the tutorial prints for valid padding, stride 1. */
  private static final float[][] TUTORIAL_VALID = {
    {6, 5, -2, 1, 2}, {3, 0, 3, 2, -2}, {4, 2, -1, 0, 0}, {2, 1, 2, -1, -3}, {1, 1, 1, 3, 1}
  };

  /** The output the tutorial's text gives for stride 2. */
  private static final float[][] TUTORIAL_STRIDE_2 = {{6, -2, 2}, {4, -1, 0}, {1, 1, 1}};

  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  // ---- the tutorial's convolution by hand --------------------------------------------------

  @Test
  void reproducesTheTutorialConvolutionByHand() {
    float[] image = flatten(IMAGE);
    float[] kernel = flatten(KERNEL);
    // Independent oracle first: plain cross-correlation plus bias, in the test, agrees with the
    // tutorial's printed matrices.
    assertArrayEquals(flatten(TUTORIAL_VALID), toFloats(crossCorrelate(image, 7, kernel, 3, 1, 1f)));
    assertArrayEquals(flatten(TUTORIAL_STRIDE_2), toFloats(crossCorrelate(image, 7, kernel, 3, 2, 1f)));

    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> x = tf.constant(Shape.of(1, 7, 7, 1), DataBuffers.of(image));
      Conv2D conv =
          new Conv2D(1, new int[] {3, 3})
              .kernelInitializer(Initializers.constant(KERNEL))
              .biasInitializer(Initializers.constant(1f));
      Operand<TFloat32> y = conv.apply(tf, x);
      LayerTestHarness.assertShape(Shape.of(1, 5, 5, 1), y.shape(), "valid output shape");
      assertArrayEquals(flatten(TUTORIAL_VALID), values(y));
      LayerTestHarness.assertShape(Shape.of(3, 3, 1, 1), conv.kernel().shape(), "kernel shape");

      Conv2D strided =
          new Conv2D(1, 3)
              .strides(2)
              .kernelInitializer(Initializers.constant(KERNEL))
              .biasInitializer(Initializers.constant(1f));
      Operand<TFloat32> z = strided.apply(tf, x);
      LayerTestHarness.assertShape(Shape.of(1, 3, 3, 1), z.shape(), "stride-2 output shape");
      assertArrayEquals(flatten(TUTORIAL_STRIDE_2), values(z));
    }
  }

  /** out[i][j] = bias + sum_{a,b} image[i*s + a][j*s + b] * kernel[a][b] (valid padding). */
  private static double[] crossCorrelate(float[] image, int size, float[] kernel, int k, int stride, float bias) {
    int out = (size - k) / stride + 1;
    double[] result = new double[out * out];
    for (int i = 0; i < out; i++) {
      for (int j = 0; j < out; j++) {
        double s = bias;
        for (int a = 0; a < k; a++) {
          for (int b = 0; b < k; b++) {
            s += image[(i * stride + a) * size + j * stride + b] * kernel[a * k + b];
          }
        }
        result[i * out + j] = s;
      }
    }
    return result;
  }

  // ---- harness: shapes, weights, parameters, training, values -------------------------------

  @Test
  void tutorialCnnFirstLayerHas832ParametersAndMatchesAReferenceConvolution() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(
                () ->
                    new Conv2D(32, new int[] {5, 5})
                        .padding("same")
                        .activation(Activations.relu())
                        .biasInitializer(Initializers.randomUniform(-0.1, 0.1, 3)))
            .input(2, 28, 28, 1)
            .expectOutputShape(2, 28, 28, 32)
            .expectWeight("kernel", 5, 5, 1, 32)
            .expectWeight("bias", 32)
            .expectParams(832)
            .checkInputGradient()
            .run();
    double[] expected =
        reference(r.inputs().get(0), new int[] {2, 28, 28, 1}, r.weights().get(0), new int[] {5, 5, 1, 32},
            r.weights().get(1), new int[] {1, 1}, new int[] {1, 1}, true);
    for (int i = 0; i < expected.length; i++) {
      expected[i] = Math.max(0, expected[i]);
    }
    assertClose(expected, r.output(), 1e-5, "same-padded 5x5 Conv2D + relu");

    // glorot_uniform with a convolution's fans: fan_in = 5*5*1, fan_out = 5*5*32.
    double limit = Math.sqrt(6.0 / (25 + 800));
    double max = 0;
    for (float k : r.weights().get(0)) {
      max = Math.max(max, Math.abs(k));
    }
    assertTrue(max <= limit && max > 0.9 * limit, "kernel max |k| " + max + " vs glorot limit " + limit);
  }

  @Test
  void stridesAndSamePaddingOnANonSquareImageMatchTheReference() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(
                () ->
                    new Conv2D(3, new int[] {3, 2})
                        .strides(new int[] {2, 1})
                        .padding("SAME")
                        .kernelInitializer(Initializers.glorotUniform(11))
                        .biasInitializer(Initializers.randomNormal(0, 1, 12)))
            .input(2, 7, 6, 2)
            .expectOutputShape(2, 4, 6, 3)
            .expectWeight("kernel", 3, 2, 2, 3)
            .expectWeight("bias", 3)
            .expectParams(3 * 2 * 2 * 3 + 3)
            .run();
    double[] expected =
        reference(r.inputs().get(0), new int[] {2, 7, 6, 2}, r.weights().get(0), new int[] {3, 2, 2, 3},
            r.weights().get(1), new int[] {2, 1}, new int[] {1, 1}, true);
    assertClose(expected, r.output(), 1e-5, "strided same Conv2D");
  }

  @Test
  void dilatedValidConvolutionMatchesTheReference() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new Conv2D(2, 3).dilationRate(2).useBias(false))
            .input(1, 9, 8, 2)
            .expectOutputShape(1, 5, 4, 2)
            .expectWeight("kernel", 3, 3, 2, 2)
            .expectParams(36)
            // TensorFlow's own dilated Conv2D (its CPU forward kernel supports dilations).
            .oracle(
                (tf, x, w) ->
                    tf.nn.conv2d(
                        x.get(0), w.get(0), List.of(1L, 1L, 1L, 1L), "VALID",
                        Conv2d.dilations(List.of(1L, 2L, 2L, 1L))),
                1e-5)
            .checkInputGradient()
            .run();
    double[] expected =
        reference(r.inputs().get(0), new int[] {1, 9, 8, 2}, r.weights().get(0), new int[] {3, 3, 2, 2},
            null, new int[] {1, 1}, new int[] {2, 2}, false);
    assertClose(expected, r.output(), 1e-5, "dilated Conv2D");
  }

  /**
   * Direct NHWC cross-correlation in double precision, with TensorFlow's padding rule: {@code same}
   * gives {@code ceil(in / stride)} outputs and pads {@code total / 2} before, the rest after.
   */
  static double[] reference(
      float[] x, int[] xs, float[] k, int[] ks, float[] bias, int[] strides, int[] dilation, boolean same) {
    int n = xs[0];
    int h = xs[1];
    int w = xs[2];
    int cin = xs[3];
    int kh = ks[0];
    int kw = ks[1];
    int cout = ks[3];
    int spanH = (kh - 1) * dilation[0] + 1;
    int spanW = (kw - 1) * dilation[1] + 1;
    int oh = same ? (h + strides[0] - 1) / strides[0] : (h - spanH) / strides[0] + 1;
    int ow = same ? (w + strides[1] - 1) / strides[1] : (w - spanW) / strides[1] + 1;
    int padTop = same ? Math.max((oh - 1) * strides[0] + spanH - h, 0) / 2 : 0;
    int padLeft = same ? Math.max((ow - 1) * strides[1] + spanW - w, 0) / 2 : 0;
    double[] out = new double[n * oh * ow * cout];
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          for (int o = 0; o < cout; o++) {
            double s = bias == null ? 0 : bias[o];
            for (int a = 0; a < kh; a++) {
              int y = i * strides[0] + a * dilation[0] - padTop;
              if (y < 0 || y >= h) {
                continue;
              }
              for (int c = 0; c < kw; c++) {
                int xx = j * strides[1] + c * dilation[1] - padLeft;
                if (xx < 0 || xx >= w) {
                  continue;
                }
                for (int ci = 0; ci < cin; ci++) {
                  s += (double) x[((b * h + y) * w + xx) * cin + ci] * k[((a * kw + c) * cin + ci) * cout + o];
                }
              }
            }
            out[((b * oh + i) * ow + j) * cout + o] = s;
          }
        }
      }
    }
    return out;
  }

  // ---- bad input and lifecycle --------------------------------------------------------------

  @Test
  void rankTwoInputIsRefusedNamingTheLayerAndLeavesTheWeightsAlone() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> matrix = tf.constant(new float[][] {{1, 2, 3}, {4, 5, 6}});

      Conv2D fresh = new Conv2D(4, 3);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fresh.apply(tf, matrix));
      assertEquals("Conv2D 'conv2d': expected input of rank 4, received shape [2, 3].", e.getMessage());
      assertFalse(fresh.built());
      assertTrue(fresh.variables().isEmpty());

      Conv2D conv = new Conv2D(4, 3).biasInitializer(Initializers.randomUniform(-1, 1, 5));
      conv.apply(tf, tf.zeros(tf.constant(new long[] {1, 5, 5, 2}), TFloat32.class));
      List<Variable> before = conv.variables();
      List<float[]> valuesBefore = new ArrayList<>();
      for (Variable v : before) {
        valuesBefore.add(values(v.value(tf)));
      }
      e = assertThrows(IllegalArgumentException.class, () -> conv.apply(tf, matrix));
      assertTrue(e.getMessage().contains("Conv2D 'conv2d_1'"), e.getMessage());
      assertTrue(e.getMessage().contains("expected input of rank 4"), e.getMessage());
      assertTrue(e.getMessage().contains("received shape [2, 3]"), e.getMessage());
      assertEquals(before.size(), conv.variables().size());
      for (int i = 0; i < before.size(); i++) {
        assertSame(before.get(i), conv.variables().get(i));
        assertArrayEquals(valuesBefore.get(i), values(before.get(i).value(tf)));
      }

      // Built for 2 channels: 3 channels are refused too.
      e = assertThrows(
          IllegalArgumentException.class,
          () -> conv.apply(tf, tf.zeros(tf.constant(new long[] {1, 5, 5, 3}), TFloat32.class)));
      assertEquals(
          "Conv2D 'conv2d_1': expected input with last dimension 2, received shape [1, 5, 5, 3].",
          e.getMessage());
    }
  }

  @Test
  void imagesSmallerThanAValidKernelAreRefused() {
    Conv2D conv = new Conv2D(1, 5);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> conv.apply(Input.of(4, 9, 1)));
    assertEquals(
        "Conv2D 'conv2d': expected images of at least 5x5 for a 5x5 kernel with valid padding,"
            + " received shape [None, 4, 9, 1].",
        e.getMessage());
    // The same image is fine with same padding.
    LayerTestHarness.assertShape(
        Shape.of(-1, 4, 9, 1), conv.padding("same").apply(Input.of(4, 9, 1)).shape(), "same-padded shape");
  }

  @Test
  void configurationAfterBuildIsRefused() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Conv2D conv = new Conv2D(2, 3);
      conv.build(tf, Shape.of(-1, 8, 8, 1));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> conv.strides(2));
      assertTrue(e.getMessage().startsWith("Conv2D 'conv2d': cannot change strides after the layer is built"),
          e.getMessage());
      assertThrows(IllegalStateException.class, () -> conv.padding("same"));
      assertThrows(IllegalStateException.class, () -> conv.activation(Activations.relu()));
      assertThrows(IllegalStateException.class, () -> conv.kernelInitializer(Initializers.zeros()));
      assertThrows(IllegalStateException.class, () -> conv.useBias(false));
      assertThrows(IllegalStateException.class, () -> conv.dilationRate(2));
    }
  }

  @Test
  void badArgumentsAreRefused() {
    assertEquals(
        "Conv2D: filters must be a positive integer, received 0",
        assertThrows(IllegalArgumentException.class, () -> new Conv2D(0, 3)).getMessage());
    assertEquals(
        "Conv2D: kernelSize must be an integer or 2 integers, received [1, 2, 3]",
        assertThrows(IllegalArgumentException.class, () -> new Conv2D(1, new int[] {1, 2, 3})).getMessage());
    Conv2D conv = new Conv2D(1, 3).name("c");
    assertEquals(
        "Conv2D 'c': padding must be 'valid' or 'same', received 'causal'",
        assertThrows(IllegalArgumentException.class, () -> conv.padding("causal")).getMessage());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Conv2D(1, 3).strides(2).dilationRate(2));
    assertTrue(e.getMessage().contains("strides above 1 cannot be combined with a dilationRate above 1"), e.getMessage());
  }

  private static float[] flatten(float[][] m) {
    float[] out = new float[m.length * m[0].length];
    for (int i = 0; i < m.length; i++) {
      System.arraycopy(m[i], 0, out, i * m[0].length, m[0].length);
    }
    return out;
  }

  private static float[] toFloats(double[] v) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) v[i];
    }
    return out;
  }
}
