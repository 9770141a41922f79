package dev.keraslite.training.internal;

import dev.keraslite.data.Batch;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code fit}'s batches of in-memory arrays, made on a background thread while the steps run, as
 * Keras's {@code fit} prefetches the {@code tf.data} pipeline it builds over arrays. Stacking a
 * shuffled batch (copying its rows from the arrays into new tensors) took 40-60 µs per MNIST step
 * on the thread that runs the steps, whose {@code Session.run} leaves most of the second core idle
 * on a two-core machine.
 *
 * <p>Each pass ({@link #iterator()}) has its own producer thread, a daemon, and holds at most
 * {@code capacity} batches in native memory. Close the pass when leaving it, at its end or before:
 * the producer stops and the batches it made but nobody took are closed. A failure while making a
 * batch (bad data) is rethrown on the consuming thread when it reaches that batch, as the same
 * exception.
 */
final class PrefetchedBatches implements Iterable<Batch> {
  private final Iterable<Batch> source;
  private final int capacity;

  /** {@code source}'s batches, at most {@code capacity} (at least 1) made ahead. */
  PrefetchedBatches(Iterable<Batch> source, int capacity) {
    this.source = source;
    this.capacity = Math.max(1, capacity);
  }

  @Override
  public Pass iterator() {
    return new Pass(source.iterator(), capacity);
  }

  /** One pass: a producer thread and the queue of batches it made. */
  static final class Pass implements Iterator<Batch>, AutoCloseable {
    private static final Object END = new Object();

    private record Failure(Throwable cause) {}

    private final BlockingQueue<Object> queue;
    private final Thread producer;
    private volatile boolean stopped;
    /** The item taken from the queue and not yet handed out, or null. */
    private Object next;

    Pass(Iterator<Batch> in, int capacity) {
      queue = new ArrayBlockingQueue<>(capacity);
      producer =
          new Thread(
              () -> {
                try {
                  while (!stopped && in.hasNext()) {
                    Batch batch = in.next();
                    if (!put(batch)) {
                      batch.close();
                      return;
                    }
                  }
                  put(END);
                } catch (Throwable t) { // handed to the consumer, which rethrows it
                  put(new Failure(t));
                }
              },
              "keras-lite-fit-prefetch");
      producer.setDaemon(true);
      producer.start();
    }

    /** Queues {@code item} unless the pass is stopped first; false if it was not queued. */
    private boolean put(Object item) {
      try {
        while (!stopped) {
          if (queue.offer(item, 10, TimeUnit.MILLISECONDS)) {
            return true;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return false;
    }

    @Override
    public boolean hasNext() {
      if (next == null) {
        try {
          next = queue.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("fit: interrupted while waiting for the next batch", e);
        }
      }
      if (next instanceof Failure failure) {
        next = END; // the pass ends with the failure
        Throwable cause = failure.cause();
        cause.addSuppressed(
            new IllegalStateException("made on fit's prefetch thread, rethrown on the training thread"));
        if (cause instanceof RuntimeException r) {
          throw r;
        }
        if (cause instanceof Error e) {
          throw e;
        }
        throw new IllegalStateException("fit: " + cause, cause);
      }
      return next != END;
    }

    @Override
    public Batch next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Batch batch = (Batch) next;
      next = null;
      return batch;
    }

    /** Stops the producer and closes the batches made but not taken. */
    @Override
    public void close() {
      stopped = true;
      try {
        producer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (next instanceof Batch batch) {
        batch.close();
      }
      next = END;
      for (Object item : queue) {
        if (item instanceof Batch batch) {
          batch.close();
        }
      }
      queue.clear();
    }
  }
}
