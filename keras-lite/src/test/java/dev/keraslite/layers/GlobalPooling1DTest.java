package dev.keraslite.layers;

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

class GlobalPooling1DTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  /** Plain Java: per batch and channel, the mean or max over all steps, as {@code [batch, channels]}. */
  private static LayerTestHarness.Oracle oracle(int batch, int steps, int channels, boolean channelsFirst, boolean max) {
    return (tf, xs, w) -> {
      float[] x = LayerTestHarness.values(xs.get(0));
      float[] y = new float[batch * channels];
      for (int b = 0; b < batch; b++) {
        for (int c = 0; c < channels; c++) {
          double acc = max ? Double.NEGATIVE_INFINITY : 0;
          for (int i = 0; i < steps; i++) {
            float v = channelsFirst ? x[(b * channels + c) * steps + i] : x[(b * steps + i) * channels + c];
            acc = max ? Math.max(acc, v) : acc + v;
          }
          y[b * channels + c] = (float) (max ? acc : acc / steps);
        }
      }
      return tf.constant(y);
    };
  }

  @Test
  void globalAveragePoolingChannelsLastAndFirst() {
    LayerTestHarness.of(GlobalAveragePooling1D::new)
        .input(3, 5, 4)
        .expectOutputShape(3, 4)
        .expectParams(0)
        .oracle(oracle(3, 5, 4, false, false), 1e-6)
        .checkInputGradient()
        .run();
    LayerTestHarness.of(() -> new GlobalAveragePooling1D().dataFormat("channels_first").keepdims(true))
        .input(2, 4, 5)
        .expectOutputShape(2, 4, 1)
        .oracle(oracle(2, 5, 4, true, false), 1e-6)
        .run();
  }

  @Test
  void globalMaxPoolingChannelsLastAndFirst() {
    LayerTestHarness.of(GlobalMaxPooling1D::new)
        .input(2, 6, 3)
        .expectOutputShape(2, 3)
        .oracle(oracle(2, 6, 3, false, true), 0)
        .checkInputGradient()
        .run();
    LayerTestHarness.of(() -> new GlobalMaxPooling1D().keepdims(true))
        .input(2, 6, 3)
        .expectOutputShape(2, 1, 3)
        .oracle(oracle(2, 6, 3, false, true), 0)
        .run();
    LayerTestHarness.of(() -> new GlobalMaxPooling1D().dataFormat("channels_first"))
        .input(2, 3, 6)
        .expectOutputShape(2, 3)
        .oracle(oracle(2, 6, 3, true, true), 0)
        .run();
  }

  @Test
  void badInputNamesTheLayer() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class,
              () -> new GlobalAveragePooling1D().name("gap").apply(tf, tf.zeros(tf.constant(new long[] {2, 6}), TFloat32.class)));
      assertTrue(e.getMessage().startsWith("GlobalAveragePooling1D 'gap'") && e.getMessage().contains("[2, 6]"), e.getMessage());
    }
  }

  @Test
  void configUsesKeras3KeysAndRoundTrips() {
    Map<String, Object> c = new GlobalAveragePooling1D().name("gap").keepdims(true).getConfig();
    assertEquals(List.of("name", "trainable", "dtype", "data_format", "keepdims"), new ArrayList<>(c.keySet()));
    assertEquals("channels_last", c.get("data_format"));
    assertEquals(true, c.get("keepdims"));
    assertEquals(c, GlobalAveragePooling1D.fromConfig(c).getConfig());
    Map<String, Object> m = new GlobalMaxPooling1D().dataFormat("channels_first").getConfig();
    assertEquals(m, GlobalMaxPooling1D.fromConfig(m).getConfig());
    // tf.keras 2 wrote only data_format.
    GlobalAveragePooling1D old = GlobalAveragePooling1D.fromConfig(Map.of("name", "g1", "data_format", "channels_last"));
    assertEquals(false, old.keepdims());
  }
}
