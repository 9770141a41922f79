package dev.keraslite.layers;

import dev.keraslite.activations.Activation;
import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializer;
import dev.keraslite.initializers.Initializers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reading and writing the plain values of Keras configs ({@code getConfig} / {@code fromConfig}):
 * integer pairs as lists, numbers that JSON may give as any {@link Number}, and initializers and
 * activations by their Keras names.
 */
final class ConfigValues {
  private ConfigValues() {}

  /** {@code {a, b}} as the list {@code [a, b]} (Keras writes tuples as JSON lists). */
  static List<Integer> list(int[] values) {
    List<Integer> out = new ArrayList<>();
    for (int v : values) {
      out.add(v);
    }
    return out;
  }

  /**
   * An int array from a config value: a number or a list of numbers.
   *
   * @throws IllegalArgumentException for anything else, naming the layer and key
   */
  static int[] ints(String layer, Map<String, Object> config, String key) {
    Object v = config.get(key);
    if (v instanceof Number n) {
      return new int[] {n.intValue()};
    }
    if (v instanceof List<?> list) {
      int[] out = new int[list.size()];
      for (int i = 0; i < out.length; i++) {
        if (!(list.get(i) instanceof Number n)) {
          throw badValue(layer, key, v);
        }
        out[i] = n.intValue();
      }
      return out;
    }
    throw badValue(layer, key, v);
  }

  /** A number from the config, or {@code fallback} when the key is absent. */
  static double number(String layer, Map<String, Object> config, String key, double fallback) {
    Object v = config.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw badValue(layer, key, v);
  }

  /** A boolean from the config, or {@code fallback} when the key is absent. */
  static boolean bool(String layer, Map<String, Object> config, String key, boolean fallback) {
    Object v = config.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw badValue(layer, key, v);
  }

  /** A string from the config, or {@code fallback} when the key is absent. */
  static String string(String layer, Map<String, Object> config, String key, String fallback) {
    Object v = config.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof String s) {
      return s;
    }
    throw badValue(layer, key, v);
  }

  /**
   * Keras accepts only {@code "channels_last"} here (keras-lite is channels-last throughout).
   *
   * @throws IllegalArgumentException for {@code "channels_first"}
   */
  static void requireChannelsLast(String layer, Map<String, Object> config) {
    String format = string(layer, config, "data_format", "channels_last");
    if (!format.equals("channels_last")) {
      throw new IllegalArgumentException(
          layer + ": only data_format 'channels_last' is supported, received '" + format + "'");
    }
  }

  /** An initializer as Keras's short form, its registered name ({@code "glorot_uniform"}). */
  static String initializer(Initializer initializer) {
    return initializer.toString();
  }

  /**
   * The initializer of a config value: a Keras name ({@code "zeros"}) or Keras's serialized form
   * ({@code {"class_name": "GlorotUniform", ...}}, whose seed and arguments are not read).
   */
  static Initializer initializer(String layer, Map<String, Object> config, String key, Initializer fallback) {
    Object v = config.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof String s) {
      return Initializers.get(s);
    }
    if (v instanceof Map<?, ?> m && m.get("class_name") instanceof String className) {
      return Initializers.get(LayerNames.snakeCase(className));
    }
    throw badValue(layer, key, v);
  }

  /** An activation as Keras serializes a built-in one: its name, {@code "linear"} for none. */
  static String activation(Activation activation) {
    return activation == null ? "linear" : activation.toString();
  }

  /** The activation of a config value (a Keras name); {@code null} for linear or absent. */
  static Activation activation(String layer, Map<String, Object> config, String key) {
    Object v = config.get(key);
    if (v == null || "linear".equals(v)) {
      return null;
    }
    if (v instanceof String s) {
      return Activations.get(s);
    }
    throw badValue(layer, key, v);
  }

  /** The base keys every layer reads back: {@code name} and {@code trainable}. */
  static <L extends Layer> L base(L layer, Map<String, Object> config) {
    Object name = config.get("name");
    if (name instanceof String s) {
      layer.name(s);
    }
    Object trainable = config.get("trainable");
    if (trainable instanceof Boolean b) {
      layer.setTrainable(b);
    }
    return layer;
  }

  private static IllegalArgumentException badValue(String layer, String key, Object v) {
    return new IllegalArgumentException(
        layer + ".fromConfig: unexpected value for '" + key + "': " + v
            + (v == null ? "" : " (" + v.getClass().getSimpleName() + ")"));
  }
}
