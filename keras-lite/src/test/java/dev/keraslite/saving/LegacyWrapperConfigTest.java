package dev.keraslite.saving;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keraslite.layers.Bidirectional;
import dev.keraslite.layers.GRU;
import dev.keraslite.layers.TimeDistributed;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keras 2 configs of wrapped layers get the same upgrades as the layers themselves. */
class LegacyWrapperConfigTest {
  private static Map<String, Object> gru(String name, boolean backwards) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", name);
    c.put("units", 3);
    c.put("recurrent_activation", "hard_sigmoid");
    c.put("go_backwards", backwards);
    Map<String, Object> serialized = new LinkedHashMap<>();
    serialized.put("class_name", "GRU");
    serialized.put("config", c);
    return serialized;
  }

  @Test
  void aWrappedKeras2GruPredatesResetAfter() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("name", "bidirectional");
    config.put("layer", gru("gru", false));
    config.put("merge_mode", "concat");
    Map<String, Object> upgraded = LegacyConfig.upgrade("Bidirectional", config);
    @SuppressWarnings("unchecked")
    Map<String, Object> inner = (Map<String, Object>) ((Map<String, Object>) upgraded.get("layer")).get("config");
    assertEquals(false, inner.get("reset_after"));
    Bidirectional bi = (Bidirectional) LayerRegistry.create("Bidirectional", null, upgraded);
    LegacyConfig.adjust(bi, upgraded);
    assertEquals(false, ((GRU) bi.forwardLayer()).cell().resetAfter());
    assertEquals(false, ((GRU) bi.backwardLayer()).cell().resetAfter());

    Map<String, Object> td = new LinkedHashMap<>();
    td.put("name", "time_distributed");
    td.put("layer", gru("inner", false));
    Map<String, Object> tdUpgraded = LegacyConfig.upgrade("TimeDistributed", td);
    TimeDistributed wrapper = (TimeDistributed) LayerRegistry.create("TimeDistributed", null, tdUpgraded);
    LegacyConfig.adjust(wrapper, tdUpgraded);
    assertEquals(false, ((GRU) wrapper.layer()).cell().resetAfter());
  }
}
