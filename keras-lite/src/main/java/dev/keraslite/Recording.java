package dev.keraslite;

import dev.keraslite.internal.fast.FastShape;
import dev.keraslite.internal.fast.KeptConstants;
import dev.keraslite.internal.fast.ScalarReader;
import dev.keraslite.internal.recording.RecordingEnvironment;
import dev.keraslite.internal.recording.Tape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * What layers, metrics, optimizers and training code need from keras-lite's recording machinery,
 * in one place: the only door from the rest of the library (and from user components) into the
 * core's internals.
 *
 * <h2>Writing a stateful component</h2>
 *
 * A gradient tape records every op built on a keras-lite {@code Ops} while it is open. That is
 * right for the math a loss depends on, and wrong for bookkeeping: a metric's running totals, a
 * batch normalization's moving averages, an optimizer's slot creation and update, a variable's
 * creation. Issue such ops with the tapes paused, or the tape records them (and a later gradient
 * may walk into them):
 *
 * <pre>{@code
 * // in a metric's updateState, a layer's call, an optimizer's step:
 * try (Recording.Paused paused = Recording.paused(tf)) {
 *   total.assignAdd(tf, tf.reduceSum(values, Recording.allAxes(tf, rank)));
 * }
 * }</pre>
 *
 * <ul>
 *   <li><b>Pause</b> ({@link #paused}) around state updates. On a graph being traced it changes
 *       nothing (graphs are differentiated only from their sources), so the same code serves eager
 *       and compiled steps.
 *   <li><b>Release</b>: values computed inside an outermost tape or an {@link EagerScope} are freed
 *       when it closes; a value that must outlive the step (a constant reused by every step) is
 *       either {@linkplain #keep kept} or, better, made through the kept constants below.
 *   <li><b>Kept constants</b> ({@link #scalar}, {@link #ints}, {@link #allAxes}, {@link #constant}):
 *       small constants every step needs again (axes, shapes, hyperparameters) are made once per
 *       eager context and reused (at most 1,000, least recently used released first); in a graph
 *       they are ordinary constants. Never keep per-step constants in a field of your component.
 *   <li><b>Shapes</b>: read a value's static shape with {@link #shape}, which is cheap on the eager
 *       fast path (TensorFlow Java's own {@code shape()} allocates a status object per dimension).
 * </ul>
 *
 * <p>Every method accepts any {@code Ops}: on a plain TensorFlow Java eager session or a graph they
 * do the plain thing (no pause needed, no cache).
 */
public final class Recording {
  private Recording() {}

  /** A region with every tape of a context paused; closing it resumes them. */
  public interface Paused extends AutoCloseable {
    /** Resumes the tapes this region paused. */
    @Override
    void close();
  }

  private static final Paused NOTHING_PAUSED = () -> {};

  /**
   * Pauses every recording tape of {@code tf}'s keras-lite context until the returned region
   * closes: use it around state updates (see the class documentation).
   */
  public static Paused paused(Ops tf) {
    RecordingEnvironment env = environment(tf);
    if (env == null || !env.isRecording()) {
      return NOTHING_PAUSED;
    }
    List<Tape> tapes = env.pauseAll();
    return () -> env.resumeRecording(tapes);
  }

  /**
   * Throws {@link IllegalStateException} unless the calling thread owns {@code tf}'s eager context
   * (see {@code Eager.handOverToCurrentThread}); nothing for other environments. The entry points
   * that may run without building an op first ({@code fit}, {@code evaluate}) call it.
   */
  public static void checkThread(Ops tf) {
    RecordingEnvironment env = environment(tf);
    if (env != null) {
      env.checkThread();
    }
  }

  /** Whether {@code tf} builds ops in a keras-lite eager context ({@code Eager.create().tf()}). */
  public static boolean isEager(Ops tf) {
    return tf.scope().env().isEager() && tf.scope().env() instanceof RecordingEnvironment;
  }

  /**
   * Whether {@code tf} traces a step into a graph for an eager context (a compiled step, {@link
   * #tracing}): eager variables used there get twins, and state created there lives only in the trace.
   */
  public static boolean isTracing(Ops tf) {
    return tf.scope().env() instanceof RecordingEnvironment env && env.hasTwins();
  }

  /**
   * An {@code Ops} that traces into {@code graph} eager variables read by the traced code: each
   * such variable gets a graph variable of its own (its twin, see {@link #twins}), as a {@code
   * tf.function} or an exported SavedModel needs.
   */
  public static Ops tracing(Graph graph) {
    RecordingEnvironment env = new RecordingEnvironment(graph);
    env.enableTwins();
    return Ops.create(env);
  }

  /**
   * The twins made so far by an {@code Ops} of {@link #tracing}: each eager variable the traced code
   * read, with the handle of its graph variable, in order of first read.
   *
   * @throws IllegalArgumentException if {@code tf} does not come from {@link #tracing}
   */
  public static Map<Variable, Operand<? extends TType>> twins(Ops tf) {
    if (!(tf.scope().env() instanceof RecordingEnvironment env) || !env.hasTwins()) {
      throw new IllegalArgumentException("twins: this Ops does not come from Recording.tracing");
    }
    Map<Variable, Operand<? extends TType>> out = new LinkedHashMap<>();
    env.twins().forEach((source, handle) -> out.put((Variable) source, handle));
    return out;
  }

  /**
   * The graph {@code tf} builds ops in (also when keras-lite traces a step through its recording
   * environment), or null for an eager context.
   */
  public static Graph graph(Ops tf) {
    ExecutionEnvironment env = tf.scope().env();
    if (env instanceof RecordingEnvironment) {
      env = ((RecordingEnvironment) env).delegate();
    }
    return env instanceof Graph ? (Graph) env : null;
  }

  /**
   * Exempts {@code value} from every release: it lives as long as its eager context. Prefer the
   * kept constants for values that every step makes again.
   */
  public static <T extends TType> Operand<T> keep(Ops tf, Operand<T> value) {
    RecordingEnvironment env = environment(tf);
    if (env != null && env.isEager()) {
      env.keep(value.op());
    }
    return value;
  }

  /** The static shape of {@code value}, read without TensorFlow Java's per-dimension overhead. */
  public static Shape shape(Operand<?> value) {
    return FastShape.of(value);
  }

  /**
   * Reads a value with one element (a loss, a count, a flag) to Java as a double, booleans as 1 or
   * 0: Keras's {@code float(loss)}. On a keras-lite eager context it reads the value through
   * TensorFlow's C API, several times cheaper than {@code value.asTensor().getFloat()} (which a
   * small model pays at every step when it logs its loss); elsewhere it does just that.
   *
   * @throws IllegalArgumentException if {@code value} does not hold exactly one number or boolean
   * @throws IllegalStateException if {@code value} was released with its tape or scope
   */
  public static double readScalar(Operand<?> value) {
    return ScalarReader.read(value);
  }

  /**
   * The device an eager value was computed on, as TensorFlow's {@code tensor.device}: {@code
   * /job:localhost/replica:0/task:0/device:CPU:0}; null for an operand of a graph. Shows where
   * {@code Eager.builder().device(...)} really ran an op (soft placement may have moved it).
   *
   * @throws IllegalStateException if {@code value} was released with its tape or scope
   */
  public static String device(Operand<?> value) {
    return dev.keraslite.internal.fast.DeviceReader.deviceOf(value);
  }

  /** A kept scalar constant of numeric type {@code type}. */
  public static <T extends TNumber> Operand<T> scalar(Ops tf, Class<T> type, double value) {
    return KeptConstants.scalar(tf, type, value);
  }

  /** A kept int32 vector (axes, target shapes). */
  public static Operand<TInt32> ints(Ops tf, int... values) {
    return KeptConstants.ints(tf, values);
  }

  /** A kept int32 vector of dimensions or axes that fit in an int. */
  public static Operand<TInt32> ints(Ops tf, long[] values) {
    return KeptConstants.ints(tf, values);
  }

  /** The kept vector {@code [0, 1, ..., rank - 1]}: every axis of a tensor of that rank. */
  public static Operand<TInt32> allAxes(Ops tf, int rank) {
    return KeptConstants.allAxes(tf, rank);
  }

  /**
   * Any other kept constant: the one {@code make} builds, cached under {@code key}, which must
   * identify its value (dtype included), such as {@code List.of(TFloat32.class, 0.9)}.
   */
  public static <T extends TType> Operand<T> constant(
      Ops tf, Object key, Function<Ops, Operand<T>> make) {
    return KeptConstants.get(tf, key, make);
  }

  /**
   * Whether every element of every non-null operand of {@code values} is finite, as a boolean scalar
   * (true for none): the test of a step's gradients before an update that must not see a NaN or an
   * infinity.
   *
   * <p>With {@code elementWise}, each element is tested ({@code IsFinite}, then all of them): exact
   * in any dtype. Without it, the test is whether the sum of each operand, in float32, is finite: one
   * reduction per operand and no boolean tensor of its size (half the cost of the element-wise test
   * in {@code fit}'s guard), since a NaN or an infinity anywhere makes the sum non-finite. The one
   * difference: finite values whose sum leaves the summing dtype's range count as non-finite, which
   * suits a guard (such a step would push the optimizer's state to infinity) but not a loss scale's
   * test of float16 gradients, whose sum may overflow float16 where no element does.
   */
  public static Operand<TBool> allFinite(
      Ops tf, List<? extends Operand<?>> values, boolean elementWise) {
    List<Operand<?>> tests = new java.util.ArrayList<>(values.size());
    for (Operand<?> v : values) {
      if (v == null) {
        continue;
      }
      int rank = shape(v).numDimensions();
      @SuppressWarnings("unchecked")
      Operand<? extends TNumber> number = (Operand<? extends TNumber>) v;
      if (elementWise) {
        Operand<TBool> finite = tf.math.isFinite(number);
        tests.add(rank <= 0 ? finite : tf.reduceAll(finite, allAxes(tf, rank)));
      } else {
        Operand<? extends TNumber> sum = rank <= 0 ? number : tf.reduceSum(number, allAxes(tf, rank));
        tests.add(
            sum.type() == org.tensorflow.types.TFloat32.class
                ? sum
                : tf.dtypes.cast(sum, org.tensorflow.types.TFloat32.class));
      }
    }
    if (tests.isEmpty()) {
      return constant(tf, List.of(TBool.class, true), o -> o.constant(true));
    }
    if (elementWise) {
      return tests.size() == 1
          ? anyType(tests.get(0))
          : tf.reduceAll(tf.stack(Recording.<TBool>typed(tests)), tf.constant(0));
    }
    List<Operand<org.tensorflow.types.TFloat32>> sums = typed(tests);
    return tf.math.isFinite(sums.size() == 1 ? sums.get(0) : tf.math.addN(sums));
  }

  @SuppressWarnings("unchecked")
  private static <T extends TType> List<Operand<T>> typed(List<Operand<?>> operands) {
    return (List<Operand<T>>) (List<?>) operands;
  }

  /**
   * Runs the state update that {@code update} builds only when {@code condition} (a boolean scalar)
   * is true, and returns whether it ran, as a boolean scalar: Keras's {@code ops.cond} around an
   * update, for eager code and traced steps alike.
   *
   * <p>Eagerly, the condition is read on the host and {@code update} is called, or not. In a graph
   * every operand in {@code inputs} passes through a switch on {@code condition} before {@code
   * update} receives it (in the same order; a null entry, such as a variable's missing gradient,
   * stays null), so that every op built from them, or ordered after
   * them, does not run when the condition is false; the chain of ordered stateful ops then resumes
   * after a join that runs either way. Build the update from the operands it receives, with {@code
   * tf}, and order its stateful ops after them (as the optimizers do).
   */
  public static Operand<TBool> updateIf(
      Ops tf,
      Operand<TBool> condition,
      List<? extends Operand<?>> inputs,
      Function<List<Operand<?>>, ?> update) {
    if (tf.scope().env().isEager()) {
      boolean run;
      try (Paused paused = paused(tf)) {
        run = readScalar(condition) != 0;
      }
      if (run) {
        update.apply(new java.util.ArrayList<>(inputs));
      }
      return constant(tf, List.of(TBool.class, run), o -> o.constant(run));
    }
    org.tensorflow.op.core.SwitchCond<TBool> pivot = tf.switchCond(condition, condition);
    // Control edges from a switch are ambiguous; the taken branch is marked by an identity.
    Operand<TBool> taken = tf.identity(pivot.outputTrue());
    List<Operand<?>> gated = new java.util.ArrayList<>(inputs.size());
    for (Operand<?> input : inputs) {
      gated.add(
          input == null
              ? null
              : tf.identity(tf.switchCond(Recording.<TType>anyType(input), condition).outputTrue()));
    }
    Object result = update.apply(gated);
    RecordingEnvironment env = environment(tf);
    List<org.tensorflow.op.Op> last = new java.util.ArrayList<>();
    last.add(taken);
    if (result instanceof org.tensorflow.op.Op) {
      // The update's own last op (an optimizer's): in a plain Graph, with no chain of stateful ops,
      // the join must still wait for it, or running the join would not run the update.
      last.add((org.tensorflow.op.Op) result);
    }
    if (env != null && env.lastStatefulOp() != null) {
      last.add(new org.tensorflow.op.Op() {
        @Override
        public org.tensorflow.Operation op() {
          return env.lastStatefulOp();
        }

        @Override
        public org.tensorflow.ExecutionEnvironment env() {
          return tf.scope().env();
        }
      });
    }
    Operand<TBool> ran = tf.withControlDependencies(last).identity(taken);
    org.tensorflow.op.core.Merge<TBool> join = tf.merge(List.of(pivot.outputFalse(), ran));
    if (env != null) {
      env.continueChainAfter(join.op());
    }
    return join.output();
  }

  @SuppressWarnings("unchecked")
  private static <T extends TType> Operand<T> anyType(Operand<?> value) {
    return (Operand<T>) value;
  }

  private static RecordingEnvironment environment(Ops tf) {
    ExecutionEnvironment env = tf.scope().env();
    return env instanceof RecordingEnvironment ? (RecordingEnvironment) env : null;
  }
}
