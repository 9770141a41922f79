package dev.keraslite.data;

import dev.keraslite.KerasLite;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;

/**
 * A small {@code tf.data.Dataset}: samples held on the Java heap, transformed lazily by {@link
 * #shuffle}, {@link #batch}, {@link #map}, {@link #repeat}, {@link #take}, {@link #skip} and
 * {@link #prefetch}, and
 * handed out one element at a time as TensorFlow tensors; {@link #prefetch} and a parallel {@link
 * #map(Function, int)} move that host work to background threads.
 *
 * <pre>{@code
 * Dataset train = Dataset.of(data.xTrain(), data.yTrain()).shuffle(60_000, 42).batch(50);
 * for (int epoch = 0; epoch < 5; epoch++) {
 *   for (Batch batch : train) {          // a new order each epoch
 *     try (batch) {
 *       Operand<TFloat32> x = tf.constantOf(batch.x());   // [50, 28, 28]
 *       Operand<TInt32> y = tf.constantOf((TInt32) batch.y());
 *       ...
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p><b>Semantics</b> follow {@code tf.data}: each method returns a new dataset that applies its
 * transformation to the elements of this one, in call order. Before {@code batch} the elements are
 * single samples; after it they are batches {@code [B, ...]}, so {@code map} sees whichever the
 * pipeline holds at that point, {@code take(n)} after {@code batch} takes {@code n} batches, and
 * {@code shuffle} after {@code batch} shuffles whole batches.
 *
 * <p><b>Memory.</b> Samples stay on the Java heap (the arrays given, referenced without a copy; a
 * TensorFlow tensor given as an array is copied once, since its native memory belongs to the
 * caller). Native memory is allocated only when iteration hands out a {@link Batch}; the consumer
 * closes it, so a training loop holds one batch of native memory at a time. Iteration is lazy;
 * without {@link #prefetch} or a parallel map it is single-threaded and nothing is prepared ahead.
 *
 * <p>Do not modify the arrays a dataset was built from while it is in use.
 */
public final class Dataset implements Iterable<Batch> {
  /** {@link #cardinality()} of a dataset that never ends ({@link #repeat()}), as in tf.data. */
  public static final long INFINITE_CARDINALITY = -1;

  /** {@code tf.data.AUTOTUNE}: let the dataset choose a parallelism or buffer size. */
  public static final int AUTOTUNE = -1;

  private final Pipeline pipeline;
  /** Whether a {@link #batch} is in the chain that made this dataset. */
  private final boolean batched;

  private Dataset(Pipeline pipeline) {
    this(pipeline, false);
  }

  private Dataset(Pipeline pipeline, boolean batched) {
    this.pipeline = pipeline;
    this.batched = batched;
  }

  /**
   * Features only, for {@code predict}: sample {@code i} is {@code x[i]}. A tensor ({@code
   * TFloat32}) is copied to the heap once; other arrays are referenced.
   */
  public static Dataset of(FloatNdArray x) {
    return new Dataset(new ArraySource(features(x), null));
  }

  /** Features with int32 labels (class indices); {@code x} and {@code y} must have as many rows. */
  public static Dataset of(FloatNdArray x, IntNdArray y) {
    FloatNdArray xs = features(x);
    IntNdArray ys = y instanceof Tensor ? copy(y) : y;
    checkLabels(xs, ys);
    return new Dataset(new ArraySource(xs, ys));
  }

  /** Features with float32 labels (one-hot vectors, regression targets). */
  public static Dataset of(FloatNdArray x, FloatNdArray y) {
    FloatNdArray xs = features(x);
    FloatNdArray ys = y instanceof Tensor ? copy(y) : y;
    checkLabels(xs, ys);
    return new Dataset(new ArraySource(xs, ys));
  }

  /** Rows of {@code x} as samples, features only (copied into one array). */
  public static Dataset of(float[][] x) {
    return of(matrix(x));
  }

