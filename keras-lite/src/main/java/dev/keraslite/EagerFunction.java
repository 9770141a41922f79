package dev.keraslite;

import dev.keraslite.CompiledFunction.Spec;
import dev.keraslite.internal.fast.EagerDispatcher;
import dev.keraslite.internal.recording.RecordingEnvironment;
import dev.keraslite.internal.recording.VariableSource;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.exceptions.TFUnimplementedException;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.family.TType;

/**
 * keras-lite's {@code tf.function} for eager code: a Java function of one to three tensors, traced
 * into a TensorFlow graph function on its first call and run as one op from then on ({@link
 * Eager#function}).
 *
 * <pre>{@code
 * EagerFunction<Operand<TFloat32>> step =
 *     eager.function((Ops g, Operand<TFloat32> x, Operand<TInt32> y) -> {
 *       try (GradientTape tape = new GradientTape(g)) {
 *         Operand<TFloat32> loss = crossEntropy.apply(g, y, model.apply(g, x));
 *         optimizer.applyGradients(tape.gradient(loss, model.variables()), model.variables());
 *         return loss;
 *       }
 *     });
 * Operand<TFloat32> loss = step.call(x, y); // an eager value, as after an eager step
 * }</pre>
 *
 * <ul>
 *   <li><b>Tracing.</b> The first call with a new <em>signature</em> (each argument's dtype and
 *       shape) runs the body once on graph placeholders of that signature, with the graph's {@code
 *       Ops} (build every op with it, not with the eager {@code Ops}); later calls with that
 *       signature run the traced graph without running the Java body. A new signature traces again
 *       ({@link #tracingCount()} counts the traces). {@link #reduceRetracing} traces with the batch
 *       (first) dimension unknown, so batches of any size share one trace; {@link #inputSignature}
 *       fixes the signature and refuses arguments that do not fit it.
 *   <li><b>Side effects.</b> As in TensorFlow, Java code in the body (printing, counting, reading a
 *       field) runs only while tracing: what must happen at every call must be a TensorFlow op.
 *       Values captured from Java fields are baked into the trace as constants.
 *   <li><b>Variables.</b> The body uses the same {@link Variable}s as eager code: the traced graph
 *       reaches each eager variable's own resource (by its {@code shared_name}) instead of a copy, so
 *       eager updates made before a call are seen inside and updates made inside are seen by eager
 *       code after it, with no copying at all. Variable reads and updates run in the body's program
 *       order. Variables cannot be created while tracing (TensorFlow allows it on the first trace
 *       only): build the model and the optimizer eagerly before the first call ({@code
 *       model.build(tf, shapes)}, {@code optimizer.build(model.trainableVariables())}); a body that
 *       creates one fails with an {@link IllegalStateException} naming the variable.
 *   <li><b>Results</b> are an {@link Operand}, a {@link List} of them or a record whose components
 *       are all operands, as the body returned them; the values are ordinary eager values of the
 *       context, released by the enclosing {@link EagerScope} or tape like any other. A call is one
 *       op for the tapes: take gradients inside the body, not through the call.
 * </ul>
 *
 * <p>A call costs one graph-function launch instead of one dispatch per op: on the project's 2-core
 * machine, 38 µs median (31 µs in the best rounds) for a one-op body read back, against 6 µs for
 * the same op eagerly, at a load average of ~12, and 130–160 µs median above 20 ({@code
 * FunctionBenchmark call}; ~130 µs at ~13 before the call took the fast path). A training step of
 * dozens of ops repays it: the tutorial's MLP step runs within 2–16% of a {@code Session.run} of
 * the same graph, 2.4–2.65× faster than eagerly in medians at a load of ~11 but 1.7–1.8× in the
 * least disturbed rounds, where kernel and executor time dominate (FunctionBenchmark). The call carries
 * TensorFlow Python's attributes, so TensorFlow optimizes the body with Grappler when it first runs
 * it, and on a CPU-only context TensorFlow's single-threaded executor runs it on the calling thread
 * (a body it refuses, such as one with old-style control flow, takes the default executor).
 * Like its {@link Eager}, a function is confined to one thread. Closing it frees its traces; it does
 * not close the context.
 *
 * @param <R> what the body returns
 */
