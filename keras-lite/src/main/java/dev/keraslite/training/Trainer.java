package dev.keraslite.training;

import dev.keraslite.autodiff.KeptConstants;
import dev.keraslite.internal.fast.FastShape;
import dev.keraslite.EagerScope;
import dev.keraslite.GradientTape;
import dev.keraslite.Variable;
import dev.keraslite.autodiff.RecordingEnvironment;
import dev.keraslite.callbacks.CallbackList;
import dev.keraslite.callbacks.History;
import dev.keraslite.callbacks.TrainingContext;
import dev.keraslite.data.Batch;
import dev.keraslite.data.Dataset;
import dev.keraslite.layers.Layer;
import dev.keraslite.losses.Loss;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.losses.BinaryCrossentropy;
import dev.keraslite.losses.CategoricalCrossentropy;
import dev.keraslite.metrics.BinaryAccuracy;
import dev.keraslite.metrics.CategoricalAccuracy;
import dev.keraslite.metrics.Mean;
import dev.keraslite.metrics.Metric;
import dev.keraslite.metrics.Metrics;
import dev.keraslite.metrics.SparseCategoricalAccuracy;
import dev.keraslite.optimizers.Optimizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * What {@code compile} gives a model: its optimizer, loss and metrics, and the Keras loops {@code
 * fit}, {@code evaluate} and {@code predict} over them. {@code Model} delegates here; this class
 * knows the model only as a {@link Layer} and its step functions.
 *
 * <p><b>Compiled by default.</b> The train step (forward pass, loss, gradients, optimizer update,
 * metric updates) is traced once per input signature into a graph ({@link CompiledFunction}) and
 * run once per batch; so are the test and predict steps. With {@link #runEagerly} the same step
 * functions run eagerly under a tape instead, batch by batch. Both give the same numbers.
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
  private boolean runEagerly;
  private boolean optimizerBuilt;
  private final Map<String, CompiledFunction> compiled = new HashMap<>();
  private final Map<CompiledFunction, LogNames> compiledNames = new HashMap<>();

  /**
   * @param model the model (its {@code apply} is the forward pass)
   * @param tf the eager context the model's variables live in
   * @param trainStep the model's train step (usually {@link #defaultTrainStep})
   * @param testStep the model's test step (usually {@link #defaultTestStep})
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
    this.tf = Objects.requireNonNull(tf, "tf");
    if (!tf.scope().env().isEager() || !(tf.scope().env() instanceof RecordingEnvironment)) {
      throw new IllegalArgumentException(
          "compile: tf must be the Ops of a keras-lite eager context (Eager.create().tf())");
    }
    this.optimizer = Objects.requireNonNull(optimizer, "compile: optimizer is required");
    this.loss = Objects.requireNonNull(loss, "compile: loss is required");
    this.lossTracker = new Mean(tf, "loss");
    this.metrics = new ArrayList<>();
    for (Object m : metrics) {
      this.metrics.add(resolveMetric(m));
    }
    this.trainStep = trainStep;
    this.testStep = testStep;
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
    String name = (String) m;
    if (name.equals("accuracy") || name.equals("acc")) {
      if (loss instanceof SparseCategoricalCrossentropy) {
        return new SparseCategoricalAccuracy(tf, name);
      }
      if (loss instanceof CategoricalCrossentropy) {
        return new CategoricalAccuracy(tf, name);
      }
      if (loss instanceof BinaryCrossentropy) {
        return new BinaryAccuracy(tf, 0.5f, name);
      }
    }
    return Metrics.get(tf, name);
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

  // ---- the steps ----------------------------------------------------------------------------

  /**
   * Keras's default {@code train_step}: forward pass in training mode, loss, gradients of the
   * trainable variables, one optimizer update, metric updates; returns the metric results.
   */
  public Map<String, Operand<TFloat32>> defaultTrainStep(
      Ops tf, Operand<TFloat32> x, Operand<? extends TNumber> y, Operand<TFloat32> sampleWeight) {
    List<Variable> trainable = model.trainableVariables();
    Operand<TFloat32> yPred;
    Operand<TFloat32> lossValue;
    try (GradientTape tape = new GradientTape(tf)) {
      yPred = model.apply(tf, x, true);
      lossValue = loss.apply(tf, y, yPred, sampleWeight);
      optimizer.applyGradients(tf, tape.gradient(lossValue, trainable), trainable);
    }
    return updateMetrics(tf, lossValue, y, yPred, sampleWeight);
  }

  /** Keras's default {@code test_step}: forward pass in inference mode, loss, metric updates. */
  public Map<String, Operand<TFloat32>> defaultTestStep(
      Ops tf, Operand<TFloat32> x, Operand<? extends TNumber> y, Operand<TFloat32> sampleWeight) {
    Operand<TFloat32> yPred = model.apply(tf, x, false);
    Operand<TFloat32> lossValue = loss.apply(tf, y, yPred, sampleWeight);
    return updateMetrics(tf, lossValue, y, yPred, sampleWeight);
  }

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
    Shape shape = FastShape.of(yPred);
    if (shape.isUnknown() || shape.numDimensions() == 0) {
      return tf.dtypes.cast(tf.shape.size(yPred, tf.constant(0)), TFloat32.class);
    }
    if (shape.get(0) >= 0) {
      // Eager steps take it from the cache of kept constants, not a new one (and a dispatch) per step.
      return KeptConstants.scalar(tf, TFloat32.class, shape.get(0));
    }
    return tf.dtypes.cast(
        tf.gather(tf.shape(yPred), tf.constant(0), tf.constant(0)), TFloat32.class);
  }

  // ---- loops --------------------------------------------------------------------------------

  /**
   * Keras's {@code fit} over batched data.
   *
   * @param train batches of (x, y)
   * @param validation batches to evaluate after each epoch, or null
   */
  public History fit(Dataset train, Dataset validation, FitOptions options) {
    CallbackList callbacks = new CallbackList(options.callbacks(), true, options.verbose() != 0);
    Context context =
        new Context(options.epochs(), train.cardinality(), options.verbose(), optimizer);
    callbacks.setContext(context);
    Map<String, Double> logs = new LinkedHashMap<>();
    callbacks.onTrainBegin(logs);
    // A callback (BackupAndRestore) may have moved the start to resume an interrupted run.
    int first = context.initialEpoch >= 0 ? context.initialEpoch : options.initialEpoch();
    for (int epoch = first; epoch < options.epochs(); epoch++) {
      callbacks.onEpochBegin(epoch, new LinkedHashMap<>());
      logs = runEpoch(train, true, options.classWeight(), callbacks, context);
      if (context.stopTrainingRequested()) {
        break; // asked for mid-epoch (TerminateOnNaN): no validation, no epoch end, as in Keras
      }
      if (validation != null) {
        callbacks.onTestBegin(new LinkedHashMap<>());
        Map<String, Double> val = runEpoch(validation, false, null, callbacks, context);
        callbacks.onTestEnd(val);
        for (Map.Entry<String, Double> e : val.entrySet()) {
          logs.put("val_" + e.getKey(), e.getValue());
        }
      }
      callbacks.onEpochEnd(epoch, logs);
      if (context.stopTrainingRequested()) {
        break;
      }
    }
    callbacks.onTrainEnd(logs);
    return callbacks.history();
  }

  /** Keras's {@code evaluate}: the loss and every metric over {@code data} (batches of x, y). */
  public Map<String, Double> evaluate(Dataset data, int verbose) {
    CallbackList callbacks = new CallbackList(List.of(), false, verbose != 0);
    Context context = new Context(0, data.cardinality(), verbose, null);
    callbacks.setContext(context);
    callbacks.onTestBegin(new LinkedHashMap<>());
    Map<String, Double> logs = runEpoch(data, false, null, callbacks, context);
    callbacks.onTestEnd(logs);
    return logs;
  }

  /**
   * Keras's {@code predict}: the model's outputs for every sample of {@code data} (batches of x),
   * one row per sample in order, last batch partial.
   */
  public FloatNdArray predict(Dataset data) {
    List<float[]> parts = new ArrayList<>();
    Shape rowShape = null;
    long rows = 0;
    CompiledFunction fn = null;
    for (Batch batch : data) {
      try (batch) {
        ensureBuilt(batch);
        if (runEagerly) {
          try (EagerScope scope = EagerScope.open(tf);
              TFloat32 out = model.apply(tf, tf.constantOf(batch.x()), false).asTensor()) {
            parts.add(copy(out));
            rowShape = out.shape().tail();
          }
        } else {
          if (fn == null) {
            fn =
                compiled.computeIfAbsent(
                    "predict" + signature(batch),
                    k ->
                        CompiledFunction.trace(
                            List.of(spec(batch.x())),
                            (g, in) -> List.of(model.apply(g, cast(in.get(0)), false))));
            fn.pushVariables();
          }
          try (Result result = fn.call(List.of(batch.x()))) {
            TFloat32 out = (TFloat32) result.get(0);
            parts.add(copy(out));
            rowShape = out.shape().tail();
          }
        }
        rows += batch.size();
      }
    }
    if (rowShape == null) {
      throw new IllegalArgumentException("predict: the data holds no samples");
    }
    float[] all = new float[Math.toIntExact(rows * rowShape.size())];
    int offset = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, all, offset, p.length);
      offset += p.length;
    }
    return NdArrays.wrap(Shape.of(rows).append(rowShape), DataBuffers.of(all, false, false));
  }

  private static float[] copy(TFloat32 t) {
    float[] v = new float[Math.toIntExact(t.shape().size())];
    t.copyTo(DataBuffers.of(v, false, false));
    return v;
  }

  /** One pass over {@code data}: training steps or test steps; returns the final logs. */
  private Map<String, Double> runEpoch(
      Dataset data,
      boolean training,
      Map<Integer, Float> classWeight,
      CallbackList callbacks,
      Context context) {
    for (Metric m : metrics()) {
      m.resetState();
    }
    StepFunction step = training ? trainStep : testStep;
    Map<String, Double> logs = new LinkedHashMap<>();
    CompiledFunction fn = null;
    int index = 0;
    try {
      for (Batch batch : data) {
        try (batch) {
          if (!batch.hasLabels()) {
            throw new IllegalArgumentException(
                (training ? "fit" : "evaluate") + ": the data has no targets (y)");
          }
          ensureBuilt(batch);
          if (training) {
            callbacks.onTrainBatchBegin(index, logs);
          } else {
            callbacks.onTestBatchBegin(index, logs);
          }
          if (runEagerly) {
            logs = eagerStep(step, batch, classWeight);
          } else {
            if (fn == null) {
              fn = compiledStep(training, step, batch, classWeight);
              fn.pushVariables();
            }
            logs = compiledNames.get(fn).read(fn.call(List.of(batch.x(), batch.y())));
          }
          if (training) {
            callbacks.onTrainBatchEnd(index, logs);
          } else {
            callbacks.onTestBatchEnd(index, logs);
          }
          index++;
        }
        if (training && context.stopTrainingRequested()) {
          break; // Keras checks stop_training after every batch
        }
      }
    } finally {
      if (fn != null) {
        fn.pullVariables();
      }
    }
    return logs;
  }

  /** The names of a compiled step's outputs, in order, to turn a Result into logs. */
  private record LogNames(List<String> names) {
    Map<String, Double> read(Result result) {
      try (result) {
        Map<String, Double> logs = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
          logs.put(names.get(i), (double) ((TFloat32) result.get(i)).getFloat());
        }
        return logs;
      }
    }
  }

  private CompiledFunction compiledStep(
      boolean training, StepFunction step, Batch batch, Map<Integer, Float> classWeight) {
    String key = (training ? "train" : "test") + signature(batch) + (classWeight == null ? "" : classWeight);
    CompiledFunction fn = compiled.get(key);
    if (fn == null) {
      List<String> names = new ArrayList<>();
      fn =
          CompiledFunction.trace(
              List.of(spec(batch.x()), spec(batch.y())),
              (g, in) -> {
                Operand<? extends TNumber> y = castNumber(in.get(1));
                Map<String, Operand<TFloat32>> logs =
                    step.apply(g, cast(in.get(0)), y, sampleWeights(g, y, classWeight));
                names.addAll(logs.keySet());
                return new ArrayList<>(logs.values());
              });
      compiled.put(key, fn);
      compiledNames.put(fn, new LogNames(names));
    }
    return fn;
  }

  private Map<String, Double> eagerStep(StepFunction step, Batch batch, Map<Integer, Float> classWeight) {
    try (EagerScope scope = EagerScope.open(tf)) { // owns the step's values, tapes included
      Operand<TFloat32> x = tf.constantOf(batch.x());
      Operand<? extends TNumber> y = castNumber(tf.constantOf(batch.y()));
      Map<String, Operand<TFloat32>> out = step.apply(tf, x, y, sampleWeights(tf, y, classWeight));
      Map<String, Double> logs = new LinkedHashMap<>();
      out.forEach((k, v) -> logs.put(k, (double) v.asTensor().getFloat()));
      return logs;
    }
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

  private static String signature(Batch batch) {
    String s = batch.x().shape().tail().toString();
    return batch.hasLabels()
        ? s + batch.y().shape().tail() + batch.y().dataType()
        : s;
  }

  private static CompiledFunction.Spec spec(Tensor t) {
    return new CompiledFunction.Spec(typeOf(t), Shape.of(-1).append(t.shape().tail()));
  }

  @SuppressWarnings("unchecked")
  private static Class<? extends TType> typeOf(Tensor t) {
    return (Class<? extends TType>) ((TType) t).type();
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> cast(Operand<?> x) {
    return (Operand<TFloat32>) x;
  }

  @SuppressWarnings("unchecked")
  private static Operand<? extends TNumber> castNumber(Operand<?> x) {
    return (Operand<? extends TNumber>) x;
  }

  /** The running loop as callbacks see it. */
  private final class Context implements TrainingContext {
    private final int epochs;
    private final long steps;
    private final int verbose;
    private final Optimizer contextOptimizer;
    private boolean stop;
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
  }

  /** Releases the compiled steps' graphs and sessions. */
  public void close() {
    compiled.values().forEach(CompiledFunction::close);
    compiled.clear();
    compiledNames.clear();
  }
}
