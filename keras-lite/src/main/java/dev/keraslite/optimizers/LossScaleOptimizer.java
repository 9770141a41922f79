package dev.keraslite.optimizers;

import dev.keraslite.Recording;
import dev.keraslite.Variable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Tensor;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TType;

/**
 * Dynamic loss scaling around another optimizer, as Keras 3's {@code
 * keras.optimizers.LossScaleOptimizer}: what {@code mixed_float16} needs, whose small gradients
 * underflow float16 unless the loss, and so every gradient, is first multiplied by a large scale.
 *
 * <ul>
 *   <li>{@link #scaleLoss} multiplies the loss by the current scale ({@code initialScale}, 2<sup>15</sup>
 *       by default, before the first update); differentiate the scaled loss.
 *   <li>{@link #applyGradients} divides the gradients by the scale and hands them to the inner
 *       optimizer, unless one of them holds a NaN or an infinity: then the step is skipped (no
 *       weight, slot or {@code iterations} changes), the scale halves and the count of finite steps
 *       restarts. After {@code dynamicGrowthSteps} (2000) finite steps in a row the scale doubles.
 * </ul>
 *
 * <p>The scale ({@code <name>/dynamic_scale:0}, float32) and the count of finite steps since the
 * last change ({@code <name>/step_counter:0}, int64) are variables, listed first in {@link
 * #variables()} before the inner optimizer's state, so that checkpoints, {@code fit}'s rollback and
 * traced steps carry them. {@code iterations}, the learning rate and the slots are the inner
 * optimizer's. Like Keras, it takes no clipping or weight decay of its own: set them on the inner
 * optimizer.
 *
 * <p>{@code fit} scales the loss itself when the compiled optimizer is a {@code
 * LossScaleOptimizer} (Keras's trainers call {@code optimizer.scale_loss}); {@code fit}'s logged
 * loss stays unscaled. The optimizer's skipped steps are its own business, as in Keras: {@code fit}'s
 * non-finite guard stands aside for it (the guard would otherwise skip the step before the optimizer
 * saw the overflow, and the scale would never come down), so they are not counted in {@code
 * History.skippedSteps()} and do not stop {@code TerminateOnNaN}.
 *
 * <pre>{@code
 * LossScaleOptimizer optimizer = new LossScaleOptimizer(new Adam(1e-3f));
 * try (GradientTape tape = new GradientTape(tf)) {
 *   Operand<TFloat32> loss = ...;
 *   grads = tape.gradient(optimizer.scaleLoss(tf, loss), variables);
 * }
 * optimizer.applyGradients(tf, grads, variables);   // unscaled, or skipped
 * }</pre>
 *
 * <p>Keras has no string for it ({@code optimizers.get("lossscaleoptimizer")} fails without an
 * inner optimizer), so {@link Optimizers} has none either.
 */
public final class LossScaleOptimizer extends Optimizer {
  /** Keras's default initial scale, 2<sup>15</sup>. */
  public static final float DEFAULT_INITIAL_SCALE = 32768f;

  /** Keras's default number of finite steps between two doublings of the scale. */
  public static final int DEFAULT_DYNAMIC_GROWTH_STEPS = 2000;

  private final Optimizer inner;
  private final float initialScale;
  private final int dynamicGrowthSteps;
  private Variable stepCounter;
  private Variable dynamicScale;

  /** Wraps {@code inner} with Keras's defaults: initial scale 2<sup>15</sup>, growth every 2000 steps. */
  public LossScaleOptimizer(Optimizer inner) {
    this(inner, DEFAULT_INITIAL_SCALE, DEFAULT_DYNAMIC_GROWTH_STEPS);
  }

  /**
   * @param inner the optimizer that applies the unscaled gradients
   * @param initialScale the scale before any update; finite and positive (best large: a scale too
   *     high comes down one halving per step, one too low goes up only every {@code
   *     dynamicGrowthSteps})
   * @param dynamicGrowthSteps how many finite steps in a row double the scale; at least 1
   */
  public LossScaleOptimizer(Optimizer inner, float initialScale, int dynamicGrowthSteps) {
    super("loss_scale_optimizer", 0f);
    if (inner == null) {
      throw new IllegalArgumentException("LossScaleOptimizer: the inner optimizer is null");
    }
    if (inner instanceof LossScaleOptimizer) {
      throw new IllegalArgumentException(
          "LossScaleOptimizer: the inner optimizer is already a LossScaleOptimizer");
    }
    if (!(initialScale > 0) || Float.isInfinite(initialScale)) {
      throw new IllegalArgumentException(
          "LossScaleOptimizer: initialScale must be finite and > 0, received " + initialScale);
    }
    if (dynamicGrowthSteps < 1) {
      throw new IllegalArgumentException(
          "LossScaleOptimizer: dynamicGrowthSteps must be >= 1, received " + dynamicGrowthSteps);
    }
    this.inner = inner;
    this.initialScale = initialScale;
    this.dynamicGrowthSteps = dynamicGrowthSteps;
  }

