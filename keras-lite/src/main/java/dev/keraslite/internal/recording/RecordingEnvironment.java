package dev.keraslite.internal.recording;

import dev.keraslite.internal.NativeHandles;
import dev.keraslite.internal.fast.ConstantCache;
import dev.keraslite.internal.fast.DeviceReader;
import dev.keraslite.internal.fast.EagerDispatcher;
import dev.keraslite.internal.fast.KeptConstants;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Operation;
import org.tensorflow.Operand;
import org.tensorflow.OperationBuilder;
import org.tensorflow.op.OpScope;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.op.Scope;
import org.tensorflow.types.family.TType;

/**
 * The single dispatch point of keras-lite: an {@link ExecutionEnvironment} that builds every op on a
 * delegate environment (an {@code EagerSession} or a {@code Graph}) and shows each built op to the
 * tapes that are recording and to the release arena that owns eager results (docs/ARCHITECTURE.md §1.2, §1.4).
 *
 * <p>Not thread-safe, like a Keras model: use one environment per thread.
 */
public final class RecordingEnvironment implements ExecutionEnvironment, ConstantCache {
  private final ExecutionEnvironment delegate;
  private final EagerDispatcher fastPath;
  private final Scope baseScope;
  private final List<Tape> recording = new ArrayList<>();
  private final List<List<Operation>> arenas = new ArrayList<>();
  private final Set<Operation> kept = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Map<Operation, VariableSource> variablesByHandle = new IdentityHashMap<>();
  private Map<VariableSource, Operand<? extends TType>> twins;
  /** Whether twins name their original's resource (a function run in its eager context). */
  private boolean sharedTwins;
  /** Non-null while variable creation is refused here: the start of the refusal's message. */
  private String variableRefusal;
  private boolean orderStatefulOps;
  /** The device every op built here is placed on, or null for TensorFlow's choice. */
  private String device;
  private org.tensorflow.DeviceSpec deviceSpec;
  private org.tensorflow.proto.ConfigProto compiledStepsConfig;
  private long releasedConstants;
  /** Released constants between two clears of TensorFlow's kernel cache (a few ms each). */
  private static final long CONSTANTS_BETWEEN_CACHE_CLEARS = 2_000;
  private Operation lastStateful;
  /** Distinct cached constants kept at most; the least recently used beyond it are released. */
  private static final int CACHED_CONSTANTS = 1_000;
  private final Map<Operation, Object> constantKeys = new IdentityHashMap<>();
  private final LinkedHashMap<Object, Operand<?>> constants =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Operand<?>> eldest) {
          if (size() <= CACHED_CONSTANTS) {
            return false;
          }
          Operation op = eldest.getValue().op();
          constantKeys.remove(op);
          kept.remove(op);
          release(List.of(op));
          return true;
        }
      };

  /** Wraps {@code delegate}; ops built through {@code Ops.create(this)} reach {@link #opBuilder}. */
  public RecordingEnvironment(ExecutionEnvironment delegate) {
    this(delegate, null);
  }

  /**
   * Wraps {@code delegate} and executes its eager ops through {@code fastPath}, keras-lite's C API
   * dispatcher, when it is not null (then {@code delegate} is the dispatcher's session).
   */
  public RecordingEnvironment(ExecutionEnvironment delegate, EagerDispatcher fastPath) {
    this.delegate = delegate;
    this.fastPath = fastPath;
    // Without a base scope on this environment, ops would be built on the delegate directly. The
    // fast path's base scope is OpScope(this) minus the per-op name work.
    this.baseScope = fastPath == null ? new OpScope(this) : fastPath.baseScope(this);
  }

  /** The environment ops are really built on. */
  public ExecutionEnvironment delegate() {
    return delegate;
  }

  /** The fast eager dispatcher, or null when ops go through TensorFlow Java's builders. */
  public EagerDispatcher fastPath() {
    return fastPath;
  }

  /**
   * Whether this is an eager context whose devices are all CPUs (asked once): its traced steps
   * then run as one partition. False for a graph, or when it cannot be known.
   */
  public boolean cpuOnly() {
    if (cpuOnly == null) {
      cpuOnly =
          fastPath != null ? fastPath.cpuOnly()
              : delegate instanceof org.tensorflow.EagerSession session && DeviceReader.cpuOnly(session);
    }
    return cpuOnly;
  }

  private Boolean cpuOnly;

  /**
   * Places every op built from now on on {@code device} ({@code "/GPU:0"}; null for TensorFlow's
   * choice), as a device scope around all code would. An op whose own scope names a device keeps
   * that one. On the fast path the dispatcher sets it on its C API ops (docs/ARCHITECTURE.md §8).
   */
  public void placeOn(String device) {
    // Parsed first: a malformed string changes nothing.
    org.tensorflow.DeviceSpec spec =
        device == null || device.isEmpty() ? null : DeviceNames.parse(device);
    this.device = spec == null ? null : device;
    this.deviceSpec = spec;
    if (fastPath != null) {
      fastPath.placeOn(this.device);
    }
  }

  /**
   * The session options (soft placement, GPU options) of the eager context this environment runs,
   * which the sessions of compiled steps traced from it take over; null outside an eager context.
   */
  public void placeCompiledSteps(org.tensorflow.proto.ConfigProto config) {
    this.compiledStepsConfig = config;
  }

  /** What {@link #placeCompiledSteps} set, or null. */
  public org.tensorflow.proto.ConfigProto compiledStepsConfig() {
    return compiledStepsConfig;
  }

  /** The device ops built here are placed on, or null for TensorFlow's choice. */
  public String device() {
    return device;
  }

  /** The only thread allowed to build ops here, or null for any (graphs being traced). */
  private volatile Thread owner;

  /**
   * Confines this environment to {@code thread} (null: no check). An eager context used by two
   * threads at once corrupts its tapes, arenas and caches silently; the check turns that into an
   * exception at the first op, for the price of one comparison per op.
   */
  public void confineTo(Thread thread) {
    this.owner = thread;
  }

  /** Throws unless the calling thread owns this environment. */
  public void checkThread() {
    Thread current = Thread.currentThread();
    Thread o = owner;
    if (o != null && o != current) {
      throw new IllegalStateException(
          "This Eager context belongs to thread '" + o.getName() + "' but is used from thread '"
              + current.getName() + "': an Eager, and the models and variables in it, is confined"
              + " to one thread (sharing it without synchronisation would corrupt its state)."
              + " Create one Eager per thread, or hand it over with"
              + " eager.handOverToCurrentThread() from the new thread once the old one is done.");
    }
  }

  @Override
  public OperationBuilder opBuilder(String type, String name, Scope scope) {
    if (owner != null && owner != Thread.currentThread()) {
      checkThread();
    }
    if (deviceSpec != null && fastPath == null && scope.getDeviceString().isEmpty()) {
      // TensorFlow Java's builders apply the scope's device at build(): the context's device
      // goes on the scope (the fast path sets it on its C API ops; an explicit scope device wins).
      scope = scope.withDevice(deviceSpec);
    }
    OperationBuilder builder =
        fastPath != null
            ? fastPath.opBuilder(type, name, scope)
            : delegate.opBuilder(type, name, scope);
    boolean capture = !recording.isEmpty();
    boolean ordered = orderStatefulOps && !scope.isInit() && isStateful(type);
    if (ordered && lastStateful != null) {
      builder.addControlInput(lastStateful);
    }
    if (!capture && arenas.isEmpty() && !ordered) {
      return builder;
    }
    return new RecordingOperationBuilder(this, builder, type, capture, ordered);
  }

  // ---- program order in traced graphs ------------------------------------------------------

  /**
   * Makes every variable read, write and update built from now on run after the previous one, in
   * the order the Java code built them (TensorFlow's automatic control dependencies, coarsened to
   * one chain). Without it a graph may run a step's reads after its optimizer updates. Graphs only:
   * eager ops run in program order anyway.
   */
  public void orderStatefulOps(boolean on) {
    this.orderStatefulOps = on;
  }

  /** The last op of the chain kept by {@link #orderStatefulOps(boolean)}, or null; run it to run them all. */
  public Operation lastStatefulOp() {
    return lastStateful;
  }

  /**
   * Continues the chain kept by {@link #orderStatefulOps(boolean)} after {@code op}: the join of a
   * conditional update, live whether or not the update ran (a stateful op chained after a skipped
   * update would be skipped too).
   */
  public void continueChainAfter(Operation op) {
    if (orderStatefulOps) {
      lastStateful = op;
    }
  }

  private static boolean isStateful(String type) {
    return type.equals("ReadVariableOp")
        || type.startsWith("Resource")
        || (type.startsWith("Assign") && type.endsWith("VariableOp"));
  }

  /** Called by the builder once the op exists. */
  void built(
      String type,
      List<org.tensorflow.Output<?>> inputs,
      OpAttributes attrs,
      Operation op,
      boolean ordered) {
    if (ordered) {
      lastStateful = op;
    }
    if (!arenas.isEmpty() && delegate.isEager()) {
      arenas.get(arenas.size() - 1).add(op);
    }
    if (inputs != null && !recording.isEmpty()) {
      TapeOp recorded = new TapeOp(type, inputs, attrs, op);
      for (int i = 0; i < recording.size(); i++) {
        recording.get(i).offer(recorded);
      }
    }
  }

  // ---- tapes -------------------------------------------------------------------------------

  /** Whether any tape is recording. */
  public boolean isRecording() {
    return !recording.isEmpty();
  }

  /** Starts showing built ops to {@code tape}. */
  public void startRecording(Tape tape) {
    recording.add(tape);
  }

  /** Stops showing built ops to {@code tape}; returns whether it was recording. */
  public boolean stopRecording(Tape tape) {
    return recording.remove(tape);
  }

  /**
   * Suspends every recording tape and returns them, for {@link #resumeRecording}: the region in
   * between is not recorded.
   */
  public List<Tape> pauseAll() {
    List<Tape> paused = new ArrayList<>(recording);
    recording.clear();
    return paused;
  }

  /** Resumes tapes paused by {@link #pauseAll}. */
  public void resumeRecording(List<Tape> tapes) {
    recording.addAll(0, tapes);
  }

  // ---- variables ---------------------------------------------------------------------------

  /** Registers the op producing a variable's resource handle, so tapes can watch its reads. */
  public void registerVariable(Operation handleOp, VariableSource variable) {
    variablesByHandle.put(handleOp, variable);
  }

  /**
   * Lets variables that live elsewhere (an eager context) be used in this environment (a graph being
   * traced): each gets a twin, a resource variable of the same shape and dtype created here on first
   * use, which the tracer initialises from the original and copies back (see {@link #twins()}).
   */
  public void enableTwins() {
    if (twins == null) {
      twins = new LinkedHashMap<>();
    }
  }

  /**
   * Makes twins the original variables themselves: each twin is a {@code VarHandleOp} with its
   * original's {@code shared_name}, which a graph function called from the original's eager context
   * resolves to the original's resource, so reads and updates need no copy either way (unlike the
   * twins of {@link #enableTwins()}, which a Session holds).
   */
  public void shareVariables() {
    enableTwins();
    sharedTwins = true;
  }

  /**
   * Refuses the creation of variables here from now on (null allows it again): creating one throws
   * {@link IllegalStateException} with {@code message}, the variable's name appended.
   */
  public void refuseVariableCreation(String message) {
    this.variableRefusal = message;
  }

  /** Throws if variables may not be created here (see {@link #refuseVariableCreation}). */
  public void checkVariableCreation(String name) {
    if (variableRefusal != null) {
      throw new IllegalStateException(variableRefusal.replace("{name}", name));
    }
  }

  /** Whether {@link #enableTwins()} was called. */
  public boolean hasTwins() {
    return twins != null;
  }

  /**
   * The handle of {@code variable}'s twin in this environment, created on first use (its reads are
   * watched by tapes as the original's would be).
   *
   * @throws IllegalStateException if twins are not enabled here
   */
  public Operand<? extends TType> twin(VariableSource variable, Ops tf) {
    if (twins == null) {
      throw new IllegalStateException(
          "Variable '" + variable.name() + "' lives in another context and this one does not trace it");
    }
    Operand<? extends TType> handle = twins.get(variable);
    if (handle == null) {
      List<Tape> paused = pauseAll();
      try {
        // An explicit, unique shared name: without one, twins would share one resource.
        handle =
            tf.withControlDependencies(List.of())
                .varHandleOp(
                    variable.type(),
                    variable.shape(),
                    VarHandleOp.sharedName(
                        sharedTwins
                            ? variable.sharedName()
                            : "twin_" + twins.size() + "_" + variable.name().replace(':', '_')));
      } finally {
        resumeRecording(paused);
      }
      twins.put(variable, handle);
      registerVariable(handle.op(), variable);
    }
    return handle;
  }

  /** Every twin created so far, in creation order: original variable to twin handle. */
  public Map<VariableSource, Operand<? extends TType>> twins() {
    return twins == null ? Map.of() : Collections.unmodifiableMap(twins);
  }

  /** The variable whose handle {@code handleOp} produces, or null. */
  VariableSource variableOf(Operation handleOp) {
    return variablesByHandle.get(handleOp);
  }

  // ---- release arenas ----------------------------------------------------------------------

  /** Opens an arena: eager ops built from now on belong to it until {@link #popArena}. */
  public void pushArena() {
    arenas.add(new ArrayList<>());
  }

  /** Closes the innermost arena and returns its ops without releasing them. */
  public List<Operation> popArena() {
    return arenas.remove(arenas.size() - 1);
  }

  /** Whether an arena is open. */
  public boolean hasArena() {
    return !arenas.isEmpty();
  }

  /** Hands {@code ops} to the innermost open arena, or to the garbage collector if none is open. */
  public void adopt(List<Operation> ops) {
    if (!arenas.isEmpty()) {
      arenas.get(arenas.size() - 1).addAll(ops);
    }
  }

  /** Frees the native memory of {@code ops}, except kept ones. */
  public void release(List<Operation> ops) {
    for (Operation op : ops) {
      if (!kept.contains(op)) {
        // The fast path makes constants without kernels; TensorFlow Java's builder executes a
        // Const kernel per value.
        if (fastPath == null && op.type().equals("Const")) {
          releasedConstants++;
        }
        NativeHandles.release(op);
      }
    }
    // TensorFlow keeps a kernel per distinct constant value forever: empty that cache now and then,
    // or a loop over fresh batches grows by a batch per step.
    if (releasedConstants >= CONSTANTS_BETWEEN_CACHE_CLEARS
        && delegate instanceof org.tensorflow.EagerSession) {
      NativeHandles.clearCaches((org.tensorflow.EagerSession) delegate);
      releasedConstants = 0;
    }
  }

  /**
   * The constant cached under {@code key}, made by {@code make} on first use and kept, exempt from
   * every release, while it is among the {@value #CACHED_CONSTANTS} most recently used (see {@link
   * KeptConstants}). Eager contexts only: a graph keeps its constants itself.
   */
  @Override
  @SuppressWarnings("unchecked")
  public <T extends TType> Operand<T> cachedConstant(Object key, Supplier<Operand<T>> make) {
    Operand<T> value = (Operand<T>) constants.get(key);
    if (value == null) {
      value = make.get();
      keep(value.op());
      constants.put(key, value);
      constantKeys.put(value.op(), key);
    }
    return value;
  }

  /** The key {@code value} is cached under by {@link #cachedConstant}, or null if it is not one. */
  @Override
  public Object cachedConstantKey(Operand<?> value) {
    return constantKeys.get(value.op());
  }

  /** Exempts {@code op}'s outputs from every release; they live until the session closes. */
  public void keep(Operation op) {
    kept.add(op);
  }

  // ---- ExecutionEnvironment ----------------------------------------------------------------

  @Override
  public void attachFunction(ConcreteFunction function) {
    delegate.attachFunction(function);
  }

  @Override
  public boolean isOpEnabled(String opType) {
    return delegate.isOpEnabled(opType);
  }

  @Override
  public void checkInput(Operation input) {
    delegate.checkInput(input);
  }

  @Override
  public Types environmentType() {
    return delegate.environmentType();
  }

  @Override
  public Scope baseScope() {
    return baseScope;
  }

  @Override
  public boolean isInitializer(Operation op) {
    return delegate.isInitializer(op);
  }
}
