package dev.keraslite.metrics;

import dev.keraslite.Recording;
import dev.keraslite.Variable;
import dev.keraslite.initializers.Initializer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * A Keras 3 metric: state in non-trainable {@link Variable}s created with {@link #addWeight} in
 * {@link #build(Ops)}, updated batch by batch in {@link #updateState} and read by {@link #result}.
 * Constructors take no {@code Ops}: the state is created on first use, with the {@code Ops} of that
 * call (an eager context or a graph), so {@code new SparseCategoricalAccuracy()} can be handed to
 * {@code compile} or used in a custom loop. The tutorial's custom metric (compiled and checked against
 * the built-in in {@code CustomMetricTest}):
 *
 * <pre>{@code
 * class SparseCategoricalAccuracy extends Metric {
 *   private Variable total;
 *   private Variable count;
 *
 *   @Override
 *   protected void build(Ops tf) {
 *     total = addWeight("total", TInt32.class, Initializers.zeros());
 *     count = addWeight("count", TInt32.class, Initializers.zeros());
 *   }
 *
 *   public void updateState(Ops tf, Operand<?> yTrue, Operand<?> yPred, Operand<?> sampleWeight) {
 *     Operand<TInt32> predicted = tf.math.argMax(yPred, tf.constant(-1), TInt32.class);
 *     Operand<TInt32> values =
 *         tf.dtypes.cast(tf.math.equal(tf.dtypes.cast(yTrue, TInt32.class), predicted), TInt32.class);
 *     total.assignAdd(tf, tf.gather(tf.shape(yTrue), tf.constant(0), tf.constant(0)));
 *     count.assignAdd(tf, tf.reduceSum(values, tf.constant(0)));
 *   }
 *
 *   public Operand<TFloat32> result(Ops tf) {
 *     return tf.math.div(tf.dtypes.cast(count.value(tf), TFloat32.class),
 *         tf.dtypes.cast(total.value(tf), TFloat32.class));
 *   }
 * }
 * }</pre>
 *
 * <p>{@link #apply}, {@link #updateState(Ops, Operand, Operand)}, {@link #ensureBuilt} and {@code
 * compile} build the state before an override of {@link #updateState(Ops, Operand, Operand, Operand)}
 * or {@link #result(Ops)} runs; the built-in metrics also build it when those are called directly.
 * A custom metric whose four-argument {@code updateState} or {@code result} is called directly,
 * before any of these, calls {@link #ensureBuilt} first.
 *
 * <p>Training loops call {@link #apply}, Keras's {@code metric(y_true, y_pred)}: it updates with every
 * gradient tape paused and returns the result; in a {@link Graph} fetching that result runs the update
 * first. The built-in metrics also pause tapes when {@link #updateState} is called directly, and check
 * their inputs before changing any state.
 */
public abstract class Metric {
  private static final Pattern CAMEL_WORD = Pattern.compile("(.)([A-Z][a-z]+)");
  private static final Pattern CAMEL_BOUNDARY = Pattern.compile("([a-z])([A-Z])");

  /** The context the state lives in: a root {@code Ops} of the first use's environment; null before. */
  private Ops tf;
  private final String name;
  private final List<Weight<?>> weights = new ArrayList<>();
  private boolean built;
  /** Set while {@link #build(Ops)} runs: the only time {@link #addWeight} may be called. */
  private boolean building;

  private record Weight<T extends TNumber>(
      Variable variable, Shape shape, Class<T> dtype, Initializer initializer) {
    Operand<T> initialValue(Ops tf) {
      return initializer.apply(tf, shape, dtype);
    }
  }

  /** A metric named after its class in snake case (Keras's {@code auto_name}). */
  protected Metric() {
    this(null);
  }

  /** @param name the metric's name (null: the class name in snake case) */
  protected Metric(String name) {
    this.name = name != null ? name : snakeCase(getClass().getSimpleName());
  }

  /**
   * Creates the metric's state with {@link #addWeight}: called once, on the first use, with the
   * {@code Ops} of that use (Keras creates it in {@code __init__}; keras-lite waits for a context).
   * The default creates nothing.
   *
   * @param tf the context the state will live in
   */
  protected void build(Ops tf) {}

  /**
   * Creates the state in {@code tf}'s context unless it exists already: eager variables for an eager
   * context, graph variables (initialised by the {@code Session} before its first step) for a graph.
   * {@code compile} calls it with the model's eager context; so do the first {@link #apply} and
   * {@link #updateState(Ops, Operand, Operand)}.
   *
   * @throws IllegalStateException if {@code tf} traces a compiled step: state created there would
   *     not outlive the trace, so the metric must be built in the eager context first
   */
  public final void ensureBuilt(Ops tf) {
    if (built) {
      return;
    }
    if (tf == null) {
      throw new IllegalArgumentException("Metric '" + name + "': tf must not be null");
    }
    if (Recording.isTracing(tf)) {
      throw new IllegalStateException(
          "Metric '" + name + "' has no state yet and is first used inside a traced (compiled) step:"
              + " build it in the eager context first, metric.ensureBuilt(eager.tf()), or pass it to"
              + " compile");
    }
    // A root Ops: the control dependencies or name scope of the first call must not stick to
    // every later reset.
    this.tf = Ops.create(tf.scope().env());
    building = true;
    try {
      build(this.tf);
      built = true;
    } catch (RuntimeException | Error e) {
      weights.clear();
      this.tf = null;
      throw e;
    } finally {
      building = false;
    }
  }

  /** Whether the state exists (after {@link #ensureBuilt} or the first use). */
  public final boolean built() {
    return built;
  }

  /**
   * Creates a state variable, named {@code "<metric>/<name>:0"}, non-trainable. In a graph the
   * initial value is an initializer the {@code Session} runs before its first step.
   *
   * @param name the weight's name within the metric, such as {@code "total"}
   * @param shape its shape
   * @param dtype its type, such as {@code TInt32.class}
   * @param initializer its initial (and {@link #resetState reset}) value, the same {@link
   *     Initializer} layers take ({@code Initializers.zeros()})
   * @throws IllegalStateException outside {@link #build(Ops)}
   */
  protected final <T extends TNumber> Variable addWeight(
      String name, Shape shape, Class<T> dtype, Initializer initializer) {
    if (!building) {
      throw new IllegalStateException(
          "Metric '" + this.name + "'.addWeight('" + name + "'): create state in build(Ops), which"
              + " runs once on the metric's first use");
    }
    if (shape == null || shape.hasUnknownDimension() || shape.isUnknown()) {
      throw new IllegalArgumentException(
          "Metric '" + this.name + "'.addWeight('" + name + "'): expected a fully known shape, "
              + "received " + shape);
    }
    Ops init = tf.scope().env().isEager() ? tf : tf.withInitScope();
    if (dtype == null || initializer == null) {
      throw new IllegalArgumentException(
          "Metric '" + this.name + "'.addWeight('" + name + "'): the dtype and the initializer must"
              + " not be null");
    }
    Operand<T> initialValue = initializer.apply(init, shape, dtype);
    Variable variable = new Variable(tf, this.name + "/" + name + ":0", initialValue, false);
    weights.add(new Weight<>(variable, shape, dtype, initializer));
    return variable;
  }

  /** A scalar state variable, as in the tutorial's {@code add_weight(name, dtype, initializer)}. */
  protected final <T extends TNumber> Variable addWeight(
      String name, Class<T> dtype, Initializer initializer) {
    return addWeight(name, Shape.scalar(), dtype, initializer);
  }

  /**
   * Accumulates statistics from one batch. Implementations check their inputs before changing any
   * state and throw {@link IllegalArgumentException} for a dtype or shape they cannot use.
   *
   * @param tf where to build the update: the metric's own context, or ops derived from it
   * @param yTrue labels
   * @param yPred predictions
   * @param sampleWeight null, or per-sample weights broadcastable to the samples
   */
  public abstract void updateState(
      Ops tf, Operand<?> yTrue, Operand<?> yPred, Operand<?> sampleWeight);

  /** Accumulates statistics from one batch, every sample weighing 1 (building the state first). */
  public void updateState(Ops tf, Operand<?> yTrue, Operand<?> yPred) {
    ensureBuilt(tf);
    updateState(tf, yTrue, yPred, null);
  }

  /** The metric's value from the state accumulated so far, a float32 scalar. */
  public abstract Operand<TFloat32> result(Ops tf);

  /**
   * {@link #result(Ops)} built with the metric's own {@code Ops}.
   *
   * @throws IllegalStateException before the state exists: use {@link #result(Ops)}
   */
  public final Operand<TFloat32> result() {
    if (!built) {
      throw new IllegalStateException(
          "Metric '" + name + "' has no state yet: call result(tf), or update it first");
    }
    return result(tf);
  }

  /** {@link #apply(Ops, Operand, Operand, Operand)} without sample weights. */
  public Operand<TFloat32> apply(Ops tf, Operand<?> yTrue, Operand<?> yPred) {
    return apply(tf, yTrue, yPred, null);
  }

  /**
   * Keras's {@code metric(y_true, y_pred, sample_weight)}: updates the state with every gradient tape
   * paused and returns the new result. In a graph, the returned value depends on the update, so
   * fetching it once per batch both accumulates and reads.
   */
  public final Operand<TFloat32> apply(
      Ops tf, Operand<?> yTrue, Operand<?> yPred, Operand<?> sampleWeight) {
    return updateThenResult(tf, () -> updateState(tf, yTrue, yPred, sampleWeight));
  }

  /**
   * Runs {@code update} with tapes paused, then builds the result so that, in a graph, it reads the
   * state only after every op {@code update} built has run.
   */
  protected final Operand<TFloat32> updateThenResult(Ops tf, Runnable update) {
    // Before counting: in a graph, the state's initializers must not become the result's dependencies.
    ensureBuilt(tf);
    Graph graph = graphOf(tf);
    int before = graph == null ? 0 : countOperations(graph);
    withoutRecording(tf, update);
    if (graph == null) {
      return result(tf);
    }
    return result(tf.withControlDependencies(operationsSince(graph, before)));
  }

  /**
   * Sets every state variable back to its initial value. Eagerly the state is reset when this returns;
   * in a graph, the returned op resets it when a {@code Session} runs it. Before the state exists there
   * is nothing to reset: returns null.
   */
  public Op resetState() {
    if (!built) {
      return null;
    }
    List<Op> assigns = new ArrayList<>();
    withoutRecording(
        tf,
        () -> {
          for (Weight<?> w : weights) {
            assigns.add(tf.assignVariableOp(w.variable().handle(tf), w.initialValue(tf)));
          }
        });
    return tf.withControlDependencies(assigns).noOp();
  }

  /** The metric's name, such as {@code "sparse_categorical_accuracy"}. */
  public String name() {
    return name;
  }

  /** The state variables, in creation order; empty before the state exists. */
  public List<Variable> variables() {
    List<Variable> vars = new ArrayList<>(weights.size());
    for (Weight<?> w : weights) {
      vars.add(w.variable());
    }
    return Collections.unmodifiableList(vars);
  }

  /** The {@code Ops} of the context the metric's state lives in; null before the state exists. */
  public Ops ops() {
    return tf;
  }

  /**
   * Runs {@code body} with every tape of {@code tf}'s keras-lite context paused: metric updates are
   * bookkeeping, not part of any computation being differentiated.
   */
  protected static void withoutRecording(Ops tf, Runnable body) {
    try (Recording.Paused paused = Recording.paused(tf)) {
      body.run();
    }
  }

  private static Graph graphOf(Ops tf) {
    return Recording.graph(tf);
  }

  private static int countOperations(Graph graph) {
    int n = 0;
    for (Iterator<?> it = graph.operations(); it.hasNext(); it.next()) {
      n++;
    }
    return n;
  }

  /** Graph operations are listed in creation order, so the ones past {@code before} are new. */
  private static List<Op> operationsSince(Graph graph, int before) {
    List<Op> ops = new ArrayList<>();
    Iterator<? extends Operation> it = graph.operations();
    for (int i = 0; it.hasNext(); i++) {
      Operation op = it.next();
      if (i >= before) {
        ops.add(() -> op);
      }
    }
    return ops;
  }

  static String snakeCase(String className) {
    if (className.isEmpty()) {
      return "metric";
    }
    String s = CAMEL_WORD.matcher(className).replaceAll("$1_$2");
    return CAMEL_BOUNDARY.matcher(s).replaceAll("$1_$2").toLowerCase(Locale.ROOT);
  }

  /** Keras's form: {@code <SparseCategoricalAccuracy name=sparse_categorical_accuracy>}. */
  @Override
  public String toString() {
    return "<" + getClass().getSimpleName() + " name=" + name + ">";
  }
}
