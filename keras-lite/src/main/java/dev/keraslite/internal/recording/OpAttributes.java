package dev.keraslite.internal.recording;

import java.util.Arrays;

/**
 * The attributes set on one op's builder, in a pair of small arrays: an op has a handful, and a
 * hash map per recorded op would cost more than the lookups it saves.
 */
final class OpAttributes {
  private String[] names = new String[4];
  private Object[] values = new Object[4];
  private int size;

  void put(String name, Object value) {
    for (int i = 0; i < size; i++) {
      if (names[i].equals(name)) {
        values[i] = value;
        return;
      }
    }
    if (size == names.length) {
      names = Arrays.copyOf(names, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    names[size] = name;
    values[size] = value;
    size++;
  }

  /** The value set for {@code name}, or null. */
  Object get(String name) {
    for (int i = 0; i < size; i++) {
      if (names[i].equals(name)) {
        return values[i];
      }
    }
    return null;
  }
}
