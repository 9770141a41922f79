package dev.keraslite.constraints;

import dev.keraslite.Identifiers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Constraints in Keras's serialized form ({@code keras.constraints.serialize}, {@code deserialize}
 * and {@code get}): {@code {"module": "keras.constraints", "class_name": "MaxNorm", "config":
 * {"max_value": 2.0, "axis": 0}, "registered_name": null}}, Keras 2's form ({@code class_name} and
 * {@code config} only) and the names {@code "max_norm"}, {@code "non_neg"}, {@code "unit_norm"},
 * {@code "min_max_norm"}.
 */
public final class Constraints {
  /** Keras's {@code backend.epsilon()}, which keeps the norm constraints from dividing by zero. */
  public static final float EPSILON = 1e-7f;

  private Constraints() {}

  /**
   * Keras 3's serialized form of {@code constraint}; null for null (no constraint).
   *
   * @throws IllegalArgumentException for a constraint without a Keras form (a lambda)
   */
  public static Map<String, Object> serialize(Constraint constraint) {
    if (constraint == null) {
      return null;
    }
    if (!(constraint instanceof MaxNorm || constraint instanceof NonNeg
        || constraint instanceof UnitNorm || constraint instanceof MinMaxNorm)) {
      throw new IllegalArgumentException(
          "constraint " + constraint + " has no Keras serialized form; use MaxNorm, NonNeg, UnitNorm"
              + " or MinMaxNorm to save a model that holds it");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("module", "keras.constraints");
    out.put("class_name", constraint.getClass().getSimpleName());
    out.put("config", constraint.getConfig());
    out.put("registered_name", null);
    return out;
  }

  /**
   * The constraint a Keras config value describes: a serialized map (Keras 3 or 2), a name, or null
   * (none).
   *
   * @throws IllegalArgumentException for an unknown constraint or a malformed config, naming it
   */
  public static Constraint deserialize(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String) {
      return get((String) value);
    }
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException(
          "a constraint must be a name or a {class_name, config} map, received " + value);
    }
    Map<?, ?> map = (Map<?, ?>) value;
    Object className = map.get("class_name");
    Object config = map.get("config");
    if (!(className instanceof String)) {
      throw new IllegalArgumentException("a constraint config needs a class_name, received " + value);
    }
    if (config != null && !(config instanceof Map)) {
      throw new IllegalArgumentException(
          "constraint " + className + ": config must be a map, received " + config);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> args = config == null ? Map.of() : (Map<String, Object>) config;
    switch ((String) className) {
      case "MaxNorm":
      case "max_norm":
        return MaxNorm.fromConfig(args);
      case "NonNeg":
      case "non_neg":
        onlyKeys("NonNeg", args);
        return new NonNeg();
      case "UnitNorm":
      case "unit_norm":
        return UnitNorm.fromConfig(args);
      case "MinMaxNorm":
      case "min_max_norm":
        return MinMaxNorm.fromConfig(args);
      default:
        throw unknown((String) className);
    }
  }

  /**
   * A constraint by Keras name with its Keras defaults ({@code "max_norm"}, {@code "non_neg"},
   * {@code "unit_norm"}, {@code "min_max_norm"}; class names are accepted too).
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static Constraint get(String name) {
    if (name == null) {
      throw unknown(null);
    }
    return deserialize(Map.of("class_name", name, "config", Map.of()));
  }

  private static IllegalArgumentException unknown(String name) {
    return Identifiers.unknown(
        "constraint",
        name,
        List.of("max_norm", "MaxNorm", "non_neg", "NonNeg", "unit_norm", "UnitNorm", "min_max_norm", "MinMaxNorm"));
  }

  /** {@code sqrt(sum(w², axes, keepdims))}: the norms the norm constraints rescale. */
  static Operand<TFloat32> norms(Ops tf, Operand<TFloat32> w, int[] axes) {
    return tf.math.sqrt(
        tf.reduceSum(tf.math.square(w), tf.constant(axes), org.tensorflow.op.core.ReduceSum.keepDims(true)));
  }

  /** {@code w * desired / (epsilon + norms)}, Keras's rescaling to the desired norms. */
  static Operand<TFloat32> rescale(
      Ops tf, Operand<TFloat32> w, Operand<TFloat32> desired, Operand<TFloat32> norms) {
    return tf.math.mul(w, tf.math.div(desired, tf.math.add(tf.constant(EPSILON), norms)));
  }

  /** A finite non-negative number. */
  static double nonNegative(String constraint, String name, double value) {
    if (!Double.isFinite(value) || value < 0) {
      throw new IllegalArgumentException(
          constraint + ": " + name + " must be a finite non-negative number, received " + value);
    }
    return value;
  }

  /** At least one axis. */
  static int[] axes(String constraint, int[] axes) {
    if (axes == null || axes.length == 0) {
      throw new IllegalArgumentException(constraint + ": axis needs at least one axis");
    }
    return axes.clone();
  }

  /** Keras writes one axis as an int and several as a list. */
  static Object axisConfig(int[] axes) {
    if (axes.length == 1) {
      return axes[0];
    }
    List<Integer> out = new ArrayList<>();
    for (int a : axes) {
      out.add(a);
    }
    return out;
  }

  /** An axis config value (an int or a list of ints), {@code fallback} when absent. */
  static int[] axisFrom(String constraint, Map<String, Object> config, int[] fallback) {
    Object v = config.get("axis");
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number) {
      return new int[] {((Number) v).intValue()};
    }
    if (v instanceof List) {
      List<?> list = (List<?>) v;
      int[] out = new int[list.size()];
      for (int i = 0; i < out.length; i++) {
        if (!(list.get(i) instanceof Number)) {
          throw new IllegalArgumentException(
              constraint + ": option 'axis' must hold integers, received " + v);
        }
        out[i] = ((Number) list.get(i)).intValue();
      }
      return out;
    }
    throw new IllegalArgumentException(
        constraint + ": option 'axis' must be an integer or a list, received " + v);
  }

  /** A number from a config map, {@code fallback} when absent or null. */
  static double number(String constraint, Map<String, Object> config, String name, double fallback) {
    Object v = config.get(name);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number)) {
      throw new IllegalArgumentException(
          constraint + ": option '" + name + "' must be a number, received " + v);
    }
    return ((Number) v).doubleValue();
  }

  /** Rejects config keys the constraint does not have (a typo must not pass as a default). */
  static void onlyKeys(String constraint, Map<String, Object> config, String... keys) {
    for (String key : config.keySet()) {
      if (!List.of(keys).contains(key)) {
        throw new IllegalArgumentException(
            constraint + ": unknown config key '" + key + "'"
                + (keys.length == 0 ? " (it takes none)" : " (expected " + String.join(", ", keys) + ")"));
      }
    }
  }
}
