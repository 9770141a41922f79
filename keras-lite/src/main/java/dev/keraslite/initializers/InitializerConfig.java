package dev.keraslite.initializers;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Initializers in Keras's serialized form (Keras's {@code keras.initializers.serialize} and {@code
 * deserialize}): {@code {"module": "keras.initializers", "class_name": "GlorotUniform", "config":
 * {"seed": null}, "registered_name": null}}. Reads Keras 3's form, Keras 2's ({@code class_name}
 * and {@code config} only, {@code VarianceScaling} with {@code distribution: "normal"}) and plain
 * names ({@code "glorot_uniform"}).
 *
 * <p>Only keras-lite's named initializers can be written; a lambda has no Keras form. A seeded
 * initializer writes its seed, an unseeded one {@code "seed": null}, as Keras does. Reached through
 * {@link Initializers#serialize} and {@link Initializers#deserialize}.
 */
final class InitializerConfig {
  private static final Pattern CALL = Pattern.compile("([a-z_]+)(?:\\((.*)\\))?(?:\\[seed=(-?\\d+)\\])?");

  private InitializerConfig() {}

  /**
   * Keras 3's serialized form of {@code initializer}.
   *
   * @throws IllegalArgumentException for an initializer without a Keras form (a lambda)
   */
  static Map<String, Object> serialize(Initializer initializer) {
    String text = String.valueOf(initializer);
    Matcher m = CALL.matcher(text);
    if (!m.matches()) {
      throw noForm(text);
    }
    String base = m.group(1);
    Map<String, String> args = arguments(m.group(2));
    Object seed = seedOf(m.group(3));
    Map<String, Object> config = new LinkedHashMap<>();
    String className;
    switch (base) {
      case "zeros":
      case "ones":
        className = camel(base);
        break;
      case "constant":
        className = "Constant";
        config.put("value", Double.parseDouble(args.getOrDefault("", "0")));
        break;
      case "glorot_uniform":
      case "glorot_normal":
      case "he_uniform":
      case "he_normal":
      case "lecun_uniform":
      case "lecun_normal":
        className = camel(base);
        config.put("seed", seed);
        break;
      case "random_normal":
      case "truncated_normal":
        className = camel(base);
        config.put("mean", Double.parseDouble(args.getOrDefault("mean", "0.0")));
        config.put("stddev", Double.parseDouble(args.getOrDefault("stddev", String.valueOf(Initializers.DEFAULT_STDDEV))));
        config.put("seed", seed);
        break;
      case "random_uniform":
        className = "RandomUniform";
        config.put("minval", Double.parseDouble(args.getOrDefault("minval", String.valueOf(-Initializers.DEFAULT_UNIFORM_LIMIT))));
        config.put("maxval", Double.parseDouble(args.getOrDefault("maxval", String.valueOf(Initializers.DEFAULT_UNIFORM_LIMIT))));
        config.put("seed", seed);
        break;
      case "orthogonal":
        className = "Orthogonal";
        config.put("gain", Double.parseDouble(args.getOrDefault("gain", "1.0")));
        config.put("seed", seed);
        break;
      case "variance_scaling":
        className = "VarianceScaling";
        config.put("scale", Double.parseDouble(args.get("scale")));
        config.put("mode", args.get("mode"));
        config.put("distribution", args.get("distribution"));
        config.put("seed", seed);
        break;
      default:
        throw noForm(text);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("module", "keras.initializers");
    out.put("class_name", className);
    out.put("config", config);
    out.put("registered_name", null);
    return out;
  }

  /** A seed as Keras writes it: an integer, or null for an unseeded initializer. */
  private static Object seedOf(String text) {
    if (text == null) {
      return null;
    }
    long seed = Long.parseLong(text);
    return seed == (int) seed ? (Object) (int) seed : (Object) seed;
  }

  private static IllegalArgumentException noForm(String text) {
    return new IllegalArgumentException(
        "initializer " + text + " has no Keras serialized form; use one of Initializers' factories"
            + " to save a model that holds it");
  }

  /** {@code "mean=0.0, stddev=0.05"} as a map; a lone value (constant's) under the empty key. */
  private static Map<String, String> arguments(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null || text.isEmpty()) {
      return out;
    }
    for (String part : text.split(",\\s*")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        out.put("", part.trim());
      } else {
        out.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
      }
    }
    return out;
  }

  /** {@code glorot_uniform} to {@code GlorotUniform}. */
  private static String camel(String snake) {
    StringBuilder sb = new StringBuilder();
    for (String part : snake.split("_")) {
      sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return sb.toString();
  }

  /** {@code GlorotUniform} to {@code glorot_uniform}. */
  private static String snake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  /**
   * The initializer that a Keras config describes: a serialized map (Keras 3 or Keras 2) or a
   * name.
   *
   * @throws IllegalArgumentException for an unknown or unsupported initializer, naming it
   */
  static Initializer deserialize(Object value) {
    if (value instanceof String) {
      return Initializers.get(snake((String) value));
    }
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException("expected an initializer config, received " + value);
    }
    Map<?, ?> map = (Map<?, ?>) value;
    Object cls = map.get("class_name");
    if (!(cls instanceof String)) {
      throw new IllegalArgumentException("initializer config without class_name: " + value);
    }
    Map<?, ?> config = map.get("config") instanceof Map ? (Map<?, ?>) map.get("config") : Map.of();
    String name = snake((String) cls);
    Long seed = config.get("seed") instanceof Number ? ((Number) config.get("seed")).longValue() : null;
    switch (name) {
      case "zeros":
      case "zero":
        return Initializers.zeros();
      case "ones":
      case "one":
        return Initializers.ones();
      case "constant":
        return Initializers.constant(number(config, "value", 0));
      case "glorot_uniform":
        return seed == null ? Initializers.glorotUniform() : Initializers.glorotUniform(seed);
      case "glorot_normal":
        return seed == null ? Initializers.glorotNormal() : Initializers.glorotNormal(seed);
      case "he_uniform":
        return seed == null ? Initializers.heUniform() : Initializers.heUniform(seed);
      case "he_normal":
        return seed == null ? Initializers.heNormal() : Initializers.heNormal(seed);
      case "lecun_uniform":
        return seed == null ? Initializers.lecunUniform() : Initializers.lecunUniform(seed);
      case "lecun_normal":
        return seed == null ? Initializers.lecunNormal() : Initializers.lecunNormal(seed);
      case "random_normal":
        {
          double mean = number(config, "mean", 0);
          double stddev = number(config, "stddev", Initializers.DEFAULT_STDDEV);
          return seed == null
              ? Initializers.randomNormal(mean, stddev)
              : Initializers.randomNormal(mean, stddev, seed);
        }
      case "truncated_normal":
        {
          double mean = number(config, "mean", 0);
          double stddev = number(config, "stddev", Initializers.DEFAULT_STDDEV);
          return seed == null
              ? Initializers.truncatedNormal(mean, stddev)
              : Initializers.truncatedNormal(mean, stddev, seed);
        }
      case "random_uniform":
        {
          double min = number(config, "minval", -Initializers.DEFAULT_UNIFORM_LIMIT);
          double max = number(config, "maxval", Initializers.DEFAULT_UNIFORM_LIMIT);
          return seed == null
              ? Initializers.randomUniform(min, max)
              : Initializers.randomUniform(min, max, seed);
        }
      case "orthogonal":
        {
          double gain = number(config, "gain", 1.0);
          return seed == null ? Initializers.orthogonal(gain) : Initializers.orthogonal(gain, seed);
        }
      case "variance_scaling":
        {
          double scale = number(config, "scale", 1.0);
          String mode = String.valueOf(config.get("mode") == null ? "fan_in" : config.get("mode"));
          String distribution =
              String.valueOf(
                  config.get("distribution") == null ? "truncated_normal" : config.get("distribution"));
          // Keras 2 wrote "normal" for what Keras 3 calls "truncated_normal".
          if (distribution.equals("normal")) {
            distribution = "truncated_normal";
          }
          return seed == null
              ? Initializers.varianceScaling(scale, mode, distribution)
              : Initializers.varianceScaling(scale, mode, distribution, seed);
        }
      default:
        throw new IllegalArgumentException(
            "unknown initializer class '" + cls + "'. Known: Zeros, Ones, Constant, GlorotUniform,"
                + " GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal, RandomNormal,"
                + " RandomUniform, TruncatedNormal, Orthogonal, VarianceScaling");
    }
  }

  private static double number(Map<?, ?> config, String key, double fallback) {
    Object v = config.get(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number)) {
      throw new IllegalArgumentException("initializer option '" + key + "' must be a number, received " + v);
    }
    return ((Number) v).doubleValue();
  }
}
