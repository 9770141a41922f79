package dev.keraslite.metrics;

import dev.keraslite.Identifiers;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Keras's string identifiers for metrics, as accepted by {@code keras.metrics.get}. */
public final class Metrics {
  private static final Map<String, Supplier<Metric>> BY_NAME = new TreeMap<>();

  static {
    register(Accuracy::new, "accuracy", "acc", "Accuracy");
    register(BinaryAccuracy::new, "binary_accuracy", "BinaryAccuracy");
    register(CategoricalAccuracy::new, "categorical_accuracy", "CategoricalAccuracy");
    register(
        SparseCategoricalAccuracy::new,
        "sparse_categorical_accuracy", "SparseCategoricalAccuracy");
    register(
        TopKCategoricalAccuracy::new, "top_k_categorical_accuracy", "TopKCategoricalAccuracy");
    register(
        SparseTopKCategoricalAccuracy::new,
        "sparse_top_k_categorical_accuracy", "SparseTopKCategoricalAccuracy");
    register(MeanSquaredError::new, "mean_squared_error", "mse", "MSE", "MeanSquaredError");
    register(MeanAbsoluteError::new, "mean_absolute_error", "mae", "MAE", "MeanAbsoluteError");
    register(
        RootMeanSquaredError::new, "root_mean_squared_error", "RootMeanSquaredError");
    register(Precision::new, "precision", "Precision");
    register(Recall::new, "recall", "Recall");
    register(AUC::new, "auc", "AUC");
    register(Mean::new, "mean", "Mean");
    register(Sum::new, "sum", "Sum");
  }

  private Metrics() {}

  private static void register(Supplier<Metric> factory, String... names) {
    for (String name : names) {
      BY_NAME.put(name, factory);
    }
  }

  /**
   * A new metric with Keras's defaults (its state created on first use) for a Keras identifier:
   * a snake-case name such as {@code "sparse_categorical_accuracy"}, an alias such as {@code "mse"},
   * or a class name such as {@code "AUC"}. {@code "accuracy"} gives {@link Accuracy}, as {@code
   * keras.metrics.get} does ({@code compile} may pick a more specific accuracy from the loss).
   *
   * @throws IllegalArgumentException for an unknown identifier, listing the known ones
   */
  public static Metric get(String identifier) {
    Supplier<Metric> factory = identifier == null ? null : BY_NAME.get(identifier);
    if (factory == null) {
      throw Identifiers.unknown("metric", identifier, BY_NAME.keySet());
    }
    return factory.get();
  }
}
