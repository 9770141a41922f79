package dev.keraslite.layers;

import dev.keraslite.layers.internal.Shapes;
import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.Recording;
import dev.keraslite.Variable;
import dev.keraslite.constraints.Constraint;
import dev.keraslite.initializers.Initializer;
import dev.keraslite.mixedprecision.DTypePolicy;
import dev.keraslite.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * The Keras layer: configuration in the constructor, weights created lazily by {@link
 * #build(Shape)} on the first {@link #apply}, the math in {@link #call(Ops, Operand)}.
 *
 * <p>Callers use {@code apply}, which does Keras's {@code __call__} work around {@code call}: it
 * checks the input against {@link #inputSpec()} (before any op runs, so bad input changes nothing),
 * builds the layer on first use, scopes the names of the variables it creates by the layers that
 * enclose it ({@code linear/dense/kernel:0}), and passes the training flag down to nested layers
 * applied without one. See the package documentation for how to write a layer.
 *
 * <p>Layers held in fields of a layer (directly, or in collections, maps and arrays) are its
 * sublayers, found by reflection: their variables are part of {@link #variables()}, and {@link
 * #setTrainable} reaches them. Mark a field {@code transient} to keep a layer out.
 *
 * <p>A layer is confined to one thread at a time, like a Keras model.
 */
public abstract class Layer {
  private static final AtomicLong WEIGHT_ORDER = new AtomicLong();

  /**
   * A weight this layer created, with the trainability it asked for, its regularizer and its
   * constraint (null for none).
   */
  private record Weight(
      Variable variable,
      String name,
      boolean trainable,
      long order,
      Regularizer regularizer,
      Constraint constraint) {}

  private String name;
  private boolean trainable = true;
  private DTypePolicy dtypePolicy = DTypePolicy.globalPolicy();
  private boolean built;
  private InputSpec inputSpec;
  private final List<Weight> weights = new ArrayList<>();
  private Shape outputShape;
  private boolean outputShapeVaries;
  private int symbolicCalls;
  private Regularizer activityRegularizer;
  /** Keras's {@code _losses}: losses added by the latest outermost apply (activity penalties). */
  private final List<Operand<TFloat32>> addedLosses = new ArrayList<>();

  /** A layer named after its class: {@code Dense} gives {@code dense}, then {@code dense_1}, ... */
  protected Layer() {
    this.name = LayerNames.unique(LayerNames.defaultBase(getClass()));
  }

  /**
   * A layer whose automatic name starts with {@code namePrefix} instead of its class name (Keras's
   * functional models are {@code functional}, {@code functional_1}, ...).
   */
  protected Layer(String namePrefix) {
    checkName(namePrefix);
    this.name = LayerNames.unique(namePrefix);
  }

  /**
   * Restarts automatic names ({@code dense}, {@code dense_1}, ...) from the beginning, as Keras's
   * {@code clear_session()} does; existing layers keep their names.
   */
  public static void clearNameCounters() {
    LayerNames.reset();
  }

  // ---- identity and configuration ---------------------------------------------------------

  /** The layer's name, unique per class unless set with {@link #name(String)}. */
  public String name() {
    return name;
  }

  /**
   * Renames the layer (Keras's {@code name=} argument). Layers override this with their own return
   * type so that options chain.
   *
   * @throws IllegalStateException after the layer is built: its variables already carry the name
   */
  public Layer name(String name) {
    checkNotBuilt("name");
    checkName(name);
    this.name = name;
    return this;
  }

  private static void checkName(String name) {
    if (name == null || name.isEmpty() || name.contains("/") || name.contains(":")) {
      throw new IllegalArgumentException(
          "A layer name must be non-empty and contain neither '/' nor ':', received '" + name + "'");
    }
  }

  /** The class name Keras shows in summaries and messages: {@code Dense}, {@code Linear}. */
  public String typeName() {
    return LayerNames.typeName(getClass());
  }

  /** {@code Dense 'dense_1'}: how messages name this layer. */
  protected String describe() {
    return typeName() + " '" + name + "'";
  }

  /** Whether the weights exist (after the first apply or an explicit build). */
  public boolean built() {
    return built;
  }

  /** Whether this layer's weights are trained (Keras's {@code trainable}). */
  public boolean trainable() {
    return trainable;
  }

  /**
   * Freezes or unfreezes this layer and all its sublayers, as Keras's {@code trainable} setter: a
   * frozen layer's weights leave {@link #trainableVariables()} and tapes stop watching them.
   * Weights created non-trainable (such as moving statistics) stay non-trainable.
   */
  public void setTrainable(boolean trainable) {
    for (Layer layer : selfAndDescendants()) {
      layer.trainable = trainable;
      for (Weight w : layer.weights) {
        w.variable().setTrainable(trainable && w.trainable());
      }
    }
  }

  /**
   * The dtype policy this layer computes with (Keras's {@code layer.dtype_policy}): the global
   * policy when the layer was created, unless {@link #setDtypePolicy set}.
   */
  public DTypePolicy dtypePolicy() {
    return dtypePolicy;
  }

  /**
   * Sets this layer's dtype policy (Keras's {@code dtype=} argument), such as {@code
   * DTypePolicy.FLOAT32} for an output layer of a mixed model.
   *
   * @throws IllegalStateException once the layer is built
   */
  public void setDtypePolicy(DTypePolicy policy) {
    checkNotBuilt("dtypePolicy");
    if (policy == null) {
      throw new IllegalArgumentException(describe() + ": the dtype policy must not be null");
    }
    this.dtypePolicy = policy;
  }

  /**
   * Refuses a configuration change once the weights exist.
   *
   * @throws IllegalStateException naming the layer and the option
   */
  protected final void checkNotBuilt(String option) {
    if (built) {
      throw new IllegalStateException(
          describe() + ": cannot change " + option + " after the layer is built (its weights exist);"
              + " configure it before its first apply()");
    }
  }

  /**
   * Refuses to hand out a weight before the first {@code apply()} creates it.
   *
   * @param what the weight as the message names it, e.g. {@code "the kernel"}
   * @throws IllegalStateException naming the layer and the weight
   */
  protected final void requireBuilt(String what) {
    if (!built) {
      throw new IllegalStateException(
          describe() + ": " + what + " is created on the first apply(); the layer is not built yet");
    }
  }

  /** The input requirements checked on every apply, or null for none. */
  public InputSpec inputSpec() {
    return inputSpec;
  }

  /** Sets the input requirements; layers typically refine them in {@link #build(Shape)}. */
  protected final void setInputSpec(InputSpec spec) {
    this.inputSpec = spec;
  }

  // ---- weights and sublayers --------------------------------------------------------------

  /**
   * Creates a weight during {@link #build(Shape)} (or {@code call}), on the {@code Ops} of the apply
   * in progress. Its name is scoped by the enclosing layers: {@code linear/dense/kernel:0}.
   *
   * @param name the weight's short name, such as {@code "kernel"}, unique within this layer
   * @param shape its full shape
   * @param initializer makes its starting value
   * @param trainable false for state that optimizers must not touch (moving statistics)
   * @throws IllegalStateException outside an apply or build of this layer
   */
  protected final Variable addWeight(
      String name, Shape shape, Initializer initializer, boolean trainable) {
    return addWeight(name, shape, initializer, trainable, null, null, null);
  }

  /**
   * {@link #addWeight(String, Shape, Initializer, boolean)} with an explicit dtype (Keras's {@code
   * add_weight(dtype=...)}), such as {@code TFloat64.class}, or {@code TInt64.class} for a counter.
   * Without one a weight takes the variable dtype of the layer's {@link #dtypePolicy()}.
   *
   * @param dtype the variable's dtype; null for the policy's
   */
  protected final Variable addWeight(
      String name,
      Shape shape,
      Initializer initializer,
      boolean trainable,
      Class<? extends TNumber> dtype) {
    return addWeight(name, shape, initializer, trainable, null, null, dtype);
  }

  /** {@link #addWeight(String, Shape, Initializer, boolean, Class)} for a trainable weight. */
  protected final Variable addWeight(
      String name, Shape shape, Initializer initializer, Class<? extends TNumber> dtype) {
    return addWeight(name, shape, initializer, true, null, null, dtype);
  }

  /**
   * {@link #addWeight(String, Shape, Initializer, boolean)} for a trainable weight with a
   * regularizer and a constraint (Keras's {@code add_weight(regularizer=..., constraint=...)}):
   * while the weight is trainable, its penalty is part of {@link #losses(Ops)}, and training
   * projects it with the constraint after each update ({@link #applyConstraints}).
   *
   * @param regularizer the weight's penalty, or null for none
   * @param constraint the weight's constraint, or null for none
   */
  protected final Variable addWeight(
      String name, Shape shape, Initializer initializer, Regularizer regularizer, Constraint constraint) {
    return addWeight(name, shape, initializer, true, regularizer, constraint, null);
  }

  private Variable addWeight(
      String name,
      Shape shape,
      Initializer initializer,
      boolean trainable,
      Regularizer regularizer,
      Constraint constraint,
      Class<? extends TNumber> dtype) {
    CallContext.Frame frame = CallContext.current();
    if (frame == null || frame.layer() != this) {
      throw new IllegalStateException(
          describe() + ": addWeight(\"" + name + "\") must be called from build() or call(), while"
              + " the layer is being applied or built; the constructor holds configuration only");
    }
    checkName(name);
    for (Weight w : weights) {
      if (w.name().equals(name)) {
        throw new IllegalArgumentException(describe() + " already has a weight named '" + name + "'");
      }
    }
    if (shape.isUnknown() || shape.hasUnknownDimension()) {
      throw new IllegalArgumentException(
          describe() + ": weight '" + name + "' needs a fully known shape, received "
              + Shapes.format(shape));
    }
    // In a graph, the starting value belongs with the variable's initializer, outside any function
    // being traced; eagerly it is simply computed now.
    Ops initOps = frame.tf().scope().env().isEager() ? frame.tf() : frame.tf().withInitScope();
    Class<? extends TNumber> type = dtype != null ? dtype : dtypePolicy.variableType();
    Operand<? extends TNumber> initial =
        Objects.requireNonNull(initializer, "initializer").apply(initOps, shape, type);
    if (initial.type() != type) {
      throw new IllegalArgumentException(
          describe() + ": initializer " + initializer + " returned " + initial.type().getSimpleName()
              + " for weight '" + name + "' of dtype " + type.getSimpleName());
    }
    if (!Shapes.same(Recording.shape(initial), shape)) {
      throw new IllegalArgumentException(
          describe() + ": initializer " + initializer + " returned shape "
              + Shapes.format(Recording.shape(initial)) + " for weight '" + name + "' of shape "
              + Shapes.format(shape));
    }
    Variable v = new Variable(frame.tf(), frame.path() + "/" + name + ":0", initial, trainable && this.trainable);
    weights.add(new Weight(v, name, trainable, WEIGHT_ORDER.incrementAndGet(), regularizer, constraint));
    return v;
  }

  /** {@link #addWeight(String, Shape, Initializer, boolean)} for a trainable weight. */
  protected final Variable addWeight(String name, Shape shape, Initializer initializer) {
    return addWeight(name, shape, initializer, true);
  }

  /**
   * The {@code Ops} of the apply or build of this layer in progress, for code in {@link
   * #build(Shape)} that builds sublayers or computes values.
   *
   * @throws IllegalStateException outside an apply or build of this layer
   */
  protected final Ops ops() {
    CallContext.Frame frame = CallContext.current();
    if (frame == null || frame.layer() != this) {
      throw new IllegalStateException(
          describe() + ": ops() is only available while the layer is being applied or built");
    }
    return frame.tf();
  }

  /**
   * This layer's variables and those of its sublayers, in creation order (for a layer: kernel,
   * then bias).
   */
  public final List<Variable> variables() {
    List<Weight> all = new ArrayList<>();
    for (Layer layer : selfAndDescendants()) {
      all.addAll(layer.weights);
    }
    all.sort(Comparator.comparingLong(Weight::order));
    List<Variable> out = new ArrayList<>(all.size());
    for (Weight w : all) {
      out.add(w.variable());
    }
    return out;
  }

  /**
   * The weights this layer created itself, not its sublayers': those created trainable first, then
   * the others (moving statistics), each group in creation order. This is the order of Keras's
   * {@code save_own_variables}, which weights files index by ({@code vars/0}, {@code vars/1}, ...).
   */
  public final List<Variable> ownVariables() {
    List<Variable> out = new ArrayList<>(weights.size());
    for (Weight w : weights) {
      if (w.trainable()) {
        out.add(w.variable());
      }
    }
    for (Weight w : weights) {
      if (!w.trainable()) {
        out.add(w.variable());
      }
    }
    return out;
  }

  /**
   * The layers held in this layer's fields, by field name: a {@link Layer} for a field holding one,
   * a {@code List<Layer>} for a collection, map or array (Keras's tracked attributes, which weights
   * files address by object path).
   */
  public final Map<String, Object> sublayersByField() {
    return SublayerTracking.sublayersByField(this);
  }

  /** The variables optimizers update, in creation order. */
  public final List<Variable> trainableVariables() {
    List<Variable> out = new ArrayList<>();
    for (Variable v : variables()) {
      if (v.trainable()) {
        out.add(v);
      }
    }
    return out;
  }

  /** The variables optimizers leave alone (frozen layers, moving statistics), in creation order. */
  public final List<Variable> nonTrainableVariables() {
    List<Variable> out = new ArrayList<>();
    for (Variable v : variables()) {
      if (!v.trainable()) {
        out.add(v);
      }
    }
    return out;
  }

  /**
   * The current values of {@link #variables()}, in that order, as host arrays (Keras's {@code
   * get_weights()}): for a model, layer by layer, each layer's weights in Keras's order (a
   * {@code Dense}'s kernel then bias; a {@code BatchNormalization}'s gamma, beta, moving mean,
   * moving variance). Empty before the layer is built. See {@link Variable#numpy()} for the types.
   */
  public final List<NdArray<?>> getWeights() {
    List<NdArray<?>> out = new ArrayList<>();
    for (Variable v : variables()) {
      out.add(v.numpy());
    }
    return out;
  }

  /**
   * Sets every weight from host arrays in the order of {@link #getWeights()} (Keras's {@code
   * set_weights}): weights taken from one model load into an identically built one.
   *
   * @throws IllegalArgumentException naming this layer, when the number of arrays or an array's
   *     shape or type differs from the weight's; no weight is changed then
   */
  public final void setWeights(List<? extends NdArray<?>> weights) {
    List<Variable> vars = variables();
    try {
      Variable.assignAll(vars, weights);
    } catch (IllegalArgumentException e) {
      StringBuilder expected = new StringBuilder();
      for (Variable v : vars) {
        expected.append(expected.length() == 0 ? "" : ", ").append(v.name()).append(' ').append(v.shape());
      }
      throw new IllegalArgumentException(
          describe() + ".setWeights: " + e.getMessage() + "; its weights are [" + expected + "]"
              + (built ? "" : " (the layer is not built yet: apply it to an input or build it first)"),
          e);
    }
  }

  // ---- losses (regularization) -------------------------------------------------------------

  /**
   * Sets the penalty on this layer's outputs (Keras's {@code activity_regularizer}): each apply adds
   * {@code regularizer(output)} for every output to {@link #losses(Ops)}. Layers override this with
   * their own return type so that options chain.
   *
   * @param regularizer the penalty, or null for none (the default)
   */
  public Layer activityRegularizer(Regularizer regularizer) {
    this.activityRegularizer = regularizer;
    return this;
  }

  /**
   * As {@link #activityRegularizer(Regularizer)}, by Keras name ({@code "l2"}); an unknown name is an
   * IllegalArgumentException listing the valid ones. Layers override this with their own return type.
   */
  public Layer activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  /** The penalty on this layer's outputs, or null. */
  public Regularizer activityRegularizer() {
    return activityRegularizer;
  }

  /**
   * Adds a loss to {@link #losses(Ops)} from {@code call} (Keras's {@code add_loss}): a float32
   * scalar built on the {@code Ops} of the apply. Like Keras, the losses added by a layer and its
   * sublayers are cleared when an outermost apply starts, so they are those of the latest forward
   * pass.
   */
  protected final void addLoss(Operand<TFloat32> loss) {
    addedLosses.add(Objects.requireNonNull(loss, "loss"));
  }

  /**
   * The regularization losses of this layer and its sublayers (Keras's {@code layer.losses}), each a
   * float32 scalar: the losses added by the latest forward pass (activity penalties, {@link
   * #addLoss}), then the penalty of each trainable weight with a regularizer, computed on {@code
   * tf} from the weight's current value. {@code fit} and {@code evaluate} add their sum to the
   * compiled loss. Pass the {@code Ops} of the step in progress (eager, or a graph being traced), so
   * that a tape sees the weights read and the gradients include the penalties.
   */
  public final List<Operand<TFloat32>> losses(Ops tf) {
    Objects.requireNonNull(tf, "tf");
    List<Operand<TFloat32>> out = new ArrayList<>();
    List<Weight> regularized = new ArrayList<>();
    for (Layer layer : selfAndDescendants()) {
      out.addAll(layer.addedLosses);
      for (Weight w : layer.weights) {
        if (w.regularizer() != null) {
          regularized.add(w);
        }
      }
    }
    regularized.sort(Comparator.comparingLong(Weight::order));
    for (Weight w : regularized) {
      // Keras regularizes trainable weights only: a frozen layer adds no penalty.
      if (w.variable().trainable()) {
        out.add(penalty(w, tf));
      }
    }
    return out;
  }

  /**
   * {@link #losses(Ops)} with the weight penalties computed eagerly, in the context the weights live
   * in: Keras's {@code model.losses} read outside a training step. The added losses are those of the
   * latest forward pass, built on that apply's {@code Ops}.
   */
  public final List<Operand<TFloat32>> losses() {
    List<Operand<TFloat32>> out = new ArrayList<>();
    List<Weight> regularized = new ArrayList<>();
    for (Layer layer : selfAndDescendants()) {
      out.addAll(layer.addedLosses);
      for (Weight w : layer.weights) {
        if (w.regularizer() != null && w.variable().trainable()) {
          regularized.add(w);
        }
      }
    }
    regularized.sort(Comparator.comparingLong(Weight::order));
    for (Weight w : regularized) {
      out.add(penalty(w, w.variable().ops()));
    }
    return out;
  }

  private Operand<TFloat32> penalty(Weight w, Ops tf) {
    Operand<TFloat32> p = w.regularizer().apply(tf, w.variable().value(tf));
    Shape shape = Recording.shape(p);
    if (!shape.isUnknown() && shape.numDimensions() != 0) {
      throw new IllegalStateException(
          describe() + ": the regularizer " + w.regularizer() + " of weight '" + w.name()
              + "' returned shape " + Shapes.format(Recording.shape(p)) + "; a penalty is a scalar");
    }
    return p;
  }

  // ---- constraints -------------------------------------------------------------------------

  /**
   * Projects each of {@code updated} that is a weight of this layer or its sublayers with a
   * constraint: {@code weight.assign(constraint(weight))}, built on {@code tf} (eager, or a graph
   * being traced, where it runs after the ops built before it). Training calls it right after every
   * optimizer update with the variables updated, as Keras's optimizers apply {@code
   * variable.constraint}; a custom train step that calls the optimizer itself calls it too. Not
   * recorded by gradient tapes.
   *
   * @param updated the variables just updated; others are left alone
   * @throws IllegalStateException if a constraint returns a value of another shape
   */
  public final void applyConstraints(Ops tf, List<Variable> updated) {
    Objects.requireNonNull(tf, "tf");
    Set<Variable> targets = Collections.newSetFromMap(new IdentityHashMap<>());
    targets.addAll(updated);
    List<Weight> constrained = new ArrayList<>();
    for (Layer layer : selfAndDescendants()) {
      for (Weight w : layer.weights) {
        if (w.constraint() != null && targets.contains(w.variable())) {
          constrained.add(w);
        }
      }
    }
    if (constrained.isEmpty()) {
      return;
    }
    constrained.sort(Comparator.comparingLong(Weight::order));
    try (Recording.Paused paused = Recording.paused(tf)) {
      for (Weight w : constrained) {
        Operand<TFloat32> projected = w.constraint().apply(tf, w.variable().value(tf));
        Shape shape = Recording.shape(projected);
        if (!shape.isUnknown() && !Shapes.same(shape, w.variable().shape())) {
          throw new IllegalStateException(
              describe() + ": the constraint " + w.constraint() + " of weight '" + w.variable().name()
                  + "' returned shape " + Shapes.format(shape) + " for a weight of shape "
                  + Shapes.format(w.variable().shape()));
        }
        w.variable().assign(tf, projected);
      }
    }
  }

  private void clearLosses() {
    for (Layer layer : selfAndDescendants()) {
      layer.addedLosses.clear();
    }
  }

  /** The number of scalars in {@link #variables()}. */
  public final long countParams() {
    long n = 0;
    for (Variable v : variables()) {
      n += v.shape().size();
    }
    return n;
  }

  /**
   * The layers held in this layer's fields (directly, or in collections, maps and arrays), in field
   * order, each once.
   */
  protected final List<Layer> sublayers() {
    return SublayerTracking.sublayersOf(this);
  }

  private List<Layer> selfAndDescendants() {
    List<Layer> out = new ArrayList<>();
    Set<Layer> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    collectDescendants(this, out, seen);
    return out;
  }

  private static void collectDescendants(Layer layer, List<Layer> out, Set<Layer> seen) {
    if (!seen.add(layer)) {
      return;
    }
    out.add(layer);
    for (Layer child : layer.sublayers()) {
      collectDescendants(child, out, seen);
    }
  }

  // ---- apply -------------------------------------------------------------------------------

  /**
   * Applies the layer in inference mode, or in the mode of the enclosing apply when called from
   * another layer's {@code call}.
   */
  public final Operand<TFloat32> apply(Ops tf, Operand<TFloat32> input) {
    return single(invoke(tf, List.of(Objects.requireNonNull(input, "input")), null));
  }

  /** Applies the layer in training ({@code true}) or inference mode; nested layers inherit it. */
  public final Operand<TFloat32> apply(Ops tf, Operand<TFloat32> input, boolean training) {
    return single(invoke(tf, List.of(Objects.requireNonNull(input, "input")), training));
  }

  /** Applies a layer that takes several inputs ({@code Concatenate}, {@code Add}, models). */
  public final Operand<TFloat32> apply(Ops tf, List<Operand<TFloat32>> inputs) {
    return single(invoke(tf, inputs, null));
  }

  /** As {@link #apply(Ops, List)}, in training or inference mode. */
  public final Operand<TFloat32> apply(Ops tf, List<Operand<TFloat32>> inputs, boolean training) {
    return single(invoke(tf, inputs, training));
  }

  /** Applies a layer with several outputs (a functional model with several outputs). */
  public final List<Operand<TFloat32>> applyOutputs(Ops tf, List<Operand<TFloat32>> inputs) {
    return invoke(tf, inputs, null);
  }

  /** As {@link #applyOutputs(Ops, List)}, in training or inference mode. */
  public final List<Operand<TFloat32>> applyOutputs(
      Ops tf, List<Operand<TFloat32>> inputs, boolean training) {
    return invoke(tf, inputs, training);
  }

  private List<Operand<TFloat32>> invoke(Ops tf, List<Operand<TFloat32>> inputs, Boolean training) {
    Objects.requireNonNull(tf, "tf");
    List<Shape> shapes = shapesOf(inputs);
    if (CallContext.current() == null) {
      // A new forward pass (Keras's new call context): the previous one's added losses go.
      clearLosses();
    }
    CallContext.Frame frame = CallContext.push(this, tf, training);
    try {
      validateInputs(shapes);
      maybeBuild(shapes);
      // Keras passes the mask of the first input only (layer.py, "populate mask argument").
      Operand<TBool> mask = Masks.get(inputs.get(0));
      inputs = autocast(tf, inputs);
      List<Operand<TFloat32>> outputs = callOutputs(tf, inputs, mask, frame.training());
      if (outputs == null || outputs.isEmpty()) {
        throw new IllegalStateException(describe() + ": call returned no output");
      }
      for (Operand<TFloat32> out : outputs) {
        if (out == null) {
          throw new IllegalStateException(describe() + ": call returned null");
        }
      }
      if (supportsMasking()) {
        Operand<TBool> outMask = computeMask(tf, inputs, mask);
        if (outMask != null) {
          Masks.put(outputs.get(0), outMask);
        }
      }
      recordOutputShape(Recording.shape(outputs.get(0)));
      if (activityRegularizer != null) {
        for (Operand<TFloat32> out : outputs) {
          addLoss(activityRegularizer.apply(tf, out));
        }
      }
      return outputs;
    } finally {
      CallContext.pop(frame);
    }
  }

  /**
   * The inputs with floating ones of another dtype cast to the policy's boundary dtype (Keras's
   * autocast): float64 into a float64 layer, float32 into the others. The same list when nothing
   * needs a cast, which is the common case.
   */
  private List<Operand<TFloat32>> autocast(Ops tf, List<Operand<TFloat32>> inputs) {
    List<Operand<TFloat32>> out = null;
    for (int i = 0; i < inputs.size(); i++) {
      Operand<TFloat32> x = inputs.get(i);
      Operand<TFloat32> cast = dtypePolicy.autocast(tf, x);
      if (cast != x) {
        if (out == null) {
          out = new ArrayList<>(inputs);
        }
        out.set(i, cast);
      }
    }
    return out == null ? inputs : out;
  }

  private List<Shape> shapesOf(List<Operand<TFloat32>> inputs) {
    if (inputs == null || inputs.isEmpty()) {
      throw new IllegalArgumentException(describe() + ": expected at least one input, received none");
    }
    List<Shape> shapes = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      Operand<TFloat32> x = inputs.get(i);
      if (x == null) {
        throw new IllegalArgumentException(describe() + ": input " + i + " is null");
      }
      shapes.add(Recording.shape(x));
    }
    return shapes;
  }

  private Operand<TFloat32> single(List<Operand<TFloat32>> outputs) {
    requireSingleOutput(outputs.size());
    return outputs.get(0);
  }

  private void requireSingleOutput(int count) {
    if (count != 1) {
      throw new IllegalStateException(
          describe() + " has " + count + " outputs: use applyOutputs(...) to get them all");
    }
  }

  private void validateInputs(List<Shape> shapes) {
    if (inputSpec != null) {
      for (int i = 0; i < shapes.size(); i++) {
        String problem = inputSpec.mismatch(shapes.get(i));
        if (problem != null) {
          throw inputError((shapes.size() > 1 ? "input " + i + ": " : "") + problem, shapes.get(i));
        }
      }
    }
    checkInputShapes(shapes);
  }

  /**
   * Further checks on the input shapes, run on every apply before the layer is built or any op
   * runs (after the {@link #inputSpec()} check). Throw {@link #inputError} to refuse. The default
   * accepts everything.
   */
  protected void checkInputShapes(List<Shape> inputShapes) {}

  /**
   * The exception for a refused input: {@code Dense 'dense_1': <problem>, received shape [50, 28,
   * 28].} followed by {@link #inputHint}.
   */
  protected final IllegalArgumentException inputError(String problem, Shape received) {
    String hint = inputHint(received);
    return new IllegalArgumentException(
        describe() + ": " + problem + ", received shape " + Shapes.format(received) + "."
            + (hint == null || hint.isEmpty() ? "" : " " + hint));
  }

  /** Advice appended to input errors, such as "Add a Flatten layer before it."; none by default. */
  protected String inputHint(Shape received) {
    return "";
  }

  private void maybeBuild(List<Shape> shapes) {
    if (built) {
      return;
    }
    int weightCount = weights.size();
    InputSpec specBefore = inputSpec;
    boolean done = false;
    try {
      build(shapes);
      built = true;
      done = true;
    } finally {
      if (!done) {
        // A failed build leaves the layer as it was, so it can be applied again to valid input.
        weights.subList(weightCount, weights.size()).clear();
        inputSpec = specBefore;
      }
    }
  }

  // ---- building ----------------------------------------------------------------------------

  /**
   * Builds the layer now, without data (Keras's {@code layer.build(input_shape)}): creates the
   * weights for inputs of {@code inputShape} (batch dimension included, possibly unknown). Does
   * nothing if the layer is already built.
   */
  public void build(Ops tf, Shape inputShape) {
    build(tf, List.of(inputShape));
  }

  /** As {@link #build(Ops, Shape)} for a layer with several inputs. */
  public void build(Ops tf, List<Shape> inputShapes) {
    buildInContext(tf, inputShapes);
  }

  /**
   * The standard explicit build: enters this layer's call context on {@code tf}, checks the shapes
   * and runs {@link #build(List)} once. Models that override {@link #build(Ops, List)} call it.
   */
  protected final void buildInContext(Ops tf, List<Shape> inputShapes) {
    Objects.requireNonNull(tf, "tf");
    if (inputShapes == null || inputShapes.isEmpty()) {
      throw new IllegalArgumentException(describe() + ": build needs at least one input shape");
    }
    CallContext.Frame frame = CallContext.push(this, tf, null);
    try {
      validateInputs(inputShapes);
      maybeBuild(inputShapes);
    } finally {
      CallContext.pop(frame);
    }
  }

  /**
   * Creates the weights for inputs of {@code inputShape} (batch dimension first, possibly unknown)
   * with {@link #addWeight}. Called once, before the first {@code call}. The default creates none.
   */
  protected void build(Shape inputShape) {}

  /**
   * Creates the weights of a layer with several inputs. The default builds from the only input's
   * shape, and creates nothing for several inputs.
   */
  protected void build(List<Shape> inputShapes) {
    if (inputShapes.size() == 1) {
      build(inputShapes.get(0));
    }
  }

  // ---- call --------------------------------------------------------------------------------

  /** The layer's computation on one input: only the math, with ops built on {@code tf}. */
  protected abstract Operand<TFloat32> call(Ops tf, Operand<TFloat32> input);

  /**
   * The computation when it depends on the mode (dropout, batch normalization). The default ignores
   * {@code training}.
   */
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input, boolean training) {
    return call(tf, input);
  }

  /**
   * The computation on several inputs. The default accepts exactly one input.
   *
   * @throws IllegalArgumentException for several inputs, unless overridden
   */
  protected Operand<TFloat32> call(Ops tf, List<Operand<TFloat32>> inputs, boolean training) {
    if (inputs.size() != 1) {
      throw new IllegalArgumentException(
          describe() + ": expected a single input, received " + inputs.size() + " inputs");
    }
    return call(tf, inputs.get(0), training);
  }

  /** The computation of a layer with several outputs. The default returns the one output of {@code call}. */
  protected List<Operand<TFloat32>> callOutputs(
      Ops tf, List<Operand<TFloat32>> inputs, boolean training) {
    return List.of(call(tf, inputs, training));
  }

  /**
   * The computation given the mask of the first input ({@code null} for none), as Keras passes
   * {@code mask=} to {@code call}. The default ignores the mask: layers that read it (recurrent
   * layers) override this.
   */
  protected List<Operand<TFloat32>> callOutputs(
      Ops tf, List<Operand<TFloat32>> inputs, Operand<TBool> mask, boolean training) {
    return callOutputs(tf, inputs, training);
  }

  // ---- masking -----------------------------------------------------------------------------

  /**
   * Whether this layer passes a mask on (Keras's {@code supports_masking}); false by default. A
   * layer that does not support masking and receives a masked input drops the mask, as Keras 3 does
   * (Keras also warns): layers after it see no mask.
   */
  public boolean supportsMasking() {
    return false;
  }

  /**
   * The mask of the layer's (first) output, from its inputs and the mask of the first input
   * ({@code null} for none), as Keras's {@code compute_mask(inputs, previous_mask)}: a boolean
   * tensor, true where a timestep is real. The default passes {@code mask} on when the layer
   * {@link #supportsMasking() supports masking}, and returns null otherwise.
   */
  public Operand<TBool> computeMask(Ops tf, List<Operand<TFloat32>> inputs, Operand<TBool> mask) {
    return supportsMasking() ? mask : null;
  }

  /**
   * The mask attached to {@code x} by the layer that produced it (Keras's {@code x._keras_mask}), or
   * null: {@code [batch, time]} booleans after an {@code Embedding} with {@code maskZero} or a
   * {@code Masking} layer.
   */
  public static Operand<TBool> kerasMask(Operand<?> x) {
    return Masks.get(x);
  }

  /**
   * Attaches {@code mask} to {@code x} (null removes it), so that the next layer applied to {@code
   * x} receives it, as assigning Keras's {@code x._keras_mask} or passing {@code mask=} does.
   *
   * @return {@code x}
   */
  public static <T extends Operand<?>> T setKerasMask(T x, Operand<TBool> mask) {
    Masks.put(Objects.requireNonNull(x, "x"), mask);
    return x;
  }

  // ---- shapes and the functional API -------------------------------------------------------

  /**
   * The output shape for an input of {@code inputShape} (batch dimension first, possibly unknown),
   * without running any op. Layers implement it so that the functional API and {@code summary()}
   * know their shapes.
   *
   * @throws UnsupportedOperationException if the layer does not implement it
   */
  public Shape computeOutputShape(Shape inputShape) {
    throw new UnsupportedOperationException(
        describe() + " does not implement computeOutputShape(Shape), which the functional API and"
            + " Sequential.build need");
  }

  /** The output shape for several inputs. The default handles the single-input case. */
  public Shape computeOutputShape(List<Shape> inputShapes) {
    if (inputShapes.size() != 1) {
      throw new UnsupportedOperationException(
          describe() + " does not implement computeOutputShape(List<Shape>)");
    }
    return computeOutputShape(inputShapes.get(0));
  }

  /** The shapes of all outputs. The default handles the single-output case. */
  public List<Shape> computeOutputShapes(List<Shape> inputShapes) {
    return List.of(computeOutputShape(inputShapes));
  }

  /** Applies the layer to a symbolic tensor (functional API): records the call, runs no op. */
  public final KerasTensor apply(KerasTensor input) {
    return apply(List.of(Objects.requireNonNull(input, "input")));
  }

  /** Applies a multi-input layer to symbolic tensors. */
  public final KerasTensor apply(KerasTensor first, KerasTensor second, KerasTensor... more) {
    List<KerasTensor> inputs = new ArrayList<>(2 + more.length);
    inputs.add(first);
    inputs.add(second);
    inputs.addAll(List.of(more));
    return apply(inputs);
  }

  /** Applies the layer to a list of symbolic tensors. */
  public final KerasTensor apply(List<KerasTensor> inputs) {
    List<KerasTensor> outputs = applyOutputs(inputs);
    requireSingleOutput(outputs.size());
    return outputs.get(0);
  }

  /**
   * Applies the layer to symbolic tensors and returns all its outputs: checks the shapes, infers
   * the output shapes with {@link #computeOutputShapes} and records the call for {@code
   * Model.of(inputs, outputs)}. No variable is created.
   */
  public final List<KerasTensor> applyOutputs(List<KerasTensor> inputs) {
    if (inputs == null || inputs.isEmpty()) {
      throw new IllegalArgumentException(describe() + ": expected at least one input, received none");
    }
    List<Shape> shapes = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i) == null) {
        throw new IllegalArgumentException(describe() + ": input " + i + " is null");
      }
      shapes.add(inputs.get(i).shape());
    }
    validateInputs(shapes);
    List<Shape> outShapes = computeOutputShapes(shapes);
    Node node = new Node(this, inputs, outShapes, symbolicCalls++);
    recordOutputShape(outShapes.get(0));
    return node.outputs();
  }

  private void recordOutputShape(Shape shape) {
    Shape s = Shapes.withUnknownBatch(shape);
    if (outputShape == null && !outputShapeVaries) {
      outputShape = s;
    } else if (outputShape != null && !Shapes.same(outputShape, s)) {
      outputShape = null;
      outputShapeVaries = true;
    }
  }

  /**
   * The shape of the layer's (first) output, batch dimension unknown, as last seen by an apply;
   * empty before the first apply or when it has been applied to inputs of different shapes (Keras
   * summaries print "multiple").
   */
  public Optional<Shape> outputShape() {
    return Optional.ofNullable(outputShape);
  }

  /**
   * The layer's configuration with Keras 3's config keys ({@code name}, {@code trainable}, {@code
   * dtype}, then the layer's own options such as {@code units} or {@code activation}), as Keras's
   * {@code get_config()} returns it: plain values only (strings, numbers, booleans, lists, nested
   * maps for initializers), so that the saving code can write it as JSON. Subclasses with options
   * start from {@code super.getConfig()} and add theirs; a layer class that can be rebuilt from its
   * config offers a static {@code fromConfig(Map<String, Object>)}.
   */
  public Map<String, Object> getConfig() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("name", name);
    config.put("trainable", trainable);
    config.put("dtype", dtypePolicy.name());
    return config;
  }

  /** Keras's form: {@code <Dense name=dense, built=true>}. */
  @Override
  public String toString() {
    return "<" + typeName() + " name=" + name + ", built=" + built + ">";
  }
}
