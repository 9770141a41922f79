package dev.keraslite.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ELUTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  /** The plain-Java definition, element by element. */
  private static double f(double x) {
    return x > 0 ? x : 0.5 * (Math.exp(x) - 1);
  }

  @Test
  void matchesTheDefinitionThroughTheHarness() {
    LayerTestHarness.of(() -> new ELU(0.5f))
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
    ElementwiseGradientCheck.check(new ELU(0.5f), new float[] {-2f, -0.7f, -0.1f, 0.1f, 0.6f, 1.5f}, 1e-3, 2e-3);
  }

  @Test
  void kerasDefaultAndBadOptions() {
    Map<String, Object> c = new ELU().getConfig();
    assertEquals(1.0, c.get("alpha"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ELU(Float.NaN));
    assertTrue(e.getMessage().startsWith("ELU:"), e.getMessage());
  }

  @Test
  void configUsesKerasKeysAndRoundTrips() {
    ELU layer = new ELU(0.5f).name("elu_4");
    Map<String, Object> c = layer.getConfig();
    assertEquals(List.of("name", "trainable", "dtype", "alpha"), new ArrayList<>(c.keySet()));
    assertEquals("elu_4", c.get("name"));
    assertEquals(c, ELU.fromConfig(c).getConfig());
    assertEquals(c.get("alpha"), ELU.fromConfig(Map.of("alpha", c.get("alpha"))).getConfig().get("alpha"));
    assertEquals(1.0, ELU.fromConfig(Map.of()).getConfig().get("alpha"));
  }
}
