package dev.keraslite.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SoftmaxConfigTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  @Test
  void configHoldsTheAxisAndRoundTrips() {
    Map<String, Object> c = new Softmax(1).name("softmax_2").getConfig();
    assertEquals(List.of("name", "trainable", "dtype", "axis"), new ArrayList<>(c.keySet()));
    assertEquals(1, c.get("axis"));
    Softmax copy = Softmax.fromConfig(c);
    assertEquals(1, copy.axis());
    assertEquals(c, copy.getConfig());
    assertEquals(-1, Softmax.fromConfig(Map.of()).axis());
    assertEquals(-1, new Softmax().getConfig().get("axis"));
  }
}
