package dev.keraslite.saving;

import dev.keraslite.models.Model;
import dev.keraslite.models.Sequential;
import dev.keraslite.layers.Layer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The object paths under which Keras 3's {@code saving_lib} stores each layer's variables: the
 * model at the root, the layers of a Sequential or functional model under {@code layers/<class>}
 * ({@code layers/dense}, {@code layers/dense_1}: numbered by class in model order, never by layer
 * name, so that weights move between models whose layers got other automatic names), a layer held
 * in a field under the field's name snake-cased as Keras's attribute ({@code layers/lstm/cell},
 * {@code layers/bidirectional/forward_layer} for the field {@code forwardLayer}), in sorted order.
 */
final class ObjectPaths {
  /** A layer and its path ("" for the root). */
  record Entry(String path, Layer layer) {}

  private ObjectPaths() {}

  /** Every layer reachable from {@code root}, each once, in Keras's visiting order. */
  static List<Entry> of(Layer root) {
    List<Entry> out = new ArrayList<>();
    walk(root, "", Collections.newSetFromMap(new IdentityHashMap<>()), out);
    return out;
  }

  private static void walk(Layer layer, String path, Set<Layer> visited, List<Entry> out) {
    if (!visited.add(layer)) {
      return;
    }
    out.add(new Entry(path, layer));
    if (layer instanceof Sequential || (layer instanceof Model && !((Model) layer).outputs().isEmpty())) {
      container(((Model) layer).layers(), join(path, "layers"), visited, out);
      return;
    }
    // Keras visits attributes in sorted order, private ones (leading '_') last.
    Map<String, Object> fields = new TreeMap<>((a, b) -> key(a).compareTo(key(b)));
    for (Map.Entry<String, Object> f : layer.sublayersByField().entrySet()) {
      fields.put(snakeCase(f.getKey()), f.getValue());
    }
    for (Map.Entry<String, Object> f : fields.entrySet()) {
      if (f.getValue() instanceof Layer) {
        walk((Layer) f.getValue(), join(path, f.getKey()), visited, out);
      } else {
        @SuppressWarnings("unchecked")
        List<Layer> list = (List<Layer>) f.getValue();
        container(list, join(path, f.getKey()), visited, out);
      }
    }
  }

  private static String key(String name) {
    return name.startsWith("_") ? "~" + name : name;
  }

  private static void container(List<Layer> layers, String path, Set<Layer> visited, List<Entry> out) {
    Map<String, Integer> used = new HashMap<>();
    for (Layer l : layers) {
      String name = snakeCase(LayerRegistry.pathClassName(l));
      Integer n = used.get(name);
      if (n == null) {
        used.put(name, 0);
      } else {
        used.put(name, n + 1);
        name = name + "_" + (n + 1);
      }
      walk(l, join(path, name), visited, out);
    }
  }

  private static String join(String a, String b) {
    return a.isEmpty() ? b : a + "/" + b;
  }

  /** Keras's {@code naming.to_snake_case}: {@code MaxPooling2D} to {@code max_pooling2d}. */
  static String snakeCase(String name) {
    String s = name.replaceAll("\\W+", "");
    s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
    return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }
}
