package dev.keraslite.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code tf.data}'s buffered shuffle: fill a buffer with the first {@code bufferSize} elements,
 * then repeatedly emit a uniformly chosen buffered element and put the next upstream element in its
 * place. A buffer at least as large as the upstream gives a uniform permutation; a buffer of 1
 * keeps the order.
 *
 * <p>Pass {@code k} (the {@code k}-th call to {@link #iterator()}) draws from a generator seeded
 * with {@code (seed, k)} when reshuffling each iteration, and with {@code (seed, 0)} otherwise, so
 * the sequence of orders is a function of the seed alone.
 */
final class ShuffleStage implements Pipeline {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private final Pipeline upstream;
  private final int bufferSize;
  private final long seed;
  private final boolean reshuffleEachIteration;
  private final AtomicLong passes = new AtomicLong();

  ShuffleStage(Pipeline upstream, int bufferSize, long seed, boolean reshuffleEachIteration) {
    this.upstream = upstream;
    this.bufferSize = bufferSize;
    this.seed = seed;
    this.reshuffleEachIteration = reshuffleEachIteration;
  }

  @Override
  public Iterator<Element> iterator() {
    long pass = passes.getAndIncrement();
    SplittableRandom random = new SplittableRandom(passSeed(reshuffleEachIteration ? pass : 0));
    Iterator<Element> in = upstream.iterator();
    return new Lookahead<>() {
      private final List<Element> buffer =
          new ArrayList<>((int) Math.min(bufferSize, Math.max(0, upstream.cardinality())));

      @Override
      protected Element advance() {
        while (buffer.size() < bufferSize && in.hasNext()) {
          buffer.add(in.next());
        }
        if (buffer.isEmpty()) {
          return null;
        }
        int chosen = random.nextInt(buffer.size());
        Element result = buffer.get(chosen);
        Element last = buffer.remove(buffer.size() - 1);
        if (chosen < buffer.size()) {
          buffer.set(chosen, last);
        }
        return result;
      }
    };
  }

  /** SplitMix64's finalizer over the seed and the pass number: distinct, well-mixed seeds. */
  private long passSeed(long pass) {
    long z = seed + (pass + 1) * GOLDEN_GAMMA;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public long cardinality() {
    return upstream.cardinality();
  }
}
