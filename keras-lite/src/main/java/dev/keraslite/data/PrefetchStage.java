package dev.keraslite.data;

import java.util.Iterator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code tf.data}'s {@code prefetch(buffer_size)}: a producer thread runs the upstream pipeline
 * (its shuffles, maps and batch stacking) ahead of the consumer, holding at most {@code
 * bufferSize} finished elements, so host-side preparation overlaps the training step that consumes
 * the previous element. Elements stay host arrays; tensors are made on the iterating thread.
 */
final class PrefetchStage implements Pipeline {
  /** How often a producer blocked on a full buffer checks whether its pass was abandoned. */
  private static final long POLL_MILLIS = 100;

  private static final Object END = new Object();

  private record Failure(Throwable cause) {}

  private final Pipeline upstream;
  private final int bufferSize;

  PrefetchStage(Pipeline upstream, int bufferSize) {
    this.upstream = upstream;
    this.bufferSize = bufferSize;
  }

  @Override
  public Iterator<Element> iterator() {
    BlockingQueue<Object> queue = new ArrayBlockingQueue<>(bufferSize);
    AtomicBoolean abandoned = new AtomicBoolean();
    Thread producer =
        BackgroundPass.daemonThreads("keras-lite-prefetch")
            .newThread(
                () -> {
                  try {
                    Iterator<Element> in = upstream.iterator();
                    while (in.hasNext()) {
                      if (!put(queue, in.next(), abandoned)) {
                        return;
                      }
                    }
                    put(queue, END, abandoned);
                  } catch (Throwable t) { // handed to the consumer, which rethrows it
                    put(queue, new Failure(t), abandoned);
                  }
                });
    Iterator<Element> out =
        new Lookahead<>() {
          @Override
          protected Element advance() {
            Object next;
            try {
              next = queue.take();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException("Dataset.prefetch: interrupted while waiting for an element", e);
            }
            if (next == END) {
              return null;
            }
            if (next instanceof Failure f) {
              throw BackgroundPass.rethrow(f.cause(), "prefetch");
            }
            return (Element) next;
          }
        };
    BackgroundPass.stopWhenUnreachable(out, () -> abandoned.set(true));
    producer.start();
    return out;
  }

  /** Waits for room in the buffer; false if the pass was abandoned meanwhile. */
  private static boolean put(BlockingQueue<Object> queue, Object item, AtomicBoolean abandoned) {
    try {
      while (!abandoned.get()) {
        if (queue.offer(item, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public long cardinality() {
    return upstream.cardinality();
  }
}
