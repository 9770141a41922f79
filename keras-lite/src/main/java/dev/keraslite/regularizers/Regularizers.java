package dev.keraslite.regularizers;

import java.util.List;
import dev.keraslite.Identifiers;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.keraslite.Recording;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Regularizers in Keras's serialized form ({@code keras.regularizers.serialize}, {@code
 * deserialize} and {@code get}): {@code {"module": "keras.regularizers", "class_name": "L2",
 * "config": {"l2": 0.01}, "registered_name": null}}, Keras 2's form ({@code class_name} and {@code
 * config} only) and the names {@code "l1"}, {@code "l2"}, {@code "l1_l2"}.
 */
public final class Regularizers {
  private Regularizers() {}

  /**
   * Keras 3's serialized form of {@code regularizer}; null for null (no regularizer).
   *
   * @throws IllegalArgumentException for a regularizer without a Keras form (a lambda)
   */
  public static Map<String, Object> serialize(Regularizer regularizer) {
    if (regularizer == null) {
      return null;
    }
    String className;
    if (regularizer instanceof L1L2) {
      className = "L1L2";
    } else if (regularizer instanceof L1) {
      className = "L1";
    } else if (regularizer instanceof L2) {
      className = "L2";
    } else {
      throw new IllegalArgumentException(
          "regularizer " + regularizer + " has no Keras serialized form; use L1, L2 or L1L2 to save"
              + " a model that holds it");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("module", "keras.regularizers");
    out.put("class_name", className);
    out.put("config", regularizer.getConfig());
    out.put("registered_name", null);
    return out;
  }

  /**
   * The regularizer a Keras config value describes: a serialized map (Keras 3 or 2), a name, or
   * null (none).
   *
   * @throws IllegalArgumentException for an unknown regularizer or a malformed config, naming it
   */
  public static Regularizer deserialize(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String) {
      return get((String) value);
    }
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException(
          "a regularizer must be a name or a {class_name, config} map, received " + value);
    }
    Map<?, ?> map = (Map<?, ?>) value;
    Object className = map.get("class_name");
    Object config = map.get("config");
    if (!(className instanceof String)) {
      throw new IllegalArgumentException("a regularizer config needs a class_name, received " + value);
    }
    if (config != null && !(config instanceof Map)) {
      throw new IllegalArgumentException(
          "regularizer " + className + ": config must be a map, received " + config);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> args = config == null ? Map.of() : (Map<String, Object>) config;
    switch ((String) className) {
      case "L1":
      case "l1":
        return L1.fromConfig(args);
      case "L2":
      case "l2":
        return L2.fromConfig(args);
      case "L1L2":
      case "l1_l2":
        return L1L2.fromConfig(args);
      default:
        throw unknown((String) className);
    }
  }

  /**
   * A regularizer by Keras name with its Keras defaults: {@code "l1"} ({@code L1(0.01)}), {@code
   * "l2"} ({@code L2(0.01)}), {@code "l1_l2"} ({@code L1L2(0, 0)}); class names are accepted too.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static Regularizer get(String name) {
    if (name == null) {
      throw unknown(null);
    }
    switch (name) {
      case "l1":
      case "L1":
        return new L1();
      case "l2":
      case "L2":
        return new L2();
      case "l1_l2":
      case "L1L2":
        return new L1L2();
      default:
        throw unknown(name);
    }
  }

  private static IllegalArgumentException unknown(String name) {
    return Identifiers.unknown("regularizer", name, List.of("l1", "L1", "l2", "L2", "l1_l2", "L1L2"));
  }

  /** The axes {@code [0, rank)} of {@code x}, for a sum over all of it. */
  public static Operand<TInt32> allAxes(Ops tf, Operand<TFloat32> x) {
    Shape shape = Recording.shape(x);
    if (!shape.isUnknown()) {
      // Constant axes when the rank is known, so that a traced graph knows the sum is a scalar.
      int[] axes = new int[shape.numDimensions()];
      for (int i = 0; i < axes.length; i++) {
        axes[i] = i;
      }
      return tf.constant(axes);
    }
    return tf.range(tf.constant(0), tf.rank(x), tf.constant(1));
  }

  /** Keras's {@code validate_float_arg}: a finite, non-negative factor. */
  static double factor(String regularizer, String name, double value) {
    if (!Double.isFinite(value) || value < 0) {
      throw new IllegalArgumentException(
          regularizer + ": " + name + " must be a finite non-negative number, received " + value);
    }
    return value;
  }

  /** A factor from a config map: absent or null gives {@code fallback}. */
  static double factor(String regularizer, Map<String, Object> config, String name, double fallback) {
    Object v = config.get(name);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number)) {
      throw new IllegalArgumentException(
          regularizer + ": option '" + name + "' must be a number, received " + v);
    }
    return factor(regularizer, name, ((Number) v).doubleValue());
  }

  /** {@code factor * sum(|x|)}. */
  static Operand<TFloat32> l1(Ops tf, Operand<TFloat32> x, double factor) {
    return tf.math.mul(
        tf.constant((float) factor), tf.reduceSum(tf.math.abs(x), allAxes(tf, x)));
  }

  /** {@code factor * sum(x²)}. */
  static Operand<TFloat32> l2(Ops tf, Operand<TFloat32> x, double factor) {
    return tf.math.mul(
        tf.constant((float) factor), tf.reduceSum(tf.math.square(x), allAxes(tf, x)));
  }

  /** Rejects config keys the regularizer does not have (a typo must not pass as a default). */
  static void onlyKeys(String regularizer, Map<String, Object> config, String... keys) {
    for (String key : config.keySet()) {
      if (!java.util.Arrays.asList(keys).contains(key)) {
        throw new IllegalArgumentException(
            regularizer + ": unknown config key '" + key + "' (expected " + String.join(", ", keys)
                + ")");
      }
    }
  }
}
