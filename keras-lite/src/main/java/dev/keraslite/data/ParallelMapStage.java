package dev.keraslite.data;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * {@code tf.data}'s {@code map(fn, num_parallel_calls)} with its default {@code deterministic=True}:
 * up to {@code parallelism} calls of {@code fn} run at once on worker threads, and the elements
 * come out in upstream order. The upstream is read on the iterating thread; only {@code fn} runs
 * on the workers, so it must be safe to call concurrently (a function of its element alone is).
 */
final class ParallelMapStage implements Pipeline {
  private final Pipeline upstream;
  private final MapStage sequential;
  private final int parallelism;

  ParallelMapStage(Pipeline upstream, Function<Element, Element> fn, int parallelism) {
    this.upstream = upstream;
    this.sequential = new MapStage(upstream, fn);
    this.parallelism = parallelism;
  }

  @Override
  public Iterator<Element> iterator() {
    ExecutorService workers =
        Executors.newFixedThreadPool(parallelism, BackgroundPass.daemonThreads("keras-lite-map"));
    Iterator<Element> in = upstream.iterator();
    Deque<Future<Element>> inFlight = new ArrayDeque<>(parallelism);
    Iterator<Element> out =
        new Lookahead<>() {
          @Override
          protected Element advance() {
            while (inFlight.size() < parallelism && in.hasNext()) {
              Element element = in.next();
              inFlight.add(workers.submit(() -> sequential.apply(element)));
            }
            Future<Element> first = inFlight.poll();
            if (first == null) {
              workers.shutdown();
              return null;
            }
            try {
              return first.get();
            } catch (ExecutionException e) {
              workers.shutdownNow();
              throw BackgroundPass.rethrow(e.getCause(), "map");
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              workers.shutdownNow();
              throw new IllegalStateException("Dataset.map: interrupted while waiting for an element", e);
            }
          }
        };
    BackgroundPass.stopWhenUnreachable(out, workers::shutdownNow);
    return out;
  }

  @Override
  public long cardinality() {
    return upstream.cardinality();
  }

  @Override
  public boolean randomAccess() {
    return upstream.randomAccess();
  }

  @Override
  public Element get(long index) {
    return sequential.get(index);
  }
}
