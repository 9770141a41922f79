package dev.keraslite.summary;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.OptimizerOptions;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * Writes TensorBoard event files in one directory, as {@code tf.summary.create_file_writer}: scalars,
 * histograms and graphs, each at a step.
 *
 * <pre>{@code
 * try (SummaryWriter writer = SummaryWriter.create(Path.of("logs/custom"))) {
 *   for (int step = 0; step < steps; step++) {
 *     float loss = trainStep(...);
 *     writer.scalar("loss", loss, step);
 *   }
 * }
 * }</pre>
 *
 * <p>The events are written by TensorFlow's summary ops ({@code CreateSummaryFileWriter}, {@code
 * WriteScalarSummary}, {@code WriteHistogramSummary}, {@code WriteGraphSummary}, {@code
 * FlushSummaryWriter}, {@code CloseSummaryWriter}), so the files are TensorFlow's own: one {@code
 * events.out.tfevents.*.v2} file per writer, TFRecord-framed {@code Event} protos. As in TensorFlow, up
 * to {@link #DEFAULT_MAX_QUEUE} events wait in memory and are written when the queue fills, every
 * {@link #DEFAULT_FLUSH_MILLIS} ms, on {@link #flush()} and on {@link #close()}; what was flushed survives
 * a crash of the process.
 *
 * <p>The ops run in a small graph and session of the writer's own, fed with host values: writing never
 * touches the model's eager context or a tape that is recording, and every per-write tensor is closed
 * at once. A writer is not thread-safe.
 */
public final class SummaryWriter implements AutoCloseable {
  /** Events held in memory before a write, TensorFlow's {@code max_queue} default. */
  public static final int DEFAULT_MAX_QUEUE = 10;
  /** Milliseconds between automatic flushes, TensorFlow's {@code flush_millis} default. */
  public static final int DEFAULT_FLUSH_MILLIS = 120_000;
  /** The event file name's suffix, as {@code tf.summary.create_file_writer} writes it. */
  public static final String FILENAME_SUFFIX = ".v2";

  /**
   * Runs the few ops of a write on the calling thread (no hand-off to the inter-op pool) and without
   * graph optimization: each kind of write is a new run signature, and Grappler's passes over it (and
   * the optimizer's constant folding) cost tens of milliseconds of CPU per writer here, for graphs of
   * a handful of ops that nothing can improve. A TensorBoard callback opens a writer per fit, so that
   * was most of its cost on a short fit.
   */
  private static final ConfigProto SESSION_CONFIG =
      ConfigProto.newBuilder()
          .setInterOpParallelismThreads(-1)
          .setGraphOptions(
              GraphOptions.newBuilder()
                  .setRewriteOptions(RewriterConfig.newBuilder().setDisableMetaOptimizer(true))
                  .setOptimizerOptions(OptimizerOptions.newBuilder().setOptLevel(OptimizerOptions.Level.L0)))
          .build();

  private final Path logDir;
  private final Graph graph;
  private final Session session;
  private final Ops tf;
  private final Operand<? extends TType> writer;
  private final Placeholder<TString> tag;
  private final Placeholder<TInt64> step;
  private final Placeholder<TFloat32> scalarValue;
  private final Operation writeScalar;
  private final Placeholder<TString> graphBytes;
  private final Operation writeGraph;
  private final Operation flushOp;
  private final Operation closeOp;
  /** One histogram op per value dtype, added on first use (a session sees graph additions). */
  private final Map<Class<? extends TType>, HistogramOp> histogramOps = new HashMap<>();
  private boolean closed;

  private record HistogramOp(Placeholder<?> values, Operation write) {}

  private SummaryWriter(Path logDir, int maxQueue, int flushMillis) {
    this.logDir = logDir;
    graph = new Graph();
    try {
      tf = Ops.create(graph);
      writer = tf.summary.summaryWriter();
      Operation create =
          tf.summary
              .createSummaryFileWriter(
                  writer,
                  tf.constant(logDir.toString()),
                  tf.constant(maxQueue),
                  tf.constant(flushMillis),
                  tf.constant(FILENAME_SUFFIX))
              .op();
      tag = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
      step = tf.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
      scalarValue = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      writeScalar = tf.summary.writeScalarSummary(writer, step, tag, scalarValue).op();
      graphBytes = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
      writeGraph = tf.summary.writeGraphSummary(writer, step, graphBytes).op();
      flushOp = tf.summary.flushSummaryWriter(writer).op();
      closeOp = tf.summary.closeSummaryWriter(writer).op();
      session = new Session(graph, SESSION_CONFIG);
      try {
        session.runner().addTarget(create).run().close();
      } catch (RuntimeException e) {
        session.close();
        throw e;
      }
    } catch (RuntimeException e) {
      graph.close();
      throw new IllegalArgumentException(
          "SummaryWriter: cannot create an event file writer in " + logDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * A writer of a new event file in {@code logDir} (created if missing), with TensorFlow's defaults
   * for the queue and the flush interval.
   */
  public static SummaryWriter create(Path logDir) {
    return create(logDir, DEFAULT_MAX_QUEUE, DEFAULT_FLUSH_MILLIS);
  }

  /**
   * A writer of a new event file in {@code logDir} (created if missing).
   *
   * @param maxQueue events held in memory before they are written (TensorFlow's {@code max_queue})
   * @param flushMillis the longest time between writes (TensorFlow's {@code flush_millis})
   */
  public static SummaryWriter create(Path logDir, int maxQueue, int flushMillis) {
    if (logDir == null) {
      throw new IllegalArgumentException("SummaryWriter: the log directory is null");
    }
    if (maxQueue < 1 || flushMillis < 1) {
      throw new IllegalArgumentException(
          "SummaryWriter: maxQueue and flushMillis must be positive, received maxQueue="
              + maxQueue + ", flushMillis=" + flushMillis);
    }
    return new SummaryWriter(logDir.toAbsolutePath(), maxQueue, flushMillis);
  }

  /** The directory the event file is written in. */
  public Path logDir() {
    return logDir;
  }

  /** Writes {@code value} under {@code tag} at {@code step} (stored as float32, as tf.summary does). */
  public void scalar(String tag, double value, long step) {
    checkOpen("scalar");
    checkTag(tag);
    try (TString t = TString.scalarOf(tag);
        TInt64 s = TInt64.scalarOf(step);
        TFloat32 v = TFloat32.scalarOf((float) value)) {
      session.runner().feed(this.tag, t).feed(this.step, s).feed(scalarValue, v).addTarget(writeScalar).run().close();
    }
  }

  /**
   * Writes a histogram of {@code values} (any shape, any real number type) under {@code tag} at
   * {@code step}; TensorFlow chooses the buckets. The caller keeps ownership of {@code values}.
   */
  public void histogram(String tag, Tensor values, long step) {
    checkOpen("histogram");
    checkTag(tag);
    if (values == null || !(values instanceof TNumber)) {
      throw new IllegalArgumentException(
          "SummaryWriter.histogram '" + tag + "': expected a tensor of real numbers, received "
              + (values == null ? "null" : values.dataType()));
    }
    HistogramOp op = histogramOp(((TType) values).type());
    try (TString t = TString.scalarOf(tag);
        TInt64 s = TInt64.scalarOf(step)) {
      session.runner().feed(this.tag, t).feed(this.step, s).feed(op.values(), values).addTarget(op.write()).run().close();
    }
  }

  /** Writes a histogram of {@code values} under {@code tag} at {@code step}. */
  public void histogram(String tag, float[] values, long step) {
    if (values == null) {
      throw new IllegalArgumentException("SummaryWriter.histogram '" + tag + "': the values are null");
    }
    try (TFloat32 t = TFloat32.vectorOf(values)) {
      histogram(tag, t, step);
    }
  }

  /** Writes {@code graph} (TensorBoard's Graphs tab) at {@code step}. */
  public void graph(GraphDef graph, long step) {
    checkOpen("graph");
    if (graph == null) {
      throw new IllegalArgumentException("SummaryWriter.graph: the graph is null");
    }
    try (TString g = TString.tensorOfBytes(NdArrays.scalarOfObject(graph.toByteArray()));
        TInt64 s = TInt64.scalarOf(step)) {
      session.runner().feed(graphBytes, g).feed(this.step, s).addTarget(writeGraph).run().close();
    }
  }

  /** Writes the queued events to the file. */
  public void flush() {
    checkOpen("flush");
    session.runner().addTarget(flushOp).run().close();
  }

  /** Flushes and closes the event file; further writes are refused. Closing twice does nothing. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      session.runner().addTarget(closeOp).run().close();
    } finally {
      session.close();
      graph.close();
    }
  }

  private HistogramOp histogramOp(Class<? extends TType> type) {
    return histogramOps.computeIfAbsent(
        type,
        t -> {
          Placeholder<?> values = tf.placeholder(t);
          return new HistogramOp(values, tf.summary.writeHistogramSummary(writer, step, tag, values).op());
        });
  }

  private void checkOpen(String what) {
    if (closed) {
      throw new IllegalStateException("SummaryWriter." + what + ": the writer of " + logDir + " is closed");
    }
  }

  private static void checkTag(String tag) {
    if (tag == null || tag.isEmpty()) {
      throw new IllegalArgumentException("SummaryWriter: a summary needs a non-empty tag, received " + tag);
    }
  }

  @Override
  public String toString() {
    return "SummaryWriter(" + logDir + (closed ? ", closed" : "") + ")";
  }
}
