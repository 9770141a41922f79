package dev.keraslite;

import dev.keraslite.internal.recording.RecordingEnvironment;
import dev.keraslite.internal.recording.VariableSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.OptimizerOptions;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.family.TType;

/**
 * A Java function traced once into a TensorFlow {@link Graph} and run by a {@link Session} once per
 * call: keras-lite's {@code tf.function} for training, evaluation and prediction steps.
 *
 * <p>The function is ordinary eager-style keras-lite code ({@code model.apply}, a {@code
 * GradientTape}, an optimizer, metrics) given a graph {@code Ops}. The eager {@link Variable}s it
 * touches get twins in the graph (see {@link RecordingEnvironment#twin}); {@link #pushVariables()}
 * copies their values in and {@link #pullVariables()} copies them back, so while a {@code fit} runs
 * the variables live in the session and no per-step copy is made. Variable reads, writes and updates
 * run in program order, as in {@code tf.function}.
 *
 * <p>Why a Session and not a function called from eager code: on this kind of machine a {@code
 * Session.run} costs 31–42 µs against 95–105 µs for calling a {@code ConcreteFunction} from eager
 * code (docs/ARCHITECTURE.md §1.6), which is 10–15% of a small model's step; the price is copying variables when
 * switching between eager and compiled execution, done once per {@code fit} or epoch.
 */
public final class CompiledFunction implements AutoCloseable {
  /** The traced body: builds outputs from the placeholders with the graph's {@code Ops}. */
  @FunctionalInterface
  public interface Body {
    List<Operand<?>> apply(Ops tf, List<Operand<?>> inputs);
  }

  /** An input's dtype and shape; -1 (or {@link Shape#UNKNOWN_SIZE}) for the batch dimension. */
  public record Spec(Class<? extends TType> type, Shape shape) {}

  /**
   * Sessions run a step's ops on the calling thread ({@code inter_op_parallelism_threads < 0}, as
   * TensorFlow's {@code ConfigProto} documents), with the intra-op pool still parallelising each big
   * kernel. A training step is a long chain of small ops: handing each ready op to the inter-op pool
   * and waiting for it cost the tutorial's MLP 10-20% of its step on a 2-core machine (FitBenchmark,
   * paired rounds), more than running independent branches side by side could give back on the
   * sequential models keras-lite traces. The traced graphs hold no op that waits on another op of
   * the same run (queues, receives), which is what a single inter-op thread could not run.
   */
  private static final ConfigProto SESSION_CONFIG =
      ConfigProto.newBuilder().setInterOpParallelismThreads(-1).build();

  /**
   * The low-level control flow TensorFlow's single-threaded executor refuses: what {@link
   * Recording#updateIf} (a switch and a merge) and TensorFlow 1's {@code while} build.
   */
  private static final Set<String> CONTROL_FLOW =
      Set.of(
          "Switch", "RefSwitch", "Merge", "RefMerge", "Enter", "RefEnter", "Exit", "RefExit",
          "NextIteration", "RefNextIteration", "LoopCond");

  private final Graph graph;
  private Session session;
  /** The executor the local session runs the graph with ({@code ""}: TensorFlow's default). */
  private String executor = "";
  /** The local session's configuration (null for a session made by a caller's function). */
  private ConfigProto localConfig;
  /** Whether a call has run since the session was made (a refusal can only come before). */
  private boolean called;
  private final List<Placeholder<?>> inputs = new ArrayList<>();
  private final List<Operand<?>> outputs;
  private final Operation lastStateful;
  private final List<Variable> variables = new ArrayList<>();
  private final List<Operand<? extends TType>> twinHandles = new ArrayList<>();
  private final List<Placeholder<?>> pushValues = new ArrayList<>();
  private final List<Operation> pushOps = new ArrayList<>();
  private final List<Operand<?>> pullValues = new ArrayList<>();
  /** One op each that copies every twin into its backup, and every backup back (made on demand). */
  private Operation snapshotOp;
  private Operation restoreOp;

  private CompiledFunction(List<Spec> specs, Body body, Function<Graph, Session> sessions) {
    this(specs, body, sessions, null, SESSION_CONFIG, false);
  }

