package dev.keraslite.training.internal;

import dev.keraslite.data.Batch;
import dev.keraslite.data.Dataset;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * {@code fit}'s epochs under {@code stepsPerEpoch}: each iteration (an epoch) takes the next {@code
 * steps} batches of one pass over the data, which continues from epoch to epoch as Keras's epoch
 * iterator does, so that a repeating dataset is not restarted (and reshuffled from its start) at
 * every epoch. An epoch the data ends in is shorter; {@link
 * #exhausted()} says no batch is left for the next.
 */
final class StepsPerEpoch implements Iterable<Batch> {
  private final Dataset data;
  private final long steps;
  private Iterator<Batch> pass;

  StepsPerEpoch(Dataset data, long steps) {
    this.data = data;
    this.steps = steps;
  }

  /** Whether the pass has ended: no batch is left for another epoch. */
  boolean exhausted() {
    return pass != null && !pass.hasNext();
  }

  @Override
  public Iterator<Batch> iterator() {
    if (pass == null) {
      pass = data.iterator();
    }
    return new Iterator<>() {
      private long taken;

      @Override
      public boolean hasNext() {
        if (taken >= steps) {
          return false;
        }
        return pass.hasNext();
      }

      @Override
      public Batch next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        taken++;
        return pass.next();
      }
    };
  }
}
