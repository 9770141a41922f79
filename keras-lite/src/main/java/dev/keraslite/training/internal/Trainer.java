package dev.keraslite.training.internal;

import dev.keraslite.training.FitOptions;
import dev.keraslite.KerasLite;
import dev.keraslite.Recording;
import dev.keraslite.Variable;
import dev.keraslite.EagerScope;
import dev.keraslite.callbacks.CallbackList;
import dev.keraslite.callbacks.History;
import dev.keraslite.callbacks.TrainingContext;
import dev.keraslite.data.Batch;
import dev.keraslite.distribute.MultiWorkerStrategy;
import dev.keraslite.data.Dataset;
import dev.keraslite.layers.Layer;
import dev.keraslite.losses.Loss;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.losses.CategoricalCrossentropy;
import dev.keraslite.metrics.Mean;
import dev.keraslite.metrics.Metric;
import dev.keraslite.optimizers.Optimizer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * What {@code compile} gives a model: its optimizer, loss and metrics, and the Keras loops {@code
 * fit}, {@code evaluate} and {@code predict} over them. {@code Model} delegates here; this class
 * knows the model only as a {@link Layer} and its step functions ({@code Model.trainStep} and
 * {@code testStep}, Keras's {@code train_step}/{@code test_step}).
 *
 * <p><b>Compiled by default.</b> The train step (forward pass, loss, gradients, optimizer update,
 * metric updates) is traced once per input signature into a graph ({@link
 * dev.keraslite.CompiledFunction}) and run once per batch; so are the test and predict steps. With
 * {@link #runEagerly} the same step functions run eagerly under a tape instead. Which of the two
 * runs is decided once per loop ({@link StepRunner}); both give the same numbers.
 */
public final class Trainer {
  private final Layer model;
  private final Ops tf;
  private final Optimizer optimizer;
  private final Loss loss;
  private final Mean lossTracker;
  private final List<Metric> metrics;
  private final StepFunction trainStep;
  private final StepFunction testStep;
  /** The losses, weights and metrics of a model with several inputs or outputs, or null. */
  private final MultiOutput multi;
  private final TracedSteps traced = new TracedSteps();
  private boolean runEagerly;
  private boolean jitCompile;
  private int stepsPerExecution = 1;
  private boolean optimizerBuilt;
  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(Trainer.class.getName());
  /** The step output that says a train step applied no update (not a log: read and removed). */
  private static final String SKIPPED = "keraslite/skipped_step";
  /** Whether this fit's train steps guard against non-finite gradients. */
  private boolean guardThisFit;
  /** Set by {@link #applyGradients} while a guarded step is being built or run. */
  private Operand<TFloat32> pendingSkipped;
  /** Set while a group of steps whose runner can replay it is traced (see GuardDeferral). */
  private final GuardDeferral deferral = new GuardDeferral();
  /** The strategy whose scope was open at compile (Keras's rule), or null. */
  private final MultiWorkerStrategy strategy;
  /** Set by {@code fit} under a strategy: broadcast the chief's weights before the first step. */
  private boolean broadcastPending;
  /** The samples this worker saw in the last pass (its weight in averaged logs). */
  private long passSamples;

  /**
   * @param model the model (its {@code apply} is the forward pass)
   * @param tf the eager context the model's variables live in
   * @param trainStep the model's train step (usually {@code Model.trainStep})
   * @param testStep the model's test step (usually {@code Model.testStep})
   * @param metrics {@link Metric}s or Keras names ({@code "accuracy"}, {@code "mae"}, ...)
   */
  public Trainer(
      Layer model,
      Ops tf,
      Optimizer optimizer,
      Loss loss,
      List<?> metrics,
      StepFunction trainStep,
      StepFunction testStep) {
    this.model = Objects.requireNonNull(model, "model");
    this.tf = requireEager(tf);
    this.optimizer = Objects.requireNonNull(optimizer, "compile: optimizer is required");
    this.loss = Objects.requireNonNull(loss, "compile: loss is required");
    this.lossTracker = new Mean("loss");
    this.metrics = new ArrayList<>();
    for (Object m : metrics) {
      this.metrics.add(resolveMetric(m));
    }
    // The state lives in the model's eager context, as the model's variables do: the compiled steps
    // use it through twins, and each pass resets it eagerly (a metric first used inside a trace
    // could not be built there).
    lossTracker.ensureBuilt(tf);
    for (Metric m : this.metrics) {
      m.ensureBuilt(tf);
    }
    this.trainStep = trainStep;
    this.testStep = testStep;
    this.multi = null;
    this.strategy = MultiWorkerStrategy.current();
  }

  /**
   * A trainer for a model with several inputs and/or outputs: {@code multi} holds its per-output
   * losses, weights and metrics; {@code fit}, {@code evaluate} and {@code predict} take lists of
   * arrays, which the steps receive packed side by side (see {@link MultiOutput}).
   */
  public Trainer(
      Layer model,
      Ops tf,
      Optimizer optimizer,
      MultiOutput multi,
      StepFunction trainStep,
      StepFunction testStep) {
    this.model = Objects.requireNonNull(model, "model");
    this.tf = requireEager(tf);
    this.optimizer = Objects.requireNonNull(optimizer, "compile: optimizer is required");
    this.multi = Objects.requireNonNull(multi, "compile: losses are required");
    this.loss = null;
    this.lossTracker = null;
    this.metrics = List.of();
    this.trainStep = trainStep;
    this.testStep = testStep;
    this.strategy = MultiWorkerStrategy.current();
  }

  /** {@code tf}, which must be the Ops of a keras-lite eager context: the model's. */
  private static Ops requireEager(Ops tf) {
    Objects.requireNonNull(tf, "tf");
    if (!Recording.isEager(tf)) {
      throw new IllegalArgumentException(
          "compile: tf must be the Ops of a keras-lite eager context (Eager.create().tf())");
    }
    return tf;
  }

  /** The per-output losses and metrics of a model with several inputs or outputs, or null. */
  public MultiOutput multiOutput() {
    return multi;
  }

  /** A trainer that can only predict, for a model that was never compiled. */
  private Trainer(Layer model, Ops tf) {
    this.model = Objects.requireNonNull(model, "model");
    this.tf = Objects.requireNonNull(tf, "tf");
    this.optimizer = null;
    this.loss = null;
    this.lossTracker = null;
    this.metrics = List.of();
    this.trainStep = null;
    this.testStep = null;
    this.multi = null;
    this.strategy = null;
  }

  /** For {@code predict} on a model that was not compiled. */
  public static Trainer forPrediction(Layer model, Ops tf) {
    return new Trainer(model, tf);
  }

  /** Keras's resolution of a metric given by name: "accuracy" follows the loss. */
  private Metric resolveMetric(Object m) {
    if (m instanceof Metric) {
      return (Metric) m;
    }
    if (!(m instanceof String)) {
      throw new IllegalArgumentException(
          "compile: metrics must be Metric objects or Keras names, got " + m);
    }
    return MultiOutput.resolve((String) m, loss);
  }

  /** The compiled optimizer. */
  public Optimizer optimizer() {
    return optimizer;
  }

  /** The compiled loss. */
  public Loss loss() {
    return loss;
  }

  /** The loss tracker ({@code "loss"}) followed by the compiled metrics. */
  public List<Metric> metrics() {
    if (multi != null) {
      return multi.metrics();
    }
    List<Metric> all = new ArrayList<>(metrics.size() + 1);
    all.add(lossTracker);
    all.addAll(metrics);
    return all;
  }

  /** Whether steps run eagerly instead of as traced graphs (Keras's {@code run_eagerly}). */
  public boolean runEagerly() {
    return runEagerly;
  }

  /** Runs steps eagerly (for debugging) or compiled (the default). */
  public void setRunEagerly(boolean runEagerly) {
    this.runEagerly = runEagerly;
  }

  /** Whether compiled steps are compiled by XLA (Keras's {@code jit_compile}). */
  public boolean jitCompile() {
    return jitCompile;
  }

  /**
   * Compiles the traced steps with XLA (Keras's {@code jit_compile}); takes effect for steps traced
   * from now on (the traced steps of each setting are kept apart). No effect on eager steps.
   */
  public void setJitCompile(boolean jitCompile) {
    this.jitCompile = jitCompile;
  }

  /** The number of training steps {@code fit} runs per execution (Keras's {@code steps_per_execution}). */
  public int stepsPerExecution() {
    return stepsPerExecution;
  }

  /**
   * Runs {@code fit}'s training steps, and the test steps of its validation and of {@code
   * evaluate}, {@code steps} at a time (Keras's {@code steps_per_execution}): compiled, the step is traced {@code steps} times into one graph, each
   * step's reads after the previous one's updates, and the group's batches are fed to one {@code
   * Session.run}, which saves the per-run overhead and the Java work between steps. Callbacks see
   * one batch per group, as in Keras: {@code onTrainBatchBegin} with the group's first step,
   * {@code onTrainBatchEnd} with its last and the logs after it; epoch logs and {@code History} are
   * unchanged (the metrics run over every step), and so are the weights. An epoch's last, smaller
   * group runs step by step. Eager {@code fit}, and {@code fit} under a {@code MultiWorkerStrategy}
   * of several workers, honour the grouping of callbacks but run the steps one by one; {@code
   * predict} runs a step per batch. Test steps are grouped alike ({@code onTestBatchBegin}/{@code
   * End} once per group, the metrics over every step).
   *
   * @param steps 1 (the default) or more
   */
  public void setStepsPerExecution(int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException(
          "compile: stepsPerExecution must be >= 1, received " + steps);
    }
    this.stepsPerExecution = steps;
  }

  /** The strategy this model trains under (compiled in its scope), or null. */
  public MultiWorkerStrategy strategy() {
    return strategy;
  }

  /**
   * The gradients to apply: under a {@link MultiWorkerStrategy}, their mean over all workers
   * weighted by each worker's share of the global batch (a collective all-reduce inside the
   * compiled step); otherwise {@code grads} unchanged. {@code x} is this worker's batch.
   */
  public List<Operand<?>> aggregateGradients(Ops tf, List<Operand<?>> grads, Operand<TFloat32> x) {
    if (strategy == null || strategy.numWorkers() == 1) {
      return grads;
    }
    return new ArrayList<>(strategy.allReduceMean(tf, grads, batchSize(tf, x)));
  }

  // ---- the steps ----------------------------------------------------------------------------

  /**
   * Updates the loss tracker with {@code lossValue} and each metric with the batch; returns every
   * metric's result by name (for custom train steps).
   */
  public Map<String, Operand<TFloat32>> updateMetrics(
      Ops tf,
      Operand<TFloat32> lossValue,
      Operand<? extends TNumber> y,
      Operand<TFloat32> yPred,
      Operand<TFloat32> sampleWeight) {
    Map<String, Operand<TFloat32>> logs = new LinkedHashMap<>();
    // Keras weighs each batch's loss by its size, so the epoch's loss is a mean over samples.
    logs.put(lossTracker.name(), lossTracker.apply(tf, lossValue, batchSize(tf, yPred)));
    for (Metric m : metrics) {
      logs.put(m.name(), m.apply(tf, y, yPred, sampleWeight));
    }
    return logs;
  }

  /**
   * The number of rows of {@code yPred} as a float32 scalar: a constant when the shape says it (eager
   * steps), else read from the shape at run time (traced steps, whose batch size varies).
   */
  private Operand<TFloat32> batchSize(Ops tf, Operand<TFloat32> yPred) {
    Shape shape = Recording.shape(yPred);
    if (shape.isUnknown() || shape.numDimensions() == 0) {
      return tf.dtypes.cast(tf.shape.size(yPred, tf.constant(0)), TFloat32.class);
    }
    if (shape.get(0) >= 0) {
      // Eager steps take it from the cache of kept constants, not a new one (and a dispatch) per step.
      return Recording.scalar(tf, TFloat32.class, shape.get(0));
    }
    return tf.dtypes.cast(
        tf.gather(tf.shape(yPred), tf.constant(0), tf.constant(0)), TFloat32.class);
  }

  // ---- loops --------------------------------------------------------------------------------

  /**
   * Keras's {@code fit} over arrays: validation samples taken from the end ({@code
   * validationSplit}) before shuffling, then batches of {@code options.batchSize()}. Features of any
   * numeric dtype are cast to float32, integer targets to int32 class indices, float64 targets to
   * float32, as Keras converts them ({@link ArrayInputs}).
   */
  public History fit(NdArray<?> features, NdArray<?> targets, FitOptions options) {
    Recording.checkThread(tf);
    FloatNdArray x = ArrayInputs.features("fit", "x", features);
    NdArray<?> y = ArrayInputs.targets("fit", "y", targets);
    InputValidation.requireSamples("fit", x.shape());
    Long seed = options.seed();
    if (strategy != null && strategy.numWorkers() > 1 && options.shuffle()) {
      // Every worker must shuffle alike to shard the same global batches: the chief's seed.
      seed = strategy.broadcastSeed(seed != null ? seed : KerasLite.drawSeed());
    }
    FitData data = FitData.of(x, y, options, seed);
    if (options.validateInputs()) {
      validate("fit", x, y);
    }
    // Keras prefetches the pipeline it builds over arrays: the next batches are stacked on a
    // background thread while the steps run, as many as one execution takes (and a spare), within
    // 64 MB of tensors.
    long batchBytes = 4L * options.batchSize() * Math.max(1, x.size() / x.shape().get(0));
    int prefetch = (int) Math.max(1, Math.min(stepsPerExecution + 1, PREFETCH_BYTES / batchBytes));
    return fit(
        data.train(), data.validation(), data.packing(), data.validationPacking(), options, prefetch);
  }

  /** The most native memory {@code fit}'s batches made ahead may hold. */
  private static final long PREFETCH_BYTES = 64L << 20;

  /**
   * Keras's {@code fit} for a model with several inputs and/or outputs: one array per input and one
   * per output, in the model's order, converted as {@code fit}'s x and y are.
   */
  public History fit(
      List<? extends NdArray<?>> xs, List<? extends NdArray<?>> ys, FitOptions options) {
    requireMulti("fit");
    if (options.classWeight() != null) {
      throw new IllegalArgumentException(
          "fit: classWeight is only supported for models with a single output (as in Keras);"
              + " use sampleWeight");
    }
    if (options.validationX() != null) {
      throw new IllegalArgumentException(
          "fit: validationData(x, y) takes one array each; for several inputs or outputs use"
              + " validationSplit");
    }
    FloatNdArray x = multi.packInputs("fit", xs);
    FloatNdArray y = multi.packTargets("fit", ys);
    return fit(x, y, options);
  }

  /** Keras's {@code evaluate} for a model with several inputs and/or outputs (lists as {@code fit}'s). */
  public Map<String, Double> evaluate(
      List<? extends NdArray<?>> xs, List<? extends NdArray<?>> ys, int batchSize) {
    requireMulti("evaluate");
    return evaluate(multi.packInputs("evaluate", xs), multi.packTargets("evaluate", ys), batchSize);
  }

  /**
   * Keras's {@code predict} for a model with several inputs and/or outputs: one array per output,
   * {@code outputShapes} giving each output's shape per sample.
   */
  public List<FloatNdArray> predict(
      List<? extends NdArray<?>> xs, int batchSize, List<Shape> outputShapes) {
    requireMulti("predict");
    FloatNdArray packed =
        predict(
            FitData.batches(multi.packInputs("predict", xs), null, batchSize),
            "predict" + multi.key(),
            (g, x, y) ->
                Map.of(
                    "output", multi.packOutputs(g, hostFloat32(g, model.applyOutputs(g, multi.inputs(g, x), false)))));
    return MultiOutput.unpackOutputs(packed, outputShapes);
  }

  private void requireMulti(String what) {
    if (multi == null) {
      throw new IllegalArgumentException(
          what + ": lists of arrays are for models with several inputs or outputs compiled with one"
              + " loss per output; this model takes one array");
    }
  }

  /** {@link InputValidation}'s one pass over in-memory inputs, before any update. */
  private void validate(String what, FloatNdArray x, NdArray<?> y) {
    InputValidation.checkFinite(what, "x", x);
    Shape output = null;
    if (loss instanceof SparseCategoricalCrossentropy || loss instanceof CategoricalCrossentropy) {
      // The number of classes is the model's output width: one sample through it, in inference.
      try (EagerScope scope = EagerScope.open(tf)) {
        if (!model.built()) {
          model.build(tf, Shape.of(-1).append(x.shape().tail()));
        }
        output =
            Recording.shape(model.apply(tf, tf.constant(x.slice(Indices.range(0, 1))), false));
      }
    }
    if (y != null) {
      InputValidation.checkTargets(what, y, loss, output == null ? Shape.unknown() : output);
    }
  }

  /**
   * Keras's {@code fit} over a dataset, validating on {@code options}' validation data. A dataset
   * made without {@link Dataset#batch} is batched with {@code options.batchSize()}.
   */
  public History fit(Dataset batches, FitOptions options) {
    return fit(batches, FitData.validation(options), options);
  }

  /**
   * Keras's {@code fit} over batched data.
   *
   * @param train batches of (x, y)
   * @param validation batches to evaluate after each epoch, or null
   */
  public History fit(Dataset train, Dataset validation, FitOptions options) {
    if (options.sampleWeight() != null) {
      // Keras refuses it too: a dataset's weights belong in its elements, which hold (x, y) here.
      throw new IllegalArgumentException(
          "fit: sampleWeight is only supported with array inputs (x, y), not with a Dataset");
    }
    if (!train.isBatched()) {
      train = train.batch(options.batchSize());
    }
    if (validation != null && !validation.isBatched()) {
      validation = validation.batch(options.batchSize());
    }
    return fit(train, validation, null, null, options, 0);
  }

  /** With {@code prefetch} > 0, the training batches are made that many ahead on another thread. */
  private History fit(
      Dataset train,
      Dataset validation,
      WeightedTargets packing,
      WeightedTargets validationPacking,
      FitOptions options,
      int prefetch) {
    Recording.checkThread(tf);
    if (strategy != null && strategy.numWorkers() > 1) {
      train = train.map(strategy::shard);
      validation = validation == null ? null : validation.map(strategy::shard);
      broadcastPending = true;
    }
    boolean chief = strategy == null || strategy.isChief();
    CallbackList callbacks =
        new CallbackList(chief ? options.callbacks() : DistributedLogs.workerCallbacks(options.callbacks()),
            true, chief && options.verbose() != 0);
    long steps = options.stepsPerEpoch();
    if (steps < 0 && train.cardinality() == Dataset.INFINITE_CARDINALITY) {
      throw new IllegalArgumentException(
          "fit: the training data is infinite (Dataset.repeat()); give FitOptions.stepsPerEpoch(n),"
              + " the number of batches an epoch runs");
    }
    Context context =
        new Context(
            options.epochs(), steps > 0 ? steps : train.cardinality(), options.verbose(), optimizer);
    callbacks.setContext(context);
    guardThisFit = options.nonFiniteGuard() != null ? options.nonFiniteGuard() : !runEagerly;
    // An optimizer that skips non-finite steps itself (a LossScaleOptimizer) must see them, to lower
    // its scale; its skips are part of loss scaling, not failures to count.
    guardThisFit &= optimizer == null || !optimizer.skipsNonFiniteSteps();
    StepRunner trainSteps =
        runner(
            "train" + weightsKey(options.classWeight()) + (guardThisFit ? "+guard" : "")
                + (packing != null ? "+sw" : "") + multiKey(),
            trainStep,
            options.classWeight(),
            packing);
    StepRunner testSteps =
        validation == null
            ? null
            : runner("test" + (validationPacking != null ? "+sw" : "") + multiKey(), testStep, null, validationPacking);
    // With stepsPerEpoch, one pass over the data continues from epoch to epoch, as in Keras.
    Iterable<Batch> epochs =
        steps > 0 ? new StepsPerEpoch(train, steps)
            : prefetch > 0 && strategy == null ? new PrefetchedBatches(train, prefetch)
            : train;
    Map<String, Double> logs = new LinkedHashMap<>();
    callbacks.onTrainBegin(logs);
    // A callback (BackupAndRestore) may have moved the start to resume an interrupted run.
    int first = context.initialEpoch >= 0 ? context.initialEpoch : options.initialEpoch();
    for (int epoch = first; epoch < options.epochs(); epoch++) {
      if (epochs instanceof StepsPerEpoch limited && limited.exhausted()) {
        LOG.warning(
            "fit: Your input ran out of data; interrupting training. Make sure that your dataset"
                + " can generate at least stepsPerEpoch * epochs batches ("
                + steps * (options.epochs() - first) + " here); you may need Dataset.repeat().");
        break;
      }
      EpochRollback[] start = new EpochRollback[1];
      int thisEpoch = epoch;
      Runnable capture =
          options.rollbackOnError() ? () -> start[0] = EpochRollback.capture(state(), thisEpoch) : null;
      try {
        callbacks.onEpochBegin(epoch, new LinkedHashMap<>());
        logs = averaged(runEpoch(epochs, true, trainSteps, callbacks, context, capture));
        if (context.stopTrainingRequested()) {
          break; // asked for mid-epoch (TerminateOnNaN): no validation, no epoch end, as in Keras
        }
        if (testSteps != null) {
          callbacks.onTestBegin(new LinkedHashMap<>());
          Map<String, Double> val =
              averaged(runEpoch(validation, false, testSteps, callbacks, context, null));
          callbacks.onTestEnd(val);
          for (Map.Entry<String, Double> e : val.entrySet()) {
            logs.put("val_" + e.getKey(), e.getValue());
          }
        }
      } catch (RuntimeException failure) {
        if (start[0] == null) {
          throw failure; // failed before the first step of the epoch: nothing was updated
        }
        start[0].restore();
        throw EpochRollback.annotate(
            failure,
            "fit failed in epoch " + (epoch + 1) + "; the model's weights and the optimizer's"
                + " state were rolled back to the start of that epoch"
                + " (FitOptions.rollbackOnError(false) keeps them as they were at the failure)");
      } finally {
        if (start[0] != null) {
          start[0].close();
        }
      }
      callbacks.onEpochEnd(epoch, logs);
      if (context.stopTrainingRequested()) {
        break;
      }
    }
    callbacks.onTrainEnd(logs);
    if (context.skipped > 0) {
      LOG.warning(
          "fit: " + context.skipped + " training step(s) applied no update because their gradients"
              + " were not finite (NaN or infinite); see History.skippedSteps()");
    }
    return callbacks.history();
  }

  /** The state a failed epoch rolls back: every model variable, then the optimizer's. */
  private List<Variable> state() {
    List<Variable> all = new ArrayList<>(model.variables());
    if (optimizer != null) {
      all.addAll(optimizer.variables());
    }
    return all;
  }

  /**
   * Applies {@code grads} to {@code vars} with the compiled optimizer, then the layers' weight
   * constraints to the variables updated ({@link Layer#applyConstraints}, as Keras's optimizers
   * apply {@code variable.constraint}), as the default train step does; call it from a custom train
   * step to keep both and {@code fit}'s non-finite guard ({@link FitOptions#nonFiniteGuard}): when a
   * gradient holds a NaN or an infinity, nothing is updated (weights, optimizer slots, {@code
   * iterations}) and the step is counted as skipped. Eager and traced alike. (Inside a group of
   * steps per execution the update is applied and only reported; the group's runner then undoes the
   * group and runs its steps one guarded step at a time: see {@link GuardDeferral}.)
   */
  public void applyGradients(Ops tf, List<? extends Operand<?>> grads, List<Variable> vars) {
    if (!guardThisFit) {
      update(tf, grads, vars);
      return;
    }
    Operand<TBool> finite;
    try (Recording.Paused paused = Recording.paused(tf)) {
      finite = Recording.allFinite(tf, grads, false);
    }
    if (deferral.active() && !tf.scope().env().isEager()) {
      // A step of a group whose runner restores and replays the group when a step is not finite
      // (GuardDeferral): apply, and report whether the guard would have skipped the step.
      update(tf, grads, vars);
      pendingSkipped = tf.dtypes.cast(tf.math.logicalNot(finite), TFloat32.class);
      return;
    }
    // Inside the guarded update, the constraints too: a skipped step projects nothing either.
    Operand<TBool> applied = Recording.updateIf(tf, finite, grads, gated -> update(tf, gated, vars));
    if (tf.scope().env().isEager()) {
      boolean ran = Recording.readScalar(applied) != 0;
      pendingSkipped = Recording.scalar(tf, TFloat32.class, ran ? 0 : 1);
    } else {
      pendingSkipped = tf.dtypes.cast(tf.math.logicalNot(applied), TFloat32.class);
    }
  }

  /**
   * The optimizer's update of {@code vars}, then the layers' constraints on those it changed;
   * returns the optimizer's last op.
   */
  private Object update(Ops tf, List<? extends Operand<?>> grads, List<Variable> vars) {
    Object update = optimizer.applyGradients(tf, grads, vars);
    model.applyConstraints(tf, updatedBy(grads, vars));
    return update;
  }

  /**
   * The variables an update changes: those with a gradient. Keras applies the constraints to these
   * after the optimizer's update.
   */
  private static List<Variable> updatedBy(List<? extends Operand<?>> grads, List<Variable> vars) {
    List<Variable> out = new ArrayList<>(vars.size());
    for (int i = 0; i < vars.size() && i < grads.size(); i++) {
      if (grads.get(i) != null) {
        out.add(vars.get(i));
      }
    }
    return out;
  }

  /** Keras's {@code evaluate} over arrays (converted as {@code fit}'s), in batches of {@code batchSize}. */
  public Map<String, Double> evaluate(NdArray<?> features, NdArray<?> targets, int batchSize) {
    FloatNdArray x = ArrayInputs.features("evaluate", "x", features);
    NdArray<?> y = ArrayInputs.targets("evaluate", "y", targets);
    InputValidation.requireSamples("evaluate", x.shape());
    Dataset batches = FitData.batches(x, y, batchSize);
    validate("evaluate", x, y);
    return evaluate(batches, 1);
  }

  /** Keras's {@code evaluate}: the loss and every metric over {@code data} (batches of x, y). */
  public Map<String, Double> evaluate(Dataset data, int verbose) {
    Recording.checkThread(tf);
    if (!data.isBatched()) {
      data = data.batch(FitOptions.DEFAULT_BATCH_SIZE);
    }
    if (strategy != null && strategy.numWorkers() > 1) {
      data = data.map(strategy::shard);
    }
    boolean chief = strategy == null || strategy.isChief();
    CallbackList callbacks = new CallbackList(List.of(), false, chief && verbose != 0);
    Context context = new Context(0, data.cardinality(), verbose, null);
    callbacks.setContext(context);
    callbacks.onTestBegin(new LinkedHashMap<>());
    Map<String, Double> logs =
        averaged(runEpoch(data, false, runner("test" + multiKey(), testStep, null, null), callbacks, context, null));
    callbacks.onTestEnd(logs);
    return logs;
  }

  /** Keras's {@code predict} over arrays (cast to float32 as {@code fit}'s), in batches of {@code batchSize}. */
  public FloatNdArray predict(NdArray<?> x, int batchSize) {
    return predict(FitData.batches(ArrayInputs.features("predict", "x", x), null, batchSize));
  }

  /**
   * Keras's {@code predict}: the model's outputs for every sample of {@code data} (batches of x),
   * one row per sample in order, last batch partial.
   */
  public FloatNdArray predict(Dataset data) {
    return predict(data, "predict", (g, x, y) -> Map.of("output", hostFloat32(g, model.apply(g, x, false))));
  }

  private FloatNdArray predict(Dataset data, String kind, StepBody body) {
    StepRunner steps = runner(kind, body);
    List<Rows> parts = new ArrayList<>();
    long rows = 0;
    try {
      for (Batch batch : data) {
        try (batch) {
          ensureBuilt(batch);
          parts.add(steps.run(batch, out -> Rows.copy(out.get(0))));
          rows += batch.size();
        }
      }
    } finally {
      steps.endPass();
    }
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("predict: the data holds no samples");
    }
    Shape rowShape = parts.get(0).rowShape();
    float[] all = new float[Math.toIntExact(rows * rowShape.size())];
    int offset = 0;
    for (Rows p : parts) {
      System.arraycopy(p.values(), 0, all, offset, p.values().length);
      offset += p.values().length;
    }
    return NdArrays.wrap(Shape.of(rows).append(rowShape), DataBuffers.of(all, false, false));
  }

  /** A float64 model's outputs cast to float32, the dtype {@code predict} returns; others unchanged. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Operand<TFloat32> hostFloat32(Ops tf, Operand<TFloat32> output) {
    return output.type() == (Class) TFloat64.class ? tf.dtypes.cast(output, TFloat32.class) : output;
  }

  private static List<Operand<TFloat32>> hostFloat32(Ops tf, List<Operand<TFloat32>> outputs) {
    List<Operand<TFloat32>> out = new ArrayList<>(outputs.size());
    for (Operand<TFloat32> o : outputs) {
      out.add(hostFloat32(tf, o));
    }
    return out;
  }

  /** One batch of predictions copied to the heap, and the shape of one row. */
  private record Rows(float[] values, Shape rowShape) {
    static Rows copy(TFloat32 t) {
      float[] v = new float[Math.toIntExact(t.shape().size())];
      t.copyTo(DataBuffers.of(v, false, false));
      return new Rows(v, t.shape().tail());
    }
  }

  /** One pass over {@code data}: training steps or test steps; returns the final logs. */
  private Map<String, Double> runEpoch(
      Iterable<Batch> data,
      boolean training,
      StepRunner steps,
      CallbackList callbacks,
      Context context,
      Runnable beforeFirstStep) {
    for (Metric m : metrics()) {
      m.resetState();
    }
    Map<String, Double> logs = new LinkedHashMap<>();
    int index = 0;
    passSamples = 0;
    // Keras's steps_per_execution: training and test steps (fit's validation, evaluate) in groups,
    // callbacks once per group.
    int perExecution = stepsPerExecution;
    List<Batch> group = new ArrayList<>(perExecution);
    Iterator<Batch> batches = data.iterator();
    try {
      while (batches.hasNext()) {
        try {
          while (group.size() < perExecution && batches.hasNext()) {
            group.add(batches.next());
          }
          for (Batch batch : group) {
            if (!batch.hasLabels()) {
              throw new IllegalArgumentException(
                  (training ? "fit" : "evaluate") + ": the data has no targets (y)");
            }
            passSamples += batch.size();
          }
          ensureBuilt(group.get(0));
          if (training) {
            callbacks.onTrainBatchBegin(index, logs);
          } else {
            callbacks.onTestBatchBegin(index, logs);
          }
          if (broadcastPending) {
            broadcastPending = false;
            // After the first onTrainBatchBegin, where BackupAndRestore may restore the chief's
            // state into a model built only by this batch, and before the first step pushes the
            // variables into the graph: every replica starts from the chief's weights and, after a
            // restart, from its restored optimizer state too (slots, iterations).
            strategy.broadcastFromChief(state());
          }
          if (index == 0 && beforeFirstStep != null) {
            // The state the epoch's first step starts from: restored and broadcast if it was.
            beforeFirstStep.run();
          }
          logs = runSteps(steps, group, index, perExecution);
          Double skipped = logs.remove(SKIPPED);
          if (skipped != null && skipped > 0) {
            context.skipped += Math.round(skipped);
          }
          index += group.size();
          // As Keras: the index of the group's last step, with the logs after it.
          if (training) {
            callbacks.onTrainBatchEnd(index - 1, logs);
          } else {
            callbacks.onTestBatchEnd(index - 1, logs);
          }
        } finally {
          group.forEach(Batch::close);
          group.clear();
        }
        if (training && context.stopTrainingRequested()) {
          break; // Keras checks stop_training after every batch (every execution)
        }
      }
    } finally {
      steps.endPass();
      if (batches instanceof PrefetchedBatches.Pass pass) {
        pass.close();
      }
    }
    if (index == 0 && !(training && context.stopTrainingRequested())) {
      throw new IllegalArgumentException(
          InputValidation.emptyMessage(training ? "fit" : "evaluate", "no batch"));
    }
    return logs;
  }

  /**
   * The steps on {@code group}'s batches, the first numbered {@code index}: a full group of {@code
   * perExecution} batches in one execution when the runner can; a smaller group (the last of an
   * epoch) or one the runner cannot run at once, step by step. Either way the logs are those after
   * the last step, with {@link #SKIPPED} the number of steps the guard skipped in the group.
   */
  private Map<String, Double> runSteps(
      StepRunner steps, List<Batch> group, int index, int perExecution) {
    if (group.size() == 1) {
      return runStep(steps, group.get(0), index);
    }
    // Under several workers each step holds collective ops, whose instances are not traced to be
    // chained in one graph: their steps run one by one (the callbacks still see groups).
    boolean oneWorker = strategy == null || strategy.numWorkers() == 1;
    if (group.size() == perExecution && oneWorker) {
      Map<String, Double> logs;
      try {
        logs = steps.runGroup(group, SKIPPED, out -> logs(steps.outputNames(), out));
      } catch (RuntimeException e) {
        throw strategy == null ? e : strategy.failure("running steps " + index + "..", e);
      }
      if (logs != null) {
        return logs;
      }
    }
    Map<String, Double> logs = null;
    double skipped = 0;
    boolean guarded = false;
    for (int i = 0; i < group.size(); i++) {
      logs = runStep(steps, group.get(i), index + i);
      Double s = logs.remove(SKIPPED);
      if (s != null) {
        guarded = true;
        skipped += s;
      }
    }
    if (guarded) {
      logs.put(SKIPPED, skipped);
    }
    return logs;
  }

  /** One step; under a strategy a TensorFlow failure becomes one that names the lost worker. */
  private Map<String, Double> runStep(StepRunner steps, Batch batch, int index) {
    try {
      return steps.run(batch, out -> logs(steps.outputNames(), out));
    } catch (RuntimeException e) {
      throw strategy == null ? e : strategy.failure("running step " + index, e);
    }
  }

  /** A pass's final logs, averaged over workers (weighted by their samples) under a strategy. */
  private Map<String, Double> averaged(Map<String, Double> logs) {
    if (strategy == null || strategy.numWorkers() == 1) {
      return logs;
    }
    return DistributedLogs.average(strategy, logs, passSamples);
  }

  private static Map<String, Double> logs(List<String> names, List<TFloat32> values) {
    Map<String, Double> logs = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      logs.put(names.get(i), (double) values.get(i).getFloat());
    }
    return logs;
  }

  /**
   * A runner of {@code step} with its sample weights bound, eager or compiled as set now: those of
   * {@code classWeight} by label, times those packed with the targets ({@code packing}, or null).
   */
  private StepRunner runner(
      String kind, StepFunction step, Map<Integer, Float> classWeight, WeightedTargets packing) {
    return runner(
        kind,
        (g, x, packed) -> {
          pendingSkipped = null;
          Operand<? extends TNumber> y = packing == null ? packed : packing.targets(g, packed);
          Operand<TFloat32> weights = sampleWeights(g, y, classWeight);
          if (packing != null) {
            Operand<TFloat32> given = packing.weights(g, packed);
            // Keras multiplies class weights into the sample weights.
            weights = weights == null ? given : g.math.mul(weights, given);
          }
          Map<String, Operand<TFloat32>> out = step.apply(g, x, y, weights);
          if (pendingSkipped != null) {
            out = new LinkedHashMap<>(out);
            out.put(SKIPPED, pendingSkipped);
            pendingSkipped = null;
          }
          return out;
        });
  }

  private StepRunner runner(String kind, StepBody body) {
    return StepRunner.of(
        runEagerly, tf, kind, body, traced, strategy == null ? null : strategy::newSession,
        jitCompile, deferral);
  }

  /** Tells traced steps of a model with several outputs apart by how their targets are packed. */
  private String multiKey() {
    return multi == null ? "" : multi.key();
  }

  private static String weightsKey(Map<Integer, Float> classWeight) {
    return classWeight == null ? "" : classWeight.toString();
  }

  /** Per-sample weights looked up from {@code classWeight} by each sample's integer label. */
  private static Operand<TFloat32> sampleWeights(
      Ops tf, Operand<? extends TNumber> y, Map<Integer, Float> classWeight) {
    if (classWeight == null || classWeight.isEmpty()) {
      return null;
    }
    int classes = 1 + classWeight.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
    float[] table = new float[classes];
    for (int c = 0; c < classes; c++) {
      table[c] = classWeight.getOrDefault(c, 1f);
    }
    Operand<TInt32> labels = tf.reshape(tf.dtypes.cast(y, TInt32.class), tf.constant(new int[] {-1}));
    return tf.gather(tf.constant(table), labels, tf.constant(0));
  }

  /** Builds the model, the optimizer's state eagerly from the first batch, before any tracing. */
  private void ensureBuilt(Batch batch) {
    if (model.built() && optimizerBuilt) {
      return;
    }
    try (EagerScope scope = EagerScope.open(tf)) {
      if (!model.built()) {
        model.build(tf, Shape.of(-1).append(batch.x().shape().tail()));
      }
      if (optimizer != null) {
        optimizer.build(model.trainableVariables());
      }
      optimizerBuilt = true;
    }
  }

  /** The running loop as callbacks see it. */
  private final class Context implements TrainingContext {
    private final int epochs;
    private final long steps;
    private final int verbose;
    private final Optimizer contextOptimizer;
    private boolean stop;
    private long skipped;
    private int initialEpoch = -1;

    Context(int epochs, long steps, int verbose, Optimizer optimizer) {
      this.epochs = epochs;
      this.steps = steps;
      this.verbose = verbose;
      this.contextOptimizer = optimizer;
    }

    @Override
    public Layer model() {
      return model;
    }

    @Override
    public Optimizer optimizer() {
      return contextOptimizer;
    }

    @Override
    public void stopTraining() {
      stop = true;
    }

    @Override
    public boolean stopTrainingRequested() {
      return stop;
    }

    @Override
    public void setInitialEpoch(int epoch) {
      if (epoch < 0) {
        throw new IllegalArgumentException("setInitialEpoch: epoch must be >= 0, received " + epoch);
      }
      initialEpoch = epoch;
    }

    @Override
    public int numWorkers() {
      return strategy == null ? 1 : strategy.numWorkers();
    }

    @Override
    public boolean isChief() {
      return strategy == null || strategy.isChief();
    }

    @Override
    public long broadcastFromChief(long value) {
      return strategy == null ? value : strategy.broadcastFromChief(value);
    }

    @Override
    public int epochs() {
      return epochs;
    }

    @Override
    public long steps() {
      return steps;
    }

    @Override
    public int verbose() {
      return verbose;
    }

    @Override
    public long skippedSteps() {
      return skipped;
    }

    @Override
    public GraphDef trainGraph() {
      return runEagerly ? null : traced.firstGraph("train");
    }
  }

  /** Releases the compiled steps' graphs and sessions. */
  public void close() {
    traced.close();
  }
}
