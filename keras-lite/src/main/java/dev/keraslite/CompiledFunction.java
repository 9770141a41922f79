package dev.keraslite;

import dev.keraslite.internal.recording.RecordingEnvironment;
import dev.keraslite.internal.recording.VariableSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
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

  private final Graph graph;
  private final Session session;
  private final List<Placeholder<?>> inputs = new ArrayList<>();
  private final List<Operand<?>> outputs;
  private final Operation lastStateful;
  private final List<Variable> variables = new ArrayList<>();
  private final List<Placeholder<?>> pushValues = new ArrayList<>();
  private final List<Operation> pushOps = new ArrayList<>();
  private final List<Operand<?>> pullValues = new ArrayList<>();

  private CompiledFunction(List<Spec> specs, Body body, Function<Graph, Session> sessions) {
    this(specs, body, sessions, null);
  }

  private CompiledFunction(
      List<Spec> specs, Body body, Function<Graph, Session> sessions, String device) {
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
        pushValues.add(value);
        pushOps.add(tf.assignVariableOp(e.getValue(), value).op());
        pullValues.add(tf.readVariableOp(e.getValue(), v.type()));
      }
      session = sessions == null ? new Session(graph, SESSION_CONFIG) : sessions.apply(graph);
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
    ConfigProto sessionConfig = config.build();
    return new CompiledFunction(
        inputs, body, g -> new Session(g, sessionConfig), eager == null ? null : eager.device());
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
    return runner(args).run();
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