  /** Rows of {@code x} with one int32 label each, shape {@code [N]}. */
  public static Dataset of(float[][] x, int[] y) {
    if (y == null) {
      throw new IllegalArgumentException(
          "Dataset.of: y is null; use Dataset.of(x) for features only");
    }
    return of(matrix(x), NdArrays.vectorOf(y));
  }

  /** Rows of {@code x} with a float32 label row each, such as {@code y = {{10}, {20}}}. */
  public static Dataset of(float[][] x, float[][] y) {
    return of(matrix(x), matrix(y));
  }

  /**
   * {@code tf.data}'s {@code shuffle(buffer_size)}: elements are drawn at random from a buffer of the
   * next {@code bufferSize} elements, a new order on each pass. The seed is drawn from {@link
   * KerasLite#drawSeed()} when this is called, so {@link KerasLite#setRandomSeed} makes the orders
   * reproducible; pass one with {@link #shuffle(int, long)}. A buffer at least as large as the
   * dataset ({@code shuffle((int) ds.cardinality())}) gives a uniform permutation.
   */
  public Dataset shuffle(int bufferSize) {
    return shuffle(bufferSize, KerasLite.drawSeed(), true);
  }

  /** {@code tf.data}'s {@code shuffle(buffer_size, seed)}, reshuffling each pass. */
  public Dataset shuffle(int bufferSize, long seed) {
    return shuffle(bufferSize, seed, true);
  }

  /**
   * {@code tf.data}'s {@code shuffle(buffer_size, seed, reshuffle_each_iteration)}: elements are
   * drawn at random from a buffer of the next {@code bufferSize} elements (a buffer as large as the
   * dataset gives a uniform permutation; 1 keeps the order). With {@code reshuffleEachIteration}
   * false every pass has the same order.
   */
  public Dataset shuffle(int bufferSize, long seed, boolean reshuffleEachIteration) {
    if (bufferSize < 1) {
      throw new IllegalArgumentException(
          "Dataset.shuffle: bufferSize must be at least 1, got " + bufferSize);
    }
    return new Dataset(new ShuffleStage(pipeline, bufferSize, seed, reshuffleEachIteration), batched);
  }

  /** Stacks consecutive elements into batches of {@code batchSize}; the last may be smaller. */
  public Dataset batch(int batchSize) {
    return batch(batchSize, false);
  }

  /** As {@link #batch(int)}; with {@code dropRemainder} a last, smaller batch is dropped. */
  public Dataset batch(int batchSize, boolean dropRemainder) {
    if (batchSize < 1) {
      throw new IllegalArgumentException(
          "Dataset.batch: batchSize must be at least 1, got " + batchSize);
    }
    return new Dataset(new BatchStage(pipeline, batchSize, dropRemainder), true);
  }

  /**
   * Applies {@code fn} to every element, lazily on each pass, on the iterating thread. The function
   * works on host arrays ({@link Element}): before {@link #batch} it receives one sample at a time,
   * after it one batch {@code [B, ...]}, as {@code tf.data}'s {@code map} does. It may change
   * shapes and label types (one-hot labels, say) as long as the elements of a batch agree.
   */
  public Dataset map(Function<Element, Element> fn) {
    if (fn == null) {
      throw new IllegalArgumentException("Dataset.map: the function is null");
    }
    return new Dataset(new MapStage(pipeline, fn), batched);
  }

  /**
   * As {@link #map(Function)}, with up to {@code numParallelCalls} calls of {@code fn} running at
   * once on worker threads ({@code tf.data}'s {@code num_parallel_calls}; {@link #AUTOTUNE} uses one
   * per processor). Elements keep their order, as with {@code tf.data}'s default {@code
   * deterministic=True}; {@code fn} must be safe to call from several threads at once (a function
   * of its element alone is). What {@code fn} throws is rethrown by the iteration, unchanged.
   */
  public Dataset map(Function<Element, Element> fn, int numParallelCalls) {
    if (fn == null) {
      throw new IllegalArgumentException("Dataset.map: the function is null");
    }
    int parallelism = numParallelCalls == AUTOTUNE ? Runtime.getRuntime().availableProcessors() : numParallelCalls;
    if (parallelism < 1) {
      throw new IllegalArgumentException(
          "Dataset.map: numParallelCalls must be at least 1 or AUTOTUNE, got " + numParallelCalls);
    }
    return new Dataset(parallelism == 1 ? new MapStage(pipeline, fn) : new ParallelMapStage(pipeline, fn, parallelism), batched);
  }

