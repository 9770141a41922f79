package dev.keraslite.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LeakyReLUTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  /** The plain-Java definition, element by element. */
  private static double f(double x) {
    return x >= 0 ? x : 0.1 * x;
  }

  @Test
  void matchesTheDefinitionThroughTheHarness() {
    LayerTestHarness.of(() -> new LeakyReLU(0.1f))
        .input(3, 4, 5)
        .expectOutputShape(3, 4, 5)
        .expectParams(0)
        .oracle(
            (tf, xs, w) -> {
              float[] x = LayerTestHarness.values(xs.get(0));
              float[] y = new float[x.length];
              for (int i = 0; i < x.length; i++) {
                y[i] = (float) f(x[i]);
              }
              return tf.constant(y);
            },
            1e-6)
        .checkInputGradient()
        .run();
  }

  @Test
  void inputGradientMatchesFiniteDifferencesAwayFromTheKink() {
    ElementwiseGradientCheck.check(new LeakyReLU(0.1f), new float[] {-2f, -0.7f, -0.1f, 0.1f, 0.6f, 1.5f}, 1e-3, 2e-3);
  }

  @Test
  void kerasDefaultAndBadOptions() {
    Map<String, Object> c = new LeakyReLU().getConfig();
    assertEquals(0.3, c.get("negative_slope"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LeakyReLU(-0.5f));
    assertTrue(e.getMessage().startsWith("LeakyReLU:"), e.getMessage());
  }

  @Test
  void configUsesKerasKeysAndRoundTrips() {
    LeakyReLU layer = new LeakyReLU(0.1f).name("leaky_re_lu_4");
    Map<String, Object> c = layer.getConfig();
    assertEquals(List.of("name", "trainable", "dtype", "negative_slope"), new ArrayList<>(c.keySet()));
    assertEquals("leaky_re_lu_4", c.get("name"));
    assertEquals(c, LeakyReLU.fromConfig(c).getConfig());
    assertEquals(c.get("negative_slope"), LeakyReLU.fromConfig(Map.of("negative_slope", c.get("negative_slope"))).getConfig().get("negative_slope"));
    assertEquals(0.3, LeakyReLU.fromConfig(Map.of()).getConfig().get("negative_slope"));
  }

  @Test
  void readsKeras2Alpha() {
    assertEquals(0.1f, LeakyReLU.fromConfig(Map.of("name", "leaky_re_lu_1", "alpha", 0.1)).negativeSlope());
    assertEquals(0.3f, new LeakyReLU().negativeSlope());
  }
}
