package dev.keraslite.layers;

import static dev.keraslite.layers.LayerTestHarness.assertClose;
import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.models.Input;
import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.types.TFloat32;

/**
 * DepthwiseConv2D through the layer harness. The oracle never uses TensorFlow's depthwise op: it
 * convolves each input channel with its own {@code [kh, kw, 1, M]} kernels by {@code Conv2D}
 * (dilations given to Conv2D's forward kernel natively) and concatenates in channel order, plus
 * the bias and activation.
 */
class DepthwiseConv2DTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  @Test
  void mobileNetsStrideOneSameBlockWithoutBias() {
    // MobileNetV2's depthwise layer at stride 1: 3x3, same padding, no bias.
    LayerTestHarness.of(() -> new DepthwiseConv2D(3).padding("same").useBias(false))
        .input(2, 6, 5, 4)
        .expectOutputShape(2, 6, 5, 4)
        .expectWeight("kernel", 3, 3, 4, 1)
        .expectParams(36)
        .oracle((tf, x, w) -> perChannel(tf, x.get(0), w.get(0), null, 1, 1, 1, "SAME"), 1e-5)
        .checkInputGradient()
        .run();
  }

  @Test
  void strideTwoValidWithMultiplierBiasAndActivation() {
    LayerTestHarness.of(
            () ->
                new DepthwiseConv2D(new int[] {3, 2})
                    .strides(2)
                    .depthMultiplier(3)
                    .activation(Activations.relu())
                    .biasInitializer(Initializers.randomUniform(-0.5, 0.5, 7)))
        .input(2, 7, 8, 2)
        .expectOutputShape(2, 3, 4, 6)
        .expectWeight("kernel", 3, 2, 2, 3)
        .expectWeight("bias", 6)
        .expectParams(3 * 2 * 2 * 3 + 6)
        .oracle((tf, x, w) -> tf.nn.relu(perChannel(tf, x.get(0), w.get(0), w.get(1), 3, 2, 1, "VALID")), 1e-5)
        .checkInputGradient()
        .run();
  }

  @Test
  void stridedSamePadding() {
    LayerTestHarness.of(() -> new DepthwiseConv2D(3).strides(2).padding("same").depthMultiplier(2))
        .input(1, 7, 6, 3)
        .expectOutputShape(1, 4, 3, 6)
        .expectWeight("kernel", 3, 3, 3, 2)
        .expectWeight("bias", 6)
        .oracle((tf, x, w) -> perChannel(tf, x.get(0), w.get(0), w.get(1), 2, 2, 1, "SAME"), 1e-5)
        .run();
  }

  @Test
  void dilatedValidAndSame() {
    for (String padding : new String[] {"valid", "same"}) {
      String tfPadding = padding.toUpperCase();
      LayerTestHarness.of(
              () -> new DepthwiseConv2D(3).dilationRate(2).padding(padding).depthMultiplier(2).useBias(false))
          .input(1, 9, 8, 2)
          .expectOutputShape(1, padding.equals("valid") ? 5 : 9, padding.equals("valid") ? 4 : 8, 4)
          .expectWeight("kernel", 3, 3, 2, 2)
          .expectParams(36)
          .oracle((tf, x, w) -> perChannel(tf, x.get(0), w.get(0), null, 2, 1, 2, tfPadding), 1e-5)
          .checkInputGradient()
          .run();
    }
  }

  @Test
  void glorotUniformUsesTheDepthwiseFans() {
    // Keras's fans of a [kh, kw, C, M] kernel: fan_in = kh*kw*C, fan_out = kh*kw*M.
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      DepthwiseConv2D dw = new DepthwiseConv2D(3).depthMultiplier(4);
      dw.apply(tf, tf.zeros(tf.constant(new long[] {1, 5, 5, 8}), TFloat32.class));
      double limit = Math.sqrt(6.0 / (9 * 8 + 9 * 4));
      double max = 0;
      for (float k : values(dw.kernel().value(tf))) {
        max = Math.max(max, Math.abs(k));
      }
      assertTrue(max <= limit && max > 0.9 * limit, "max |k| " + max + " vs glorot limit " + limit);
    }
  }

  @Test
  void configHasKeras3KeysAndRoundTrips() {
    DepthwiseConv2D dw =
        new DepthwiseConv2D(new int[] {3, 2})
            .strides(2)
            .padding("same")
            .depthMultiplier(2)
            .useBias(false)
            .activation(Activations.relu())
            .depthwiseInitializer(Initializers.heNormal())
            .name("dw");
    Map<String, Object> config = dw.getConfig();
    assertEquals(
        List.of("name", "trainable", "dtype", "depth_multiplier", "kernel_size", "strides", "padding",
            "data_format", "dilation_rate", "activation", "use_bias", "depthwise_initializer",
            "bias_initializer", "depthwise_regularizer", "bias_regularizer", "activity_regularizer",
            "depthwise_constraint", "bias_constraint"),
        new ArrayList<>(config.keySet()));
    assertEquals(2, config.get("depth_multiplier"));
    assertEquals(List.of(3, 2), config.get("kernel_size"));
    assertEquals(List.of(2, 2), config.get("strides"));
    assertEquals(List.of(1, 1), config.get("dilation_rate"));
    assertEquals("same", config.get("padding"));
    assertEquals("relu", config.get("activation"));
    // Keras 3's serialized form of an initializer.
    assertEquals("HeNormal", ((Map<?, ?>) config.get("depthwise_initializer")).get("class_name"));
    assertEquals("keras.initializers", ((Map<?, ?>) config.get("depthwise_initializer")).get("module"));
    assertEquals("Zeros", ((Map<?, ?>) config.get("bias_initializer")).get("class_name"));
    assertNull(config.get("depthwise_regularizer"));

    DepthwiseConv2D back = DepthwiseConv2D.fromConfig(config);
    assertEquals("dw", back.name());
    assertArrayEquals(new int[] {3, 2}, back.kernelSize());
    assertArrayEquals(new int[] {2, 2}, back.strides());
    assertEquals("same", back.padding());
    assertEquals(2, back.depthMultiplier());
    assertEquals(config, back.getConfig());

    // Keras's serialized initializer form is read by class name; JSON numbers may be longs.
    Map<String, Object> keras = new LinkedHashMap<>();
    keras.put("name", "depthwise");
    keras.put("kernel_size", List.of(3L, 3L));
    keras.put("strides", List.of(1L, 1L));
    keras.put("dilation_rate", List.of(2L, 2L));
    keras.put("depthwise_initializer", Map.of("module", "keras.initializers", "class_name", "GlorotUniform"));
    keras.put("activation", "linear");
    DepthwiseConv2D fromKeras = DepthwiseConv2D.fromConfig(keras);
    assertArrayEquals(new int[] {2, 2}, fromKeras.dilationRate());
    assertEquals(
        "GlorotUniform", ((Map<?, ?>) fromKeras.getConfig().get("depthwise_initializer")).get("class_name"));
    assertEquals("linear", fromKeras.getConfig().get("activation"));
    assertEquals("valid", fromKeras.padding());

    Map<String, Object> firstChannels = new LinkedHashMap<>(config);
    firstChannels.put("data_format", "channels_first");
    assertEquals(
        "DepthwiseConv2D 'dw': option data_format=channels_first is not supported by keras-lite (only channels_last)",
        assertThrows(IllegalArgumentException.class, () -> DepthwiseConv2D.fromConfig(firstChannels))
            .getMessage());
  }

  @Test
  void badInputIsRefusedNamingTheLayerAndLeavesItUnbuilt() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      DepthwiseConv2D dw = new DepthwiseConv2D(3);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> dw.apply(tf, tf.constant(new float[][] {{1, 2}, {3, 4}})));
      assertEquals(
          "DepthwiseConv2D 'depthwise_conv2d': expected input of rank 4, received shape [2, 2].",
          e.getMessage());
      assertFalse(dw.built());
      assertTrue(dw.variables().isEmpty());

      dw.apply(tf, tf.zeros(tf.constant(new long[] {1, 5, 5, 2}), TFloat32.class));
      e = assertThrows(
          IllegalArgumentException.class,
          () -> dw.apply(tf, tf.zeros(tf.constant(new long[] {1, 5, 5, 3}), TFloat32.class)));
      assertEquals(
          "DepthwiseConv2D 'depthwise_conv2d': expected input with last dimension 2, received shape"
              + " [1, 5, 5, 3].",
          e.getMessage());
    }
    assertEquals(
        "DepthwiseConv2D 'depthwise_conv2d_1': expected images of at least 3x3 for a 3x3 kernel with"
            + " valid padding, received shape [None, 2, 9, 1].",
        assertThrows(IllegalArgumentException.class, () -> new DepthwiseConv2D(3).apply(Input.of(2, 9, 1)))
            .getMessage());
  }

  @Test
  void badArgumentsAreRefused() {
    assertEquals(
        "DepthwiseConv2D: kernelSize must be positive, received [0]",
        assertThrows(IllegalArgumentException.class, () -> new DepthwiseConv2D(0)).getMessage());
    DepthwiseConv2D dw = new DepthwiseConv2D(3).name("d");
    assertEquals(
        "DepthwiseConv2D 'd': depthMultiplier must be a positive integer, received 0",
        assertThrows(IllegalArgumentException.class, () -> dw.depthMultiplier(0)).getMessage());
    assertEquals(
        "DepthwiseConv2D 'd': TensorFlow's depthwise convolution takes equal strides along height and"
            + " width, received [1, 2]",
        assertThrows(IllegalArgumentException.class, () -> dw.strides(new int[] {1, 2})).getMessage());
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> new DepthwiseConv2D(3).strides(2).dilationRate(2))
            .getMessage()
            .contains("strides above 1 cannot be combined with a dilationRate above 1"));
    assertEquals(
        "DepthwiseConv2D 'd': padding must be 'valid' or 'same', received 'full'",
        assertThrows(IllegalArgumentException.class, () -> dw.padding("full")).getMessage());
  }

  /**
   * The oracle: channel {@code c} of {@code x} convolved (TensorFlow's Conv2D, dilated natively)
   * with kernels {@code w[:, :, c, :]}, the results concatenated along channels, plus the bias.
   */
  static Operand<TFloat32> perChannel(
      Ops tf, Operand<TFloat32> x, Operand<TFloat32> w, Operand<TFloat32> bias, int multiplier,
      int stride, int dilation, String padding) {
    long[] xs = x.shape().asArray();
    long[] ks = w.shape().asArray();
    List<Operand<TFloat32>> outs = new ArrayList<>();
    for (int c = 0; c < xs[3]; c++) {
      Operand<TFloat32> channel =
          tf.slice(x, tf.constant(new long[] {0, 0, 0, c}), tf.constant(new long[] {xs[0], xs[1], xs[2], 1}));
      Operand<TFloat32> kernels =
          tf.slice(w, tf.constant(new long[] {0, 0, c, 0}), tf.constant(new long[] {ks[0], ks[1], 1, multiplier}));
      outs.add(
          tf.nn.conv2d(
              channel, kernels, List.of(1L, (long) stride, (long) stride, 1L), padding,
              Conv2d.dilations(List.of(1L, (long) dilation, (long) dilation, 1L))));
    }
    Operand<TFloat32> y = tf.concat(outs, tf.constant(3));
    return bias == null ? y : tf.math.add(y, bias);
  }
}