  /**
   * Traces {@code body}; the session is {@code sessions}' or, when that is null, a local one with
   * {@code localConfig}, on the single-threaded executor when {@code singleThreaded} asks for it
   * and the graph holds nothing that executor refuses.
   */
  private CompiledFunction(
      List<Spec> specs, Body body, Function<Graph, Session> sessions, String device,
      ConfigProto localConfig, boolean singleThreaded) {
    graph = new Graph();
    try {
      RecordingEnvironment env = new RecordingEnvironment(graph);
      env.enableTwins();
      env.placeOn(device);
      Ops tf = Ops.create(env);
      List<Operand<?>> args = new ArrayList<>();
      for (Spec spec : specs) {
        Placeholder<?> p = tf.placeholder(spec.type(), Placeholder.shape(spec.shape()));
        inputs.add(p);
        args.add(p);
      }
      env.orderStatefulOps(true);
      outputs = List.copyOf(body.apply(tf, args));
      env.orderStatefulOps(false);
      lastStateful = env.lastStatefulOp();
      // Copy-in and copy-out ops for every twin, outside the step's chain of stateful ops.
      for (Map.Entry<VariableSource, Operand<? extends TType>> e : env.twins().entrySet()) {
        Variable v = (Variable) e.getKey();
        Placeholder<?> value = tf.placeholder(v.type(), Placeholder.shape(v.shape()));
        variables.add(v);
        twinHandles.add(e.getValue());
        pushValues.add(value);
        pushOps.add(tf.assignVariableOp(e.getValue(), value).op());
        pullValues.add(tf.readVariableOp(e.getValue(), v.type()));
      }
      if (sessions != null) {
        session = sessions.apply(graph);
      } else {
        this.localConfig = localConfig;
        if (singleThreaded && !refusedBySingleThreadedExecutor(graph)) {
          executor = EagerFunction.SINGLE_THREADED_EXECUTOR;
        }
        session = new Session(graph, withExecutor(localConfig, executor));
      }
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** Traces {@code body} once for inputs of the given specs. */
  public static CompiledFunction trace(List<Spec> inputs, Body body) {
    return new CompiledFunction(inputs, body, null);
  }

  /**
   * Traces {@code body} once, run by the session {@code sessions} makes for the graph: a session
   * on a TensorFlow server, for steps holding collective ops ({@code MultiWorkerStrategy}).
   */
  public static CompiledFunction trace(
      List<Spec> inputs, Body body, Function<Graph, Session> sessions) {
    return new CompiledFunction(inputs, body, sessions);
  }

  /**
   * Traces {@code body} once, placed as the eager context of {@code placedLike} is: every op on its
   * device ({@code Eager.builder().device(...)}), run by a session with its soft placement and GPU
   * options. With {@code jitCompile}, the session compiles the graph with XLA (Keras's {@code
   * jit_compile}): TensorFlow's auto-clustering at {@code global_jit_level ON_1}, with its
   * process-wide flag that lets CPU ops join clusters ({@code --tf_xla_cpu_global_jit}) set
   * through the C API, which affects only sessions that ask for XLA (docs/ARCHITECTURE.md §9).
   */
  public static CompiledFunction trace(
      List<Spec> inputs, Body body, Ops placedLike, boolean jitCompile) {
    RecordingEnvironment eager =
        placedLike.scope().env() instanceof RecordingEnvironment
            ? (RecordingEnvironment) placedLike.scope().env()
            : null;
    ConfigProto.Builder config = SESSION_CONFIG.toBuilder();
    if (eager != null && eager.compiledStepsConfig() != null) {
      ConfigProto placement = eager.compiledStepsConfig();
      config.setAllowSoftPlacement(placement.getAllowSoftPlacement());
      config.setGpuOptions(placement.getGpuOptions());
    }
    if (jitCompile) {
      enableCpuJit();
      config.setGraphOptions(
          GraphOptions.newBuilder()
              .setOptimizerOptions(
                  OptimizerOptions.newBuilder().setGlobalJitLevel(OptimizerOptions.GlobalJitLevel.ON_1)));
    }
    // The single-threaded executor runs a graph of one partition: on a context with CPUs only
    // (a GPU's graph is split into partitions), and not under XLA, whose cluster ops it was not
    // measured with.
    boolean singleThreaded = !jitCompile && eager != null && eager.cpuOnly();
    return new CompiledFunction(
        inputs, body, null, eager == null ? null : eager.device(), config.build(), singleThreaded);
  }

  /**
   * TensorFlow lets CPU ops join XLA clusters only under its process-wide flag {@code
   * tf_xla_cpu_global_jit}, read once, when the process creates its first CPU device (the first
   * eager context or session): later changes are ignored. {@code TF_XLA_FLAGS} cannot be set from a
   * running JVM, the C API's setter can, so keras-lite sets it before its first context ({@link
   * Eager}'s class initialisation). Only sessions that ask for XLA ({@code global_jit_level}) are
   * affected; every other one runs as before (docs/ARCHITECTURE.md §9).
   */
  static synchronized void enableCpuJit() {
    if (!cpuJitEnabled) {
      org.tensorflow.internal.c_api.global.tensorflow.TF_SetTfXlaCpuGlobalJit((byte) 1);
      cpuJitEnabled = true;
    }
  }

  private static boolean cpuJitEnabled;

  /**
   * Runs the function once on {@code args}, as {@link #call} does, and returns what TensorFlow
   * reports of the run: the graphs it really executed after placement and optimization ({@code
   * partition_graphs}, with each node's device and any XLA cluster ops) and the step's timings.
   */
  public RunMetadata runMetadata(List<? extends Tensor> args) {
    Session.Runner runner = runner(args);
    runner.setOptions(
        RunOptions.newBuilder()
            .setTraceLevel(RunOptions.TraceLevel.FULL_TRACE)
            .setOutputPartitionGraphs(true)
            .build());
    try (Result result = runner.runAndFetchMetadata()) {
      return result.getMetadata().orElseThrow();
    }
  }

  /** The traced graph, as TensorBoard's graph summary shows it. */
  public GraphDef graphDef() {
    return graph.toGraphDef();
  }

  /** The eager variables the function uses, in first-use order. */
  public List<Variable> variables() {
    return List.copyOf(variables);
  }

  /** Copies the eager variables' current values into the session. */
  public void pushVariables() {
    if (variables.isEmpty()) {
      return;
    }
    List<Tensor> values = new ArrayList<>(variables.size());
    // The eager reads below are released when the copy is done.
    try (EagerScope scope = EagerScope.open(eagerOps())) {
      try {
        Session.Runner runner = session.runner();
        for (int i = 0; i < variables.size(); i++) {
          Variable v = variables.get(i);
          Tensor t = v.value(v.ops()).asTensor();
          values.add(t);
          runner.feed(pushValues.get(i), t);
          runner.addTarget(pushOps.get(i));
        }
        runner.run().close();
      } finally {
        values.forEach(Tensor::close); // before the scope releases the reads they come from
      }
    }
  }

  /** The eager context the variables live in (all in one: a model's). */
  private Ops eagerOps() {
    return variables.get(0).ops();
  }

  /** Copies the session's values back into the eager variables. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void pullVariables() {
    if (variables.isEmpty()) {
      return;
    }
    Session.Runner runner = session.runner();
    pullValues.forEach(runner::fetch);
    // One eager constant per variable per pull: the scope releases them once they are assigned.
    try (EagerScope scope = EagerScope.open(eagerOps());
        Result r = runner.run()) {
      for (int i = 0; i < variables.size(); i++) {
        Variable v = variables.get(i);
        Ops tf = v.ops();
        v.assign(tf, (Operand) tf.constantOf((TType) r.get(i)));
      }
    }
  }

  /**
   * Runs the function on {@code args} (one tensor per input spec) and returns its outputs; the
   * caller closes the result.
   */
  public Result call(List<? extends Tensor> args) {
    Result result;
    try {
      result = runner(args).run();
    } catch (RuntimeException e) {
      if (called || executor.isEmpty() || !EagerFunction.refusedBySingleThreadedExecutor(e)) {
        throw e;
      }
      // Refused when the executor was made, before any kernel ran (an op type the scan does not
      // know): the same graph on a session with the default executor, the values pushed again
      // (no call has run, so the eager variables still hold what was pushed).
      session.close();
      executor = "";
      session = new Session(graph, localConfig);
      pushVariables();
      result = runner(args).run();
    }
    called = true;
    return result;
  }

  /**
   * The executor the function's session runs it with: {@code "SINGLE_THREADED_EXECUTOR"} or
   * {@code ""} (TensorFlow's default). Local sessions of a CPU-only context take the
   * single-threaded one, which runs the ops one after the other on the calling thread without the
   * default executor's per-op bookkeeping, unless the graph holds low-level control flow ({@code
   * Switch}, {@code Merge}: {@link Recording#updateIf}), which it refuses.
   */
  public String executorType() {
    return executor;
  }

  /**
   * Copies the current value of every variable in the session into a backup kept in the session,
   * for {@link #restoreSnapshot()}: one {@code Session.run}, no copy to the host. The backups are
   * made on first use.
   */
  public void snapshot() {
    if (variables.isEmpty()) {
      return;
    }
    if (snapshotOp == null) {
      makeBackups();
    }
    session.runner().addTarget(snapshotOp).run().close();
  }

  /** Sets every variable in the session back to its value at the last {@link #snapshot()}. */
  public void restoreSnapshot() {
    if (variables.isEmpty()) {
      return;
    }
    if (restoreOp == null) {
      throw new IllegalStateException("compiled function: restoreSnapshot() before snapshot()");
    }
    session.runner().addTarget(restoreOp).run().close();
  }

  /** A backup variable per twin, and the two ops that copy all twins into them and back. */
  private void makeBackups() {
    // A scope of its own: the graph already holds ops of the default names.
    Ops tf = Ops.create(graph).withSubScope("keraslite_snapshot");
    List<Op> saves = new ArrayList<>();
    List<Op> restores = new ArrayList<>();
    for (int i = 0; i < twinHandles.size(); i++) {
      Variable v = variables.get(i);
      Operand<? extends TType> twin = twinHandles.get(i);
      // An explicit, unique shared name: without one, the backups would share one resource.
      Operand<? extends TType> backup =
          tf.varHandleOp(v.type(), v.shape(), VarHandleOp.sharedName("keraslite_backup_" + i));
      saves.add(tf.assignVariableOp(backup, tf.readVariableOp(twin, v.type())));
      restores.add(tf.assignVariableOp(twin, tf.readVariableOp(backup, v.type())));
    }
    snapshotOp = tf.withControlDependencies(saves).noOp().op();
    restoreOp = tf.withControlDependencies(restores).noOp().op();
  }

  /**
   * Whether {@code graph} holds an op TensorFlow's single-threaded executor refuses: low-level
   * control flow, a reference-typed output (TensorFlow 1's {@code VariableV2}), a collective op, a
   * send or a receive (its own validation rules).
   */
  static boolean refusedBySingleThreadedExecutor(Graph graph) {
    Iterator<GraphOperation> ops = graph.operations();
    while (ops.hasNext()) {
      GraphOperation op = ops.next();
      String type = op.type();
      if (CONTROL_FLOW.contains(type) || type.startsWith("Collective") || type.endsWith("Send")
          || type.endsWith("Recv")) {
        return true;
      }
      for (int i = 0; i < op.numOutputs(); i++) {
        // Reference types are the value types plus 100 in TensorFlow's DataType enum.
        if (op.output(i).dataType().getNumber() > 100) {
          return true;
        }
      }
    }
    return false;
  }

  private static ConfigProto withExecutor(ConfigProto config, String executor) {
    if (executor.isEmpty()) {
      return config;
    }
    return config.toBuilder()
        .setExperimental(config.getExperimental().toBuilder().setExecutorType(executor))
        .build();
  }

  private Session.Runner runner(List<? extends Tensor> args) {
    if (args.size() != inputs.size()) {
      throw new IllegalArgumentException(
          "compiled function: expected " + inputs.size() + " inputs, received " + args.size());
    }
    Session.Runner runner = session.runner();
    for (int i = 0; i < args.size(); i++) {
      runner.feed(inputs.get(i), args.get(i));
    }
    outputs.forEach(runner::fetch);
    if (lastStateful != null) {
      runner.addTarget(lastStateful);
    }
    return runner;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
