package dev.keraslite.optimizers;

import dev.keraslite.Recording;
import dev.keraslite.Variable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Operand;
import org.tensorflow.Tensor;
import org.tensorflow.op.Op;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TType;

/**
 * The base of keras-lite's optimizers, with Keras 3's {@code BaseOptimizer} semantics: it owns the
 * {@code iterations} counter, the learning rate (a float32 variable, or a {@link
 * LearningRateSchedule} evaluated at {@code iterations}), gradient clipping, weight decay and the
 * per-variable slots; a subclass implements one {@link #updateStep} per variable.
 *
 * <pre>{@code
 * Optimizer optimizer = new SGD(0.01f).momentum(0.9f).clipnorm(1f);
 * try (GradientTape tape = new GradientTape(tf)) {
 *   Operand<TFloat32> loss = ...;
 *   optimizer.applyGradients(tape.gradient(loss, variables), variables);
 * }
 * }</pre>
 *
 * <p><b>State.</b> Keras creates {@code iterations} and the learning-rate variable in the
 * constructor; here they are created with the first {@link #build} (explicit, or on the first
 * {@link #applyGradients}) because variables need the TensorFlow context they live in, taken from
 * the first variable. Slots are created for each variable the first time it is built, named as
 * Keras names them: {@code <optimizer>/<variable path with '/' as '_'>_<slot>:0}, such as {@code
 * adam/dense_kernel_momentum:0}. {@link #variables()} lists the whole state in creation order, for
 * saving. Configuration (hyperparameters, clipping, weight decay) is fixed once built; the learning
 * rate stays settable through {@link #setLearningRate}.
 *
 * <p><b>Traced steps.</b> The same optimizer works on a {@code Graph}: every update is built with
 * the {@link Ops} passed in, ordered by control dependencies (a graph does not order stateful ops
 * by itself), and {@link #applyGradients} returns the op to run. On the built-in optimizers every
 * setter, these common ones included, returns the optimizer's own class, so options chain in any
 * order: {@code new Adam(1e-3f).clipnorm(1f).amsgrad(true)}.
 */
public abstract class Optimizer {
  private static final Logger LOG = Logger.getLogger(Optimizer.class.getName());
  private static final Pattern OUTPUT_SUFFIX = Pattern.compile(":\\d+$");

  private String name;
  private float learningRate;
  private final LearningRateSchedule schedule;
  private Float weightDecay;
  private GradientClipping clipping = GradientClipping.NONE;
  private final Set<Variable> excludedFromWeightDecay =
      Collections.newSetFromMap(new IdentityHashMap<>());
  private Pattern excludedNames;

  private Variable iterations;
  private Variable learningRateVariable;
  private final List<Variable> variables = new ArrayList<>();
  private final Map<Variable, Map<String, Variable>> slots = new IdentityHashMap<>();


  // Values shared by the per-variable updates of one applyGradients call, built once per dtype.
  private Ops stepOps;
  private Operand<TFloat32> stepLearningRate;
  private final Map<Class<?>, Operand<?>> stepLearningRates = new HashMap<>();
  private final Map<Class<?>, Operand<?>> localSteps = new HashMap<>();

  /**
   * @param name Keras's default name of the optimizer ({@code "adam"}, ...), the prefix of its
   *     variables
   * @param learningRate the constant learning rate; must not be negative
   */
  protected Optimizer(String name, float learningRate) {
    checkLearningRate(name, learningRate);
    this.name = name;
    this.learningRate = learningRate;
    this.schedule = null;
  }

  /** An optimizer whose learning rate follows {@code schedule}. */
  protected Optimizer(String name, LearningRateSchedule schedule) {
    if (schedule == null) {
      throw new IllegalArgumentException(name + ": the learning-rate schedule is null");
    }
    this.name = name;
    this.schedule = schedule;
  }

  // ---- configuration -----------------------------------------------------------------------