  /** The wrapped optimizer (Keras's {@code inner_optimizer}). */
  public Optimizer innerOptimizer() {
    return inner;
  }

  /** The scale before the first update (Keras's {@code initial_scale}). */
  public float initialScale() {
    return initialScale;
  }

  /** Finite steps in a row that double the scale (Keras's {@code dynamic_growth_steps}). */
  public int dynamicGrowthSteps() {
    return dynamicGrowthSteps;
  }

  /**
   * The float32 scale variable ({@code <name>/dynamic_scale:0}).
   *
   * @throws IllegalStateException before {@link #build}
   */
  public Variable dynamicScale() {
    requireBuilt("dynamicScale");
    return dynamicScale;
  }

  /**
   * The int64 count of finite steps since the scale last changed ({@code <name>/step_counter:0}).
   *
   * @throws IllegalStateException before {@link #build}
   */
  public Variable stepCounter() {
    requireBuilt("stepCounter");
    return stepCounter;
  }

  /**
   * The current scale, read eagerly: {@link #initialScale()} before the first build.
   *
   * @throws IllegalStateException if the state lives in a graph
   */
  public float scale() {
    if (dynamicScale == null) {
      return initialScale;
    }
    Ops tf = dynamicScale.ops();
    if (!tf.scope().env().isEager()) {
      throw new IllegalStateException(name() + ": its scale lives in a graph; read dynamicScale() with a Session");
    }
    try (Recording.Paused paused = Recording.paused(tf);
        Tensor t = dynamicScale.<TFloat32>value(tf).asTensor()) {
      return ((TFloat32) t).getFloat();
    }
  }

  // ---- loss scaling ------------------------------------------------------------------------

  /** True: a non-finite step is skipped here, and lowers the scale. */
  @Override
  public boolean skipsNonFiniteSteps() {
    return true;
  }

  /**
   * {@code loss} times the current scale (Keras's {@code scale_loss}); differentiate this, and pass
   * the gradients to {@link #applyGradients}, which unscales them.
   */
  @Override
  public Operand<TFloat32> scaleLoss(Ops tf, Operand<TFloat32> loss) {
    Operand<TFloat32> scale =
        dynamicScale == null ? tf.constant(initialScale) : dynamicScale.<TFloat32>value(tf);
    return tf.math.mul(loss, scale);
  }

  /**
   * Unscales {@code grads} and applies them with the inner optimizer when they are all finite, then
   * updates the scale: halved (and the step skipped) on a NaN or an infinity, doubled after {@code
   * dynamicGrowthSteps} finite steps in a row. Eager and traced alike.
   *
   * @return the op that completes the step (its last state update): run it as the target of a
   *     Session step
   */
  @Override
  public Op applyGradients(Ops tf, List<? extends Operand<?>> grads, List<Variable> vars) {
    if (vars == null || vars.isEmpty() || grads == null) {
      // The inner optimizer's checks, with its message.
      return inner.applyGradients(tf, grads, vars);
    }
    build(vars);
    try (Recording.Paused paused = Recording.paused(tf)) {
      Operand<TFloat32> scale = dynamicScale.value(tf);
      Operand<TInt64> counter = stepCounter.value(tf);
      Operand<TBool> finite = Recording.allFinite(tf, grads, true);
      Operand<TBool> applied =
          Recording.updateIf(
              tf,
              finite,
              grads,
              gated -> {
                List<Operand<?>> unscaled = new ArrayList<>(gated.size());
                for (Operand<?> g : gated) {
                  unscaled.add(g == null ? null : unscale(tf, g, scale));
                }
                return inner.applyGradients(tf, unscaled, vars);
              });
      // Branch-free: the new counter and scale from the old ones and the test, assigned after the
      // (possibly skipped) update, which read the old scale.
      Ops done = after(tf, applied);
      Operand<TBool> grow =
          done.math.logicalAnd(
              finite, done.math.equal(counter, done.constant((long) dynamicGrowthSteps - 1)));
      Operand<TInt64> zero = done.constant(0L);
      Operand<TInt64> newCounter =
          done.select(finite, done.select(grow, zero, done.math.add(counter, done.constant(1L))), zero);
      Operand<TFloat32> newScale =
          done.select(
              finite,
              done.select(grow, done.math.mul(scale, done.constant(2f)), scale),
              done.math.div(scale, done.constant(2f)));
      Op counted = done.assignVariableOp(stepCounter.handle(done), newCounter);
      Ops last = after(done, counted);
      return last.assignVariableOp(dynamicScale.handle(last), newScale);
    }
  }

