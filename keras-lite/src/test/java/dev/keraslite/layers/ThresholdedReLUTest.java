package dev.keraslite.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ThresholdedReLUTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  /** The plain-Java definition, element by element. */
  private static double f(double x) {
    return x > 0.25 ? x : 0;
  }

  @Test
  void matchesTheDefinitionThroughTheHarness() {
    LayerTestHarness.of(() -> new ThresholdedReLU(0.25f))
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
    ElementwiseGradientCheck.check(new ThresholdedReLU(0.25f), new float[] {-2f, -0.7f, -0.1f, 0.1f, 0.6f, 1.5f}, 1e-3, 2e-3);
  }

  @Test
  void kerasDefaultAndBadOptions() {
    Map<String, Object> c = new ThresholdedReLU().getConfig();
    assertEquals(1.0, c.get("theta"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ThresholdedReLU(-1f));
    assertTrue(e.getMessage().startsWith("ThresholdedReLU:"), e.getMessage());
  }

  @Test
  void configUsesKerasKeysAndRoundTrips() {
    ThresholdedReLU layer = new ThresholdedReLU(0.25f).name("thresholded_re_lu_4");
    Map<String, Object> c = layer.getConfig();
    assertEquals(List.of("name", "trainable", "dtype", "theta"), new ArrayList<>(c.keySet()));
    assertEquals("thresholded_re_lu_4", c.get("name"));
    assertEquals(c, ThresholdedReLU.fromConfig(c).getConfig());
    assertEquals(c.get("theta"), ThresholdedReLU.fromConfig(Map.of("theta", c.get("theta"))).getConfig().get("theta"));
    assertEquals(1.0, ThresholdedReLU.fromConfig(Map.of()).getConfig().get("theta"));
  }
}
