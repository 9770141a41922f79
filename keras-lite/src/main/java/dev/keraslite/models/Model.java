package dev.keraslite.models;

import dev.keraslite.GradientTape;
import dev.keraslite.Variable;
import dev.keraslite.callbacks.History;
import dev.keraslite.checkpoint.SavedModelExport;
import dev.keraslite.data.Dataset;
import dev.keraslite.layers.KerasTensor;
import dev.keraslite.layers.Layer;
import dev.keraslite.layers.internal.Shapes;
import dev.keraslite.losses.Loss;
import dev.keraslite.losses.Losses;
import dev.keraslite.optimizers.Optimizer;
import dev.keraslite.optimizers.Optimizers;
import dev.keraslite.saving.Saving;
import dev.keraslite.training.FitOptions;
import dev.keraslite.training.internal.MultiOutput;
import dev.keraslite.training.internal.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * A Keras model: a layer made of layers. Subclass it and override {@code call}; layers and models
 * held in fields (also in lists, maps and arrays) are tracked without registration, so {@link
 * #variables()} lists all their weights:
 *
 * <pre>{@code
 * class Linear extends Model {
 *   Dense dense = new Dense(1);
 *
 *   @Override
 *   protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
 *     return dense.apply(tf, input);
 *   }
 * }
 *
 * Linear model = new Linear();
 * Operand<TFloat32> y = model.apply(tf, x);      // builds dense on first use
 * model.variables();                             // linear/dense/kernel:0, linear/dense/bias:0
 * }</pre>
 *
 * Or build one from symbolic tensors with {@link #of(KerasTensor, KerasTensor)} (the functional
 * API), or stack layers in a {@link Sequential}.
 */
public abstract class Model extends Layer implements AutoCloseable {
  /** A model named after its class: {@code Linear} gives {@code linear}. */
  protected Model() {}

  /** A model whose automatic name starts with {@code namePrefix}. */
  protected Model(String namePrefix) {
    super(namePrefix);
  }

  /**
   * A functional model computing {@code output} from {@code input} by replaying the layer calls
   * that connect them (Keras's {@code keras.Model(inputs, outputs)}).
   *
   * @param input a tensor from {@code Input.of(...)}
   * @throws IllegalArgumentException if {@code output} does not depend on {@code input} only
   */
  public static Model of(KerasTensor input, KerasTensor output) {
    return FunctionalModel.create(
        List.of(Objects.requireNonNull(input, "input")), List.of(Objects.requireNonNull(output, "output")));
  }

  /** A functional model with several inputs and/or outputs; apply it to a list of inputs in the same order. */
  public static Model of(List<KerasTensor> inputs, List<KerasTensor> outputs) {
    return FunctionalModel.create(inputs, outputs);
  }

  /** A functional model with several inputs and one output. */
  public static Model of(List<KerasTensor> inputs, KerasTensor output) {
    return FunctionalModel.create(inputs, List.of(Objects.requireNonNull(output, "output")));
  }

  @Override
  public Model name(String name) {
    super.name(name);
    return this;
  }

  /** The model's direct layers, in field order (for functional models: graph order). */
  public List<Layer> layers() {
    return sublayers();
  }

  /**
   * The direct layer named {@code name}.
   *
   * @throws IllegalArgumentException if there is none, listing the names there are
   */
  public Layer getLayer(String name) {
    List<String> names = new ArrayList<>();
    for (Layer l : layers()) {
      if (l.name().equals(name)) {
        return l;
      }
      names.add(l.name());
    }
    throw new IllegalArgumentException(
        describe() + " has no layer named '" + name + "'; its layers are " + names);
  }

  /**
   * The symbolic inputs the model was defined on (Keras's {@code model.inputs}): those of a
   * functional model, or the {@link Input} a {@link Sequential} was started with; empty for a model
   * whose inputs are only known when it is applied.
   */
  public List<KerasTensor> inputs() {
    return List.of();
  }

  /** The symbolic outputs of a functional model (Keras's {@code model.outputs}); empty otherwise. */
  public List<KerasTensor> outputs() {
    return List.of();
  }

