package dev.keraslite.callbacks;

import dev.keraslite.summary.SummaryWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.tensorflow.proto.GraphDef;

/**
 * The TensorBoard callback's writers, driven from one background thread so that a training step never
 * waits for a disk: TensorFlow's event writer syncs its file to disk on every flush (and whenever its
 * queue of ten events fills), which took 2–80 ms here, as much as a whole small epoch. Writes run in
 * submission order; the caller hands over host values only (numbers, float arrays, a GraphDef), never
 * a tensor of the model's context. A failed write is reported by the next call on the training thread.
 */
final class SummaryQueue {
  /** The {@code <logDir>} subdirectories Keras writes. */
  static final String TRAIN = "train";
  static final String VALIDATION = "validation";

  private final Path logDir;
  private final ExecutorService thread;
  /** Touched by the background thread only. */
  private final Map<String, SummaryWriter> writers = new HashMap<>();
  private volatile Throwable failure;
  private Future<?> lastFlush;

  SummaryQueue(Path logDir) {
    this.logDir = logDir;
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "keras-lite-tensorboard");
              t.setDaemon(true); // a forgotten queue does not keep the JVM alive
              return t;
            });
  }

  void scalar(String run, String tag, double value, long step) {
    submit(() -> writer(run).scalar(tag, value, step));
  }

  void histogram(String run, String tag, float[] values, long step) {
    submit(() -> writer(run).histogram(tag, values, step));
  }

  void graph(String run, GraphDef graph, long step) {
    submit(() -> writer(run).graph(graph, step));
  }

  /**
   * Flushes every open writer, in the background. First waits for the previous flush: so when this
   * returns, everything submitted before the previous call is on disk (a crash loses at most the
   * last epoch), and a slow disk slows training only if one flush takes longer than an epoch.
   */
  void flush() {
    if (lastFlush != null) {
      await(lastFlush);
    }
    lastFlush = submit(() -> writers.values().forEach(SummaryWriter::flush));
  }

  /** Flushes and closes the files and ends the thread; waits until they are complete on disk. */
  void close() {
    Future<?> done =
        submit(
            () -> {
              try {
                for (SummaryWriter w : writers.values()) {
                  w.close();
                }
              } finally {
                writers.clear();
              }
            });
    thread.shutdown();
    await(done);
    checkFailure();
  }

  private SummaryWriter writer(String run) {
    return writers.computeIfAbsent(run, r -> SummaryWriter.create(logDir.resolve(r)));
  }

  private Future<?> submit(Runnable task) {
    checkFailure();
    return thread.submit(
        () -> {
          if (failure != null) {
            return; // the files are in an unknown state: write nothing more
          }
          try {
            task.run();
          } catch (RuntimeException | Error e) {
            failure = e;
          }
        });
  }

  private void checkFailure() {
    Throwable f = failure;
    if (f != null) {
      throw new IllegalStateException("TensorBoard: writing the logs in " + logDir + " failed: " + f.getMessage(), f);
    }
  }

  private static void await(Future<?> f) {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("TensorBoard: interrupted while waiting for the log files", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("TensorBoard: writing the logs failed", e.getCause());
    }
  }
}
