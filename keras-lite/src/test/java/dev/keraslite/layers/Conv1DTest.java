package dev.keraslite.layers;

import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class Conv1DTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  /**
   * The plain-Java oracle: Keras's 1D cross-correlation, computed from the definition. Output step
   * o reads input steps {@code o * stride - padBefore + tap * dilation} (zero outside); "same" pads
   * {@code floor(total / 2)} in front as TensorFlow does, "causal" pads {@code span - 1} in front.
   */
  static double[] conv1d(
      float[] x, int batch, int steps, int channels, boolean channelsFirst,
      float[] kernel, int k, int filters, float[] bias,
      int stride, int dilation, String padding, int groups, boolean relu) {
    int span = (k - 1) * dilation + 1;
    int out;
    int before;
    switch (padding) {
      case "valid" -> {
        out = (steps - span) / stride + 1;
        before = 0;
      }
      case "same" -> {
        out = (steps + stride - 1) / stride;
        before = Math.max((out - 1) * stride + span - steps, 0) / 2;
      }
      default -> {
        out = (steps + stride - 1) / stride;
        before = span - 1;
      }
    }
    int cinPerGroup = channels / groups;
    int fPerGroup = filters / groups;
    double[] y = new double[batch * out * filters];
    for (int b = 0; b < batch; b++) {
      for (int o = 0; o < out; o++) {
        for (int f = 0; f < filters; f++) {
          int g = f / fPerGroup;
          double s = bias == null ? 0 : bias[f];
          for (int t = 0; t < k; t++) {
            int i = o * stride - before + t * dilation;
            if (i < 0 || i >= steps) {
              continue;
            }
            for (int c = 0; c < cinPerGroup; c++) {
              int ch = g * cinPerGroup + c;
              float xv =
                  channelsFirst
                      ? x[(b * channels + ch) * steps + i]
                      : x[(b * steps + i) * channels + ch];
              s += xv * kernel[(t * cinPerGroup + c) * filters + f];
            }
          }
          if (relu) {
            s = Math.max(0, s);
          }
          int idx = channelsFirst ? (b * filters + f) * out + o : (b * out + o) * filters + f;
          y[idx] = s;
        }
      }
    }
    return y;
  }

  private static LayerTestHarness.Oracle oracle(
      int batch, int steps, int channels, boolean channelsFirst, int k, int filters,
      int stride, int dilation, String padding, int groups, boolean relu, boolean useBias) {
    return (tf, xs, w) -> {
      double[] y =
          conv1d(values(xs.get(0)), batch, steps, channels, channelsFirst, values(w.get(0)), k,
              filters, useBias ? values(w.get(1)) : null, stride, dilation, padding, groups, relu);
      float[] f = new float[y.length];
      for (int i = 0; i < y.length; i++) {
        f[i] = (float) y[i];
      }
      return tf.constant(f);
    };
  }

  @Test
  void validPaddingDefaultsMatchThePlainJavaConvolution() {
    LayerTestHarness.of(() -> new Conv1D(4, 3).biasInitializer(Initializers.randomUniform(-0.5, 0.5, 2)))
        .input(2, 9, 3)
        .expectOutputShape(2, 7, 4)
        .expectWeight("kernel", 3, 3, 4)
        .expectWeight("bias", 4)
        .expectParams(3 * 3 * 4 + 4)
        .oracle(oracle(2, 9, 3, false, 3, 4, 1, 1, "valid", 1, false, true), 1e-5)
        .checkInputGradient()
        .run();
  }

  @Test
  void samePaddingWithStrideTwoMatchesThePlainJavaConvolution() {
    // 10 steps, stride 2, kernel 4: TensorFlow pads 1 before and 2 after (the odd one at the end).
    LayerTestHarness.of(
            () ->
                new Conv1D(3, 4)
                    .padding("same")
                    .strides(2)
                    .activation(Activations.relu())
                    .biasInitializer(Initializers.constant(0.1f)))
        .input(2, 10, 2)
        .expectOutputShape(2, 5, 3)
        .expectWeight("kernel", 4, 2, 3)
        .expectWeight("bias", 3)
        .oracle(oracle(2, 10, 2, false, 4, 3, 2, 1, "same", 1, true, true), 1e-5)
        .run();
  }

  @Test
  void causalDilatedConvolutionMatchesThePlainJavaConvolutionAndSeesNoFuture() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new Conv1D(2, 3).padding("causal").dilationRate(2))
            .input(2, 8, 3)
            .expectOutputShape(2, 8, 2)
            .expectWeight("kernel", 3, 3, 2)
            .expectWeight("bias", 2)
            .oracle(oracle(2, 8, 3, false, 3, 2, 1, 2, "causal", 1, false, true), 1e-5)
            .checkInputGradient()
            .run();
    // Causality, checked on the layer itself: changing input step 5 leaves outputs 0..4 unchanged.
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Conv1D conv = new Conv1D(2, 3).padding("causal").dilationRate(2);
      float[] x = r.inputs().get(0).clone();
      float[] before = values(conv.apply(tf, tf.constant(Shape.of(2, 8, 3), DataBuffers.of(x))));
      for (int c = 0; c < 3; c++) {
        x[5 * 3 + c] += 10f;
      }
      float[] after = values(conv.apply(tf, tf.constant(Shape.of(2, 8, 3), DataBuffers.of(x))));
      for (int i = 0; i < 5 * 2; i++) {
        assertEquals(before[i], after[i], "output " + i + " of a causal convolution saw step 5");
      }
      assertFalse(before[5 * 2] == after[5 * 2] && before[5 * 2 + 1] == after[5 * 2 + 1],
          "output step 5 must depend on input step 5");
    }
  }

  @Test
  void dilationWithSamePaddingMatchesThePlainJavaConvolution() {
    LayerTestHarness.of(() -> new Conv1D(3, 3).padding("same").dilationRate(3))
        .input(1, 11, 2)
        .expectOutputShape(1, 11, 3)
        .expectWeight("kernel", 3, 2, 3)
        .expectWeight("bias", 3)
        .oracle(oracle(1, 11, 2, false, 3, 3, 1, 3, "same", 1, false, true), 1e-5)
        .run();
  }

  @Test
  void channelsFirstReadsAndWritesChannelsOnAxisOne() {
    LayerTestHarness.of(
            () ->
                new Conv1D(4, 2)
                    .dataFormat("channels_first")
                    .strides(3)
                    .biasInitializer(Initializers.constant(-0.2f)))
        .input(2, 3, 9)
        .expectOutputShape(2, 4, 3)
        .expectWeight("kernel", 2, 3, 4)
        .expectWeight("bias", 4)
        .oracle(oracle(2, 9, 3, true, 2, 4, 3, 1, "valid", 1, false, true), 1e-5)
        .checkInputGradient()
        .run();
  }

  @Test
  void channelsFirstCausalWithoutBias() {
    LayerTestHarness.of(() -> new Conv1D(2, 3).dataFormat("channels_first").padding("causal").useBias(false))
        .input(2, 4, 6)
        .expectOutputShape(2, 2, 6)
        .expectWeight("kernel", 3, 4, 2)
        .expectParams(24)
        .oracle(oracle(2, 6, 4, true, 3, 2, 1, 1, "causal", 1, false, false), 1e-5)
        .run();
  }

  @Test
  void groupsSplitTheChannelsIntoIndependentConvolutions() {
    LayerTestHarness.of(() -> new Conv1D(6, 2).groups(2))
        .input(2, 5, 4)
        .expectOutputShape(2, 4, 6)
        .expectWeight("kernel", 2, 2, 6)
        .expectWeight("bias", 6)
        .oracle(oracle(2, 5, 4, false, 2, 6, 1, 1, "valid", 2, false, true), 1e-5)
        .checkInputGradient()
        .run();
  }

  // ---- gradients: the layer's input gradient against central finite differences ------------

  @Test
  void inputGradientOfACausalDilatedStridedLayerMatchesFiniteDifferences() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Conv1D conv =
          new Conv1D(2, 3).padding("causal").dilationRate(2).dataFormat("channels_first")
              .kernelInitializer(Initializers.glorotUniform(5))
              .biasInitializer(Initializers.constant(0.3f));
      float[] x = new float[2 * 7];
      java.util.Random random = new java.util.Random(9);
      for (int i = 0; i < x.length; i++) {
        x[i] = random.nextFloat() * 2 - 1;
      }
      Shape shape = Shape.of(1, 2, 7);
      Operand<TFloat32> xt = tf.constant(shape, DataBuffers.of(x));
      float[] weights = new float[2 * 7];
      for (int i = 0; i < weights.length; i++) {
        weights[i] = random.nextFloat();
      }
      Operand<TFloat32> w = tf.constant(Shape.of(1, 2, 7), DataBuffers.of(weights));
      float[] grad;
      try (GradientTape tape = new GradientTape(tf)) {
        tape.watch(xt);
        Operand<TFloat32> loss = tf.sum(tf.math.mul(conv.apply(tf, xt), w), tf.constant(new int[] {0, 1, 2}));
        @SuppressWarnings("unchecked")
        Operand<TFloat32> g = (Operand<TFloat32>) tape.gradient(loss, List.of((Object) xt)).get(0);
        grad = values(g);
      }
      double eps = 1e-2;
      for (int i = 0; i < x.length; i++) {
        float[] plus = x.clone();
        float[] minus = x.clone();
        plus[i] += (float) eps;
        minus[i] -= (float) eps;
        double fd = (weightedSum(tf, conv, shape, plus, w) - weightedSum(tf, conv, shape, minus, w)) / (2 * eps);
        assertEquals(fd, grad[i], 2e-3, "d loss / d x[" + i + "]");
      }
    }
  }

  @Test
  void kernelGradientOfADilatedGroupedLayerMatchesFiniteDifferences() {
    // The dilated kernel is spread with Reshape, PadV2 and Slice; groups split and concatenate:
    // the tape's kernel gradient through all of them against central differences of the output.
    int k = 2;
    int cin = 2;
    int filters = 4;
    float[] kernel = new float[k * cin * filters];
    float[] x = new float[1 * 7 * 4];
    float[] weights = new float[1 * 7 * 4];
    java.util.Random random = new java.util.Random(11);
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] = random.nextFloat() * 2 - 1;
    }
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextFloat() * 2 - 1;
      weights[i] = random.nextFloat();
    }
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> xt = tf.constant(Shape.of(1, 7, 4), DataBuffers.of(x));
      Operand<TFloat32> w = tf.constant(Shape.of(1, 7, 4), DataBuffers.of(weights));
      Conv1D conv = dilatedGrouped(kernel);
      float[] grad;
      try (GradientTape tape = new GradientTape(tf)) {
        Operand<TFloat32> loss = tf.sum(tf.math.mul(conv.apply(tf, xt), w), tf.constant(new int[] {0, 1, 2}));
        @SuppressWarnings("unchecked")
        Operand<TFloat32> g = (Operand<TFloat32>) tape.gradient(loss, List.of(conv.kernel())).get(0);
        grad = values(g);
      }
      double eps = 1e-2;
      for (int i = 0; i < kernel.length; i++) {
        float[] plus = kernel.clone();
        float[] minus = kernel.clone();
        plus[i] += (float) eps;
        minus[i] -= (float) eps;
        double fd = (loss(tf, dilatedGrouped(plus), xt, w) - loss(tf, dilatedGrouped(minus), xt, w)) / (2 * eps);
        assertEquals(fd, grad[i], 2e-3, "d loss / d kernel[" + i + "]");
      }
    }
  }

  private static Conv1D dilatedGrouped(float[] kernel) {
    return new Conv1D(4, 2).padding("same").dilationRate(3).groups(2).useBias(false)
        .kernelInitializer(Initializers.constant(kernel));
  }

  private static double loss(Ops tf, Conv1D conv, Operand<TFloat32> x, Operand<TFloat32> w) {
    return values(tf.sum(tf.math.mul(conv.apply(tf, x), w), tf.constant(new int[] {0, 1, 2})))[0];
  }

  private static double weightedSum(Ops tf, Conv1D conv, Shape shape, float[] x, Operand<TFloat32> w) {
    return values(tf.sum(tf.math.mul(conv.apply(tf, tf.constant(shape, DataBuffers.of(x))), w),
        tf.constant(new int[] {0, 1, 2})))[0];
  }

  // ---- bad input -----------------------------------------------------------------------------

  @Test
  void badInputNamesTheLayerAndTheShapes() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Conv1D conv = new Conv1D(4, 3).name("c1");
      IllegalArgumentException rank =
          assertThrows(IllegalArgumentException.class, () -> conv.apply(tf, tf.zeros(tf.constant(new long[] {2, 9}), TFloat32.class)));
      assertTrue(rank.getMessage().contains("Conv1D 'c1'") && rank.getMessage().contains("[2, 9]"), rank.getMessage());
      assertFalse(conv.built(), "a refused input must not build the layer");

      IllegalArgumentException tooShort =
          assertThrows(IllegalArgumentException.class, () -> conv.apply(tf, tf.zeros(tf.constant(new long[] {2, 2, 5}), TFloat32.class)));
      assertTrue(tooShort.getMessage().contains("Conv1D 'c1'") && tooShort.getMessage().contains("at least 3 steps")
          && tooShort.getMessage().contains("[2, 2, 5]"), tooShort.getMessage());

      conv.apply(tf, tf.zeros(tf.constant(new long[] {2, 9, 5}), TFloat32.class));
      IllegalArgumentException channels =
          assertThrows(IllegalArgumentException.class, () -> conv.apply(tf, tf.zeros(tf.constant(new long[] {2, 9, 6}), TFloat32.class)));
      assertTrue(channels.getMessage().contains("Conv1D 'c1'") && channels.getMessage().contains("5")
          && channels.getMessage().contains("[2, 9, 6]"), channels.getMessage());

      Conv1D grouped = new Conv1D(4, 2).groups(2).name("g");
      IllegalArgumentException groups =
          assertThrows(IllegalArgumentException.class, () -> grouped.apply(tf, tf.zeros(tf.constant(new long[] {1, 4, 3}), TFloat32.class)));
      assertTrue(groups.getMessage().contains("Conv1D 'g'") && groups.getMessage().contains("multiple of groups (2)"), groups.getMessage());
    }
  }

  @Test
  void badOptionsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Conv1D(0, 3));
    assertThrows(IllegalArgumentException.class, () -> new Conv1D(2, 0));
    IllegalArgumentException padding = assertThrows(IllegalArgumentException.class, () -> new Conv1D(2, 3).padding("full"));
    assertTrue(padding.getMessage().contains("'valid', 'same' or 'causal'"), padding.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Conv1D(2, 3).strides(2).dilationRate(2));
    assertThrows(IllegalArgumentException.class, () -> new Conv1D(3, 3).groups(2));
    assertThrows(IllegalArgumentException.class, () -> new Conv1D(2, 3).dataFormat("channels_middle"));
  }

  // ---- config ----------------------------------------------------------------------------------

  @Test
  void getConfigWritesKeras3Keys() {
    Conv1D conv = new Conv1D(8, 5).name("conv1d_7").strides(2).padding("same").activation(Activations.relu());
    Map<String, Object> c = conv.getConfig();
    assertEquals(
        List.of("name", "trainable", "dtype", "filters", "kernel_size", "strides", "padding",
            "data_format", "dilation_rate", "groups", "activation", "use_bias", "kernel_initializer",
            "bias_initializer", "kernel_regularizer", "bias_regularizer", "activity_regularizer",
            "kernel_constraint", "bias_constraint"),
        new ArrayList<>(c.keySet()));
    assertEquals("conv1d_7", c.get("name"));
    assertEquals(8L, ((Number) c.get("filters")).longValue());
    assertEquals(List.of(5), c.get("kernel_size"));
    assertEquals(List.of(2), c.get("strides"));
    assertEquals("same", c.get("padding"));
    assertEquals("channels_last", c.get("data_format"));
    assertEquals(List.of(1), c.get("dilation_rate"));
    assertEquals(1, c.get("groups"));
    assertEquals("relu", c.get("activation"));
    assertEquals(true, c.get("use_bias"));
    Map<String, Object> seedNull = new LinkedHashMap<>();
    seedNull.put("seed", null);
    Map<String, Object> glorot = new LinkedHashMap<>();
    glorot.put("module", "keras.initializers");
    glorot.put("class_name", "GlorotUniform");
    glorot.put("config", seedNull);
    glorot.put("registered_name", null);
    assertEquals(glorot, c.get("kernel_initializer"));
    assertEquals("Zeros", ((Map<?, ?>) c.get("bias_initializer")).get("class_name"));
    assertEquals(Map.of(), ((Map<?, ?>) c.get("bias_initializer")).get("config"));
    assertEquals("linear", new Conv1D(1, 1).getConfig().get("activation"));
    // Keras 3's defaults.
    Map<String, Object> d = new Conv1D(2, 3).getConfig();
    assertEquals(List.of(1), d.get("strides"));
    assertEquals("valid", d.get("padding"));
    assertEquals("channels_last", d.get("data_format"));
    assertEquals(List.of(1), d.get("dilation_rate"));
    assertEquals(1, d.get("groups"));
    assertEquals(true, d.get("use_bias"));
    assertEquals(Boolean.TRUE, d.get("trainable"));
    assertEquals("float32", d.get("dtype"));
  }

  @Test
  void fromConfigRoundTripsAndReadsKeras2Configs() {
    Conv1D original =
        new Conv1D(6, 3).name("c").padding("causal").dilationRate(2).dataFormat("channels_first")
            .groups(3).useBias(false).activation(Activations.tanh());
    Conv1D copy = Conv1D.fromConfig(original.getConfig());
    assertEquals(original.getConfig(), copy.getConfig());
    assertEquals("causal", copy.padding());
    assertEquals(2, copy.dilationRate());
    assertEquals(3, copy.groups());

    // What tf.keras 2 writes in an .h5 model_config: integers in lists, initializers without module.
    Map<String, Object> keras2 = new LinkedHashMap<>();
    keras2.put("name", "conv1d_1");
    keras2.put("trainable", true);
    keras2.put("dtype", "float32");
    keras2.put("filters", 4);
    keras2.put("kernel_size", List.of(2));
    keras2.put("strides", List.of(1));
    keras2.put("padding", "valid");
    keras2.put("data_format", "channels_last");
    keras2.put("dilation_rate", List.of(1));
    keras2.put("activation", "relu");
    keras2.put("use_bias", true);
    keras2.put("kernel_initializer",
        Map.of("class_name", "VarianceScaling",
            "config", Map.of("scale", 1.0, "mode", "fan_avg", "distribution", "uniform", "seed", 3)));
    keras2.put("bias_initializer", Map.of("class_name", "Zeros", "config", Map.of()));
    keras2.put("kernel_regularizer", null);
    Conv1D loaded = Conv1D.fromConfig(keras2);
    assertEquals("conv1d_1", loaded.name());
    assertEquals(4, loaded.filters());
    assertEquals(2, loaded.kernelSize());
    assertEquals("relu", loaded.getConfig().get("activation"));
    Map<?, ?> init = (Map<?, ?>) loaded.getConfig().get("kernel_initializer");
    assertEquals("VarianceScaling", init.get("class_name"));
    assertEquals(3, ((Map<?, ?>) init.get("config")).get("seed"));

    // The seeded initializer read from the config is used: two loads give the same kernel.
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> x = tf.zeros(tf.constant(new long[] {1, 5, 2}), TFloat32.class);
      loaded.apply(tf, x);
      Conv1D again = Conv1D.fromConfig(keras2);
      again.apply(tf, x);
      org.junit.jupiter.api.Assertions.assertArrayEquals(
          values(loaded.kernel().value(tf)), values(again.kernel().value(tf)));
    }

    Map<String, Object> regularized = new LinkedHashMap<>(keras2);
    regularized.put("kernel_regularizer", Map.of("class_name", "L2", "config", Map.of("l2", 0.01)));
    dev.keraslite.regularizers.Regularizer read = Conv1D.fromConfig(regularized).kernelRegularizer();
    assertEquals(0.01, ((dev.keraslite.regularizers.L2) read).l2());
    regularized.put("kernel_regularizer", Map.of("class_name", "OrthogonalRegularizer", "config", Map.of()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Conv1D.fromConfig(regularized));
    assertTrue(e.getMessage().contains("Conv1D 'conv1d_1'") && e.getMessage().contains("kernel_regularizer"), e.getMessage());
  }
}