  /** The gradient divided by the scale, in the gradient's dtype. */
  @SuppressWarnings("unchecked")
  private static <T extends TType> Operand<T> unscale(Ops tf, Operand<?> gradient, Operand<TFloat32> scale) {
    Operand<T> g = (Operand<T>) gradient;
    if (g.type() == TFloat32.class) {
      return (Operand<T>) tf.math.div((Operand<TFloat32>) g, scale);
    }
    return (Operand<T>) tf.math.div((Operand<TFloating>) g, (Operand<TFloating>) tf.dtypes.cast(scale, (Class<TFloating>) g.type()));
  }

  // ---- state -------------------------------------------------------------------------------

  /**
   * Creates the scale and the step counter on the first call (in the variables' context), then
   * builds the inner optimizer for {@code variables}.
   */
  @Override
  public void build(List<Variable> variables) {
    if (variables == null || variables.isEmpty()) {
      throw new IllegalArgumentException(name() + ".build: received no variables");
    }
    if (dynamicScale == null) {
      Ops tf = variables.get(0).ops();
      try (Recording.Paused paused = Recording.paused(tf)) {
        Ops init = initOps(tf);
        stepCounter = addVariable(tf, "step_counter", init.constant(0L));
        dynamicScale = addVariable(tf, "dynamic_scale", init.constant(initialScale));
      }
    }
    inner.build(variables);
  }

  @Override
  protected void createSlots(List<Variable> variables) {
    // The inner optimizer holds the slots.
  }

  @Override
  protected <T extends TFloating> Op updateStep(
      Ops tf, Variable variable, Operand<T> gradient, Operand<T> learningRate) {
    throw new UnsupportedOperationException("LossScaleOptimizer updates through its inner optimizer");
  }

  @Override
  public boolean built() {
    return dynamicScale != null && inner.built();
  }

  /** The scale and the step counter, then the inner optimizer's state. */
  @Override
  public List<Variable> variables() {
    List<Variable> all = new ArrayList<>(super.variables());
    all.addAll(inner.variables());
    return all;
  }

  /** The inner optimizer's {@code iterations}: skipped steps do not count. */
  @Override
  public Variable iterations() {
    return inner.iterations();
  }

  @Override
  public float learningRate() {
    return inner.learningRate();
  }

  @Override
  public Operand<TFloat32> learningRate(Ops tf) {
    return inner.learningRate(tf);
  }

  @Override
  public void setLearningRate(float learningRate) {
    inner.setLearningRate(learningRate);
  }

  @Override
  public LearningRateSchedule learningRateSchedule() {
    return inner.learningRateSchedule();
  }

  @Override
  public Variable learningRateVariable() {
    return inner.learningRateVariable();
  }

  @Override
  public Variable slot(Variable variable, String slotName) {
    return inner.slot(variable, slotName);
  }

  @Override
  public Map<String, Variable> slots(Variable variable) {
    return inner.slots(variable);
  }

  // ---- options Keras refuses on the wrapper ------------------------------------------------

  @Override
  public LossScaleOptimizer weightDecay(float weightDecay) {
    throw refused("weightDecay");
  }

  @Override
  public LossScaleOptimizer clipnorm(float clipnorm) {
    throw refused("clipnorm");
  }

  @Override
  public LossScaleOptimizer clipvalue(float clipvalue) {
    throw refused("clipvalue");
  }

  @Override
  public LossScaleOptimizer globalClipnorm(float globalClipnorm) {
    throw refused("globalClipnorm");
  }

  @Override
  public LossScaleOptimizer excludeFromWeightDecay(List<Variable> variables, List<String> namePatterns) {
    throw refused("excludeFromWeightDecay");
  }

  @Override
  public LossScaleOptimizer name(String name) {
    if (dynamicScale != null) {
      throw new IllegalStateException(name() + ": set name before the first build() or applyGradients()");
    }
    super.name(name);
    return this;
  }

  private UnsupportedOperationException refused(String option) {
    return new UnsupportedOperationException(
        "LossScaleOptimizer does not support " + option + "; set it on the inner optimizer ("
            + inner.name() + ")");
  }

  private void requireBuilt(String what) {
    if (dynamicScale == null) {
      throw new IllegalStateException(
          name() + "." + what + ": the optimizer is not built yet; call build(variables) or"
              + " applyGradients first");
    }
  }

  @Override
  public String toString() {
    return "LossScaleOptimizer(" + inner.name() + ", initialScale=" + initialScale
        + ", dynamicGrowthSteps=" + dynamicGrowthSteps + ")";
  }
}
