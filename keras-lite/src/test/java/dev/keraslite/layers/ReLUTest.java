package dev.keraslite.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keraslite.Eager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * ReLU through the layer harness against one raw-op oracle written from Keras's documented
 * formula: {@code select(x > threshold, min(x, max_value), negative_slope * (x - threshold))},
 * which differs from the layer's op sequence (LeakyRelu, Relu6, Relu, clip) in every case. Inputs
 * are spread over [-8, 8] so that they cross 0, the threshold and 6.
 */
class ReLUTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  @Test
  void plainRelu() {
    run(ReLU::new, null, 0, 0);
  }

  @Test
  void relu6AsMobileNetUsesIt() {
    run(() -> new ReLU().maxValue(6), 6.0, 0, 0);
  }

  @Test
  void maxValueOtherThanSixClips() {
    run(() -> new ReLU().maxValue(2.5), 2.5, 0, 0);
  }

  @Test
  void negativeSlopeAloneIsLeaky() {
    run(() -> new ReLU().negativeSlope(0.3), null, 0.3, 0);
  }

  @Test
  void thresholdAlone() {
    run(() -> new ReLU().threshold(1.5), null, 0, 1.5);
  }

  @Test
  void allThree() {
    run(() -> new ReLU().maxValue(5).negativeSlope(0.5).threshold(1), 5.0, 0.5, 1);
    run(() -> new ReLU().maxValue(6).negativeSlope(0.25), 6.0, 0.25, 0);
  }

  @Test
  void kerasDocstringExample() {
    // keras/src/layers/activations/relu.py: ReLU(max_value=10, negative_slope=0.5, threshold=0) on
    // [-10, -5, 0, 5, 10] gives [-5, -2.5, 0, 5, 10].
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      ReLU relu = new ReLU().maxValue(10).negativeSlope(0.5).threshold(0);
      float[] y = LayerTestHarness.values(relu.apply(tf, tf.constant(new float[] {-10, -5, 0, 5, 10})));
      assertArrayEquals(new float[] {-5f, -2.5f, 0f, 5f, 10f}, y);
    }
  }

  @Test
  void configHasKeras3KeysAndRoundTrips() {
    ReLU relu = new ReLU().maxValue(6).name("Conv1_relu");
    Map<String, Object> config = relu.getConfig();
    assertEquals(
        List.of("name", "trainable", "dtype", "max_value", "negative_slope", "threshold"),
        new ArrayList<>(config.keySet()));
    assertEquals(6.0, config.get("max_value"));
    assertEquals(0.0, config.get("negative_slope"));
    ReLU back = ReLU.fromConfig(config);
    assertEquals("Conv1_relu", back.name());
    assertEquals(6.0, back.maxValue());
    assertEquals(config, back.getConfig());

    Map<String, Object> unbounded = new LinkedHashMap<>();
    unbounded.put("max_value", null);
    unbounded.put("threshold", 1L);
    ReLU u = ReLU.fromConfig(unbounded);
    assertNull(u.maxValue());
    assertEquals(1.0, u.threshold());
  }

  @Test
  void negativeOptionsAreRefusedAsKerasDoes() {
    ReLU relu = new ReLU().name("r");
    assertEquals(
        "ReLU 'r': maxValue cannot be negative, received -1.0",
        assertThrows(IllegalArgumentException.class, () -> relu.maxValue(-1)).getMessage());
    assertEquals(
        "ReLU 'r': negativeSlope cannot be negative, received -0.1",
        assertThrows(IllegalArgumentException.class, () -> relu.negativeSlope(-0.1)).getMessage());
    assertEquals(
        "ReLU 'r': threshold cannot be negative, received -2.0",
        assertThrows(IllegalArgumentException.class, () -> relu.threshold(-2)).getMessage());
    assertNull(relu.maxValue());
  }

  private static void run(Supplier<ReLU> factory, Double max, double slope, double threshold) {
    float[] values = new float[2 * 3 * 16];
    for (int i = 0; i < values.length; i++) {
      // -8 .. 8 in steps of 1/6, offset so that no value sits exactly on a kink.
      values[i] = -8f + (i * 16f / values.length) + 0.013f;
    }
    LayerTestHarness.of(factory)
        .input(new long[] {2, 3, 16}, values)
        .expectOutputShape(2, 3, 16)
        .expectParams(0)
        .oracle((tf, x, w) -> documented(tf, x.get(0), max, slope, threshold), 1e-6)
        .checkInputGradient()
        .run();
  }

  private static Operand<TFloat32> documented(
      Ops tf, Operand<TFloat32> x, Double max, double slope, double threshold) {
    Operand<TFloat32> th = tf.constant((float) threshold);
    Operand<TFloat32> above = max == null ? x : tf.math.minimum(x, tf.constant(max.floatValue()));
    Operand<TFloat32> below = tf.math.mul(tf.constant((float) slope), tf.math.sub(x, th));
    return tf.select(tf.math.greater(x, th), above, below);
  }
}
