package dev.keraslite;

import java.util.Collection;
import java.util.TreeSet;

/**
 * The one error every registry of Keras string identifiers ({@code Activations.get}, {@code
 * Initializers.get}, {@code Optimizers.get}, {@code Losses.get}, {@code Metrics.get}, {@code
 * Regularizers.get}, {@code Constraints.get}) gives for a name it does not know, so that a typo reads
 * the same wherever it is made.
 */
public final class Identifiers {
  private Identifiers() {}

  /**
   * {@code IllegalArgumentException("Unknown activation 'relux'; valid: elu, gelu, linear, ...")}:
   * the kind of object, the name as given and the valid names, sorted and without duplicates.
   *
   * @param kind what was looked up, in lower case ({@code "activation"}, {@code "loss"})
   * @param name the unknown name (may be null)
   * @param validNames every name the registry accepts
   */
  public static IllegalArgumentException unknown(String kind, String name, Collection<String> validNames) {
    return new IllegalArgumentException(
        "Unknown " + kind + " '" + name + "'; valid: " + String.join(", ", new TreeSet<>(validNames)));
  }
}
