package dev.keraslite.data;

import java.lang.ref.Cleaner;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What {@link PrefetchStage} and {@link ParallelMapStage} share: daemon worker threads, and the
 * end of a pass the consumer abandoned. A Java iterator has no {@code close()}, so a pass that is
 * left before its end (a {@code break}, {@code take}) is noticed when its iterator becomes
 * unreachable: the {@link Cleaner} then runs the pass's stop action and its workers end. Workers
 * are daemons, so a pending pass never keeps the JVM alive.
 */
final class BackgroundPass {
  private static final Cleaner CLEANER = Cleaner.create(daemonThreads("keras-lite-dataset-cleaner"));

  private BackgroundPass() {}

  /** Runs {@code stop} once {@code iterator} is unreachable; {@code stop} must not refer to it. */
  static void stopWhenUnreachable(Object iterator, Runnable stop) {
    CLEANER.register(iterator, stop);
  }

  /** A factory of daemon threads named {@code prefix-1}, {@code prefix-2}, ... */
  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread t = new Thread(task, prefix + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Rethrows, on the iterating thread, what a worker threw: the same exception (its message and
   * type are what the user's function raised), with the iterating thread's stack added as a
   * suppressed exception.
   */
  static RuntimeException rethrow(Throwable cause, String stage) {
    cause.addSuppressed(new IllegalStateException("rethrown by Dataset." + stage + " on the iterating thread"));
    if (cause instanceof RuntimeException r) {
      return r;
    }
    if (cause instanceof Error e) {
      throw e;
    }
    return new IllegalStateException("Dataset." + stage + ": " + cause, cause);
  }
}
