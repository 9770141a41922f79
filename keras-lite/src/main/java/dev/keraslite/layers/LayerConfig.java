package dev.keraslite.layers;

import dev.keraslite.mixedprecision.DTypePolicy;

import dev.keraslite.activations.Activation;
import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializer;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.constraints.Constraint;
import dev.keraslite.constraints.Constraints;
import dev.keraslite.regularizers.Regularizer;
import dev.keraslite.regularizers.Regularizers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads the values of a Keras layer config ({@code get_config()}'s map, parsed from JSON) for the
 * layers' {@code fromConfig} factories: numbers of any JSON type, Keras's int-or-list options
 * ({@code kernel_size: 3} or {@code [3, 3]}), initializers and activations in Keras's serialized
 * forms, regularizers and constraints. Options keras-lite does not implement are accepted only with their Keras
 * default, so that a file asking for, say, {@code mask_zero} is refused instead of silently
 * losing it.
 */
final class LayerConfig {
  private final String layer;
  private final Map<String, Object> config;

  private LayerConfig(String layer, Map<String, Object> config) {
    this.layer = layer;
    this.config = config;
  }

  /**
   * A reader over {@code config} for a layer of Keras class {@code className}.
   *
   * @throws IllegalArgumentException if {@code config} is null
   */
  public static LayerConfig of(String className, Map<String, Object> config) {
    if (config == null) {
      throw new IllegalArgumentException(className + ": the layer config is missing");
    }
    Object name = config.get("name");
    return new LayerConfig(className + (name == null ? "" : " '" + name + "'"), config);
  }

  /** {@code Dense 'dense_1'}: how messages name the layer being read. */
  public String describe() {
    return layer;
  }

  /** Whether the key is present with a non-null value. */
  public boolean has(String key) {
    return config.get(key) != null;
  }

  /** The raw value, or null. */
  public Object raw(String key) {
    return config.get(key);
  }

  /** A required integer option. */
  public long getLong(String key) {
    Object v = config.get(key);
    if (!(v instanceof Number)) {
      throw error("option '" + key + "' must be a number, received " + v);
    }
    return ((Number) v).longValue();
  }

  /** An integer option, {@code fallback} when absent or null. */
  public long getLong(String key, long fallback) {
    return has(key) ? getLong(key) : fallback;
  }

  /** A floating-point option, {@code fallback} when absent or null. */
  public double getDouble(String key, double fallback) {
    Object v = config.get(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number)) {
      throw error("option '" + key + "' must be a number, received " + v);
    }
    return ((Number) v).doubleValue();
  }

  /** A boolean option, {@code fallback} when absent or null. */
  public boolean getBoolean(String key, boolean fallback) {
    Object v = config.get(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Boolean)) {
      throw error("option '" + key + "' must be true or false, received " + v);
    }
    return (Boolean) v;
  }

  /** A string option, {@code fallback} when absent or null. */
  public String getString(String key, String fallback) {
    Object v = config.get(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof String)) {
      throw error("option '" + key + "' must be a string, received " + v);
    }
    return (String) v;
  }

  /**
   * An option Keras gives as an int or a tuple ({@code kernel_size}, {@code strides}), as {@code
   * rank} ints; {@code fallback} when absent.
   */
  public int[] getInts(String key, int rank, int[] fallback) {
    Object v = config.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number) {
      int[] out = new int[rank];
      java.util.Arrays.fill(out, ((Number) v).intValue());
      return out;
    }
    List<Long> list = getLongList(key);
    if (list.size() != rank) {
      throw error("option '" + key + "' must have " + rank + " values, received " + v);
    }
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      out[i] = Math.toIntExact(list.get(i));
    }
    return out;
  }

  /** A list of integers (nulls, Keras's unknown sizes, become -1). */
  public List<Long> getLongList(String key) {
    Object v = config.get(key);
    if (!(v instanceof List)) {
      throw error("option '" + key + "' must be a list, received " + v);
    }
    List<Long> out = new ArrayList<>();
    for (Object o : (List<?>) v) {
      if (o == null) {
        out.add(-1L);
      } else if (o instanceof Number) {
        out.add(((Number) o).longValue());
      } else {
        throw error("option '" + key + "' must hold integers, received " + v);
      }
    }
    return out;
  }

  /**
   * A nested layer's serialized form under {@code key} (a wrapper's {@code layer}): a map with at
   * least {@code class_name} and {@code config}.
   *
   * @throws IllegalArgumentException if it is missing or not such a map
   */
  @SuppressWarnings("unchecked")
  public Map<String, Object> nestedLayer(String key) {
    Object v = config.get(key);
    if (!(v instanceof Map) || !(((Map<?, ?>) v).get("class_name") instanceof String)) {
      throw error("option '" + key + "' must be a serialized layer (class_name and config), received " + v);
    }
    return (Map<String, Object>) v;
  }

  /** The activation under {@code key} (a Keras name such as {@code "relu"}); linear when absent. */
  public Activation activation(String key) {
    try {
      return Activations.deserialize(config.get(key));
    } catch (IllegalArgumentException e) {
      throw error("option '" + key + "': " + e.getMessage());
    }
  }

  /** The initializer under {@code key}, or {@code fallback} when absent. */
  public Initializer initializer(String key, Initializer fallback) {
    Object v = config.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Initializers.deserialize(v);
    } catch (IllegalArgumentException e) {
      throw error("option '" + key + "': " + e.getMessage());
    }
  }

  /**
   * The regularizer under {@code key} (Keras's serialized form or a name such as {@code "l2"}), or
   * null when absent or null.
   *
   * @throws IllegalArgumentException for an unknown regularizer, naming the layer and the option
   */
  public Regularizer regularizer(String key) {
    try {
      return Regularizers.deserialize(config.get(key));
    } catch (IllegalArgumentException e) {
      throw error("option '" + key + "': " + e.getMessage());
    }
  }

  /**
   * The constraint under {@code key} (Keras's serialized form or a name such as {@code
   * "max_norm"}), or null when absent or null.
   *
   * @throws IllegalArgumentException for an unknown constraint, naming the layer and the option
   */
  public Constraint constraint(String key) {
    try {
      return Constraints.deserialize(config.get(key));
    } catch (IllegalArgumentException e) {
      throw error("option '" + key + "': " + e.getMessage());
    }
  }

  /**
   * Refuses an option keras-lite does not implement unless it holds Keras's default ({@code null}
   * for regularizers and constraints, {@code false}, {@code 0}, ...).
   *
   * @throws IllegalArgumentException naming the layer, the option and the value found
   */
  public void requireDefault(String key, Object kerasDefault) {
    Object v = config.get(key);
    if (v == null || Objects.equals(v, kerasDefault)) {
      return;
    }
    if (v instanceof Number && kerasDefault instanceof Number
        && ((Number) v).doubleValue() == ((Number) kerasDefault).doubleValue()) {
      return;
    }
    throw error(
        "option " + key + "=" + v + " is not supported by keras-lite (only " + kerasDefault
            + ")");
  }

  /** {@link #requireDefault} for each of Keras's regularizer and constraint keys given. */
  public void requireNull(String... keys) {
    for (String key : keys) {
      requireDefault(key, null);
    }
  }

  /**
   * Applies the base keys to a layer made from this config: its name, trainability and dtype
   * policy ({@code float32}, {@code mixed_bfloat16} or {@code float64}).
   */
  public <L extends Layer> L applyBase(L layer) {
    Object name = config.get("name");
    if (name instanceof String) {
      layer.name((String) name);
    }
    layer.setTrainable(getBoolean("trainable", true));
    Object dtype = config.get("dtype");
    String dtypeName = dtype instanceof Map ? dtypePolicyName((Map<?, ?>) dtype) : (String) dtype;
    if (dtypeName != null) {
      try {
        layer.setDtypePolicy(DTypePolicy.of(dtypeName));
      } catch (IllegalArgumentException e) {
        throw error("dtype " + dtypeName + ": " + e.getMessage());
      }
    }
    return layer;
  }

  private static String dtypePolicyName(Map<?, ?> policy) {
    Object inner = policy.get("config");
    if (inner instanceof Map) {
      Object name = ((Map<?, ?>) inner).get("name");
      return name == null ? null : name.toString();
    }
    return null;
  }

  /** An {@link IllegalArgumentException} naming the layer. */
  public IllegalArgumentException error(String problem) {
    return new IllegalArgumentException(layer + ": " + problem);
  }

  /** Keras's serialized form of an initializer, for {@code getConfig()}. */
  public static Object serialize(Initializer initializer) {
    return Initializers.serialize(initializer);
  }

  /** Keras's serialized form of a regularizer, or null for none, for {@code getConfig()}. */
  public static Object serialize(Regularizer regularizer) {
    return Regularizers.serialize(regularizer);
  }

  /** Keras's serialized form of a constraint, or null for none, for {@code getConfig()}. */
  public static Object serialize(Constraint constraint) {
    return Constraints.serialize(constraint);
  }

  /** Keras's serialized form of an activation (its name), for {@code getConfig()}. */
  public static Object serialize(Activation activation) {
    return Activations.serialize(activation);
  }

  /**
   * A nested layer in Keras 3's serialized form, for a wrapper's {@code getConfig()}: {@code module},
   * {@code class_name} (the layer's {@link Layer#typeName()}, which is its Keras class name for
   * keras-lite's layers), {@code config} and {@code registered_name}.
   */
  public static Map<String, Object> serializeLayer(Layer layer) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("module", "keras.layers");
    out.put("class_name", layer.typeName());
    out.put("config", layer.getConfig());
    out.put("registered_name", null);
    return out;
  }

  /**
   * A float option as the double Keras writes: the float's shortest decimal form, so that {@code
   * 0.3f} is written {@code 0.3} rather than {@code 0.30000001192092896}.
   */
  public static double decimal(float value) {
    return Double.parseDouble(Float.toString(value));
  }

  /** {@code [3, 3]}: an int tuple as a JSON list. */
  public static List<Integer> list(int... values) {
    List<Integer> out = new ArrayList<>(values.length);
    for (int v : values) {
      out.add(v);
    }
    return out;
  }
}