  /** The name, prefix of the optimizer's variable names. */
  public String name() {
    return name;
  }

  /** Sets the name (Keras's {@code name} argument). */
  public Optimizer name(String name) {
    checkNotBuilt("name");
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(this.name + ": the name must not be empty");
    }
    this.name = name;
    return this;
  }

  /**
   * Decoupled weight decay: before each update, {@code variable -= variable * weightDecay *
   * learningRate} (Keras's {@code weight_decay}; off by default, except in {@link AdamW}).
   */
  public Optimizer weightDecay(float weightDecay) {
    checkNotBuilt("weightDecay");
    checkFinite("weightDecay", weightDecay);
    this.weightDecay = weightDecay;
    return this;
  }

  /** The weight decay, or null when none is applied. */
  public Float weightDecay() {
    return weightDecay;
  }

  /**
   * Rescales each gradient whose L2 norm exceeds {@code clipnorm} to that norm ({@code 0}: off). At
   * most one of clipnorm, clipvalue and globalClipnorm may be set.
   */
  public Optimizer clipnorm(float clipnorm) {
    return clip(GradientClipping.Kind.CLIPNORM, clipnorm);
  }

  /** Clips each gradient element to {@code [-clipvalue, clipvalue]} ({@code 0}: off). */
  public Optimizer clipvalue(float clipvalue) {
    return clip(GradientClipping.Kind.CLIPVALUE, clipvalue);
  }

  /**
   * Rescales all gradients together so that their global L2 norm (the norm of all their elements)
   * is at most {@code globalClipnorm} ({@code 0}: off).
   */
  public Optimizer globalClipnorm(float globalClipnorm) {
    return clip(GradientClipping.Kind.GLOBAL_CLIPNORM, globalClipnorm);
  }

  private Optimizer clip(GradientClipping.Kind kind, float threshold) {
    checkNotBuilt(kind.argument);
    clipping = clipping.with(kind, threshold, name);
    return this;
  }

  public float clipnorm() {
    return clipping.threshold(GradientClipping.Kind.CLIPNORM);
  }

  public float clipvalue() {
    return clipping.threshold(GradientClipping.Kind.CLIPVALUE);
  }

  public float globalClipnorm() {
    return clipping.threshold(GradientClipping.Kind.GLOBAL_CLIPNORM);
  }

  /**
   * Exempts variables from weight decay, as Keras's {@code exclude_from_weight_decay}: those in
   * {@code variables}, and those whose name contains a match of one of the regular expressions in
   * {@code namePatterns} (such as {@code "bias"}).
   */
  public Optimizer excludeFromWeightDecay(List<Variable> variables, List<String> namePatterns) {
    checkNotBuilt("excludeFromWeightDecay");
    excludedFromWeightDecay.clear();
    if (variables != null) {
      excludedFromWeightDecay.addAll(variables);
    }
    excludedNames =
        namePatterns == null || namePatterns.isEmpty()
            ? null
            : Pattern.compile(String.join("|", namePatterns));
    return this;
  }

  // ---- learning rate and state -------------------------------------------------------------

  /**
   * The current learning rate. With a schedule, its value at the current {@code iterations}, which
   * needs the optimizer built in an eager context.
   *
   * @throws IllegalStateException for a schedule before {@link #build}, or for state in a graph
   */
  public float learningRate() {
    if (iterations == null) {
      if (schedule == null) {
        return learningRate;
      }
      throw new IllegalStateException(
          name + ": its learning rate follows a schedule of the step; build() it first");
    }
    Ops tf = iterations.ops();
    if (!tf.scope().env().isEager()) {
      throw new IllegalStateException(
          name + ": its state lives in a graph; read learningRate(tf) with a Session");
    }
    try (Tensor t = learningRate(tf).asTensor()) {
      return ((TFloat32) t).getFloat();
    }
  }

  /** The current learning rate as a float32 scalar built with {@code tf} (graph or eager). */
  public Operand<TFloat32> learningRate(Ops tf) {
    checkBuilt("learningRate(tf)");
    if (schedule != null) {
      return schedule.call(tf, iterations.value(tf));
    }
    return learningRateVariable.value(tf);
  }

  /**
   * Sets the learning rate, as callbacks such as ReduceLROnPlateau do. Once built, this assigns the
   * learning-rate variable, so traced steps see the new value without being rebuilt.
   *
   * @throws IllegalArgumentException if {@code learningRate} is negative or not finite
   * @throws IllegalStateException if the optimizer follows a schedule, or its state lives in a
   *     graph (assign {@link #learningRateVariable()} with a Session there)
   */
  public void setLearningRate(float learningRate) {
    checkLearningRate(name, learningRate);
    if (schedule != null) {
      throw new IllegalStateException(
          name
              + " was created with a LearningRateSchedule, so its learning rate is not settable;"
              + " create it with a float learning rate instead.");
    }
    if (learningRateVariable != null) {
      Ops tf = learningRateVariable.ops();
      if (!tf.scope().env().isEager()) {
        throw new IllegalStateException(
            name
                + ": its learning rate lives in a graph; assign learningRateVariable() there"
                + " (tf.assignVariableOp(variable.handle(), value)) and run it with the Session");
      }
      try (Recording.Paused paused = Recording.paused(tf)) {
        tf.assignVariableOp(learningRateVariable.handle(tf), tf.constant(learningRate));
      }
    }
    this.learningRate = learningRate;
  }

  /** The schedule the learning rate follows, or null for a constant (settable) rate. */
  public LearningRateSchedule learningRateSchedule() {
    return schedule;
  }

  /** The float32 learning-rate variable ({@code <name>/learning_rate:0}); null with a schedule. */
  public Variable learningRateVariable() {
    checkBuilt("learningRateVariable");
    return learningRateVariable;
  }

  /**
   * The int64 counter of applied updates ({@code <name>/iteration:0}, Keras's {@code iterations}).
   *
   * @throws IllegalStateException before {@link #build}
   */
  public Variable iterations() {
    checkBuilt("iterations");
    return iterations;
  }

  /** Whether the optimizer's state exists (after {@link #build} or the first update). */
  public boolean built() {
    return iterations != null;
  }

  /**
   * The optimizer's state in creation order: {@code iterations}, the learning rate (unless a
   * schedule drives it), then the slots. Empty before the first build.
   */
  public List<Variable> variables() {
    return Collections.unmodifiableList(new ArrayList<>(variables));
  }

  /** The slot {@code slotName} (such as {@code "momentum"}) of {@code variable}, or null. */
  public Variable slot(Variable variable, String slotName) {
    Map<String, Variable> forVariable = slots.get(variable);
    return forVariable == null ? null : forVariable.get(slotName);
  }

  /** The slots of {@code variable} by name (such as {@code "momentum"}), in creation order. */
  public Map<String, Variable> slots(Variable variable) {
    Map<String, Variable> forVariable = slots.get(variable);
    return forVariable == null ? Map.of() : Collections.unmodifiableMap(forVariable);
  }

  // ---- build -------------------------------------------------------------------------------

  /**
   * Creates the state for {@code variables}: {@code iterations} and the learning rate on the first
   * call, then the slots of each variable not yet built, in Keras's order. Variables are created in
   * the context of the variables (a graph's initializers, for a graph).
   */
  public void build(List<Variable> variables) {
    if (variables == null || variables.isEmpty()) {
      throw new IllegalArgumentException(name + ".build: received no variables");
    }
    List<Variable> fresh = new ArrayList<>();
    for (Variable v : variables) {
      if (v == null) {
        throw new IllegalArgumentException(name + ".build: received a null variable");
      }
      checkFloating(v);
      if (!slots.containsKey(v) && !fresh.contains(v)) {
        fresh.add(v);
      }
    }
    if (fresh.isEmpty()) {
      return;
    }
    try (Recording.Paused paused = Recording.paused(variables.get(0).ops())) {
      if (iterations == null) {
        Ops tf = variables.get(0).ops();
        Ops init = initOps(tf);
        iterations = addVariable(tf, "iteration", init.constant(0L));
        if (schedule == null) {
          learningRateVariable = addVariable(tf, "learning_rate", init.constant(learningRate));
        }
      }
      for (Variable v : fresh) {
        slots.put(v, new LinkedHashMap<>());
      }
      createSlots(fresh);
    }
  }

  /**
   * Creates the slots of newly built variables, in the order Keras creates them, with {@link
   * #addSlots}. Called once per variable.
   */
  protected abstract void createSlots(List<Variable> variables);

  /**
   * Adds, for each variable in turn, one slot per name (interleaved as Keras's {@code
   * add_optimizer_variables} does), filled with zeros and shaped and typed as the variable.
   */
  protected final void addSlots(List<Variable> variables, String... slotNames) {
    addSlots(variables, 0.0, slotNames);
  }

  /** As {@link #addSlots(List, String...)}, filled with {@code initialValue}. */
  protected final void addSlots(
      List<Variable> variables, double initialValue, String... slotNames) {
    for (Variable v : variables) {
      for (String slotName : slotNames) {
        Ops init = initOps(v.ops());
        @SuppressWarnings("unchecked")
        Class<TType> type = (Class<TType>) v.type();
        Operand<TInt64> dims = init.constant(v.shape().asArray());
        Operand<? extends TType> initial =
            initialValue == 0.0
                ? init.zeros(dims, type)
                : init.fill(dims, constant(init, initialValue, type));
        Variable slot = addVariable(v.ops(), path(v).replace('/', '_') + "_" + slotName, initial);
        slots.get(v).put(slotName, slot);
      }
    }
  }

  /**
   * Creates a non-trainable state variable named {@code <optimizer name>/<localName>:0} and appends
   * it to {@link #variables()}. For state that is not a per-variable slot (Nadam's
   * momentum-schedule product). {@code initialValue} should be built with {@link #initOps}.
   */
  protected final Variable addVariable(Ops tf, String localName, Operand<? extends TType> initial) {
    Variable v = new Variable(tf, name + "/" + localName + ":0", initial, false);
    variables.add(v);
    return v;
  }

  /** Ops for initial values: {@code tf} itself when eager, its init scope in a graph. */
  protected static Ops initOps(Ops tf) {
    return tf.scope().env().isEager() ? tf : tf.withInitScope();
  }

  /** The slot of a variable being updated; fails loudly if {@link #createSlots} did not add it. */
  protected final Variable requireSlot(Variable variable, String slotName) {
    Variable s = slot(variable, slotName);
    if (s == null) {
      throw new IllegalStateException(
          name + ": variable '" + variable.name() + "' has no slot '" + slotName + "'");
    }
    return s;
  }

  // ---- applying gradients ------------------------------------------------------------------

  /** As {@link #applyGradients(Ops, List, List)} with the Ops of the first variable. */
  public final Op applyGradients(List<? extends Operand<?>> grads, List<Variable> vars) {
    if (vars == null || vars.isEmpty()) {
      return applyGradients(null, grads, vars);
    }
    return applyGradients(vars.get(0).ops(), grads, vars);
  }

  /**
   * Applies one update: clips the gradients, decays the weights, runs each variable's {@link
   * #updateStep} and increments {@code iterations}. Null gradients are skipped with a warning, as
   * in Keras. The update ops are not recorded by gradient tapes.
   *
   * <p>Everything is checked before any state changes: a failed call leaves variables, slots and
   * {@code iterations} as they were.
   *
   * @param tf where to build the update (eager, or a graph being traced)
   * @param grads one gradient per variable, in order; null for none
   * @param vars the variables to update
   * @return the op that increments {@code iterations}, which in a graph runs after every update:
   *     run it as the target of a Session step. Null when {@code vars} is empty (nothing to do).
   * @throws IllegalArgumentException if sizes, dtypes or shapes disagree, or every gradient is null
   */
  // Not final: LossScaleOptimizer unscales, tests and hands the gradients to its inner optimizer.
  public Op applyGradients(Ops tf, List<? extends Operand<?>> grads, List<Variable> vars) {
    validate(grads, vars);
    if (vars.isEmpty()) {
      return null;
    }
    List<Operand<?>> present = new ArrayList<>(grads.size());
    List<Variable> updated = new ArrayList<>(vars.size());
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < vars.size(); i++) {
      if (grads.get(i) == null) {
        missing.add(vars.get(i).name());
      } else {
        present.add(grads.get(i));
        updated.add(vars.get(i));
      }
    }
    build(vars);
    if (!missing.isEmpty()) {
      LOG.warning(
          name
              + ": gradients do not exist for variables "
              + missing
              + " when minimizing the loss; they are not updated.");
    }
    try (Recording.Paused paused = Recording.paused(tf)) {
      return update(tf, clipping.apply(tf, present), updated);
    } finally {
      stepOps = null;
      stepLearningRate = null;
      stepLearningRates.clear();
      localSteps.clear();
    }
  }

  /**
   * The loss to differentiate for this optimizer (Keras's {@code scale_loss}): {@code loss} itself,
   * except for a {@link LossScaleOptimizer}, which multiplies it by its loss scale and divides the
   * gradients by it again in {@link #applyGradients}. {@code fit}'s train step calls it; a custom
   * training loop should too, to work with any optimizer.
   */
  public Operand<TFloat32> scaleLoss(Ops tf, Operand<TFloat32> loss) {
    return loss;
  }

  /**
   * Whether this optimizer skips the steps whose gradients are not finite by itself, as a {@link
   * LossScaleOptimizer} does to adjust its scale: {@code fit}'s non-finite guard then leaves those
   * steps to it. False for the others.
   */
  public boolean skipsNonFiniteSteps() {
    return false;
  }

  private Op update(Ops tf, List<Operand<?>> grads, List<Variable> vars) {
    // In a graph nothing orders a variable's update after the forward reads of other variables'
    // gradients: make every update wait for all gradients.
    Ops phase = after(tf, grads);
    stepOps = phase;
    stepLearningRate = learningRate(phase);
    Op prepared = beforeUpdates(phase);
    Ops ready = prepared == null ? phase : after(phase, prepared);
    List<Op> updates = new ArrayList<>(vars.size());
    for (int i = 0; i < vars.size(); i++) {
      updates.add(updateVariable(ready, vars.get(i), grads.get(i)));
    }
    Ops done = after(phase, updates);
    return done.assignAddVariableOp(
        iterations.handle(tf), Recording.constant(done, List.of(TInt64.class, 1L), o -> o.constant(1L)));
  }

  @SuppressWarnings("unchecked")
  private <T extends TFloating> Op updateVariable(Ops tf, Variable variable, Operand<?> gradient) {
    Operand<T> grad = (Operand<T>) gradient;
    Operand<T> lr = stepLearningRate(grad.type());
    if (weightDecay != null && usesWeightDecay(variable)) {
      Operand<T> value = variable.value(tf);
      Operand<T> decay =
          tf.math.mul(tf.math.mul(value, constant(tf, weightDecay, grad.type())), lr);
      tf = after(tf, tf.assignSubVariableOp(variable.handle(tf), decay));
    }
    return updateStep(tf, variable, grad, lr);
  }

  private boolean usesWeightDecay(Variable v) {
    if (excludedFromWeightDecay.contains(v)) {
      return false;
    }
    return excludedNames == null || !excludedNames.matcher(v.name()).find();
  }

  /**
   * Updates one variable with its (clipped) gradient, as Keras's {@code update_step}. In a graph, a
   * composite update must order its own stateful ops with {@link #after}.
   *
   * @param tf where to build the update
   * @param variable the variable to update; its slots exist
   * @param gradient the gradient, with the variable's dtype and shape
   * @param learningRate this step's learning rate in the variable's dtype
   * @return the op that completes the update
   */
  protected abstract <T extends TFloating> Op updateStep(
      Ops tf, Variable variable, Operand<T> gradient, Operand<T> learningRate);

  /**
   * Runs once per update before the per-variable steps, for state shared by all variables (Nadam's
   * momentum-schedule product). Returns the op the steps must follow, or null.
   */
  protected Op beforeUpdates(Ops tf) {
    return null;
  }

  /** This step's learning rate in {@code type}, cast once per dtype. */
  @SuppressWarnings("unchecked")
  private <T extends TType> Operand<T> stepLearningRate(Class<T> type) {
    return (Operand<T>)
        stepLearningRates.computeIfAbsent(
            type,
            t ->
                type == TFloat32.class
                    ? stepLearningRate
                    : stepOps.dtypes.cast(stepLearningRate, type));
  }

  /** Keras's {@code local_step}: {@code iterations + 1} in {@code type}, read once per update. */
  @SuppressWarnings("unchecked")
  protected final <T extends TType> Operand<T> localStep(Class<T> type) {
    return (Operand<T>)
        localSteps.computeIfAbsent(
            type,
            t ->
                stepOps.dtypes.cast(
                    stepOps.math.add(
                        iterations.<TInt64>value(stepOps),
                        Recording.constant(stepOps, List.of(TInt64.class, 1L), o -> o.constant(1L))),
                    type));
  }

  /**
   * A scalar hyperparameter of {@code type}, as {@link #constant} makes it. Eagerly it is made once
   * per context and kept across updates: every eager constant costs a dispatch and a tensor, and an
   * optimizer's constants are the same at every step. In a graph it is a plain constant (a traced
   * step is built once anyway, and a graph constant must not carry another step's control
   * dependencies).
   */
  final <T extends TType> Operand<T> sharedConstant(Ops tf, double value, Class<T> type) {
    return Recording.constant(tf, List.of(type, value), o -> constant(o, value, type));
  }

  /**
   * Ops whose ops run after {@code ops} in a graph (eager ops run in program order already). Note
   * that TensorFlow Java replaces, not extends, the control dependencies of {@code tf}; ordering
   * still holds transitively through {@code ops}.
   */
  protected static Ops after(Ops tf, List<? extends Op> ops) {
    if (ops.isEmpty() || tf.scope().env().isEager()) {
      return tf;
    }
    return tf.withControlDependencies(new ArrayList<Op>(ops));
  }

  /** As {@link #after(Ops, List)}. */
  protected static Ops after(Ops tf, Op... ops) {
    return after(tf, Arrays.asList(ops));
  }

  /**
   * A scalar constant of {@code type}, as Keras casts its Python floats to the variable's dtype.
   */
  @SuppressWarnings("unchecked")
  protected static <T extends TType> Operand<T> constant(Ops tf, double value, Class<T> type) {
    if (type == TFloat32.class) {
      return (Operand<T>) tf.constant((float) value);
    }
    if (type == TFloat64.class) {
      return (Operand<T>) tf.constant(value);
    }
    return tf.dtypes.cast(tf.constant(value), type);
  }

  // ---- validation --------------------------------------------------------------------------

  private void validate(List<? extends Operand<?>> grads, List<Variable> vars) {
    if (grads == null || vars == null) {
      throw new IllegalArgumentException(
          name
              + ".applyGradients: grads and vars must not be null (received "
              + (grads == null ? "null" : grads.size() + " gradients")
              + " and "
              + (vars == null ? "null" : vars.size() + " variables")
              + ")");
    }
    if (grads.size() != vars.size()) {
      throw new IllegalArgumentException(
          name
              + ".applyGradients: expected one gradient per variable, received "
              + grads.size()
              + " gradients for "
              + vars.size()
              + " variables");
    }
    boolean any = false;
    for (int i = 0; i < vars.size(); i++) {
      Variable v = vars.get(i);
      if (v == null) {
        throw new IllegalArgumentException(name + ".applyGradients: variable " + i + " is null");
      }
      checkFloating(v);
      Operand<?> g = grads.get(i);
      if (g == null) {
        continue;
      }
      any = true;
      if (g.type() != v.type()) {
        throw new IllegalArgumentException(
            name
                + ".applyGradients: the gradient of variable '"
                + v.name()
                + "' has dtype "
                + dtypeName(g)
                + ", expected "
                + dtypeName(v)
                + " (the variable's dtype)");
      }
      Shape gradShape = Recording.shape(g);
      if (!gradShape.isUnknown() && !v.shape().isCompatibleWith(gradShape)) {
        throw new IllegalArgumentException(
            name
                + ".applyGradients: the gradient of variable '"
                + v.name()
                + "' has shape "
                + gradShape
                + ", expected shape "
                + v.shape()
                + " (the variable's shape)");
      }
    }
    if (!any && !vars.isEmpty()) {
      List<String> names = new ArrayList<>();
      for (Variable v : vars) {
        names.add(v.name());
      }
      throw new IllegalArgumentException(
          name + ".applyGradients: no gradients provided for any variable: " + names);
    }
  }

  private void checkFloating(Variable v) {
    if (!TFloating.class.isAssignableFrom(v.type())) {
      throw new IllegalArgumentException(
          name
              + ": cannot train variable '"
              + v.name()
              + "' of dtype "
              + dtypeName(v)
              + "; expected a floating-point dtype");
    }
  }

  private static String dtypeName(Operand<?> x) {
    return dtypeName(x.asOutput().dataType());
  }

  private static String dtypeName(Variable v) {
    return dtypeName(v.dataType());
  }

  /** NumPy's name of a dtype, as Keras prints it. */
  private static String dtypeName(DataType t) {
    switch (t) {
      case DT_FLOAT:
        return "float32";
      case DT_DOUBLE:
        return "float64";
      case DT_HALF:
        return "float16";
      default:
        return t.name().substring(3).toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static void checkLearningRate(String name, float learningRate) {
    if (!(learningRate >= 0) || Float.isInfinite(learningRate)) {
      throw new IllegalArgumentException(
          name + ": the learning rate must be a finite number >= 0, received " + learningRate);
    }
  }

  /** Rejects NaN and infinities in a hyperparameter. */
  protected final void checkFinite(String what, float value) {
    if (!Float.isFinite(value)) {
      throw new IllegalArgumentException(name + ": " + what + " must be finite, received " + value);
    }
  }

  /** Rejects a hyperparameter outside {@code [low, high]}. */
  protected final void checkRange(String what, float value, float low, float high) {
    if (!(value >= low && value <= high)) {
      throw new IllegalArgumentException(
          name + ": " + what + " must be in [" + low + ", " + high + "], received " + value);
    }
  }

  /** Configuration is fixed once slots exist: they were created from it. */
  protected final void checkNotBuilt(String what) {
    if (iterations != null) {
      throw new IllegalStateException(
          name + ": set " + what + " before the first build() or applyGradients()");
    }
  }

  private void checkBuilt(String what) {
    if (iterations == null) {
      throw new IllegalStateException(
          name
              + "."
              + what
              + ": the optimizer is not built yet; call build(variables) or"
              + " applyGradients first");
    }
  }

  /** A variable's Keras path: its name without the {@code :0} output suffix. */
  private static String path(Variable v) {
    return OUTPUT_SUFFIX.matcher(v.name()).replaceFirst("");
  }

}
