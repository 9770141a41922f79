package dev.keraslite.saving;

import dev.keraslite.activations.Activation;
import dev.keraslite.activations.Activations;
import dev.keraslite.layers.Conv2D;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.GRU;
import dev.keraslite.layers.LSTM;
import dev.keraslite.layers.Layer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What differs in layer configs written by Keras 2 (and tf.keras) from Keras 3's, applied when
 * reading a legacy {@code .h5} file: a GRU without {@code reset_after} predates it (false), and
 * {@code hard_sigmoid} meant {@code clip(0.2 x + 0.5, 0, 1)} rather than Keras 3's slope 1/6.
 * Keras 1 configs ({@code output_dim}, {@code init}) are refused.
 */
final class LegacyConfig {
  /** Keras 2's hard sigmoid slope. */
  static final float KERAS2_HARD_SIGMOID_SLOPE = 0.2f;

  private LegacyConfig() {}

  /** The config with Keras 2's implicit defaults made explicit. */
  static Map<String, Object> upgrade(String className, Map<String, Object> config) {
    if (config.containsKey("output_dim") || config.containsKey("init") || config.containsKey("input_dtype")) {
      throw new IllegalArgumentException(
          className + " '" + config.get("name") + "': the file was written by Keras 1 (keys such as"
              + " output_dim, init); keras-lite reads Keras 2 and Keras 3 configs only");
    }
    Map<String, Object> out = new LinkedHashMap<>(config);
    if (className.equals("GRU") && !out.containsKey("reset_after")) {
      out.put("reset_after", false);
    }
    return out;
  }

  /** Swaps Keras 3's hard sigmoid for Keras 2's where the config asked for {@code hard_sigmoid}. */
  static void adjust(Layer layer, Map<String, Object> config) {
    Activation legacy = Activations.hardSigmoid(KERAS2_HARD_SIGMOID_SLOPE);
    boolean activation = "hard_sigmoid".equals(config.get("activation"));
    boolean recurrent = "hard_sigmoid".equals(config.get("recurrent_activation"));
    if (layer instanceof LSTM) {
      if (activation) {
        ((LSTM) layer).activation(legacy);
      }
      if (recurrent) {
        ((LSTM) layer).recurrentActivation(legacy);
      }
    } else if (layer instanceof GRU) {
      if (activation) {
        ((GRU) layer).activation(legacy);
      }
      if (recurrent) {
        ((GRU) layer).recurrentActivation(legacy);
      }
    } else if (layer instanceof Dense && activation) {
      ((Dense) layer).activation(legacy);
    } else if (layer instanceof Conv2D && activation) {
      ((Conv2D) layer).activation(legacy);
    } else if (activation) {
      throw new IllegalArgumentException(
          layer + ": Keras 2's hard_sigmoid on a " + layer.typeName() + " is not supported");
    }
  }
}