public final class EagerFunction<R> implements AutoCloseable {
  /** A body of one tensor argument. */
  @FunctionalInterface
  public interface Body1<A extends TType, R> {
    /** Builds the result from {@code a} with the graph's {@code tf}. */
    R apply(Ops tf, Operand<A> a);
  }

  /** A body of two tensor arguments. */
  @FunctionalInterface
  public interface Body2<A extends TType, B extends TType, R> {
    /** Builds the result from {@code a} and {@code b} with the graph's {@code tf}. */
    R apply(Ops tf, Operand<A> a, Operand<B> b);
  }

  /** A body of three tensor arguments. */
  @FunctionalInterface
  public interface Body3<A extends TType, B extends TType, C extends TType, R> {
    /** Builds the result from {@code a}, {@code b} and {@code c} with the graph's {@code tf}. */
    R apply(Ops tf, Operand<A> a, Operand<B> b, Operand<C> c);
  }

  /** Any body, its arguments in a list. */
  @FunctionalInterface
  interface AnyBody {
    Object apply(Ops tf, List<Operand<?>> args);
  }

  /** How the body's result is rebuilt from the function's outputs. */
  private enum Kind {
    OPERAND,
    LIST,
    RECORD
  }

  /**
   * The executor a call asks for first on a CPU-only context: TensorFlow's {@code
   * SINGLE_THREADED_EXECUTOR} runs the body's kernels one after the other on the calling thread
   * (each kernel still parallelised by the intra-op pool). The default executor hands ready ops to
   * the context's inter-op pool and the caller waits for the last one: thread switches at every
   * call, which a training step of small ops on a busy 2-core machine pays for more than it gains
   * from running independent updates side by side (FunctionBenchmark). TensorFlow refuses it,
   * before running any kernel, for graphs it cannot run (old-style control flow such as {@code
   * Switch}, reference-typed edges); such a trace falls back to the default executor. With a GPU
   * a function may be split into one partition per device exchanging tensors, which one thread
   * cannot run: there every call takes the default executor.
   */
  static final String SINGLE_THREADED_EXECUTOR = "SINGLE_THREADED_EXECUTOR";

  /** One trace: its graph, the graph function, and the shape of the result. */
  private static final class Trace {
    final List<Spec> specs;
    final Graph graph;
    final ConcreteFunction function;
    final String opType;
    final Kind kind;
    final Class<?> recordType;
    final int outputs;
    /** The {@code executor_type} attribute of a call ("" for TensorFlow's default executor). */
    String executor;

    Trace(
        List<Spec> specs, Graph graph, ConcreteFunction function, String opType, Kind kind,
        Class<?> recordType, int outputs, String executor) {
      this.executor = executor;
      this.specs = specs;
      this.graph = graph;
      this.function = function;
      this.opType = opType;
      this.kind = kind;
      this.recordType = recordType;
      this.outputs = outputs;
    }

    ConcreteFunction function() {
      return function;
    }

    Graph graph() {
      return graph;
    }

    String opType() {
      return opType;
    }

    Kind kind() {
      return kind;
    }

    Class<?> recordType() {
      return recordType;
    }

    int outputs() {
      return outputs;
    }
  }

  private final Ops tf;
  private final RecordingEnvironment env;
  /**
   * The serialized {@code ConfigProto} every call carries: the context's soft placement and GPU
   * options, and TensorFlow's default graph optimizations.
   */
  private final byte[] configProto;
  private final int arity;
  private final AnyBody body;
  /** Traces by {@link #key}: TensorFlow Java's {@code Shape.equals} is false for unknown sizes. */
  private final Map<List<Object>, Trace> traces = new HashMap<>();
  private String name = "function";
  private boolean reduceRetracing;
  private List<Spec> inputSignature;
  private int tracingCount;
  private boolean closed;

