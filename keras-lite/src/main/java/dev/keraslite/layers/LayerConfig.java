package dev.keraslite.layers;

import dev.keraslite.activations.Activation;
import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializer;
import dev.keraslite.initializers.Initializers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Reading and writing the values of Keras layer configs ({@code get_config()} / {@code
 * from_config}): integer tuples as lists, activations by name, initializers as Keras 3's {@code
 * {module, class_name, config, registered_name}} maps. Readers accept what Keras 2 (tf.keras) and
 * Keras 3 write: an integer where a tuple is expected, initializers with or without {@code module},
 * and refuse what keras-lite cannot honour (regularizers, constraints) with a message naming the
 * layer and the key, rather than silently dropping it.
 */
public final class LayerConfig {
  /** Keras 3's initializer classes, by the snake-case name keras-lite's initializers carry. */
  private static final Map<String, String> INITIALIZER_CLASSES = new LinkedHashMap<>();

  static {
    INITIALIZER_CLASSES.put("zeros", "Zeros");
    INITIALIZER_CLASSES.put("ones", "Ones");
    INITIALIZER_CLASSES.put("glorot_uniform", "GlorotUniform");
    INITIALIZER_CLASSES.put("glorot_normal", "GlorotNormal");
    INITIALIZER_CLASSES.put("he_uniform", "HeUniform");
    INITIALIZER_CLASSES.put("he_normal", "HeNormal");
    INITIALIZER_CLASSES.put("lecun_uniform", "LecunUniform");
    INITIALIZER_CLASSES.put("lecun_normal", "LecunNormal");
  }

  private LayerConfig() {}

  /**
   * An initializer read from a config that remembers that config, so that a loaded layer writes
   * back what it read (the seed and arguments are not recoverable from the function itself).
   */
  private record Configured(Map<String, Object> config, Initializer function) implements Initializer {
    @Override
    public Operand<TFloat32> apply(Ops tf, Shape shape) {
      return function.apply(tf, shape);
    }

    @Override
    public String toString() {
      return function.toString();
    }
  }

  // ---- writing -----------------------------------------------------------------------------

  /** {@code [a, b, ...]} as the list Keras writes for a tuple. */
  public static List<Object> intList(int... values) {
    List<Object> out = new ArrayList<>(values.length);
    for (int v : values) {
      out.add(v);
    }
    return out;
  }

  /**
   * A float option as the double Keras writes: the float's shortest decimal form, so that {@code
   * 0.3f} is written {@code 0.3} rather than {@code 0.30000001192092896}.
   */
  public static double decimal(float value) {
    return Double.parseDouble(Float.toString(value));
  }

  /**
   * The activation's Keras name ({@code "linear"} for none), as {@code activations.serialize}.
   *
   * @throws IllegalStateException for an activation without a Keras name (a lambda, or one with
   *     non-default arguments), naming the layer
   */
  public static String activation(String layer, Activation activation) {
    if (activation == null) {
      return "linear";
    }
    String name = activation.toString();
    try {
      Activations.get(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          layer + ": the activation " + name + " has no Keras name, so the layer's config cannot"
              + " be written; use a built-in activation such as Activations.relu()", e);
    }
    return name;
  }

  /**
   * The initializer as Keras 3 serializes it: {@code {module: "keras.initializers", class_name:
   * "GlorotUniform", config: {seed: null}, registered_name: null}}.
   *
   * @throws IllegalStateException for an initializer keras-lite cannot describe in Keras's terms (a
   *     lambda, or a built-in with arguments that was not itself read from a config)
   */
  public static Map<String, Object> initializer(String layer, Initializer initializer) {
    if (initializer instanceof Configured c) {
      return deepCopy(c.config());
    }
    String name = String.valueOf(initializer);
    String className = INITIALIZER_CLASSES.get(name);
    Map<String, Object> config = new LinkedHashMap<>();
    if (className == null && name.equals("orthogonal(gain=1.0)")) {
      className = "Orthogonal";
      config.put("gain", 1.0);
    }
    if (className == null) {
      throw new IllegalStateException(
          layer + ": the initializer " + name + " cannot be written as a Keras config; use a"
              + " built-in initializer by name (Initializers.get(\"glorot_uniform\")) or one read"
              + " from a config");
    }
    if (!className.equals("Zeros") && !className.equals("Ones")) {
      config.put("seed", null);
    }
    return serialized(className, config);
  }