  /**
   * Prepares up to {@code bufferSize} elements ahead on a background thread ({@code tf.data}'s
   * {@code prefetch}; {@link #AUTOTUNE} keeps 2): the shuffles, maps and batch stacking before it
   * run while the consumer trains on the previous element. Usually the last call: {@code
   * ds.shuffle(...).batch(32).prefetch(AUTOTUNE)}. Elements are host arrays until iteration makes
   * them a {@link Batch} on the iterating thread; a pass left before its end stops its thread once
   * the iterator is garbage.
   */
  public Dataset prefetch(int bufferSize) {
    int size = bufferSize == AUTOTUNE ? 2 : bufferSize;
    if (size < 1) {
      throw new IllegalArgumentException(
          "Dataset.prefetch: bufferSize must be at least 1 or AUTOTUNE, got " + bufferSize);
    }
    return new Dataset(new PrefetchStage(pipeline, size), batched);
  }

  /** Repeats this dataset forever; each repetition is a new pass (a shuffle reshuffles). */
  public Dataset repeat() {
    return new Dataset(new RepeatStage(pipeline, -1), batched);
  }

  /** Repeats this dataset {@code count} times; {@code -1} repeats forever, as in tf.data. */
  public Dataset repeat(long count) {
    if (count < -1) {
      throw new IllegalArgumentException(
          "Dataset.repeat: count must be >= 0, or -1 for forever; got " + count);
    }
    return new Dataset(new RepeatStage(pipeline, count), batched);
  }

  /** The first {@code count} elements; {@code -1} takes all, as in tf.data. */
  public Dataset take(long count) {
    if (count < -1) {
      throw new IllegalArgumentException(
          "Dataset.take: count must be >= 0, or -1 for all; got " + count);
    }
    return count == -1 ? this : new Dataset(new TakeStage(pipeline, count), batched);
  }

  /**
   * This dataset without its first {@code count} elements; {@code -1} skips all, as in tf.data.
   * With {@link #take} it splits a dataset: {@code take(n)} and {@code skip(n)}.
   */
  public Dataset skip(long count) {
    if (count < -1) {
      throw new IllegalArgumentException(
          "Dataset.skip: count must be >= 0, or -1 for all; got " + count);
    }
    if (count == -1 && cardinality() == INFINITE_CARDINALITY) {
      throw new IllegalArgumentException(
          "Dataset.skip(-1): skipping all of an infinite dataset never ends");
    }
    return count == 0 ? this : new Dataset(new SkipStage(pipeline, count), batched);
  }

  /**
   * Whether {@link #batch} made this dataset's elements (or those it was derived from by shuffle,
   * map, repeat, ...): {@code fit} batches a dataset that is not, with its batch size.
   */
  public boolean isBatched() {
    return batched;
  }

  /**
   * The number of elements of one pass (batches after {@link #batch}), or {@link
   * #INFINITE_CARDINALITY}. Every transformation here preserves a known count, so it is always
   * known.
   */
  public long cardinality() {
    return pipeline.cardinality();
  }

  /**
   * A new pass over the dataset; each element becomes a {@link Batch} of new tensors when {@code
   * next()} is called, which the caller closes.
   */
  @Override
  public Iterator<Batch> iterator() {
    Iterator<Element> elements = pipeline.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return elements.hasNext();
      }

