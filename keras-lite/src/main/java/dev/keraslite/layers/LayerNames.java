package dev.keraslite.layers;

import java.util.HashMap;
import java.util.Map;

/** Keras's automatic layer names: the snake-cased class name, numbered from the second one on. */
final class LayerNames {
  private static final Map<String, Integer> COUNTS = new HashMap<>();

  private LayerNames() {}

  /** {@code dense}, then {@code dense_1}, {@code dense_2}, ... */
  static synchronized String unique(String base) {
    int n = COUNTS.merge(base, 1, Integer::sum);
    return n == 1 ? base : base + "_" + (n - 1);
  }

  static synchronized void reset() {
    COUNTS.clear();
  }

  /** The snake-cased name of the nearest named class: {@code MaxPooling2D} gives {@code max_pooling2d}. */
  static String defaultBase(Class<?> type) {
    return snakeCase(typeName(type));
  }

  /** The simple name of {@code type}, or of its nearest named superclass for anonymous classes. */
  static String typeName(Class<?> type) {
    Class<?> c = type;
    while (c.getSimpleName().isEmpty() && c.getSuperclass() != null) {
      c = c.getSuperclass();
    }
    return c.getSimpleName();
  }

  /** Keras's {@code to_snake_case}. */
  static String snakeCase(String name) {
    String s = name.replaceAll("\\W+", "");
    s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
    s = s.replaceAll("([a-z])([A-Z])", "$1_$2");
    return s.toLowerCase(java.util.Locale.ROOT);
  }
}
