package dev.keraslite.layers;

import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the layers a layer holds in its fields, so that models need no registration (Keras's
 * attribute tracking). The fields worth reading are found once per class; their values are read on
 * every call, since fields can be reassigned.
 */
final class SublayerTracking {
  private static final ClassValue<List<Field>> FIELDS =
      new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
          return trackableFields(type);
        }
      };

  private SublayerTracking() {}

  /** The layers in {@code owner}'s fields, in field order (superclass fields first), each once. */
  static List<Layer> sublayersOf(Layer owner) {
    List<Layer> out = new ArrayList<>();
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.add(owner);
    for (Field f : FIELDS.get(owner.getClass())) {
      try {
        collect(f.get(owner), out, seen);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(owner + ": cannot read field " + f.getName(), e);
      }
    }
    return out;
  }

  /**
   * The layers in {@code owner}'s fields by field name: a field holding a layer maps to it, a field
   * holding a collection, map or array maps to the list of layers in it (for saving by object path,
   * where Keras names a single layer by its attribute and a container's layers by their class).
   */
  static Map<String, Object> sublayersByField(Layer owner) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Field f : FIELDS.get(owner.getClass())) {
      Object value;
      try {
        value = f.get(owner);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(owner + ": cannot read field " + f.getName(), e);
      }
      if (value instanceof Layer) {
        if (value != owner) {
          out.put(f.getName(), value);
        }
      } else if (value != null) {
        List<Layer> layers = new ArrayList<>();
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(owner);
        collect(value, layers, seen);
        if (!layers.isEmpty()) {
          out.put(f.getName(), layers);
        }
      }
    }
    return out;
  }

  private static void collect(Object value, List<Layer> out, Set<Object> seen) {
    if (value == null || !seen.add(value)) {
      return;
    }
    if (value instanceof Layer) {
      out.add((Layer) value);
    } else if (value instanceof Map) {
      for (Object v : ((Map<?, ?>) value).values()) {
        collect(v, out, seen);
      }
    } else if (value instanceof Collection) {
      // Only collections: some Iterables (java.nio.file.Path) iterate into themselves forever.
      for (Object v : (Collection<?>) value) {
        collect(v, out, seen);
      }
    } else if (value instanceof Object[]) {
      for (Object v : (Object[]) value) {
        collect(v, out, seen);
      }
    }
  }

  /**
   * The non-static, non-transient fields declared between {@code type} and {@link Layer} whose type
   * can hold a layer: a layer type, a supertype of Layer (Object), a collection, a map or an object
   * array.
   */
  private static List<Field> trackableFields(Class<?> type) {
    List<Class<?>> chain = new ArrayList<>();
    for (Class<?> c = type; c != null && c != Layer.class; c = c.getSuperclass()) {
      chain.add(0, c);
    }
    List<Field> fields = new ArrayList<>();
    for (Class<?> c : chain) {
      for (Field f : c.getDeclaredFields()) {
        int mod = f.getModifiers();
        Class<?> t = f.getType();
        boolean mayHoldLayer =
            Layer.class.isAssignableFrom(t)
                || t.isAssignableFrom(Layer.class)
                || Collection.class.isAssignableFrom(t)
                || Map.class.isAssignableFrom(t)
                || (t.isArray() && !t.getComponentType().isPrimitive());
        if (Modifier.isStatic(mod) || Modifier.isTransient(mod) || f.isSynthetic() || !mayHoldLayer) {
          continue;
        }
        try {
          f.setAccessible(true);
        } catch (InaccessibleObjectException e) {
          throw new IllegalStateException(
              "keras-lite tracks the layers held in fields of " + type.getName() + " but cannot read"
                  + " field " + f.getName() + ": open its package to keras-lite or mark the field"
                  + " transient",
              e);
        }
        fields.add(f);
      }
    }
    return List.copyOf(fields);
  }
}