  /**
   * Builds the model without data, as Keras's {@code model.build(input_shape)}: a subclassed model
   * is run once on a batch of zeros (unknown sizes taken as 1) in inference mode, which builds every
   * layer its {@code call} uses. Does nothing if already built.
   *
   * @param inputShapes full input shapes, batch dimension first
   */
  @Override
  public void build(Ops tf, List<Shape> inputShapes) {
    if (built()) {
      return;
    }
    if (inputShapes == null || inputShapes.isEmpty()) {
      throw new IllegalArgumentException(describe() + ": build needs at least one input shape");
    }
    List<Operand<TFloat32>> zeros = new ArrayList<>(inputShapes.size());
    for (Shape s : inputShapes) {
      if (s.isUnknown()) {
        throw new IllegalArgumentException(describe() + ": build needs input shapes of known rank");
      }
      long[] dims = s.asArray();
      for (int i = 0; i < dims.length; i++) {
        dims[i] = dims[i] < 0 ? 1 : dims[i];
      }
      zeros.add(tf.zeros(tf.constant(dims), TFloat32.class));
    }
    applyOutputs(tf, zeros, false);
  }

  /**
   * Builds a model whose input shapes are known ({@link Sequential} started with an {@link Input},
   * functional models).
   *
   * @throws IllegalStateException if the model does not know its input shape
   */
  public void build(Ops tf) {
    throw new IllegalStateException(
        describe() + " does not know its input shape: use build(tf, inputShape) or apply it to data");
  }

  /**
   * Prints Keras's summary table to standard output and returns it: each layer with its output
   * shape and parameter count, then the total, trainable and non-trainable parameter counts.
   *
   * @throws IllegalStateException if the model is not built yet
   */
  public String summary() {
    return summary(System.out::print);
  }

  /** As {@link #summary()}, printing through {@code printFn} (Keras's {@code print_fn}). */
  public String summary(Consumer<String> printFn) {
    if (!built()) {
      throw new IllegalStateException(
          "This model has not yet been built. Build the model first by calling build(tf, inputShape)"
              + " or by applying it to a batch of data (" + describe() + ").");
    }
    long total = countParams();
    long trainable = 0;
    for (Variable v : trainableVariables()) {
      trainable += v.shape().size();
    }
    String text = ModelSummary.render(name(), summaryRows(), showsConnections(), total, trainable);
    printFn.accept(text);
    return text;
  }

  /**
   * One row of the {@link #summary()} table as data: the layer, its output shape as the table prints
   * it ({@code (None, 10)}; {@code multiple} or null when a layer was called with different shapes or
   * not at all), its parameter count (0 until the layer is built) and the references of the tensors it takes ({@code dense[0][0]}:
   * layer, call, output), which a functional model knows and other models leave empty.
   */
  public record SummaryRow(Layer layer, String outputShape, long params, List<String> connectedTo) {}

