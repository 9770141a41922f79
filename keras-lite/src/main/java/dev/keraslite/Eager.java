package dev.keraslite;

import dev.keraslite.internal.recording.RecordingEnvironment;
import dev.keraslite.internal.fast.EagerDispatcher;
import org.tensorflow.EagerSession;
import org.tensorflow.Operand;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TType;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;

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
 *
 * <p><b>Devices.</b> {@link #builder()} places every op of the context, and the compiled steps of
 * {@code fit}, on one device, with TensorFlow's soft placement (an op the device cannot run, or a
 * device this machine lacks, runs on the CPU) and GPU memory growth as options:
 *
 * <pre>{@code
 * try (Eager eager = Eager.builder().device("/GPU:0").softPlacement(true).memoryGrowth(true).create()) {
 *   ...
 * }
 * }</pre>
 */
public final class Eager implements AutoCloseable {
  /** The system property that turns the fast eager dispatch off when {@code false}. */
  public static final String FAST_PATH_PROPERTY = "keraslite.fastpath";

  static {
    // Before any device exists in this process (see CompiledFunction.enableCpuJit).
    CompiledFunction.enableCpuJit();
  }

  private final EagerSession session;
  private final RecordingEnvironment env;
  private final Ops tf;
  private final ConfigProto config;

  private Eager(EagerSession session, boolean fastPath) {
    this(session, fastPath, null, ConfigProto.getDefaultInstance());
  }

  private Eager(EagerSession session, boolean fastPath, String device, ConfigProto config) {
    this.session = session;
    this.config = config;
    this.env =
        new RecordingEnvironment(session, fastPath ? EagerDispatcher.create(session) : null);
    this.tf = Ops.create(env);
    env.confineTo(Thread.currentThread());
    env.placeOn(device);
    env.placeCompiledSteps(config);
  }

  /**
   * Options of a new context: the device its ops run on, soft placement, GPU memory growth, the
   * fast path. {@code Eager.builder().device("/GPU:0").softPlacement(true).create()}.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The options of a new {@link Eager}; {@link #create()} makes it. */
  public static final class Builder {
    private String device;
    private boolean softPlacement;
    private boolean memoryGrowth;
    private boolean fastPath = fastPathByDefault();

    private Builder() {}

    /**
     * The device every op of the context runs on, in TensorFlow's syntax ({@code "/GPU:0"},
     * {@code "/CPU:0"}); null (the default) lets TensorFlow choose, a GPU when there is one.
     */
    public Builder device(String device) {
      this.device = device == null || device.isBlank() ? null : device.trim();
      return this;
    }

    /**
     * TensorFlow's {@code allow_soft_placement}: an op that cannot run on the device (no kernel
     * there, or no such device on this machine) runs on the CPU instead of failing. Off by default,
     * so a missing device is an error at {@link #create()}.
     */
    public Builder softPlacement(boolean softPlacement) {
      this.softPlacement = softPlacement;
      return this;
    }

    /**
     * TensorFlow's {@code gpu_options.allow_growth}: GPU memory is allocated as needed instead of
     * almost all of it up front (Keras's {@code set_memory_growth}). No effect without a GPU.
     */
    public Builder memoryGrowth(boolean memoryGrowth) {
      this.memoryGrowth = memoryGrowth;
      return this;
    }

    /** Whether ops run through the fast eager dispatch (default: {@value #FAST_PATH_PROPERTY}). */
    public Builder fastPath(boolean fastPath) {
      this.fastPath = fastPath;
      return this;
    }

    /**
     * The context.
     *
     * @throws IllegalArgumentException if the device is not on this machine and soft placement is
     *     off, or the device string is not one TensorFlow parses
     */
    public Eager create() {
      ConfigProto config =
          ConfigProto.newBuilder()
              .setAllowSoftPlacement(softPlacement)
              .setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(memoryGrowth))
              .build();
      Eager eager =
          new Eager(EagerSession.options().config(config).build(), fastPath, device, config);
      if (device != null) {
        try {
          probe(eager);
        } catch (TensorFlowException | IllegalArgumentException e) {
          eager.close();
          throw new IllegalArgumentException(
              "Eager: cannot place ops on device '"
                  + device
                  + "' (softPlacement="
                  + softPlacement
                  + "): "
                  + e.getMessage().lines().findFirst().orElse("")
                  + (softPlacement ? "" : " Turn softPlacement(true) on to run on the CPU instead."),
              e);
        }
      }
      return eager;
    }

    /** Runs one op on the device, so that a missing device fails here rather than mid-training. */
    private static void probe(Eager eager) {
      Ops tf = eager.tf();
      try (EagerScope scope = eager.scope()) {
        tf.math.add(tf.constant(0f), tf.constant(0f)).asTensor();
      }
    }
  }

  /**
   * The device this context's ops are placed on, as given to {@link Builder#device}, or null when
   * TensorFlow chooses.
   */
  public String device() {
    return env.device();
  }

  /** The session options the context was made with (soft placement, GPU options). */
  public ConfigProto config() {
    return config;
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
