package dev.keraslite.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keraslite.Eager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * ZeroPadding2D through the layer harness. The oracle does not use {@code Pad}: it concatenates
 * blocks of zeros around the input ({@code ConcatV2} of {@code Zeros}), then the test also checks
 * element by element in Java.
 */
class ZeroPadding2DTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  @Test
  void intPadsEverySide() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new ZeroPadding2D(2))
            .input(2, 3, 4, 2)
            .expectOutputShape(2, 7, 8, 2)
            .expectParams(0)
            .oracle((tf, x, w) -> concatenated(tf, x.get(0), 2, 2, 2, 2), 0)
            .checkInputGradient()
            .run();
    assertPadded(r, 2, 3, 4, 2, 2, 2, 2, 2);
  }

  @Test
  void pairIsSymmetricHeightThenWidth() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new ZeroPadding2D(1, 3))
            .input(1, 2, 2, 3)
            .expectOutputShape(1, 4, 8, 3)
            .oracle((tf, x, w) -> concatenated(tf, x.get(0), 1, 1, 3, 3), 0)
            .checkInputGradient()
            .run();
    assertPadded(r, 1, 2, 2, 3, 1, 1, 3, 3);
  }

  @Test
  void topBottomLeftRightAsMobileNetsCorrectPad() {
    // correct_pad on an even-sized input gives ((0, 1), (0, 1)).
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new ZeroPadding2D(new int[][] {{0, 1}, {2, 0}}))
            .input(2, 4, 3, 1)
            .expectOutputShape(2, 5, 5, 1)
            .oracle((tf, x, w) -> concatenated(tf, x.get(0), 0, 1, 2, 0), 0)
            .checkInputGradient()
            .run();
    assertPadded(r, 2, 4, 3, 1, 0, 1, 2, 0);
  }

  @Test
  void defaultIsOneOnEverySide() {
    LayerTestHarness.of(ZeroPadding2D::new)
        .input(1, 2, 3, 1)
        .expectOutputShape(1, 4, 5, 1)
        .oracle((tf, x, w) -> concatenated(tf, x.get(0), 1, 1, 1, 1), 0)
        .run();
  }

  @Test
  void configHasKeras3KeysAndRoundTrips() {
    ZeroPadding2D layer = new ZeroPadding2D(new int[][] {{0, 1}, {2, 3}}).name("pad");
    Map<String, Object> config = layer.getConfig();
    assertEquals(List.of("name", "trainable", "dtype", "padding", "data_format"), new ArrayList<>(config.keySet()));
    assertEquals(List.of(List.of(0, 1), List.of(2, 3)), config.get("padding"));
    assertEquals("channels_last", config.get("data_format"));
    ZeroPadding2D back = ZeroPadding2D.fromConfig(config);
    assertEquals("pad", back.name());
    assertArrayEquals(new int[][] {{0, 1}, {2, 3}}, back.padding());

    // Keras's constructor forms: an int, a pair.
    Map<String, Object> one = new LinkedHashMap<>();
    one.put("padding", 3L);
    assertArrayEquals(new int[][] {{3, 3}, {3, 3}}, ZeroPadding2D.fromConfig(one).padding());
    one.put("padding", List.of(1, 2));
    assertArrayEquals(new int[][] {{1, 1}, {2, 2}}, ZeroPadding2D.fromConfig(one).padding());
    one.put("padding", List.of(1, 2, 3));
    assertEquals(
        "ZeroPadding2D: option 'padding' must have 2 values, received [1, 2, 3]",
        assertThrows(IllegalArgumentException.class, () -> ZeroPadding2D.fromConfig(one)).getMessage());
  }

  @Test
  void badArgumentsAndInputsAreRefused() {
    assertEquals(
        "ZeroPadding2D: padding must be non-negative, received [[-1, -1], [0, 0]]",
        assertThrows(IllegalArgumentException.class, () -> new ZeroPadding2D(-1, 0)).getMessage());
    assertEquals(
        "ZeroPadding2D: padding must be an integer, 2 integers or ((top, bottom), (left, right)),"
            + " received [[1, 2, 3], [0, 0]]",
        assertThrows(IllegalArgumentException.class, () -> new ZeroPadding2D(new int[][] {{1, 2, 3}, {0, 0}}))
            .getMessage());
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      ZeroPadding2D pad = new ZeroPadding2D().name("pad");
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> pad.apply(tf, tf.constant(new float[] {1, 2, 3})));
      assertEquals("ZeroPadding2D 'pad': expected input of rank 4, received shape [3].", e.getMessage());
      assertFalse(pad.built());
    }
  }

  /** The input with zero blocks concatenated above, below, left and right. */
  private static Operand<TFloat32> concatenated(
      Ops tf, Operand<TFloat32> x, int top, int bottom, int left, int right) {
    long[] s = x.shape().asArray();
    long w = s[2] + left + right;
    Operand<TFloat32> rows =
        tf.concat(List.of(zeros(tf, s[0], s[1], left, s[3]), x, zeros(tf, s[0], s[1], right, s[3])), tf.constant(2));
    return tf.concat(List.of(zeros(tf, s[0], top, w, s[3]), rows, zeros(tf, s[0], bottom, w, s[3])), tf.constant(1));
  }

  private static Operand<TFloat32> zeros(Ops tf, long... shape) {
    return tf.zeros(tf.constant(shape), TFloat32.class);
  }

  /** Element by element: zeros outside the input's window, the input inside. */
  private static void assertPadded(
      LayerTestHarness.Result r, int n, int h, int w, int c, int top, int bottom, int left, int right) {
    float[] x = r.inputs().get(0);
    float[] y = r.output();
    int oh = h + top + bottom;
    int ow = w + left + right;
    assertEquals(n * oh * ow * c, y.length);
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          for (int k = 0; k < c; k++) {
            boolean inside = i >= top && i < top + h && j >= left && j < left + w;
            float expected = inside ? x[((b * h + i - top) * w + j - left) * c + k] : 0f;
            assertEquals(expected, y[((b * oh + i) * ow + j) * c + k], "at " + b + "," + i + "," + j + "," + k);
          }
        }
      }
    }
  }
}
