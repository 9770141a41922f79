package dev.keraslite;

import dev.keraslite.internal.recording.RecordingEnvironment;
import dev.keraslite.internal.fast.EagerDispatcher;
import org.tensorflow.EagerSession;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TType;

/**
 * An eager TensorFlow context whose ops are seen by {@link GradientTape}s and whose results are
 * released deterministically.
 *
 * <pre>{@code
 * try (Eager eager = Eager.create()) {
 *   Ops tf = eager.tf();
 *   Operand<TFloat32> x = tf.constant(3f);
 *   try (GradientTape tape = new GradientTape(tf)) {
 *     tape.watch(x);
 *     Operand<TFloat32> y = tf.math.square(x);
 *     Operand<?> dy = tape.gradient(y, x); // 6.0
 *   }
 * }
 * }</pre>
 *
 * <p><b>Memory.</b> TensorFlow Java frees an eager result only when the garbage collector reclaims its
 * wrapper. keras-lite frees a training step's values when the step ends: everything computed while
 * the outermost {@link GradientTape} is open, gradients and optimizer updates included, is released
 * when that tape closes; {@link #scope()} does the same for code without a tape (evaluation loops),
 * and when a scope encloses tapes it owns their values too, so a value computed under a tape can be
 * read until the scope closes.
 * Variables and values passed to {@link #keep} stay valid; values created outside any tape or scope
 * are left to the garbage collector, as in TensorFlow Java. Using a released value raises {@link
 * IllegalStateException}.
 *
 * <p><b>Dispatch.</b> By default ops execute through keras-lite's fast path, TensorFlow's eager C
 * API called directly (a few microseconds per op instead of TensorFlow Java's ~20); results are
 * the same TensorFlow Java operations either way. The system property {@value #FAST_PATH_PROPERTY}
 * {@code =false}, or {@link #create(boolean) create(false)}, uses TensorFlow Java's builders.
 *
 * <p>An {@code Eager} is confined to one thread, like a Keras model: the thread that created it,
 * or the one it was handed over to ({@link #handOverToCurrentThread}); ops built from another
 * thread raise {@link IllegalStateException}. One {@code Eager} per thread trains models in
 * parallel.
 */
public final class Eager implements AutoCloseable {
  /** The system property that turns the fast eager dispatch off when {@code false}. */
  public static final String FAST_PATH_PROPERTY = "keraslite.fastpath";

  private final EagerSession session;
  private final RecordingEnvironment env;
  private final Ops tf;

  private Eager(EagerSession session, boolean fastPath) {
    this.session = session;
    this.env =
        new RecordingEnvironment(session, fastPath ? EagerDispatcher.create(session) : null);
    this.tf = Ops.create(env);
    env.confineTo(Thread.currentThread());
  }

  /**
   * Makes the calling thread this context's owner: from now on only it may build ops here. An
   * {@code Eager} (and the models and variables in it) is confined to the thread that created it;
   * another thread using it gets an {@link IllegalStateException} at its first op instead of
   * corrupting the context. To move a context to another thread (a worker pool), call this from the
   * new thread after the old one has stopped using it, with a happens-before edge between the two
   * (a {@code Future}, a lock, a queue).
   */
  public void handOverToCurrentThread() {
    env.confineTo(Thread.currentThread());
  }

  /**
   * A new eager context with TensorFlow's default options; the fast path is on unless the system
   * property {@value #FAST_PATH_PROPERTY} is {@code false}.
   */
  public static Eager create() {
    return create(fastPathByDefault());
  }

  /** A new eager context, with the fast eager dispatch on or off. */
  public static Eager create(boolean fastPath) {
    return new Eager(EagerSession.create(), fastPath);
  }

  /** A new eager context with the given session options (device placement, config). */
  public static Eager create(EagerSession.Options options) {
    return create(options, fastPathByDefault());
  }

  /** A new eager context with the given session options, with the fast path on or off. */
  public static Eager create(EagerSession.Options options, boolean fastPath) {
    return new Eager(options.build(), fastPath);
  }

  private static boolean fastPathByDefault() {
    return !"false".equalsIgnoreCase(System.getProperty(FAST_PATH_PROPERTY, "true").trim());
  }

  /**
   * Whether ops run through the fast eager dispatch (false when it was turned off, or when the JVM
   * denies keras-lite access to TensorFlow Java's internals).
   */
  public boolean fastPath() {
    return env.fastPath() != null;
  }

  /** Ops that execute eagerly and are recorded by active tapes. */
  public Ops tf() {
    return tf;
  }

  /** The underlying TensorFlow Java session. */
  public EagerSession session() {
    return session;
  }

  /**
   * Opens a region whose eager results are released when it closes, for loops without a tape:
   *
   * <pre>{@code
   * for (int i = 0; i < batches; i++) {
   *   try (EagerScope scope = eager.scope()) {
   *     metric.updateState(tf, yTrue, model.apply(tf, x));
   *   }
   * }
   * }</pre>
   */
  public EagerScope scope() {
    return new EagerScope(env);
  }

  /** Exempts {@code value} from every release; it lives until this context closes. */
  public <T extends Operand<?>> T keep(T value) {
    env.keep(value.asOutput().op());
    return value;
  }

  /**
   * Keras's {@code tf.function} for a body of one tensor: traced into a graph function on its first
   * call, run as one op afterwards, sharing this context's variables (see {@link EagerFunction}).
   *
   * <pre>{@code
   * EagerFunction<Operand<TFloat32>> f = eager.function((Ops g, Operand<TFloat32> x) -> g.math.square(x));
   * Operand<TFloat32> y = f.call(tf.constant(3f)); // 9.0, an eager value
   * }</pre>
   */
  public <A extends TType, R> EagerFunction<R> function(EagerFunction.Body1<A, R> body) {
    java.util.Objects.requireNonNull(body, "body");
    return new EagerFunction<>(tf, 1, (g, args) -> body.apply(g, cast(args.get(0))));
  }

  /** {@link #function(EagerFunction.Body1)} for a body of two tensors, such as a training step. */
  public <A extends TType, B extends TType, R> EagerFunction<R> function(
      EagerFunction.Body2<A, B, R> body) {
    java.util.Objects.requireNonNull(body, "body");
    return new EagerFunction<>(
        tf, 2, (g, args) -> body.apply(g, cast(args.get(0)), cast(args.get(1))));
  }

  /** {@link #function(EagerFunction.Body1)} for a body of three tensors. */
  public <A extends TType, B extends TType, C extends TType, R> EagerFunction<R> function(
      EagerFunction.Body3<A, B, C, R> body) {
    java.util.Objects.requireNonNull(body, "body");
    return new EagerFunction<>(
        tf, 3, (g, args) -> body.apply(g, cast(args.get(0)), cast(args.get(1)), cast(args.get(2))));
  }

  @SuppressWarnings("unchecked")
  private static <T extends TType> Operand<T> cast(Operand<?> value) {
    return (Operand<T>) value;
  }

  /** The {@code Eager} whose {@link #tf()} is {@code tf}'s environment, as needed by tapes. */
  static RecordingEnvironment environmentOf(Ops tf, String user) {
    if (tf.scope().env() instanceof RecordingEnvironment) {
      return (RecordingEnvironment) tf.scope().env();
    }
    throw new IllegalArgumentException(
        user
            + " needs the Ops of a keras-lite context (Eager.create().tf()), got one on "
            + tf.scope().env().getClass().getSimpleName()
            + ": ops built there are invisible to the tape.");
  }

  /** Closes the session, freeing every value and variable it holds (from any thread). */
  @Override
  public void close() {
    session.close();
  }
}
