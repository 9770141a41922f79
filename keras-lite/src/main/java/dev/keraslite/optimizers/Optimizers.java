package dev.keraslite.optimizers;

import dev.keraslite.Identifiers;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** Optimizers by Keras name ({@code "adam"}, {@code "sgd"}, ...), with Keras 3 defaults. */
public final class Optimizers {
  private static final Map<String, Supplier<Optimizer>> BY_NAME = new LinkedHashMap<>();

  static {
    BY_NAME.put("sgd", SGD::new);
    BY_NAME.put("adam", Adam::new);
    BY_NAME.put("adamw", AdamW::new);
    BY_NAME.put("rmsprop", RMSprop::new);
    BY_NAME.put("adagrad", Adagrad::new);
    BY_NAME.put("adadelta", Adadelta::new);
    BY_NAME.put("adamax", Adamax::new);
    BY_NAME.put("nadam", Nadam::new);
  }

  private Optimizers() {}

  /**
   * A new optimizer with Keras's defaults for {@code name} (case-insensitive).
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static Optimizer get(String name) {
    Supplier<Optimizer> factory = name == null ? null : BY_NAME.get(name.toLowerCase(Locale.ROOT));
    if (factory == null) {
      throw Identifiers.unknown("optimizer", name, BY_NAME.keySet());
    }
    return factory.get();
  }
}
