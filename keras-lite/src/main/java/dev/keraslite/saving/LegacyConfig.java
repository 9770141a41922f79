package dev.keraslite.saving;

import dev.keraslite.activations.Activation;
import dev.keraslite.activations.Activations;
import dev.keraslite.layers.Bidirectional;
import dev.keraslite.layers.Conv2D;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.GRU;
import dev.keraslite.layers.LSTM;
import dev.keraslite.layers.Layer;
import dev.keraslite.layers.TimeDistributed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

  /** The config with Keras 2's implicit defaults made explicit, and Keras 1's keys renamed. */
  static Map<String, Object> upgrade(String className, Map<String, Object> config) {
    if (config.containsKey("output_dim") || config.containsKey("init") || config.containsKey("input_dtype")) {
      config = keras1(className, config);
    }
    Map<String, Object> out = new LinkedHashMap<>(config);
    if (className.equals("GRU") && !out.containsKey("reset_after")) {
      out.put("reset_after", false);
    }
    // A wrapper's layers are written by the same Keras: upgrade them the same way.
    for (String key : WRAPPED) {
      if (out.get(key) instanceof Map<?, ?> nested && nested.get("class_name") instanceof String cls
          && nested.get("config") instanceof Map) {
        Map<String, Object> upgraded = new LinkedHashMap<>(ModelConfig.map(nested, key));
        upgraded.put("config", upgrade(cls, ModelConfig.map(nested.get("config"), key + " config")));
        out.put(key, upgraded);
      }
    }
    return out;
  }

  /** The config keys under which wrappers (TimeDistributed, Bidirectional) hold layers. */
  private static final List<String> WRAPPED = List.of("layer", "backward_layer");

  /**
   * A Keras 1 config in Keras 2's keys, as Keras 2's own converter renames them, for the layers
   * whose Keras 1 form keras-lite reads (Dense, LSTM; InputLayer, Activation and Dropout share
   * their keys).
   */
  private static Map<String, Object> keras1(String className, Map<String, Object> config) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", config.get("name"));
    out.put("trainable", config.getOrDefault("trainable", true));
    if (config.get("batch_input_shape") != null) {
      out.put("batch_input_shape", config.get("batch_input_shape"));
    }
    switch (className) {
      case "Dense":
        requireNull(className, config, "activity_regularizer", "W_constraint", "b_constraint");
        out.put("kernel_regularizer", keras1Regularizer(className, config, "W_regularizer"));
        out.put("bias_regularizer", keras1Regularizer(className, config, "b_regularizer"));
        out.put("units", config.get("output_dim"));
        out.put("activation", config.get("activation"));
        out.put("use_bias", config.getOrDefault("bias", true));
        out.put("kernel_initializer", config.get("init"));
        return out;
      case "LSTM":
        out.put("kernel_regularizer", keras1Regularizer(className, config, "W_regularizer"));
        out.put("recurrent_regularizer", keras1Regularizer(className, config, "U_regularizer"));
        out.put("bias_regularizer", keras1Regularizer(className, config, "b_regularizer"));
        if ("gpu".equals(config.get("consume_less"))) {
          throw new IllegalArgumentException(
              "LSTM '" + config.get("name") + "': Keras 1's consume_less='gpu' weight layout is not supported");
        }
        out.put("units", config.get("output_dim"));
        out.put("activation", config.get("activation"));
        out.put("recurrent_activation", config.get("inner_activation"));
        out.put("kernel_initializer", config.get("init"));
        out.put("recurrent_initializer", config.get("inner_init"));
        out.put("unit_forget_bias", "one".equals(config.get("forget_bias_init")));
        out.put("dropout", config.get("dropout_W"));
        out.put("recurrent_dropout", config.get("dropout_U"));
        out.put("return_sequences", config.get("return_sequences"));
        out.put("go_backwards", config.get("go_backwards"));
        out.put("stateful", config.get("stateful"));
        return out;
      case "Activation":
      case "Dropout":
        Map<String, Object> same = new LinkedHashMap<>(config);
        same.remove("input_dtype");
        return same;
      default:
        throw new IllegalArgumentException(
            className + " '" + config.get("name") + "': the file was written by Keras 1, whose "
                + className + " config keras-lite does not read (it reads Keras 1's Dense, LSTM,"
                + " Activation and Dropout)");
    }
  }

  /**
   * Keras 1's weight regularizer ({@code {"name": "L1L2Regularizer", "l1": 0.0, "l2": 0.01}}, the
   * same penalty as Keras 2's {@code L1L2}) in Keras 2's form, or null when absent. Keras 1's
   * activity regularizer is not translated: it averaged over the batch, which Keras 3's does not.
   */
  private static Map<String, Object> keras1Regularizer(
      String className, Map<String, Object> config, String key) {
    Object v = config.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Map) || !"L1L2Regularizer".equals(((Map<?, ?>) v).get("name"))) {
      throw new IllegalArgumentException(
          className + " '" + config.get("name") + "': option " + key + "=" + v + " is not"
              + " supported by keras-lite (Keras 1's L1L2Regularizer is)");
    }
    Map<?, ?> keras1 = (Map<?, ?>) v;
    Map<String, Object> factors = new LinkedHashMap<>();
    factors.put("l1", keras1.get("l1") == null ? 0.0 : keras1.get("l1"));
    factors.put("l2", keras1.get("l2") == null ? 0.0 : keras1.get("l2"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("class_name", "L1L2");
    out.put("config", factors);
    return out;
  }

  private static void requireNull(String className, Map<String, Object> config, String... keys) {
    for (String key : keys) {
      if (config.get(key) != null) {
        throw new IllegalArgumentException(
            className + " '" + config.get("name") + "': option " + key + "=" + config.get(key)
                + " is not supported by keras-lite");
      }
    }
  }

  /**
   * Keras 1's twelve LSTM arrays ({@code W_i, U_i, b_i, W_c, U_c, b_c, W_f, U_f, b_f, W_o, U_o,
   * b_o}) as Keras 2's three (kernel, recurrent kernel, bias), each the gates' blocks side by side
   * in Keras 2's order i, f, c, o.
   */
  static List<float[]> keras1Lstm(List<float[]> arrays, List<long[]> shapes) {
    int[] order = {0, 2, 1, 3}; // file blocks are i, c, f, o
    List<float[]> out = new ArrayList<>();
    for (int part = 0; part < 3; part++) {
      long[] shape = shapes.get(part);
      int rows = shape.length == 2 ? (int) shape[0] : 1;
      int cols = (int) shape[shape.length - 1];
      float[] joined = new float[rows * cols * 4];
      for (int g = 0; g < 4; g++) {
        float[] block = arrays.get(order[g] * 3 + part);
        for (int r = 0; r < rows; r++) {
          System.arraycopy(block, r * cols, joined, r * cols * 4 + g * cols, cols);
        }
      }
      out.add(joined);
    }
    return out;
  }

  /** The shapes of {@link #keras1Lstm}'s arrays. */
  static List<long[]> keras1LstmShapes(List<long[]> shapes) {
    List<long[]> out = new ArrayList<>();
    for (int part = 0; part < 3; part++) {
      long[] s = shapes.get(part).clone();
      s[s.length - 1] *= 4;
      out.add(s);
    }
    return out;
  }

  private static Map<String, Object> nestedConfig(Map<String, Object> config, String key) {
    if (config.get(key) instanceof Map<?, ?> nested && nested.get("config") instanceof Map) {
      return ModelConfig.map(nested.get("config"), key + " config");
    }
    return Map.of();
  }

  /** Swaps Keras 3's hard sigmoid for Keras 2's where the config asked for {@code hard_sigmoid}. */
  static void adjust(Layer layer, Map<String, Object> config) {
    if (layer instanceof TimeDistributed) {
      adjust(((TimeDistributed) layer).layer(), nestedConfig(config, "layer"));
      return;
    }
    if (layer instanceof Bidirectional) {
      Bidirectional b = (Bidirectional) layer;
      adjust(b.forwardLayer(), nestedConfig(config, "layer"));
      // Without its own config the backward layer is a copy of the forward one's.
      Map<String, Object> backward = nestedConfig(config, "backward_layer");
      adjust(b.backwardLayer(), backward.isEmpty() ? nestedConfig(config, "layer") : backward);
      return;
    }
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