      @Override
      public Batch next() {
        return elements.next().toBatch();
      }
    };
  }

  /** The elements on the host, without tensors: each {@code iterator()} call is a new pass. */
  public Iterable<Element> elements() {
    return pipeline::iterator;
  }

  /**
   * Draws {@code batchSize} samples uniformly <em>with replacement</em>, as the tutorial's {@code
   * MNISTLoader.get_batch} does with {@code np.random.randint(0, N, batch_size)}: sample indices
   * are {@code random.nextInt(N)} in turn. Works on the dataset built from arrays and on {@link
   * #map}s of it (applied to the drawn samples); not after shuffle, batch, repeat, take or skip,
   * which have no meaning for independent draws.
   *
   * <pre>{@code
   * Random random = new Random(0);
   * try (Batch batch = train.sampleBatch(random, 50)) { ... }
   * }</pre>
   */
  public Batch sampleBatch(RandomGenerator random, int batchSize) {
    if (!pipeline.randomAccess()) {
      throw new IllegalStateException(
          "Dataset.sampleBatch draws from the samples themselves: call it on the dataset made by"
              + " Dataset.of(...) (maps allowed), not after shuffle, batch, repeat, take or skip");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException(
          "Dataset.sampleBatch: batchSize must be at least 1, got " + batchSize);
    }
    int count = Math.toIntExact(pipeline.cardinality());
    if (count == 0) {
      throw new IllegalStateException("Dataset.sampleBatch: the dataset has no samples");
    }
    List<Element> samples = new ArrayList<>(batchSize);
    for (int i = 0; i < batchSize; i++) {
      samples.add(pipeline.get(random.nextInt(count)));
    }
    return Element.stack(samples, "Dataset.sampleBatch").toBatch();
  }

  @Override
  public String toString() {
    long count = cardinality();
    return "Dataset(cardinality=" + (count == INFINITE_CARDINALITY ? "infinite" : count) + ")";
  }

  private static FloatNdArray features(FloatNdArray x) {
    if (x == null) {
      throw new IllegalArgumentException("Dataset.of: x is null");
    }
    if (x.rank() == 0) {
      throw new IllegalArgumentException(
          "Dataset.of: x must have a leading sample dimension, got a scalar");
    }
    return x instanceof Tensor ? copy(x) : x;
  }

  private static void checkLabels(FloatNdArray x, NdArray<?> y) {
    if (y == null) {
      throw new IllegalArgumentException(
          "Dataset.of: y is null; use Dataset.of(x) for features only");
    }
    if (y.rank() == 0) {
      throw new IllegalArgumentException(
          "Dataset.of: y must have a leading sample dimension, got a scalar");
    }
    long xCount = x.shape().get(0);
    long yCount = y.shape().get(0);
    if (xCount != yCount) {
      throw new IllegalArgumentException(
          "Dataset.of: x has "
              + xCount
              + " samples (shape "
              + x.shape()
              + ") but y has "
              + yCount
              + " (shape "
              + y.shape()
              + "); x and y need the same number of samples");
    }
  }

  private static FloatNdArray matrix(float[][] rows) {
    if (rows == null) {
      throw new IllegalArgumentException("Dataset.of: array is null");
    }
    int width = rows.length == 0 ? 0 : rows[0].length;
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != width) {
        throw new IllegalArgumentException(
            "Dataset.of: row "
                + i
                + " has "
                + rows[i].length
                + " values but row 0 has "
                + width
                + "; rows must have the same length");
      }
    }
    FloatNdArray result = NdArrays.ofFloats(Shape.of(rows.length, width));
    StdArrays.copyTo(rows, result);
    return result;
  }

  private static FloatNdArray copy(FloatNdArray tensor) {
    FloatNdArray copy = NdArrays.ofFloats(tensor.shape());
    tensor.copyTo(copy);
    return copy;
  }

  private static IntNdArray copy(IntNdArray tensor) {
    IntNdArray copy = NdArrays.ofInts(tensor.shape());
    tensor.copyTo(copy);
    return copy;
  }
}
