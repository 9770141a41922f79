package dev.keraslite.losses;

import dev.keraslite.Identifiers;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Keras's string identifiers for losses, as accepted by {@code keras.losses.get}. */
public final class Losses {
  private static final Map<String, Supplier<Loss>> BY_NAME = new TreeMap<>();

  static {
    register(MeanSquaredError::new, "mean_squared_error", "mse", "MSE", "MeanSquaredError");
    register(MeanAbsoluteError::new, "mean_absolute_error", "mae", "MAE", "MeanAbsoluteError");
    register(
        MeanAbsolutePercentageError::new,
        "mean_absolute_percentage_error", "mape", "MAPE", "MeanAbsolutePercentageError");
    register(
        MeanSquaredLogarithmicError::new,
        "mean_squared_logarithmic_error", "msle", "MSLE", "MeanSquaredLogarithmicError");
    register(Huber::new, "huber", "Huber");
    register(LogCosh::new, "log_cosh", "LogCosh");
    register(BinaryCrossentropy::new, "binary_crossentropy", "bce", "BCE", "BinaryCrossentropy");
    register(
        CategoricalCrossentropy::new, "categorical_crossentropy", "CategoricalCrossentropy");
    register(
        SparseCategoricalCrossentropy::new,
        "sparse_categorical_crossentropy", "SparseCategoricalCrossentropy");
    register(
        KLDivergence::new, "kl_divergence", "kld", "KLD", "KLDivergence");
    register(Poisson::new, "poisson", "Poisson");
    register(Hinge::new, "hinge", "Hinge");
    register(CosineSimilarity::new, "cosine_similarity", "CosineSimilarity");
  }

  private Losses() {}

  private static void register(Supplier<Loss> factory, String... names) {
    for (String name : names) {
      BY_NAME.put(name, factory);
    }
  }

  /**
   * A new loss with Keras's defaults for a Keras identifier: a function name such as {@code
   * "sparse_categorical_crossentropy"}, an alias such as {@code "mse"} or {@code "MSE"}, or a class name such as
   * {@code "MeanSquaredError"}.
   *
   * @throws IllegalArgumentException for an unknown identifier, listing the known ones
   */
  public static Loss get(String identifier) {
    Supplier<Loss> factory = identifier == null ? null : BY_NAME.get(identifier);
    if (factory == null) {
      throw Identifiers.unknown("loss", identifier, BY_NAME.keySet());
    }
    return factory.get();
  }
}
