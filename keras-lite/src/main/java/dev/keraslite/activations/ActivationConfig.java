package dev.keraslite.activations;

import java.util.Map;

/**
 * Activations in Keras's serialized form (Keras's {@code keras.activations.serialize} and {@code
 * deserialize}): a built-in activation is its name ({@code "relu"}); Keras 3 may also write {@code
 * {"class_name": "function", "config": "relu", ...}}. Reached through {@link
 * Activations#serialize} and {@link Activations#deserialize}.
 */
final class ActivationConfig {
  private ActivationConfig() {}

  /**
   * The Keras name of {@code activation}; {@code "linear"} for null (no activation).
   *
   * @throws IllegalArgumentException for an activation without a Keras name (a lambda, or a
   *     built-in with non-default arguments such as {@code elu(0.5)})
   */
  static String serialize(Activation activation) {
    if (activation == null) {
      return "linear"; // layers hold null for "no activation", which Keras writes as linear
    }
    String text = String.valueOf(activation);
    try {
      Activation known = Activations.get(text);
      if (String.valueOf(known).equals(text)) {
        return text;
      }
    } catch (IllegalArgumentException e) {
      // Falls through to the message below, which says what to do.
    }
    throw new IllegalArgumentException(
        "activation " + text + " has no Keras serialized form; only Keras's named activations"
            + " with default arguments can be saved (use an activation layer for the others)");
  }

  /**
   * The activation a Keras config names; {@code null} gives linear, as in Keras.
   *
   * @throws IllegalArgumentException for an unknown activation, listing the known ones
   */
  static Activation deserialize(Object value) {
    if (value == null) {
      return Activations.linear();
    }
    if (value instanceof String) {
      return Activations.get((String) value);
    }
    if (value instanceof Map) {
      Object config = ((Map<?, ?>) value).get("config");
      if (config instanceof String) {
        return Activations.get((String) config);
      }
    }
    throw new IllegalArgumentException(
        "expected an activation name such as \"relu\", received " + value
            + " (custom activations are not loaded: loading runs no code from a file)");
  }
}