  EagerFunction(Ops tf, int arity, AnyBody body) {
    this.tf = tf;
    this.env = Eager.environmentOf(tf, "EagerFunction");
    ConfigProto placement = env.compiledStepsConfig();
    this.configProto =
        (placement == null ? ConfigProto.getDefaultInstance() : placement).toByteArray();
    this.arity = arity;
    this.body = body;
  }

  /** Names the function in error messages and in its graph function's name; returns this. */
  public EagerFunction<R> named(String name) {
    requireUntraced("named");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("EagerFunction.named: expected a non-blank name, received '" + name + "'");
    }
    this.name = name;
    return this;
  }

  /**
   * TensorFlow's {@code reduce_retracing}: traces with the first (batch) dimension of every
   * argument of rank 1 or more unknown, so that calls differing only in batch size share a trace.
   * Set before the first call; returns this.
   */
  public EagerFunction<R> reduceRetracing(boolean on) {
    requireUntraced("reduceRetracing");
    this.reduceRetracing = on;
    return this;
  }

  /**
   * TensorFlow's {@code input_signature}: one spec per argument (dtype, and shape with {@code -1}
   * for a dimension of any size); the function is traced once for it, and a call whose arguments do
   * not fit is refused with an {@link IllegalArgumentException}. Set before the first call; returns
   * this.
   */
  public EagerFunction<R> inputSignature(Spec... specs) {
    requireUntraced("inputSignature");
    if (specs.length != arity) {
      throw new IllegalArgumentException(
          describe() + ".inputSignature: the body takes " + arity + " argument(s), received "
              + specs.length + " spec(s)");
    }
    for (Spec s : specs) {
      if (s == null || s.type() == null || s.shape() == null) {
        throw new IllegalArgumentException(describe() + ".inputSignature: a spec needs a dtype and a shape");
      }
    }
    this.inputSignature = List.of(specs);
    return this;
  }

  /** How many times the body has been traced (TensorFlow's {@code experimental_get_tracing_count}). */
  public int tracingCount() {
    return tracingCount;
  }

  /**
   * Runs the function on eager values of this function's context: traces it first if their
   * signature is new. Returns the body's result made of eager values.
   *
   * @throws IllegalArgumentException naming the function and the expected and received signature
   *     if the number of arguments is wrong, an argument is not an eager value of this context, or
   *     (with an {@link #inputSignature}) an argument does not fit
   * @throws IllegalStateException if the function is closed, or the body creates a variable
   */
  @SuppressWarnings("unchecked")
  public R call(Operand<?>... args) {
    if (closed) {
      throw new IllegalStateException(describe() + " is closed");
    }
    env.checkThread();
    if (args.length != arity) {
      throw new IllegalArgumentException(
          describe() + ": expected " + arity + " argument(s), received " + args.length);
    }
    List<Spec> actual = new ArrayList<>(arity);
    for (int i = 0; i < arity; i++) {
      Operand<?> a = args[i];
      if (a == null) {
        throw new IllegalArgumentException(describe() + ": argument " + (i + 1) + " is null");
      }
      ExecutionEnvironment e = a.env();
      if (e != env && e != env.delegate()) {
        throw new IllegalArgumentException(
            describe() + ": argument " + (i + 1) + " must be an eager value of the function's"
                + " context, received one of " + e.getClass().getSimpleName());
      }
      actual.add(new Spec(a.type(), Recording.shape(a)));
    }
    List<Spec> signature = signatureFor(actual);
    List<Object> key = key(signature);
    Trace trace = traces.get(key);
    if (trace == null) {
      trace = trace(signature);
      traces.put(key, trace);
    }
    Operation op;
    try {
      op = launch(trace, args);
    } catch (RuntimeException e) {
      if (!trace.executor.equals(SINGLE_THREADED_EXECUTOR) || !refusedBySingleThreadedExecutor(e)) {
        throw e;
      }
      // Refused while the executor was made, before any kernel ran: nothing to undo.
      trace.executor = "";
      op = launch(trace, args);
    }
    return (R) result(trace, op);
  }

  /**
   * Runs {@code trace} as one eager op. The graph function runs as an op of its own name (TFE_NewOp
   * accepts a function attached to the context), which skips TensorFlow Java's PartitionedCall
   * builder (it attaches the function again at every call) and, registered with the fast path,
   * its builder too. The attributes are the ones TensorFlow Python's {@code tf.function} calls
   * carry: {@code config_proto} is what makes TensorFlow run Grappler on the body when it
   * instantiates it (without it the function runs unoptimized: no constant folding, no fused
   * {@code MatMul}+{@code BiasAdd}+{@code Relu}), {@code executor_type} picks the executor.
   */
  private Operation launch(Trace trace, Operand<?>[] args) {
    OperationBuilder op = tf.scope().opBuilder(trace.opType(), "EagerFunction");
    for (Operand<?> a : args) {
      op.addInput(a.asOutput());
    }
    op.setAttr("config_proto", configProto);
    op.setAttr("executor_type", trace.executor);
    return op.build();
  }

  /**
   * Whether {@code e} is TensorFlow refusing a graph the single-threaded executor cannot run: a
   * status TensorFlow Java turned into an exception ({@code FAILED_PRECONDITION} for control flow,
   * {@code UNIMPLEMENTED} for reference edges), with the executor's own message.
   */
  static boolean refusedBySingleThreadedExecutor(RuntimeException e) {
    String message = e.getMessage();
    return (e instanceof TensorFlowException || e instanceof TFUnimplementedException)
        && message != null
        && message.contains("Single-threaded executor");
  }

  /** The executor each trace's calls take, in no particular order ({@code ""}: TensorFlow's default). */
  List<String> executors() {
    List<String> out = new ArrayList<>();
    for (Trace t : traces.values()) {
      out.add(t.executor);
    }
    return out;
  }

  /** A signature as a map key: each dtype with its dimensions (null for an unknown rank). */
  private static List<Object> key(List<Spec> signature) {
    List<Object> key = new ArrayList<>(signature.size() * 2);
    for (Spec s : signature) {
      key.add(s.type());
      long[] dims = s.shape().isUnknown() ? null : s.shape().asArray();
      key.add(dims == null ? null : Arrays.stream(dims).boxed().toList());
    }
    return key;
  }

  /** The trace key of arguments of signature {@code actual}, checked against the input signature. */
  private List<Spec> signatureFor(List<Spec> actual) {
    if (inputSignature != null) {
      for (int i = 0; i < arity; i++) {
        Spec want = inputSignature.get(i);
        Spec got = actual.get(i);
        if (want.type() != got.type() || !want.shape().isCompatibleWith(got.shape())) {
          throw new IllegalArgumentException(
              describe() + ": argument " + (i + 1) + " does not fit the input signature: expected "
                  + format(inputSignature) + ", received " + format(actual));
        }
      }
      return inputSignature;
    }
    if (!reduceRetracing) {
      return List.copyOf(actual);
    }
    List<Spec> relaxed = new ArrayList<>(arity);
    for (Spec s : actual) {
      long[] dims = s.shape().asArray();
      if (dims != null && dims.length > 0) {
        dims[0] = Shape.UNKNOWN_SIZE;
        relaxed.add(new Spec(s.type(), Shape.of(dims)));
      } else {
        relaxed.add(s);
      }
    }
    return List.copyOf(relaxed);
  }

  private Trace trace(List<Spec> specs) {
    Graph graph = new Graph();
    try {
      RecordingEnvironment traceEnv = new RecordingEnvironment(graph);
      traceEnv.shareVariables();
      traceEnv.refuseVariableCreation(
          describe() + " creates variable '{name}' while tracing: variables must exist before the"
              + " first call (build the model and the optimizer eagerly first, e.g."
              + " model.build(tf, inputShapes) and optimizer.build(model.trainableVariables()))");
      Ops g = Ops.create(traceEnv);
      List<Operand<?>> placeholders = new ArrayList<>(arity);
      for (Spec s : specs) {
        placeholders.add(g.placeholder(s.type(), Placeholder.shape(s.shape())));
      }
      traceEnv.orderStatefulOps(true);
      Object result = body.apply(g, new ArrayList<>(placeholders));
      traceEnv.orderStatefulOps(false);
      Kind kind;
      List<Operand<?>> outputs;
      Class<?> recordType = null;
      if (result instanceof Operand<?> o) {
        kind = Kind.OPERAND;
        outputs = List.of(o);
      } else if (result instanceof List<?> list) {
        kind = Kind.LIST;
        outputs = new ArrayList<>(list.size());
        for (Object o : list) {
          outputs.add(operandOf(o, "list element"));
        }
      } else if (result instanceof Record r) {
        kind = Kind.RECORD;
        recordType = r.getClass();
        outputs = new ArrayList<>();
        for (RecordComponent c : recordType.getRecordComponents()) {
          Object value;
          try {
            value = c.getAccessor().invoke(r);
          } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                describe() + ": cannot read component '" + c.getName() + "' of the record "
                    + recordType.getName() + " it returned (is the record public?)", e);
          }
          outputs.add(operandOf(value, "record component '" + c.getName() + "'"));
        }
      } else {
        throw new IllegalArgumentException(
            describe() + " must return an Operand, a List of Operands or a record of Operands,"
                + " returned " + (result == null ? "null" : result.getClass().getName()));
      }
      for (Operand<?> o : outputs) {
        if (o.env() != traceEnv && o.env() != graph) {
          throw new IllegalArgumentException(
              describe() + " returned a value computed outside the function (built with another Ops"
                  + " than the one the body receives)");
        }
      }
      checkVariables(traceEnv);
      // The results wait for the last variable read or update, so that the call runs all of them,
      // and for every other stateful op whose result nothing uses (an Assert, a print): before it
      // runs a function TensorFlow prunes what the results do not need, stateful ops included
      // (Grappler; tf.function keeps them as control outputs), and these must run at every call as
      // they would eagerly.
      List<Op> controls = new ArrayList<>();
      Operation last = traceEnv.lastStatefulOp();
      if (last != null) {
        controls.add(opOf(last, traceEnv));
      }
      Iterator<GraphOperation> ops = graph.operations();
      while (ops.hasNext()) {
        GraphOperation op = ops.next();
        if (op.numConsumers() == 0 && op.numControlConsumers() == 0
            && EagerDispatcher.isStateful(op.type())) {
          controls.add(opOf(op, traceEnv));
        }
      }
      Ops after = controls.isEmpty() ? g : g.withControlDependencies(controls);
      Signature.Builder signature = Signature.builder().key(name);
      for (int i = 0; i < arity; i++) {
        signature.input(argName(i), placeholders.get(i));
      }
      for (int i = 0; i < outputs.size(); i++) {
        signature.output(outputName(i), after.identity(anyType(outputs.get(i))));
      }
      if (outputs.isEmpty()) {
        // A function with no result still runs its updates.
        signature.output(outputName(0), after.constant(true));
      }
      ConcreteFunction function = ConcreteFunction.create(signature.build(), graph);
      try {
        env.attachFunction(function);
      } catch (RuntimeException e) {
        function.close();
        throw e;
      }
      EagerDispatcher fastPath = env.fastPath();
      if (fastPath != null) {
        fastPath.registerFunction(function.getDefinedName());
      }
      tracingCount++;
      return new Trace(
          specs, graph, function, function.getDefinedName(), kind, recordType, outputs.size(),
          fastPath != null && fastPath.cpuOnly() ? SINGLE_THREADED_EXECUTOR : "");
    } catch (RuntimeException | Error e) {
      graph.close();
      throw e;
    }
  }

  /** Variables the body used must live in this function's context. */
  private void checkVariables(RecordingEnvironment traceEnv) {
    for (VariableSource source : traceEnv.twins().keySet()) {
      Variable v = (Variable) source;
      ExecutionEnvironment home = v.ops().scope().env();
      if (home != env) {
        throw new IllegalArgumentException(
            describe() + " uses variable '" + v.name() + "', which belongs to another context than"
                + " the function's Eager");
      }
    }
  }

  private Operand<?> operandOf(Object o, String what) {
    if (o instanceof Operand<?> operand) {
      return operand;
    }
    throw new IllegalArgumentException(
        describe() + " must return Operands: its " + what + " is "
            + (o == null ? "null" : o.getClass().getName()));
  }

  private Object result(Trace trace, Operation op) {
    // Outputs come in the signature's order, which is the order they were added in.
    List<Operand<?>> values = new ArrayList<>(trace.outputs());
    for (int i = 0; i < trace.outputs(); i++) {
      values.add(op.output(i));
    }
    switch (trace.kind()) {
      case OPERAND:
        return values.get(0);
      case LIST:
        return values;
      default:
        RecordComponent[] components = trace.recordType().getRecordComponents();
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        try {
          Constructor<?> c = trace.recordType().getDeclaredConstructor(types);
          return c.newInstance(values.toArray());
        } catch (ReflectiveOperationException | RuntimeException e) {
          throw new IllegalStateException(
              describe() + ": cannot rebuild the record " + trace.recordType().getName()
                  + " it returned (is its canonical constructor public?)", e);
        }
    }
  }

  private static String argName(int i) {
    return "arg_" + i;
  }

  private static String outputName(int i) {
    return "output_" + i;
  }

  @SuppressWarnings("unchecked")
  private static <T extends TType> Operand<T> anyType(Operand<?> value) {
    return (Operand<T>) value;
  }

  private static Op opOf(Operation operation, ExecutionEnvironment env) {
    return new Op() {
      @Override
      public Operation op() {
        return operation;
      }

      @Override
      public ExecutionEnvironment env() {
        return env;
      }
    };
  }

  private void requireUntraced(String what) {
    if (tracingCount > 0) {
      throw new IllegalStateException(describe() + "." + what + ": set it before the first call");
    }
  }

  private String describe() {
    return "EagerFunction '" + name + "'";
  }

  /** A signature as Keras prints specs: {@code (float32 (None, 28, 28), int32 (None,))}. */
  static String format(List<Spec> specs) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < specs.size(); i++) {
      Spec s = specs.get(i);
      sb.append(i > 0 ? ", " : "").append(dtypeName(s.type())).append(' ').append(format(s.shape()));
    }
    return sb.append(')').toString();
  }

  private static String format(Shape shape) {
    if (shape.isUnknown()) {
      return "<unknown>";
    }
    StringBuilder sb = new StringBuilder("(");
    long[] dims = shape.asArray();
    for (int i = 0; i < dims.length; i++) {
      sb.append(i > 0 ? ", " : "").append(dims[i] < 0 ? "None" : Long.toString(dims[i]));
    }
    if (dims.length == 1) {
      sb.append(',');
    }
    return sb.append(')').toString();
  }

  /** NumPy's dtype name of a TensorFlow Java type class ({@code TFloat32} is {@code float32}). */
  private static String dtypeName(Class<? extends TType> type) {
    String n = type.getSimpleName();
    switch (n) {
      case "TFloat32":
        return "float32";
      case "TFloat64":
        return "float64";
      case "TFloat16":
        return "float16";
      case "TBfloat16":
        return "bfloat16";
      case "TBool":
        return "bool";
      case "TString":
        return "string";
      default:
        return n.startsWith("T") ? n.substring(1).toLowerCase(java.util.Locale.ROOT) : n;
    }
  }

  /** Frees the traces (graphs and graph functions); the context and its variables stay. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    EagerDispatcher fastPath = env.fastPath();
    for (Trace t : traces.values()) {
      if (fastPath != null) {
        fastPath.forgetFunction(t.opType());
      }
      t.function().close();
      t.graph().close();
    }
    traces.clear();
  }
}
