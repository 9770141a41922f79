package dev.keraslite.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class ZeroPadding1DTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  /** Plain Java: copies each step to its padded position, zeros elsewhere. */
  private static LayerTestHarness.Oracle oracle(int batch, int steps, int channels, boolean channelsFirst, int left, int right) {
    return (tf, xs, w) -> {
      float[] x = LayerTestHarness.values(xs.get(0));
      int out = left + steps + right;
      float[] y = new float[batch * out * channels];
      for (int b = 0; b < batch; b++) {
        for (int i = 0; i < steps; i++) {
          for (int c = 0; c < channels; c++) {
            int o = left + i;
            if (channelsFirst) {
              y[(b * channels + c) * out + o] = x[(b * channels + c) * steps + i];
            } else {
              y[(b * out + o) * channels + c] = x[(b * steps + i) * channels + c];
            }
          }
        }
      }
      return tf.constant(y);
    };
  }

  @Test
  void padsTheStepsAxis() {
    LayerTestHarness.of(ZeroPadding1D::new)
        .input(2, 3, 4)
        .expectOutputShape(2, 5, 4)
        .expectParams(0)
        .oracle(oracle(2, 3, 4, false, 1, 1), 0)
        .checkInputGradient()
        .run();
    LayerTestHarness.of(() -> new ZeroPadding1D(new int[] {2, 0}))
        .input(1, 3, 2)
        .expectOutputShape(1, 5, 2)
        .oracle(oracle(1, 3, 2, false, 2, 0), 0)
        .run();
    LayerTestHarness.of(() -> new ZeroPadding1D(new int[] {0, 3}).dataFormat("channels_first"))
        .input(2, 2, 4)
        .expectOutputShape(2, 2, 7)
        .oracle(oracle(2, 4, 2, true, 0, 3), 0)
        .checkInputGradient()
        .run();
  }

  @Test
  void badInputAndOptions() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class,
              () -> new ZeroPadding1D().name("zp").apply(tf, tf.zeros(tf.constant(new long[] {2, 6}), TFloat32.class)));
      assertTrue(e.getMessage().startsWith("ZeroPadding1D 'zp'") && e.getMessage().contains("[2, 6]"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> new ZeroPadding1D(-1));
    assertThrows(IllegalArgumentException.class, () -> new ZeroPadding1D(new int[] {1, 2, 3}));
  }

  @Test
  void configUsesKeras3KeysAndRoundTrips() {
    Map<String, Object> c = new ZeroPadding1D(new int[] {1, 2}).name("zero_padding1d").getConfig();
    assertEquals(List.of("name", "trainable", "dtype", "padding", "data_format"), new ArrayList<>(c.keySet()));
    assertEquals(List.of(1, 2), c.get("padding"));
    assertEquals(c, ZeroPadding1D.fromConfig(c).getConfig());
    // tf.keras 2 may write a single integer.
    assertArrayEquals(new int[] {3, 3}, ZeroPadding1D.fromConfig(Map.of("padding", 3)).padding());
    assertArrayEquals(new int[] {1, 1}, ZeroPadding1D.fromConfig(Map.of()).padding());
  }
}
