package dev.keraslite.layers;

import static dev.keraslite.layers.LayerTestHarness.assertClose;
import static dev.keraslite.layers.LayerTestHarness.assertShape;
import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.autodiff.GradientCheck;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.models.Input;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.types.TFloat32;

class Conv2DTransposeTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  /** One transposed convolution's geometry, for the scatter-add oracle. */
  record Geometry(int kh, int kw, int sh, int sw, int dh, int dw, boolean same, int outH, int outW) {}

  /**
   * The plain-Java oracle: every input pixel {@code x[n, i, j, ch]} adds {@code x * k[a, c, f, ch]}
   * to output {@code [n, i * sh + a * dh - top, j * sw + c * dw - left, f]}, skipping positions
   * outside the output; with same padding, {@code top}/{@code left} are half (rounded down) of the
   * padding TensorFlow's SAME rule gives the Conv2D that maps the output back to the input.
   */
  static double[] scatter(
      float[] x, int batch, int h, int w, int channels, float[] k, int filters, Geometry g, float[] bias) {
    int top = 0;
    int left = 0;
    if (g.same()) {
      top = Math.max((h - 1) * g.sh() + (g.kh() - 1) * g.dh() + 1 - g.outH(), 0) / 2;
      left = Math.max((w - 1) * g.sw() + (g.kw() - 1) * g.dw() + 1 - g.outW(), 0) / 2;
    }
    double[] out = new double[batch * g.outH() * g.outW() * filters];
    for (int n = 0; n < batch; n++) {
      for (int p = 0; p < g.outH() * g.outW(); p++) {
        for (int f = 0; f < filters; f++) {
          out[(n * g.outH() * g.outW() + p) * filters + f] = bias == null ? 0 : bias[f];
        }
      }
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          for (int a = 0; a < g.kh(); a++) {
            for (int c = 0; c < g.kw(); c++) {
              int oh = i * g.sh() + a * g.dh() - top;
              int ow = j * g.sw() + c * g.dw() - left;
              if (oh < 0 || ow < 0 || oh >= g.outH() || ow >= g.outW()) {
                continue;
              }
              for (int f = 0; f < filters; f++) {
                for (int ch = 0; ch < channels; ch++) {
                  out[((n * g.outH() + oh) * g.outW() + ow) * filters + f] +=
                      (double) x[((n * h + i) * w + j) * channels + ch]
                          * k[((a * g.kw() + c) * filters + f) * channels + ch];
                }
              }
            }
          }
        }
      }
    }
    return out;
  }

  @Test
  void stridedValidTransposeMatchesTheScatterAddLoopWithKerasWeights() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(
                () ->
                    new Conv2DTranspose(3, new int[] {3, 2})
                        .strides(new int[] {2, 1})
                        .kernelInitializer(Initializers.glorotUniform(3))
                        .biasInitializer(Initializers.randomUniform(-0.5, 0.5, 4)))
            .input(2, 3, 4, 2)
            // Keras: 3 * 2 + max(3 - 2, 0) = 7 rows, 4 * 1 + max(2 - 1, 0) = 5 columns.
            .expectOutputShape(2, 7, 5, 3)
            .expectWeight("kernel", 3, 2, 3, 2)
            .expectWeight("bias", 3)
            .expectParams(3 * 2 * 3 * 2 + 3)
            .checkInputGradient()
            .run();
    double[] expected =
        scatter(r.inputs().get(0), 2, 3, 4, 2, r.weights().get(0), 3, new Geometry(3, 2, 2, 1, 1, 1, false, 7, 5),
            r.weights().get(1));
    assertClose(expected, r.output(), 1e-5, "valid Conv2DTranspose vs scatter-add");
  }

  @Test
  void samePaddingWithOutputPaddingDoublesTheSize() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(
                () ->
                    new Conv2DTranspose(4, 3)
                        .strides(2)
                        .padding("same")
                        .outputPadding(1)
                        .useBias(false)
                        .kernelInitializer(Initializers.glorotUniform(5)))
            .input(1, 3, 3, 2)
            // Keras: (3 - 1) * 2 + 3 - 2 * 1 + 1 = 6.
            .expectOutputShape(1, 6, 6, 4)
            .expectWeight("kernel", 3, 3, 4, 2)
            .expectParams(72)
            .run();
    double[] expected =
        scatter(r.inputs().get(0), 1, 3, 3, 2, r.weights().get(0), 4, new Geometry(3, 3, 2, 2, 1, 1, true, 6, 6), null);
    assertClose(expected, r.output(), 1e-5, "same Conv2DTranspose with output padding vs scatter-add");
  }

  @Test
  void dilatedSameTransposeKeepsTheSizeAndSpreadsTheTaps() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(
                () ->
                    new Conv2DTranspose(2, 2)
                        .dilationRate(2)
                        .padding("same")
                        .kernelInitializer(Initializers.glorotUniform(7))
                        .biasInitializer(Initializers.randomUniform(-0.5, 0.5, 8)))
            .input(1, 4, 4, 1)
            .expectOutputShape(1, 4, 4, 2)
            .expectWeight("kernel", 2, 2, 2, 1)
            .expectWeight("bias", 2)
            .expectParams(10)
            .run();
    double[] expected =
        scatter(r.inputs().get(0), 1, 4, 4, 1, r.weights().get(0), 2, new Geometry(2, 2, 1, 1, 2, 2, true, 4, 4),
            r.weights().get(1));
    assertClose(expected, r.output(), 1e-5, "dilated Conv2DTranspose vs scatter-add");
  }

  @Test
  void kernelAsLargeAsTheStridesTilesTheOutput() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(
                () ->
                    new Conv2DTranspose(2, 2)
                        .strides(2)
                        .padding("same")
                        .kernelInitializer(Initializers.glorotUniform(11))
                        .biasInitializer(Initializers.randomUniform(-0.5, 0.5, 12)))
            .input(2, 3, 2, 3)
            .expectOutputShape(2, 6, 4, 2)
            .expectWeight("kernel", 2, 2, 2, 3)
            .expectWeight("bias", 2)
            .checkInputGradient()
            .run();
    double[] expected =
        scatter(r.inputs().get(0), 2, 3, 2, 3, r.weights().get(0), 2, new Geometry(2, 2, 2, 2, 1, 1, true, 6, 4),
            r.weights().get(1));
    assertClose(expected, r.output(), 1e-5, "Conv2DTranspose with stride 2, kernel 2");
  }

  @Test
  void stridesLargerThanTheKernelLeaveGapsOfBias() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(
                () ->
                    new Conv2DTranspose(1, 2)
                        .strides(3)
                        .kernelInitializer(Initializers.glorotUniform(9))
                        .biasInitializer(Initializers.constant(0.25f)))
            .input(1, 2, 2, 1)
            // Keras: 2 * 3 + max(2 - 3, 0) = 6.
            .expectOutputShape(1, 6, 6, 1)
            .expectWeight("kernel", 2, 2, 1, 1)
            .expectWeight("bias", 1)
            .run();
    double[] expected =
        scatter(r.inputs().get(0), 1, 2, 2, 1, r.weights().get(0), 1, new Geometry(2, 2, 3, 3, 1, 1, false, 6, 6),
            r.weights().get(1));
    assertClose(expected, r.output(), 1e-5, "Conv2DTranspose with stride 3, kernel 2");
  }

  /**
   * One channel in, one filter, strides 2 below the kernel: TensorFlow 2.18's eager oneDNN
   * Conv2DBackpropInput is wrong there too (not only for strides reaching the kernel), so the layer
   * takes the convolution route eagerly.
   */
  @Test
  void oneChannelOneFilterWithStridesBelowTheKernelMatchesTheScatterAddLoop() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(
                () ->
                    new Conv2DTranspose(1, 3)
                        .strides(2)
                        .kernelInitializer(Initializers.glorotUniform(4))
                        .biasInitializer(Initializers.constant(-0.5f)))
            .input(2, 3, 3, 1)
            // Keras: 3 * 2 + max(3 - 2, 0) = 7.
            .expectOutputShape(2, 7, 7, 1)
            .expectWeight("kernel", 3, 3, 1, 1)
            .expectWeight("bias", 1)
            .run();
    double[] expected =
        scatter(r.inputs().get(0), 2, 3, 3, 1, r.weights().get(0), 1, new Geometry(3, 3, 2, 2, 1, 1, false, 7, 7),
            r.weights().get(1));
    assertClose(expected, r.output(), 1e-5, "Conv2DTranspose(1, 3) with stride 2 on one channel");
  }

  /**
   * The transposed convolution is the adjoint of Conv2D with the same kernel: {@code <conv2d(z, k),
   * y> = <z, conv2dTranspose(y)>} for all y and z.
   */
  @Test
  void isTheAdjointOfConv2DWithTheSameKernel() {
    Object[][] cases = {
      // kernel, strides, dilation, padding, outputPadding, input h, w
      {3, 2, 1, "valid", null, 3, 4},
      {3, 2, 1, "same", null, 3, 4},
      {3, 2, 1, "same", 1, 3, 3},
      {4, 3, 1, "valid", 2, 2, 3},
      {2, 1, 2, "valid", null, 4, 3},
      // Strides at least as large as the kernel (computed as a Conv2D of the spread-out input).
      {2, 2, 1, "valid", null, 3, 3},
      {2, 2, 1, "same", null, 3, 4},
      {2, 3, 1, "same", 2, 2, 2},
      {2, 3, 1, "valid", 2, 2, 3},
      {1, 2, 1, "valid", 1, 2, 3},
      {3, 3, 1, "same", null, 2, 2},
    };
    Random random = new Random(21);
    for (Object[] c : cases) {
      try (Eager eager = Eager.create()) {
        Ops tf = eager.tf();
        int kernel = (Integer) c[0];
        int stride = (Integer) c[1];
        int dilation = (Integer) c[2];
        String padding = (String) c[3];
        int h = (Integer) c[5];
        int w = (Integer) c[6];
        Conv2DTranspose t =
            new Conv2DTranspose(3, kernel).strides(stride).dilationRate(dilation).padding(padding)
                .outputPadding(c[4] == null ? null : new int[] {(Integer) c[4]}).useBias(false)
                .kernelInitializer(Initializers.glorotUniform(random.nextInt()));
        Operand<TFloat32> y = random(tf, random, 2, h, w, 2);
        Operand<TFloat32> ty = t.apply(tf, y);
        Shape out = ty.shape();
        Operand<TFloat32> z = random(tf, random, out.asArray());
        Operand<TFloat32> conv =
            tf.nn.conv2d(z, t.kernel().value(tf), List.of(1L, (long) stride, (long) stride, 1L),
                padding.toUpperCase(), Conv2d.dilations(List.of(1L, (long) dilation, (long) dilation, 1L)));
        String what = "case " + java.util.Arrays.toString(c);
        assertShape(y.shape(), conv.shape(), what + ": Conv2D maps the output back to the input's shape");
        double lhs = dot(values(conv), values(y));
        double rhs = dot(values(z), values(ty));
        assertEquals(lhs, rhs, 1e-4 * (1 + Math.abs(lhs)), what);
      }
    }
  }

  private static Operand<TFloat32> random(Ops tf, Random random, long... shape) {
    float[] v = new float[(int) Shape.of(shape).size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = random.nextFloat() * 2 - 1;
    }
    return tf.constant(Shape.of(shape), DataBuffers.of(v));
  }

  private static double dot(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  @Test
  void inputGradientAgreesWithFiniteDifferencesAndTensorFlowsGraphGradients() {
    Random random = new Random(4);
    float[] kernel = new float[3 * 3 * 2 * 2];
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] = random.nextFloat() - 0.5f;
    }
    GradientCheck.float32()
        .graphOracleOn(
            (tf, x) ->
                tf.nn.conv2dBackpropInput(
                    tf.constant(new int[] {1, 6, 6, 2}),
                    tf.constant(Shape.of(3, 3, 2, 2), DataBuffers.of(kernel)),
                    cast(x.get(0)), List.of(1L, 2L, 2L, 1L), "SAME"),
            "a variable-free graph: the layer's kernel as a constant, the same op")
        .check(
            (tf, x) ->
                new Conv2DTranspose(2, 3).strides(2).padding("same").useBias(false)
                    .kernelInitializer(Initializers.constant(kernel)).apply(tf, cast(x.get(0))),
            GradientCheck.Input.random(12, -1, 1, 1, 3, 3, 2));
  }

  @Test
  void inputGradientWithKernelAsLargeAsTheStridesAgreesWithFiniteDifferences() {
    Random random = new Random(5);
    float[] kernel = new float[2 * 2 * 2 * 3];
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] = random.nextFloat() - 0.5f;
    }
    GradientCheck.float32()
        .withoutGraphOracle("the layer's kernel is a variable, and the variable-free equivalent,"
            + " Conv2DBackpropInput, is the oneDNN kernel this path avoids")
        .check(
            (tf, x) ->
                new Conv2DTranspose(2, 2).strides(2).padding("valid").useBias(false)
                    .kernelInitializer(Initializers.constant(kernel)).apply(tf, cast(x.get(0))),
            GradientCheck.Input.random(13, -1, 1, 1, 2, 3, 3));
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> cast(Operand<?> x) {
    return (Operand<TFloat32>) x;
  }

  @Test
  void badInputAndArgumentsAreRefusedNamingTheLayer() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Conv2DTranspose up = new Conv2DTranspose(2, 3).name("up");
      IllegalArgumentException rank =
          assertThrows(IllegalArgumentException.class, () -> up.apply(tf, tf.zeros(tf.constant(new long[] {2, 3, 4}), TFloat32.class)));
      assertTrue(rank.getMessage().startsWith("Conv2DTranspose 'up': ") && rank.getMessage().contains("rank 4")
          && rank.getMessage().endsWith("received shape [2, 3, 4]."), rank.getMessage());
      up.apply(tf, tf.zeros(tf.constant(new long[] {1, 3, 3, 5}), TFloat32.class));
      IllegalArgumentException channels =
          assertThrows(IllegalArgumentException.class, () -> up.apply(tf, tf.zeros(tf.constant(new long[] {1, 3, 3, 4}), TFloat32.class)));
      assertTrue(channels.getMessage().startsWith("Conv2DTranspose 'up': ") && channels.getMessage().contains("5")
          && channels.getMessage().endsWith("received shape [1, 3, 3, 4]."), channels.getMessage());
    }
    IllegalArgumentException op =
        assertThrows(IllegalArgumentException.class, () -> new Conv2DTranspose(2, 3).name("t").strides(2).outputPadding(2));
    assertEquals("Conv2DTranspose 't': outputPadding must be smaller than strides, received outputPadding [2, 2]"
        + " and strides [2, 2]", op.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Conv2DTranspose(2, 3).strides(2).dilationRate(2));
    assertThrows(IllegalArgumentException.class, () -> new Conv2DTranspose(0, 3));
    assertThrows(IllegalArgumentException.class, () -> new Conv2DTranspose(2, 3).padding("causal"));
    assertShape(Shape.of(-1, 14, 14, 16),
        new Conv2DTranspose(16, 3).strides(2).padding("same").apply(Input.of(7, 7, 8)).shape(), "symbolic");
    assertShape(Shape.of(-1, 15, 15, 16),
        new Conv2DTranspose(16, 3).strides(2).apply(Input.of(7, 7, 8)).shape(), "symbolic valid");
  }

  @Test
  void getConfigWritesKerasKeysAndFromConfigRoundTrips() {
    Conv2DTranspose t = new Conv2DTranspose(8, new int[] {3, 5}).name("conv2d_transpose_2").strides(2)
        .padding("same").outputPadding(new int[] {1, 0});
    Map<String, Object> c = t.getConfig();
    assertEquals(
        List.of("name", "trainable", "dtype", "filters", "kernel_size", "strides", "padding", "data_format",
            "dilation_rate", "activation", "use_bias", "kernel_initializer", "bias_initializer",
            "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
            "bias_constraint", "output_padding"),
        new ArrayList<>(c.keySet()));
    assertEquals(List.of(3, 5), c.get("kernel_size"));
    assertEquals(List.of(1, 0), c.get("output_padding"));
    assertEquals("linear", c.get("activation"));
    assertEquals(c, Conv2DTranspose.fromConfig(c).getConfig());
    Map<String, Object> defaults = new Conv2DTranspose(1, 1).getConfig();
    assertEquals(List.of(1, 1), defaults.get("strides"));
    assertEquals("valid", defaults.get("padding"));
    assertEquals(List.of(1, 1), defaults.get("dilation_rate"));
    assertEquals(null, defaults.get("output_padding"));
    assertEquals("GlorotUniform", ((Map<?, ?>) defaults.get("kernel_initializer")).get("class_name"));

    Map<String, Object> keras2 = new LinkedHashMap<>();
    keras2.put("name", "conv2d_transpose");
    keras2.put("filters", 4);
    keras2.put("kernel_size", List.of(2, 2));
    keras2.put("strides", List.of(2, 2));
    keras2.put("activation", "relu");
    keras2.put("output_padding", null);
    Conv2DTranspose loaded = Conv2DTranspose.fromConfig(keras2);
    assertEquals(4, loaded.filters());
    assertEquals(2, loaded.strides()[1]);
    keras2.put("data_format", "channels_first");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Conv2DTranspose.fromConfig(keras2));
    assertTrue(e.getMessage().startsWith("Conv2DTranspose 'conv2d_transpose': option data_format=channels_first"), e.getMessage());
  }
}
