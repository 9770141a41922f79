package dev.keraslite.training.internal;

import dev.keraslite.training.FitOptions;
import dev.keraslite.KerasLite;
import dev.keraslite.data.Dataset;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.index.Indices;

/**
 * {@code fit}'s array arguments as datasets: the validation split (taken from the end, before any
 * shuffling, as Keras does), shuffling and batching.
 */
record FitData(
    Dataset train, Dataset validation, WeightedTargets packing, WeightedTargets validationPacking) {

  /** The training batches and the validation batches (or {@code options.validationData()}). */
  static FitData of(FloatNdArray x, NdArray<?> y, FitOptions options) {
    return of(x, y, options, options.seed());
  }

  /** As above, shuffling with {@code seed} (null: a fresh one) rather than the options' seed. */
  static FitData of(FloatNdArray x, NdArray<?> y, FitOptions options, Long seed) {
    long n = x.shape().get(0);
    if (y == null || y.shape().numDimensions() == 0 || y.shape().get(0) != n) {
      throw new IllegalArgumentException(
          "fit: x holds " + n + " samples but y holds "
              + (y == null || y.shape().numDimensions() == 0 ? "none" : y.shape().get(0))
              + "; they must have the same first dimension");
    }
    WeightedTargets packing = null;
    if (options.sampleWeight() != null) {
      WeightedTargets.Packed packed = WeightedTargets.pack("fit", y, options.sampleWeight());
      y = packed.y();
      packing = packed.packing();
    }
    long trainCount = n;
    Dataset validation = validation(options);
    WeightedTargets validationPacking = null;
    if (options.validationSplit() > 0) {
      if (validation != null) {
        throw new IllegalArgumentException("fit: give validationSplit or validationData, not both");
      }
      trainCount = (long) (n * (1 - options.validationSplit()));
      if (trainCount == 0 || trainCount == n) {
        throw new IllegalArgumentException(
            "fit: validationSplit " + options.validationSplit() + " of " + n
                + " samples leaves an empty training or validation set");
      }
      validation =
          dataset(x.slice(Indices.range(trainCount, n)), y.slice(Indices.range(trainCount, n)))
              .batch(options.batchSize());
      // As Keras: the held-out samples keep their weights, and the validation loss uses them.
      validationPacking = packing;
    }
    Dataset train =
        trainCount == n
            ? dataset(x, y)
            : dataset(x.slice(Indices.range(0, trainCount)), y.slice(Indices.range(0, trainCount)));
    if (options.shuffle()) {
      // Keras's fit shuffles the whole array each epoch: a buffer as large as the training set.
      train = train.shuffle(
          (int) Math.min(trainCount, Integer.MAX_VALUE), seed != null ? seed : KerasLite.drawSeed());
    }
    return new FitData(train.batch(options.batchSize()), validation, packing, validationPacking);
  }

  /**
   * {@code options}' validation data as batches: its arrays (converted as fit's are) in batches of
   * the fit's batch size, or its dataset, batched with that size when it is not batched; or null.
   */
  static Dataset validation(FitOptions options) {
    if (options.validationX() != null) {
      FloatNdArray vx = ArrayInputs.features("fit", "validationData x", options.validationX());
      NdArray<?> vy = ArrayInputs.targets("fit", "validationData y", options.validationY());
      return batches(vx, vy, options.batchSize());
    }
    Dataset data = options.validationData();
    return data == null || data.isBatched() ? data : data.batch(options.batchSize());
  }

  /** {@code x} (and {@code y}, when not null) in batches of {@code batchSize}, in order. */
  static Dataset batches(FloatNdArray x, NdArray<?> y, int batchSize) {
    if (y != null && (y.shape().numDimensions() == 0 || y.shape().get(0) != x.shape().get(0))) {
      throw new IllegalArgumentException(
          "x holds " + x.shape().get(0) + " samples but y holds "
              + (y.shape().numDimensions() == 0 ? "none" : y.shape().get(0)));
    }
    return (y == null ? Dataset.of(x) : dataset(x, y)).batch(batchSize);
  }

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
