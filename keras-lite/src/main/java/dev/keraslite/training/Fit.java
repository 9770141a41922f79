package dev.keraslite.training;

import dev.keraslite.KerasLite;
import dev.keraslite.callbacks.History;
import dev.keraslite.data.Dataset;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.index.Indices;

/** Turns {@code fit}'s array arguments into datasets: validation split, shuffling, batching. */
public final class Fit {
  private Fit() {}

  /**
   * Keras's {@code fit(x, y, ...)}: checks the arrays agree, holds out the last {@code
   * validationSplit} of the samples, shuffles (per epoch) and batches the rest.
   *
   * @throws IllegalArgumentException before any training when x and y disagree
   */
  public static History run(Trainer trainer, FloatNdArray x, NdArray<?> y, FitOptions options) {
    long n = x.shape().get(0);
    if (y == null || y.shape().numDimensions() == 0 || y.shape().get(0) != n) {
      throw new IllegalArgumentException(
          "fit: x holds " + n + " samples but y holds "
              + (y == null || y.shape().numDimensions() == 0 ? "none" : y.shape().get(0))
              + "; they must have the same first dimension");
    }
    long trainCount = n;
    Dataset validation = options.validationData();
    if (options.validationSplit() > 0) {
      if (validation != null) {
        throw new IllegalArgumentException("fit: give validationSplit or validationData, not both");
      }
      // Keras takes the validation samples from the end, before any shuffling.
      trainCount = (long) (n * (1 - options.validationSplit()));
      if (trainCount == 0 || trainCount == n) {
        throw new IllegalArgumentException(
            "fit: validationSplit " + options.validationSplit() + " of " + n
                + " samples leaves an empty training or validation set");
      }
      validation =
          dataset(x.slice(Indices.range(trainCount, n)), y.slice(Indices.range(trainCount, n)))
              .batch(options.batchSize());
    }
    Dataset train =
        trainCount == n
            ? dataset(x, y)
            : dataset(x.slice(Indices.range(0, trainCount)), y.slice(Indices.range(0, trainCount)));
    if (options.shuffle()) {
      train = train.shuffle(options.seed() != null ? options.seed() : KerasLite.drawSeed());
    }
    return trainer.fit(train.batch(options.batchSize()), validation, options);
  }

  /** {@code fit} on a dataset that already yields batches (x, y). */
  public static History run(Trainer trainer, Dataset batches, FitOptions options) {
    return trainer.fit(batches, options.validationData(), options);
  }

  /** Batches of {@code x} (and {@code y}, if not null) in order, the last one partial. */
  public static Dataset batches(FloatNdArray x, NdArray<?> y, int batchSize) {
    if (y != null && (y.shape().numDimensions() == 0 || y.shape().get(0) != x.shape().get(0))) {
      throw new IllegalArgumentException(
          "x holds " + x.shape().get(0) + " samples but y holds "
              + (y.shape().numDimensions() == 0 ? "none" : y.shape().get(0)));
    }
    return (y == null ? Dataset.of(x) : dataset(x, y)).batch(batchSize);
  }

  @SuppressWarnings("unchecked")
  private static Dataset dataset(FloatNdArray x, NdArray<?> y) {
    if (y instanceof IntNdArray) {
      return Dataset.of(x, (IntNdArray) y);
    }
    if (y instanceof FloatNdArray) {
      return Dataset.of(x, (FloatNdArray) y);
    }
    throw new IllegalArgumentException(
        "fit: targets must be int32 (class indices) or float32, got " + y.getClass().getSimpleName());
  }
}
