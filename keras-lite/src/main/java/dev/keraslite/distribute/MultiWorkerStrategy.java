package dev.keraslite.distribute;

import dev.keraslite.EagerScope;
import dev.keraslite.Recording;
import dev.keraslite.Variable;
import dev.keraslite.data.Element;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * Synchronous data-parallel training on several machines, as Keras's {@code
 * tf.distribute.MultiWorkerMirroredStrategy}: the same program runs on every worker, each worker
 * trains on its shard of every global batch, and the gradients are averaged across workers by
 * TensorFlow's collective all-reduce over its gRPC runtime before the optimizer applies them, so
 * that every worker makes the same update.
 *
 * <pre>{@code
 * MultiWorkerStrategy strategy = MultiWorkerStrategy.fromEnvironment(); // reads TF_CONFIG
 * try (var scope = strategy.scope()) {
 *   model.compile(tf, new Adam(1e-3f), new SparseCategoricalCrossentropy(true), "accuracy");
 * }
 * model.fit(x, y, FitOptions.epochs(5).batchSize(128)); // 128 = the global batch
 * }</pre>
 *
 * <p>A model compiled in the strategy's {@link #scope()} trains under it: its weights and its
 * optimizer's state are broadcast from the chief (rank 0) when {@code fit} starts (which is also how
 * state that {@code BackupAndRestore} restored on the chief alone reaches the others); each batch of
 * {@code batchSize} samples is the global batch, split into contiguous shards, one per worker; the
 * compiled train step all-reduces the gradients; {@code evaluate} and the epoch logs are averaged
 * over workers; only the chief writes files ({@code ModelCheckpoint}, {@code CSVLogger}, {@code
 * BackupAndRestore}) and prints progress. Custom training loops call {@link #allReduceMean} on
 * their gradients.
 *
 * <p>Faults: every collective op and every distributed step fails after {@link #timeout()} (60 s by
 * default) instead of waiting forever; the failure is a {@link WorkerFailureException} that names
 * the workers that no longer accept connections. TensorFlow's gRPC server cannot be shut down in
 * this native build ("Clean shutdown is not currently implemented"): the server of a strategy lives
 * until its JVM exits, so run one strategy per worker process.
 */
public final class MultiWorkerStrategy {
  /** The default time a worker waits for the others in one step: 60 s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private static final ThreadLocal<MultiWorkerStrategy> CURRENT = new ThreadLocal<>();

  private final ClusterSpec cluster;
  private final int rank;
  private final Duration timeout;
  private final WorkerServer server;
  private long nextInstanceKey = 1;
  private final Map<String, HostCollective> hostGraphs = new HashMap<>();

  private MultiWorkerStrategy(ClusterSpec cluster, int rank, Duration timeout) {
    this.cluster = cluster;
    this.rank = rank;
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("MultiWorkerStrategy: timeout must be positive, got " + timeout);
    }
    // One worker has no one to talk to: no server, and every all-reduce is the identity.
    this.server = cluster.size() > 1 ? new WorkerServer(cluster, cluster.tasks().get(rank), timeout) : null;
  }

  /** The strategy {@code TF_CONFIG} describes, with the default timeout. */
  public static MultiWorkerStrategy fromEnvironment() {
    return fromEnvironment(DEFAULT_TIMEOUT);
  }

  /**
   * The strategy {@code TF_CONFIG} describes (see {@link TfConfig}); without {@code TF_CONFIG}, a
   * single local worker, as in TensorFlow.
   */
  public static MultiWorkerStrategy fromEnvironment(Duration timeout) {
    return of(TfConfig.fromEnvironment(), timeout);
  }

  /** The strategy of a parsed {@code TF_CONFIG}. */
  public static MultiWorkerStrategy of(TfConfig config, Duration timeout) {
    if (config.cluster() == null) {
      return new MultiWorkerStrategy(ClusterSpec.of("localhost:0"), 0, timeout);
    }
    return new MultiWorkerStrategy(
        config.cluster(), config.cluster().rankOf(config.taskType(), config.taskIndex()), timeout);
  }

  /** Worker {@code taskIndex} of {@code cluster}, with the default timeout. */
  public static MultiWorkerStrategy of(ClusterSpec cluster, int taskIndex) {
    return of(cluster, taskIndex, DEFAULT_TIMEOUT);
  }

  /**
   * Worker {@code taskIndex} of {@code cluster}: starts this worker's TensorFlow server on the
   * port its address names.
   *
   * @param timeout how long a step waits for the other workers before failing
   */
  public static MultiWorkerStrategy of(ClusterSpec cluster, int taskIndex, Duration timeout) {
    return new MultiWorkerStrategy(cluster, cluster.rankOf("worker", taskIndex), timeout);
  }

  /** The number of workers that train (Keras's {@code num_replicas_in_sync}). */
  public int numWorkers() {
    return cluster.size();
  }

  /** This worker's rank: 0 for the chief. */
  public int rank() {
    return rank;
  }

  /** Whether this worker is the chief, the one that writes checkpoints and logs. */
  public boolean isChief() {
    return rank == 0;
  }

  /** This worker's task. */
  public ClusterSpec.Task task() {
    return cluster.tasks().get(rank);
  }

  /** The cluster. */
  public ClusterSpec cluster() {
    return cluster;
  }

  /** How long one step waits for the other workers before failing. */
  public Duration timeout() {
    return timeout;
  }

  // ---- scope --------------------------------------------------------------------------------

  /** A region (Keras's {@code with strategy.scope():}) in which compiled models train under it. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /** Opens this strategy's scope on the current thread: models compiled in it train under it. */
  public Scope scope() {
    MultiWorkerStrategy previous = CURRENT.get();
    CURRENT.set(this);
    return () -> {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    };
  }

  /** The strategy whose scope is open on this thread, or null. */
  public static MultiWorkerStrategy current() {
    return CURRENT.get();
  }

  // ---- collectives --------------------------------------------------------------------------

  /**
   * The mean of {@code values} over all workers (for a custom loop's gradients): {@code
   * strategy.allReduceMean(tf, tape.gradient(loss, vars))}. Every worker must call it with the same
   * shapes in the same order. In a traced step the mean is a collective op of the graph; on eager
   * values it runs as a small graph on this worker's server and returns eager constants.
   */
  public List<Operand<TFloat32>> allReduceMean(Ops tf, List<? extends Operand<?>> values) {
    return allReduceMean(tf, values, null);
  }

  /**
   * The mean of {@code values} over all workers, each worker's weighted by its {@code weight} (its
   * number of samples, so that uneven shards of a global batch average exactly); null weights
   * every worker equally.
   */
  public List<Operand<TFloat32>> allReduceMean(
      Ops tf, List<? extends Operand<?>> values, Operand<TFloat32> weight) {
    List<Operand<TFloat32>> floats = floats(values);
    if (numWorkers() == 1) {
      return floats;
    }
    if (Recording.graph(tf) != null) {
      Operand<TFloat32> w = weight != null ? weight : tf.constant(1f);
      return CollectiveMean.mean(this, tf, floats, w);
    }
    return eagerMean(tf, floats, weight);
  }

  /** The weighted mean over workers of plain numbers (logs, metrics). */
  public double[] allReduceMean(double[] values, double weight) {
    if (numWorkers() == 1) {
      return values.clone();
    }
    List<TFloat32> in = new ArrayList<>();
    try {
      for (double v : values) {
        in.add(TFloat32.scalarOf((float) v));
      }
      try (Result r = host("mean", shapes(in), true).run(in, (float) weight)) {
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
          out[i] = ((TFloat32) r.get(i)).getFloat();
        }
        return out;
      }
    } catch (RuntimeException e) {
      throw failure("averaging logs", e);
    } finally {
      in.forEach(TFloat32::close);
    }
  }

  /**
   * Sets every worker's {@code variables} to the chief's values: at the start of training, so that
   * all replicas start equal whatever their initializers drew, and after the chief alone restored a
   * checkpoint ({@code BackupAndRestore}), so that the others get the restored model and optimizer
   * state. float32, int32 and int64 variables are supported (the optimizer's {@code iterations} is
   * int64); every value arrives bit for bit.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void broadcastFromChief(List<Variable> variables) {
    if (numWorkers() == 1 || variables.isEmpty()) {
      return;
    }
    for (Variable v : variables) {
      Class<?> type = v.type();
      if (type != TFloat32.class && type != TInt64.class && type != TInt32.class) {
        throw new IllegalArgumentException(
            "MultiWorkerStrategy.broadcastFromChief: variable '" + v.name() + "' is "
                + v.dataType() + "; only float32, int32 and int64 variables are supported");
      }
    }
    Ops tf = variables.get(0).ops();
    List<TFloat32> in = new ArrayList<>();
    try (EagerScope scope = EagerScope.open(tf)) {
      for (Variable v : variables) {
        // The chief contributes its values, the others zeros: the sum is the chief's value, exactly.
        in.add(isChief() ? asFloats(v.value(tf).asTensor()) : zeros(wireShape(v)));
      }
      try (Result r = host("broadcast", shapes(in), false).run(in, 0f)) {
        for (int i = 0; i < variables.size(); i++) {
          Variable v = variables.get(i);
          TFloat32 received = (TFloat32) r.get(i);
          if (v.type() == TFloat32.class) {
            v.assign(tf, (Operand) tf.constantOf(received));
          } else {
            try (TType integers = fromFloats(received, v.type(), v.shape())) {
              v.assign(tf, (Operand) tf.constantOf(integers));
            }
          }
        }
      }
    } catch (RuntimeException e) {
      throw failure("broadcasting the chief's weights", e);
    } finally {
      for (int i = 0; i < in.size(); i++) {
        // The chief's float32 values are eager results, released by the scope; the rest are ours.
        if (!isChief() || variables.get(i).type() != TFloat32.class) {
          in.get(i).close();
        }
      }
    }
  }

  /** The chief's {@code value} on every worker, all 64 bits (an epoch to resume at, a seed). */
  public long broadcastFromChief(long value) {
    if (numWorkers() == 1) {
      return value;
    }
    // Three float32 parts of at most 24 bits each: a float holds such an integer exactly, and the
    // sum of the chief's part and the others' zeros is that integer again.
    long[] parts = isChief() ? split(value) : new long[3];
    List<TFloat32> in = new ArrayList<>();
    try {
      for (long p : parts) {
        in.add(TFloat32.scalarOf((float) p));
      }
      try (Result r = host("broadcast", shapes(in), false).run(in, 0f)) {
        return join(
            (long) ((TFloat32) r.get(0)).getFloat(),
            (long) ((TFloat32) r.get(1)).getFloat(),
            (long) ((TFloat32) r.get(2)).getFloat());
      }
    } catch (RuntimeException e) {
      throw failure("broadcasting a value of the chief", e);
    } finally {
      in.forEach(TFloat32::close);
    }
  }

  /** Bits 0-23, 24-47 and 48-63 of {@code value}, each a non-negative integer below 2^24. */
  static long[] split(long value) {
    long mask = (1L << 24) - 1;
    return new long[] {value & mask, (value >>> 24) & mask, value >>> 48};
  }

  /** The inverse of {@link #split}. */
  static long join(long low, long middle, long high) {
    return low | (middle << 24) | (high << 48);
  }

  /** The shape a variable travels in: its own for float32, three floats per integer otherwise. */
  private static Shape wireShape(Variable v) {
    return v.type() == TFloat32.class ? v.shape() : Shape.of(3 * v.shape().size());
  }

  /** {@code t} as the broadcast sends it (float32 unchanged; integers as {@link #split} parts). */
  private static TFloat32 asFloats(Tensor t) {
    if (t instanceof TFloat32) {
      return (TFloat32) t;
    }
    int n = Math.toIntExact(t.shape().size());
    long[] values = new long[n];
    if (t instanceof TInt64) {
      ((TInt64) t).copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(values, false, false));
    } else {
      int[] ints = new int[n];
      ((TInt32) t).copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(ints, false, false));
      for (int i = 0; i < n; i++) {
        values[i] = ints[i];
      }
    }
    float[] wire = new float[3 * n];
    for (int i = 0; i < n; i++) {
      long[] parts = split(values[i]);
      for (int k = 0; k < 3; k++) {
        wire[3 * i + k] = parts[k];
      }
    }
    return TFloat32.tensorOf(
        Shape.of(wire.length), org.tensorflow.ndarray.buffer.DataBuffers.of(wire, false, false));
  }

  /** The integers {@link #asFloats} sent, as a tensor of {@code type} and {@code shape}. */
  private static TType fromFloats(TFloat32 wire, Class<?> type, Shape shape) {
    int n = Math.toIntExact(shape.size());
    long[] values = new long[n];
    for (int i = 0; i < n; i++) {
      values[i] =
          join(
              (long) wire.getFloat(3L * i),
              (long) wire.getFloat(3L * i + 1),
              (long) wire.getFloat(3L * i + 2));
    }
    if (type == TInt64.class) {
      return TInt64.tensorOf(shape, org.tensorflow.ndarray.buffer.DataBuffers.of(values, false, false));
    }
    int[] ints = new int[n];
    for (int i = 0; i < n; i++) {
      ints[i] = (int) values[i]; // the low 32 bits: the int32 value, sign included
    }
    return TInt32.tensorOf(shape, org.tensorflow.ndarray.buffer.DataBuffers.of(ints, false, false));
  }

  /**
   * The rows of a global batch this worker trains on: contiguous shards, worker {@code r} of
   * {@code n} taking rows {@code [B*r/n, B*(r+1)/n)} (for a dataset's {@code map} after {@code
   * batch}).
   */
  public Element shard(Element batch) {
    if (numWorkers() == 1) {
      return batch;
    }
    Shape xs = batch.xShape();
    if (xs.numDimensions() == 0) {
      throw new IllegalArgumentException("MultiWorkerStrategy.shard: expected a batch [B, ...], got a scalar");
    }
    long b = xs.get(0);
    int n = numWorkers();
    long lo = b * rank / n;
    long hi = b * (rank + 1) / n;
    if (hi == lo) {
      throw new IllegalArgumentException(
          "MultiWorkerStrategy: a global batch of " + b + " samples cannot give each of the " + n
              + " workers a sample; use a batch size of at least " + n);
    }
    float[] x = slice(batch.x(), xs, lo, hi);
    Shape xShard = Shape.of(hi - lo).append(xs.tail());
    if (!batch.hasLabels()) {
      return Element.of(xShard, x);
    }
    Shape ys = batch.yShape();
    Shape yShard = Shape.of(hi - lo).append(ys.tail());
    if (batch.labelType() == org.tensorflow.types.TInt32.class) {
      return Element.of(xShard, x, yShard, slice(batch.yInts(), ys, lo, hi));
    }
    return Element.of(xShard, x, yShard, slice(batch.yFloats(), ys, lo, hi));
  }

  private static float[] slice(float[] all, Shape s, long lo, long hi) {
    int row = Math.toIntExact(s.tail().size());
    float[] out = new float[Math.toIntExact((hi - lo) * row)];
    System.arraycopy(all, Math.toIntExact(lo * row), out, 0, out.length);
    return out;
  }

  private static int[] slice(int[] all, Shape s, long lo, long hi) {
    int row = Math.toIntExact(s.tail().size());
    int[] out = new int[Math.toIntExact((hi - lo) * row)];
    System.arraycopy(all, Math.toIntExact(lo * row), out, 0, out.length);
    return out;
  }

  /** The chief's {@code value} on every worker (a shuffling seed): {@link #broadcastFromChief(long)}. */
  public long broadcastSeed(long value) {
    return broadcastFromChief(value);
  }

  /**
   * A session on this worker's TensorFlow server for {@code graph} (for compiled steps holding
   * collective ops); a plain local session for a single worker.
   */
  public Session newSession(Graph graph) {
    return server == null ? new Session(graph) : server.session(graph);
  }

  /**
   * The exception to raise for a step that failed under this strategy: a {@link
   * WorkerFailureException} naming the workers that no longer accept connections, or, if every
   * worker answers, one that says the collective step failed. Only TensorFlow's errors are
   * converted; other exceptions are returned unchanged.
   */
  public RuntimeException failure(String during, RuntimeException cause) {
    if (numWorkers() == 1 || cause instanceof WorkerFailureException
        || !(cause instanceof org.tensorflow.exceptions.TensorFlowException)) {
      return cause;
    }
    List<ClusterSpec.Task> down = new ArrayList<>();
    StringBuilder why = new StringBuilder();
    for (ClusterSpec.Task t : cluster.tasks()) {
      if (t.equals(task())) {
        continue;
      }
      String problem = probe(t.address());
      if (problem != null) {
        down.add(t);
        why.append(why.length() == 0 ? "" : "; ").append(t).append(": ").append(problem);
      }
    }
    String message =
        down.isEmpty()
            ? "MultiWorkerStrategy: " + task() + " failed while " + during
                + " (every worker still accepts connections): " + cause.getMessage()
            : "MultiWorkerStrategy: " + task() + " cannot continue while " + during + ": "
                + why
                + " (timeout " + timeout.toSeconds() + " s); restart every worker to resume from the"
                + " last checkpoint";
    return new WorkerFailureException(message, down, cause);
  }

  /** Why {@code address} does not accept a TCP connection, or null if it does. */
  private String probe(String address) {
    int colon = address.lastIndexOf(':');
    String host = address.substring(0, colon);
    int port = Integer.parseInt(address.substring(colon + 1));
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), (int) Math.min(2000, timeout.toMillis()));
      return null;
    } catch (IOException e) {
      return "unreachable (" + e.getMessage() + ")";
    }
  }

  // ---- internals ----------------------------------------------------------------------------

  /** The next collective instance key: the same on every worker for the n-th op built. */
  synchronized long nextInstanceKey() {
    return nextInstanceKey++;
  }

  private synchronized HostCollective host(String kind, List<Shape> shapes, boolean mean) {
    return hostGraphs.computeIfAbsent(
        kind + shapes,
        k -> mean ? HostCollective.mean(this, shapes) : HostCollective.sum(this, shapes));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private List<Operand<TFloat32>> eagerMean(
      Ops tf, List<Operand<TFloat32>> values, Operand<TFloat32> weight) {
    List<TFloat32> in = new ArrayList<>();
    List<Integer> present = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) != null) {
        present.add(i);
        in.add((TFloat32) values.get(i).asTensor());
      }
    }
    float w = weight == null ? 1f : ((TFloat32) weight.asTensor()).getFloat();
    List<Operand<TFloat32>> out = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      out.add(null);
    }
    try (Result r = host("mean", shapes(in), true).run(in, w)) {
      for (int k = 0; k < present.size(); k++) {
        out.set(present.get(k), (Operand) tf.constantOf((TType) r.get(k)));
      }
    } catch (RuntimeException e) {
      throw failure("averaging gradients", e);
    }
    return out;
  }

  /** Zeros explicitly: a tensor allocated by shape alone holds whatever memory it got. */
  private static TFloat32 zeros(Shape shape) {
    float[] z = new float[Math.toIntExact(shape.size())];
    return TFloat32.tensorOf(shape, org.tensorflow.ndarray.buffer.DataBuffers.of(z, false, false));
  }

  private static List<Shape> shapes(List<TFloat32> tensors) {
    List<Shape> s = new ArrayList<>(tensors.size());
    tensors.forEach(t -> s.add(t.shape()));
    return s;
  }

  @SuppressWarnings("unchecked")
  private static List<Operand<TFloat32>> floats(List<? extends Operand<?>> values) {
    List<Operand<TFloat32>> out = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      Operand<?> v = values.get(i);
      if (v != null && v.type() != TFloat32.class) {
        throw new IllegalArgumentException(
            "MultiWorkerStrategy.allReduceMean: value " + i + " is " + v.asOutput().dataType()
                + "; only float32 values are supported");
      }
      out.add((Operand<TFloat32>) v);
    }
    return out;
  }

  @Override
  public String toString() {
    return "MultiWorkerStrategy(" + task() + ", rank " + rank + " of " + numWorkers() + ")";
  }
}