  private static Map<String, Object> serialized(String className, Map<String, Object> config) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("module", "keras.initializers");
    out.put("class_name", className);
    out.put("config", config);
    out.put("registered_name", null);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> deepCopy(Map<String, Object> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : map.entrySet()) {
      Object v = e.getValue();
      out.put(e.getKey(), v instanceof Map<?, ?> m ? deepCopy((Map<String, Object>) m) : v);
    }
    return out;
  }

  // ---- reading -----------------------------------------------------------------------------

  /** Whether {@code config} has {@code key} (even with a null value). */
  public static boolean has(Map<String, Object> config, String key) {
    return config.containsKey(key);
  }

  /**
   * An integer that Keras may write as {@code 3}, {@code [3]} or {@code 3.0}: the single value.
   *
   * @throws IllegalArgumentException for anything else, naming the layer and key
   */
  public static int singleInt(String layer, Map<String, Object> config, String key, int fallback) {
    Object v = config.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof List<?> list) {
      if (list.size() != 1) {
        throw new IllegalArgumentException(
            layer + ": config key '" + key + "' must be an integer or a list of 1 integer, received "
                + v);
      }
      v = list.get(0);
    }
    return toInt(layer, key, v);
  }

  /**
   * A list of integers that Keras may write as a single integer, meaning {@code count} copies.
   *
   * @throws IllegalArgumentException for anything else, naming the layer and key
   */
  public static int[] ints(String layer, Map<String, Object> config, String key, int count, int[] fallback) {
    Object v = config.get(key);
    if (v == null) {
      return fallback == null ? null : fallback.clone();
    }
    if (v instanceof List<?> list) {
      int[] out = new int[list.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = toInt(layer, key, list.get(i));
      }
      return out;
    }
    int one = toInt(layer, key, v);
    int[] out = new int[count];
    java.util.Arrays.fill(out, one);
    return out;
  }

  private static int toInt(String layer, String key, Object v) {
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.intValue();
    }
    throw new IllegalArgumentException(
        layer + ": config key '" + key + "' must hold integers, received " + v);
  }

  /** A number, or {@code fallback} when absent or null. */
  public static double number(String layer, Map<String, Object> config, String key, double fallback) {
    Object v = config.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw new IllegalArgumentException(
        layer + ": config key '" + key + "' must be a number, received " + v);
  }

  /** A boolean, or {@code fallback} when absent or null. */
  public static boolean bool(String layer, Map<String, Object> config, String key, boolean fallback) {
    Object v = config.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw new IllegalArgumentException(
        layer + ": config key '" + key + "' must be true or false, received " + v);
  }

  /** A string, or {@code fallback} when absent or null. */
  public static String string(String layer, Map<String, Object> config, String key, String fallback) {
    Object v = config.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException(
        layer + ": config key '" + key + "' must be a string, received " + v);
  }

  /**
   * Refuses a config that sets options keras-lite does not implement (regularizers, constraints):
   * each key must be absent or null.
   *
   * @throws IllegalArgumentException naming the layer, the key and its value
   */
  public static void requireAbsent(String layer, Map<String, Object> config, String... keys) {
    for (String key : keys) {
      Object v = config.get(key);
      if (v != null) {
        throw new IllegalArgumentException(
            layer + ": config key '" + key + "' = " + v + " is not supported by keras-lite");
      }
    }
  }

  /**
   * Refuses a config whose {@code key} holds anything but {@code expected} (an option keras-lite
   * implements only in its default form); absent or null is accepted.
   */
  public static void requireValue(String layer, Map<String, Object> config, String key, Object expected) {
    Object v = config.get(key);
    if (v == null) {
      return;
    }
    boolean same =
        v instanceof Number n && expected instanceof Number e
            ? n.doubleValue() == e.doubleValue()
            : v.equals(expected);
    if (!same) {
      throw new IllegalArgumentException(
          layer + ": config key '" + key + "' = " + v + " is not supported by keras-lite (only "
              + expected + ")");
    }
  }

  /** The layer name in a config, for messages: {@code Conv1D 'conv1d_3'}. */
  public static String describe(String className, Map<String, Object> config) {
    Objects.requireNonNull(config, className + ".fromConfig: config");
    Object name = config.get("name");
    return name == null ? className : className + " '" + name + "'";
  }

  /** Applies the base keys ({@code name}, {@code trainable}) of {@code config} to {@code layer}. */
  public static <L extends Layer> L base(L layer, Map<String, Object> config) {
    String d = describe(layer.typeName(), config);
    String name = string(d, config, "name", null);
    if (name != null) {
      layer.name(name);
    }
    // Keras 2 writes the dtype as a string, Keras 3 as a DTypePolicy {class_name, config: {name}}.
    Object dtype = config.get("dtype");
    Object dtypeName =
        dtype instanceof Map<?, ?> policy && policy.get("config") instanceof Map<?, ?> c
            ? c.get("name")
            : dtype;
    if (dtypeName != null && !"float32".equals(dtypeName)) {
      throw new IllegalArgumentException(
          d + ": dtype '" + dtypeName + "' is not supported, only float32");
    }
    layer.setTrainable(bool(d, config, "trainable", true));
    return layer;
  }

  /**
   * The activation a config names (a string, Keras's usual form; null means linear).
   *
   * @throws IllegalArgumentException for an unknown name or a non-string (custom) activation
   */
  public static Activation activation(String layer, Map<String, Object> config, String key) {
    Object v = config.get(key);
    if (v == null) {
      return Activations.linear();
    }
    if (!(v instanceof String name)) {
      throw new IllegalArgumentException(
          layer + ": config key '" + key + "' must name a built-in activation, received " + v);
    }
    try {
      return Activations.get(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(layer + ": config key '" + key + "': " + e.getMessage(), e);
    }
  }

  /**
   * The initializer a config describes: a Keras name ({@code "glorot_uniform"}) or a {@code
   * {class_name, config}} map as Keras 2 and 3 write it, with its arguments (seed, mean, stddev,
   * minval, maxval, gain, scale, mode, distribution, value); absent or null gives {@code fallback}.
   *
   * @throws IllegalArgumentException for an initializer keras-lite does not have, naming the layer
   *     and the key
   */
  @SuppressWarnings("unchecked")
  public static Initializer initializer(
      String layer, Map<String, Object> config, String key, Initializer fallback) {
    Object v = config.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof String name) {
      try {
        return Initializers.get(name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(layer + ": config key '" + key + "': " + e.getMessage(), e);
      }
    }
    if (!(v instanceof Map<?, ?> raw) || !(raw.get("class_name") instanceof String className)) {
      throw new IllegalArgumentException(
          layer + ": config key '" + key + "' must be an initializer name or {class_name, config},"
              + " received " + v);
    }
    Map<String, Object> args =
        raw.get("config") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    String where = layer + ": config key '" + key + "'";
    Initializer function = initializerFor(where, className, args);
    Map<String, Object> normal = new LinkedHashMap<>(args);
    return new Configured(serialized(className, normal), function);
  }

  private static Initializer initializerFor(String where, String className, Map<String, Object> a) {
    Long seed = a.get("seed") == null ? null : (long) toInt(where, "seed", a.get("seed"));
    switch (className) {
      case "Zeros":
        return Initializers.zeros();
      case "Ones":
        return Initializers.ones();
      case "Constant":
        return Initializers.constant((float) number(where, a, "value", 0.0));
      case "GlorotUniform":
        return seed == null ? Initializers.glorotUniform() : Initializers.glorotUniform(seed);
      case "GlorotNormal":
        return seed == null ? Initializers.glorotNormal() : Initializers.glorotNormal(seed);
      case "HeUniform":
        return seed == null ? Initializers.heUniform() : Initializers.heUniform(seed);
      case "HeNormal":
        return seed == null ? Initializers.heNormal() : Initializers.heNormal(seed);
      case "LecunUniform":
        return seed == null ? Initializers.lecunUniform() : Initializers.lecunUniform(seed);
      case "LecunNormal":
        return seed == null ? Initializers.lecunNormal() : Initializers.lecunNormal(seed);
      case "Orthogonal":
        double gain = number(where, a, "gain", 1.0);
        return seed == null ? Initializers.orthogonal(gain) : Initializers.orthogonal(gain, seed);
      case "RandomNormal":
        double mean = number(where, a, "mean", 0.0);
        double stddev = number(where, a, "stddev", Initializers.DEFAULT_STDDEV);
        return seed == null
            ? Initializers.randomNormal(mean, stddev)
            : Initializers.randomNormal(mean, stddev, seed);
      case "TruncatedNormal":
        double tmean = number(where, a, "mean", 0.0);
        double tstddev = number(where, a, "stddev", Initializers.DEFAULT_STDDEV);
        return seed == null
            ? Initializers.truncatedNormal(tmean, tstddev)
            : Initializers.truncatedNormal(tmean, tstddev, seed);
      case "RandomUniform":
        double lo = number(where, a, "minval", -Initializers.DEFAULT_UNIFORM_LIMIT);
        double hi = number(where, a, "maxval", Initializers.DEFAULT_UNIFORM_LIMIT);
        return seed == null
            ? Initializers.randomUniform(lo, hi)
            : Initializers.randomUniform(lo, hi, seed);
      case "VarianceScaling":
        double scale = number(where, a, "scale", 1.0);
        String mode = string(where, a, "mode", "fan_in");
        String distribution = string(where, a, "distribution", "truncated_normal");
        // Keras 2 wrote "normal" for what Keras 3 calls "truncated_normal".
        if (distribution.equals("normal")) {
          distribution = "truncated_normal";
        }
        return seed == null
            ? Initializers.varianceScaling(scale, mode, distribution)
            : Initializers.varianceScaling(scale, mode, distribution, seed);
      default:
        throw new IllegalArgumentException(
            where + ": initializer class '" + className + "' is not supported by keras-lite");
    }
  }
}