  /**
   * The rows of the {@link #summary()} table, one per direct layer in {@link #layers()} order: what
   * pictures of the model draw ({@code plots.Plots.modelGraph}, Keras's {@code plot_model}), so that
   * picture and table agree. A functional model knows its shapes from its symbolic calls; any other
   * model must be built first.
   *
   * @throws IllegalStateException if the model is not built and is not functional
   */
  public List<SummaryRow> summaryTable() {
    if (!built() && !(this instanceof FunctionalModel)) {
      throw new IllegalStateException(
          "This model has not yet been built. Build the model first by calling build(tf, inputShape)"
              + " or by applying it to a batch of data (model '" + name() + "').");
    }
    List<ModelSummary.Row> rows = summaryRows();
    List<Layer> layers = layers();
    if (rows.size() != layers.size()) {
      throw new IllegalStateException(
          "model '" + name() + "': " + rows.size() + " summary rows for " + layers.size() + " layers");
    }
    List<SummaryRow> table = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      ModelSummary.Row row = rows.get(i);
      table.add(new SummaryRow(layers.get(i), row.outputShape(), row.params(), List.copyOf(row.connectedTo())));
    }
    return List.copyOf(table);
  }

  /** The summary's rows: one per direct layer, with the output shape it was last seen to produce. */
  List<ModelSummary.Row> summaryRows() {
    List<ModelSummary.Row> rows = new ArrayList<>();
    for (Layer l : layers()) {
      rows.add(row(l, l.outputShape().map(Shapes::formatTuple).orElse("multiple"), List.of()));
    }
    return rows;
  }

  /** Whether the summary has a "Connected to" column. */
  boolean showsConnections() {
    return false;
  }

  static ModelSummary.Row row(Layer layer, String shape, List<String> connectedTo) {
    return new ModelSummary.Row(
        layer.name() + " (" + layer.typeName() + ")", shape, layer.countParams(), connectedTo);
  }

  // ---- saving (delegated to dev.keraslite.saving) -----------------------------------------

  /**
   * Reads a whole model from a Keras 3 {@code .keras} file or a legacy Keras {@code .h5} file
   * (Keras's {@code keras.saving.load_model}), built in {@code tf}'s eager context, compiled when
   * the file says how and keras-lite has that optimizer and loss. See {@link Saving#loadModel}.
   */
  public static Model load(Ops tf, Path path) throws IOException {
    return Saving.loadModel(tf, path);
  }

  /** Writes the model as a Keras 3 {@code .keras} file (Keras's {@code model.save}). */
  public void save(Path path) throws IOException {
    Saving.saveModel(this, path);
  }

  /** Writes the weights as Keras 3's {@code .weights.h5} (Keras's {@code save_weights}). */
  public void saveWeights(Path path) throws IOException {
    Saving.saveWeights(this, path);
  }

  /**
   * Loads weights from a {@code .weights.h5}, {@code .keras} or legacy {@code .h5} file (Keras's
   * {@code load_weights}); the model must be built.
   */
  public void loadWeights(Path path) throws IOException {
    Saving.loadWeights(this, path);
  }

  /**
   * As {@link #loadWeights(Path)}, matching legacy {@code .h5} weights by layer name and/or
   * skipping mismatched layers (Keras's {@code by_name}, {@code skip_mismatch}); returns what was
   * skipped.
   */
  public List<String> loadWeights(Path path, boolean byName, boolean skipMismatch) throws IOException {
    return Saving.loadWeights(this, path, byName, skipMismatch);
  }

  // ---- training (delegated to dev.keraslite.training) ----------------------------------------

  private Trainer trainer;
  private Trainer predictor;
  private boolean runEagerly;
  private boolean jitCompile;
  private int stepsPerExecution = 1;

  /**
   * Configures the model for training (Keras's {@code compile}).
   *
   * @param tf the eager context the model's variables live in ({@code eager.tf()})
   * @param optimizer the optimizer, such as {@code new Adam(1e-3f)}
   * @param loss the loss, such as {@code new SparseCategoricalCrossentropy()}
   * @param metrics {@code Metric} objects or Keras names ({@code "accuracy"} follows the loss); their
   *     state is created here, in {@code tf}'s context, unless it exists already
   */
  public void compile(Ops tf, Optimizer optimizer, Loss loss, Object... metrics) {
    if (trainer != null) {
      trainer.close();
    }
    trainer = new Trainer(this, tf, optimizer, loss, List.of(metrics), this::trainStep, this::testStep);
    trainer.setRunEagerly(runEagerly);
    trainer.setJitCompile(jitCompile);
    trainer.setStepsPerExecution(stepsPerExecution);
  }

  /** As {@link #compile(Ops, Optimizer, Loss, Object...)} with Keras names: {@code "adam"}, {@code "mse"}. */
  public void compile(Ops tf, String optimizer, String loss, Object... metrics) {
    compile(tf, Optimizers.get(optimizer), Losses.get(loss), metrics);
  }

  /** As {@link #compile(Ops, Optimizer, Loss, Object...)} with the loss by Keras name: {@code compile(tf, new Adam(1e-3f), "mse")}. */
  public void compile(Ops tf, Optimizer optimizer, String loss, Object... metrics) {
    compile(tf, optimizer, Losses.get(loss), metrics);
  }

  /** As {@link #compile(Ops, Optimizer, Loss, Object...)} with the optimizer by Keras name: {@code compile(tf, "adam", new Huber())}. */
  public void compile(Ops tf, String optimizer, Loss loss, Object... metrics) {
    compile(tf, Optimizers.get(optimizer), loss, metrics);
  }

  /**
   * Configures a functional model with several inputs and/or outputs for training (Keras's {@code
   * compile(loss=[...], loss_weights=[...])}): one loss per output in {@link #outputs()} order, the
   * total loss being {@code Σ lossWeights[i]·loss[i]} plus the penalties. {@code fit}, {@code
   * evaluate} and {@code predict} then take lists (or maps by name) of arrays, and log {@code loss},
   * {@code <output>_loss} (unweighted) and {@code <output>_<metric>}; outputs are named after their
   * layers.
   *
   * @param lossWeights one weight per output, or null for all 1
   * @param metrics Keras names, each computed on every output, or one {@code Map} from output name
   *     to a name or a list of names (Keras's {@code metrics={"reg": ["mae"]}})
   */
  public void compile(
      Ops tf, Optimizer optimizer, List<Loss> losses, List<Float> lossWeights, Object... metrics) {
    List<KerasTensor> ins = inputs();
    List<KerasTensor> outs = outputs();
    if (outs.isEmpty()) {
      throw new IllegalArgumentException(
          describe() + ": one loss per output needs a functional model, which knows its outputs");
    }
    build(tf);
    List<String> inputNames = new ArrayList<>();
    List<Shape> inputShapes = new ArrayList<>();
    for (KerasTensor in : ins) {
      inputNames.add(in.node().layer().name());
      inputShapes.add(in.shape().tail());
    }
    MultiOutput multi =
        new MultiOutput(
            tf, inputNames, inputShapes, outputNames(), losses, lossWeights, List.of(metrics));
    if (trainer != null) {
      trainer.close();
    }
    trainer = new Trainer(this, tf, optimizer, multi, this::multiTrainStep, this::multiTestStep);
    trainer.setRunEagerly(runEagerly);
    trainer.setStepsPerExecution(stepsPerExecution);
  }

  /** As {@link #compile(Ops, Optimizer, List, List, Object...)} with losses and weights by output name. */
  public void compile(
      Ops tf,
      Optimizer optimizer,
      Map<String, Loss> losses,
      Map<String, Float> lossWeights,
      Object... metrics) {
    List<String> names = outputNames();
    compile(
        tf,
        optimizer,
        MultiOutput.ordered("compile: losses", names, losses),
        lossWeights == null ? null : MultiOutput.ordered("compile: lossWeights", names, lossWeights),
        metrics);
  }

  /** The names of the outputs: those of the layers that make them (Keras's {@code output_names}). */
  private List<String> outputNames() {
    List<String> names = new ArrayList<>();
    for (KerasTensor out : outputs()) {
      names.add(out.node().layer().name());
    }
    return names;
  }

  private List<String> inputNames() {
    List<String> names = new ArrayList<>();
    for (KerasTensor in : inputs()) {
      names.add(in.node().layer().name());
    }
    return names;
  }

  /**
   * Runs {@code fit}, {@code evaluate} and {@code predict} step by step eagerly, with the tape,
   * instead of as traced graphs (Keras's {@code run_eagerly}; slower, for debugging).
   */
  public void setRunEagerly(boolean runEagerly) {
    this.runEagerly = runEagerly;
    if (trainer != null) {
      trainer.setRunEagerly(runEagerly);
    }
    if (predictor != null) {
      predictor.setRunEagerly(runEagerly);
    }
  }

  /**
   * Compiles the traced steps of {@code fit}, {@code evaluate} and {@code predict} with XLA
   * (Keras's {@code jit_compile=True}). On this project's CPUs XLA made steps slower, with the same
   * accuracy (README, "GPU and devices"); it is for GPUs and for measuring.
   */
  public void setJitCompile(boolean jitCompile) {
    this.jitCompile = jitCompile;
    if (trainer != null) {
      trainer.setJitCompile(jitCompile);
    }
    if (predictor != null) {
      predictor.setJitCompile(jitCompile);
    }
  }

  /**
   * Runs the compiled training steps of {@code fit}, and the test steps of its validation and of
   * {@code evaluate}, {@code steps} per {@code Session.run} (Keras's {@code
   * compile(steps_per_execution=...)}), with callbacks called once per group of steps as in Keras;
   * the weights, logs and {@code History} are those of one step at a time. See {@link
   * Trainer#setStepsPerExecution}.
   */
  public void setStepsPerExecution(int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException(
          describe() + ": stepsPerExecution must be >= 1, received " + steps);
    }
    this.stepsPerExecution = steps;
    if (trainer != null) {
      trainer.setStepsPerExecution(steps);
    }
  }

  /** The number of training steps per execution ({@link #setStepsPerExecution}). */
  public int stepsPerExecution() {
    return stepsPerExecution;
  }

  /** Whether traced steps are compiled with XLA ({@link #setJitCompile}). */
  public boolean jitCompile() {
    return jitCompile;
  }

  /** What {@code compile} set up: optimizer, loss, metrics (for custom train steps). */
  public Trainer compiled() {
    if (trainer == null) {
      throw new IllegalStateException(
          describe() + ": call compile(tf, optimizer, loss, metrics) before fit, evaluate or train steps");
    }
    return trainer;
  }

  /** Trains on {@code x} (features, batch first) and {@code y} (targets) (Keras's {@code fit}). */
  public History fit(NdArray<?> x, NdArray<?> y, FitOptions options) {
    return compiled("fit").fit(x, y, options);
  }

  /** Trains {@code epochs} epochs with batches of {@code batchSize}. */
  public History fit(NdArray<?> x, NdArray<?> y, int epochs, int batchSize) {
    return fit(x, y, FitOptions.epochs(epochs).batchSize(batchSize));
  }

  /**
   * Trains a model compiled with one loss per output (Keras's {@code fit([x1, x2], [y1, y2])}): one
   * array per input and one per output, in the model's order.
   */
  public History fit(
      List<? extends NdArray<?>> xs, List<? extends NdArray<?>> ys, FitOptions options) {
    return compiled("fit").fit(xs, ys, options);
  }

  /** As {@link #fit(List, List, FitOptions)} with arrays keyed by input and output name. */
  public History fit(
      Map<String, ? extends NdArray<?>> xs, Map<String, ? extends NdArray<?>> ys, FitOptions options) {
    return fit(
        MultiOutput.ordered("fit: x", inputNames(), xs),
        MultiOutput.ordered("fit: y", outputNames(), ys),
        options);
  }

  /** Trains on a dataset of batches (x, y). */
  public History fit(Dataset batches, FitOptions options) {
    return compiled("fit").fit(batches, options);
  }

  /** The loss and metrics over {@code x}, {@code y}, by name (Keras's {@code evaluate}). */
  public Map<String, Double> evaluate(NdArray<?> x, NdArray<?> y) {
    return evaluate(x, y, FitOptions.DEFAULT_BATCH_SIZE);
  }

  /** As {@link #evaluate(NdArray, NdArray)} with batches of {@code batchSize}. */
  public Map<String, Double> evaluate(NdArray<?> x, NdArray<?> y, int batchSize) {
    return compiled("evaluate").evaluate(x, y, batchSize);
  }

  /** The loss, each output's loss and metrics of a model with several outputs, in batches of 32. */
  public Map<String, Double> evaluate(List<? extends NdArray<?>> xs, List<? extends NdArray<?>> ys) {
    return compiled("evaluate").evaluate(xs, ys, FitOptions.DEFAULT_BATCH_SIZE);
  }

  /** As {@link #evaluate(List, List)} with arrays keyed by input and output name. */
  public Map<String, Double> evaluate(
      Map<String, ? extends NdArray<?>> xs, Map<String, ? extends NdArray<?>> ys) {
    return evaluate(
        MultiOutput.ordered("evaluate: x", inputNames(), xs),
        MultiOutput.ordered("evaluate: y", outputNames(), ys));
  }

  /**
   * The outputs of a model with several inputs or outputs, one array per output, for one array per
   * input (Keras's {@code predict([x1, x2])}); needs no {@code compile} once built.
   */
  public List<FloatNdArray> predict(List<? extends NdArray<?>> xs, int batchSize) {
    List<Shape> outputShapes = new ArrayList<>();
    for (KerasTensor out : outputs()) {
      outputShapes.add(out.shape().tail());
    }
    if (outputShapes.isEmpty()) {
      throw new IllegalArgumentException(
          describe() + ": predict on a list of arrays needs a functional model");
    }
    Trainer t = trainer;
    if (t == null || t.multiOutput() == null) {
      if (!built() || variables().isEmpty()) {
        throw new IllegalStateException(describe() + ": build the model before predict");
      }
      Ops tf = variables().get(0).ops();
      List<Shape> inputShapes = new ArrayList<>();
      for (KerasTensor in : inputs()) {
        inputShapes.add(in.shape().tail());
      }
      MultiOutput forPrediction =
          new MultiOutput(tf, inputNames(), inputShapes, outputNames(), null, null, List.of());
      t = new Trainer(this, tf, new dev.keraslite.optimizers.SGD(), forPrediction, null, null);
      t.setRunEagerly(runEagerly);
      try {
        return t.predict(xs, batchSize, outputShapes);
      } finally {
        t.close();
      }
    }
    return t.predict(xs, batchSize, outputShapes);
  }

  /** As {@link #predict(List, int)} with arrays keyed by input name; outputs keyed by output name. */
  public Map<String, FloatNdArray> predict(Map<String, ? extends NdArray<?>> xs, int batchSize) {
    List<FloatNdArray> outs = predict(MultiOutput.ordered("predict: x", inputNames(), xs), batchSize);
    Map<String, FloatNdArray> named = new LinkedHashMap<>();
    List<String> names = outputNames();
    for (int i = 0; i < names.size(); i++) {
      named.put(names.get(i), outs.get(i));
    }
    return named;
  }

  /** The loss and metrics over a dataset of batches (x, y). */
  public Map<String, Double> evaluate(Dataset batches) {
    return compiled("evaluate").evaluate(batches, 1);
  }

  /**
   * The model's outputs for every sample of {@code x}, in batches of 32 (Keras's {@code
   * predict(x)}). See {@link #predict(NdArray, int)}.
   */
  public FloatNdArray predict(NdArray<?> x) {
    return predict(x, FitOptions.DEFAULT_BATCH_SIZE);
  }

  /**
   * The model's outputs for every sample of {@code x}, in batches of {@code batchSize} (Keras's
   * {@code predict}). It takes no {@code Ops}: a compiled model runs in the context it was compiled
   * with, a model that was never compiled in the one its weights live in. Compiled by default, as
   * {@code fit} is ({@link #setRunEagerly}).
   *
   * @throws IllegalStateException if the model was neither compiled nor built, or has no weights
   *     that tell its context (use {@code apply(tf, x)} for such a model)
   */
  public FloatNdArray predict(NdArray<?> x, int batchSize) {
    if (trainer != null) {
      return trainer.predict(x, batchSize);
    }
    if (predictor == null) {
      predictor = Trainer.forPrediction(this, predictionContext());
      predictor.setRunEagerly(runEagerly);
      predictor.setJitCompile(jitCompile);
    }
    return predictor.predict(x, batchSize);
  }

  /** The eager context of a model that was not compiled: the one its weights live in. */
  private Ops predictionContext() {
    if (!built()) {
      throw new IllegalStateException(
          describe() + ": predict needs a built or compiled model: call build(tf, inputShape),"
              + " apply it once, or compile(tf, ...) first");
    }
    List<Variable> vars = variables();
    if (vars.isEmpty() || !vars.get(0).ops().scope().env().isEager()) {
      throw new IllegalStateException(
          describe() + ": predict runs in the eager context of the model's weights, and this model"
              + (vars.isEmpty() ? " has none" : "'s live in a graph")
              + ": compile(tf, ...) it first, or use apply(tf, x)");
    }
    return vars.get(0).ops();
  }

  /**
   * Exports the model as a TensorFlow SavedModel for inference, as Keras 3's {@code
   * model.export(path)}: signature {@code serving_default} with one float32 input per model input,
   * named after it, and outputs {@code output_0}, ...; loadable by TensorFlow Java's {@code
   * SavedModelBundle.load(dir, "serve")} and TensorFlow Serving without keras-lite (see {@link
   * SavedModelExport}).
   *
   * @throws IllegalStateException if the model does not know its inputs (start a Sequential with
   *     {@code Input.of(...)}) or is not built
   * @throws java.io.IOException if the directory cannot be written
   */
  public void export(java.nio.file.Path dir) throws java.io.IOException {
    if (!built()) {
      throw new IllegalStateException(describe() + ": build the model (or train it) before export()");
    }
    SavedModelExport.export(this, exportInputs(), dir);
  }

  /** The model's inputs by name with their full shapes, for {@link #export}. */
  protected Map<String, Shape> exportInputs() {
    throw new IllegalStateException(
        describe() + " does not know its input names and shapes; export needs a Sequential started"
            + " with Input.of(...) or a functional model");
  }

  /**
   * One training step on a batch (Keras's {@code train_step}); override for custom logic. The
   * default runs the forward pass, the compiled loss, the gradients and one optimizer update, then
   * updates the metrics and returns their results by name. It runs traced into a graph by {@code
   * fit} unless {@link #setRunEagerly run eagerly}.
   */
  protected Map<String, Operand<TFloat32>> trainStep(
      Ops tf, Operand<TFloat32> x, Operand<? extends TNumber> y, Operand<TFloat32> sampleWeight) {
    Trainer compiled = compiled();
    List<Variable> trainable = trainableVariables();
    Operand<TFloat32> yPred;
    Operand<TFloat32> lossValue;
    try (GradientTape tape = new GradientTape(tf)) {
      yPred = apply(tf, x, true);
      lossValue = computeLoss(tf, x, y, yPred, sampleWeight);
      // Under a MultiWorkerStrategy, the gradients are averaged over workers first; then through
      // the trainer, whose non-finite guard skips an update whose gradients hold a NaN.
      // The optimizer's scaled loss (a LossScaleOptimizer's; the loss itself otherwise).
      Operand<TFloat32> scaled = compiled.optimizer().scaleLoss(tf, lossValue);
      List<Operand<?>> grads = compiled.aggregateGradients(tf, tape.gradient(scaled, trainable), x);
      compiled.applyGradients(tf, grads, trainable);
    }
    return compiled.updateMetrics(tf, lossValue, y, yPred, sampleWeight);
  }

  /**
   * The loss of a batch (Keras's {@code compute_loss}): the compiled loss of {@code yPred} against
   * {@code y}, plus the sum of {@link #losses(Ops)}, the model's regularization penalties and the
   * losses its layers added in the forward pass that made {@code yPred}. Both the default train and
   * test steps use it, so {@code fit}'s and {@code evaluate}'s {@code loss} include the penalties,
   * as in Keras; call it from a custom train step (inside the tape) to keep them.
   *
   * @param x the batch's inputs (unused by the default; Keras passes them for overrides)
   */
  public Operand<TFloat32> computeLoss(
      Ops tf,
      Operand<TFloat32> x,
      Operand<? extends TNumber> y,
      Operand<TFloat32> yPred,
      Operand<TFloat32> sampleWeight) {
    Operand<TFloat32> loss = compiled("computeLoss").loss().apply(tf, y, yPred, sampleWeight);
    List<Operand<TFloat32>> penalties = losses(tf);
    if (penalties.isEmpty()) {
      return loss;
    }
    // As Keras: the penalties summed first, then added to the compiled loss.
    Operand<TFloat32> sum = penalties.get(0);
    for (int i = 1; i < penalties.size(); i++) {
      sum = tf.math.add(sum, penalties.get(i));
    }
    return tf.math.add(loss, sum);
  }

  /**
   * The train step of a model compiled with one loss per output: x and y arrive packed (see {@link
   * MultiOutput}); the total loss is the weighted sum of the outputs' losses plus the penalties.
   */
  private Map<String, Operand<TFloat32>> multiTrainStep(
      Ops tf, Operand<TFloat32> x, Operand<? extends TNumber> y, Operand<TFloat32> sampleWeight) {
    Trainer compiled = compiled();
    MultiOutput multi = compiled.multiOutput();
    List<Variable> trainable = trainableVariables();
    List<Operand<? extends TNumber>> ys = multi.targets(tf, y);
    List<Operand<TFloat32>> preds;
    List<Operand<TFloat32>> perOutput = new ArrayList<>();
    Operand<TFloat32> total;
    try (GradientTape tape = new GradientTape(tf)) {
      preds = applyOutputs(tf, multi.inputs(tf, x), true);
      total = withPenalties(tf, multi.loss(tf, ys, preds, sampleWeight, perOutput));
      Operand<TFloat32> scaled = compiled.optimizer().scaleLoss(tf, total);
      List<Operand<?>> grads = compiled.aggregateGradients(tf, tape.gradient(scaled, trainable), x);
      compiled.applyGradients(tf, grads, trainable);
    }
    return multi.updateMetrics(tf, total, perOutput, ys, preds, sampleWeight);
  }

  private Map<String, Operand<TFloat32>> multiTestStep(
      Ops tf, Operand<TFloat32> x, Operand<? extends TNumber> y, Operand<TFloat32> sampleWeight) {
    MultiOutput multi = compiled().multiOutput();
    List<Operand<? extends TNumber>> ys = multi.targets(tf, y);
    List<Operand<TFloat32>> preds = applyOutputs(tf, multi.inputs(tf, x), false);
    List<Operand<TFloat32>> perOutput = new ArrayList<>();
    Operand<TFloat32> total = withPenalties(tf, multi.loss(tf, ys, preds, sampleWeight, perOutput));
    return multi.updateMetrics(tf, total, perOutput, ys, preds, sampleWeight);
  }

  /** {@code loss} plus the sum of {@link #losses(Ops)}, as {@link #computeLoss} adds them. */
  private Operand<TFloat32> withPenalties(Ops tf, Operand<TFloat32> loss) {
    List<Operand<TFloat32>> penalties = losses(tf);
    if (penalties.isEmpty()) {
      return loss;
    }
    Operand<TFloat32> sum = penalties.get(0);
    for (int i = 1; i < penalties.size(); i++) {
      sum = tf.math.add(sum, penalties.get(i));
    }
    return tf.math.add(loss, sum);
  }

  /** One evaluation step (Keras's {@code test_step}); override for custom logic. */
  protected Map<String, Operand<TFloat32>> testStep(
      Ops tf, Operand<TFloat32> x, Operand<? extends TNumber> y, Operand<TFloat32> sampleWeight) {
    Operand<TFloat32> yPred = apply(tf, x, false);
    Operand<TFloat32> lossValue = computeLoss(tf, x, y, yPred, sampleWeight);
    return compiled().updateMetrics(tf, lossValue, y, yPred, sampleWeight);
  }

  /**
   * Releases the graphs and sessions that {@code fit}, {@code evaluate} and {@code predict} traced
   * and ran the model's steps in (native memory outside the eager context). The model stays
   * compiled and usable: its variables and the optimizer's live in the eager context, and a later
   * call traces its step again. Closing twice does nothing.
   */
  @Override
  public void close() {
    if (trainer != null) {
      trainer.close();
    }
    if (predictor != null) {
      predictor.close();
      predictor = null;
    }
  }

  private Trainer compiled(String what) {
    if (trainer == null) {
      throw new IllegalStateException(
          describe() + ": call compile(tf, optimizer, loss, metrics) before " + what + "()");
    }
    return trainer;
  }
}
