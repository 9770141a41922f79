package dev.keraslite.models;

import dev.keraslite.layers.InputLayer;
import dev.keraslite.layers.KerasTensor;

/**
 * The start of a functional model or of an eagerly shaped {@link Sequential} (Keras's {@code
 * keras.Input}):
 *
 * <pre>{@code
 * KerasTensor x = Input.of(28, 28, 1);            // shape per example; the batch size stays open
 * KerasTensor h = new Flatten().apply(x);
 * KerasTensor y = new Dense(10).apply(h);
 * Model model = Model.of(x, y);
 * }</pre>
 */
public final class Input {
  private Input() {}

  /**
   * A symbolic input of {@code shape} per example (no batch dimension; {@code -1} for a size known
   * only at run time).
   */
  public static KerasTensor of(long... shape) {
    return new InputLayer(shape).output();
  }

  /** As {@link #of(long...)}, with the input layer named {@code name}. */
  public static KerasTensor of(String name, long... shape) {
    return new InputLayer(shape).name(name).output();
  }
}
