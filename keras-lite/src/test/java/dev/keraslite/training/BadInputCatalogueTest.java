package dev.keraslite.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keraslite.Eager;
import dev.keraslite.EagerScope;
import dev.keraslite.GradientTape;
import dev.keraslite.Variable;
import dev.keraslite.callbacks.TerminateOnNaN;
import dev.keraslite.data.Dataset;
import dev.keraslite.datasets.FashionMnist;
import dev.keraslite.datasets.LoadOptions;
import dev.keraslite.datasets.Mnist;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Dropout;
import dev.keraslite.layers.Layer;
import dev.keraslite.losses.BinaryCrossentropy;
import dev.keraslite.losses.CategoricalCrossentropy;
import dev.keraslite.losses.MeanSquaredError;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.models.Input;
import dev.keraslite.models.Model;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.optimizers.Optimizer;
import dev.keraslite.optimizers.SGD;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.EagerSession;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;

/**
 * Bad inputs as users make them (issue 17's catalogue): each case asserts the exception type, a
 * message fragment naming what was wrong, and bit-identical model weights and optimizer state
 * afterwards (read with {@link StateBits}, one eager read per variable). Every case starts from a
 * model trained for one epoch, so that the optimizer's state (Adam's moments, {@code iterations})
 * exists and would show any stray update. README's "Errors" section summarises the catalogue.
 */
class BadInputCatalogueTest {
  @TempDir static Path tmp;

  enum Loss {
    SPARSE, CATEGORICAL, BINARY, MSE
  }

  /** What a case acts on: a trained model in its eager context. */
  static final class World {
    final Eager eager;
    final Ops tf;
    final Sequential model;
    final Loss loss;
    final Path dir;

    World(Eager eager, Sequential model, Loss loss, Path dir) {
      this.eager = eager;
      this.tf = eager.tf();
      this.model = model;
      this.loss = loss;
      this.dir = dir;
    }

    Optimizer optimizer() {
      return model.compiled().optimizer();
    }

    List<Variable> weights() {
      return model.variables();
    }
  }

  @FunctionalInterface
  interface Action {
    void run(World w) throws Exception;
  }

  record Case(String category, String name, Loss loss, Class<? extends Throwable> type, String fragment, Action action) {
    @Override
    public String toString() {
      return category + ": " + name;
    }
  }

  private static final List<Case> CASES = new ArrayList<>();

  private static void add(String category, String name, Class<? extends Throwable> type, String fragment, Action action) {
    CASES.add(new Case(category, name, Loss.SPARSE, type, fragment, action));
  }

  private static void add(String category, String name, Loss loss, Class<? extends Throwable> type, String fragment, Action action) {
    CASES.add(new Case(category, name, loss, type, fragment, action));
  }

  // ---- data helpers ----------------------------------------------------------------------------

  static FloatNdArray x(int n) {
    return Fixtures.x(Fixtures.features(n));
  }

  static FloatNdArray x(int n, int features) {
    float[][] v = new float[n][features];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < features; j++) {
        v[i][j] = (i + j) % 5 * 0.25f;
      }
    }
    return Fixtures.x(v);
  }

  static FloatNdArray xWith(int n, int row, int col, float value) {
    float[][] v = Fixtures.features(n);
    v[row][col] = value;
    return Fixtures.x(v);
  }

  static org.tensorflow.ndarray.IntNdArray y(int n) {
    return Fixtures.y(Fixtures.labels(n));
  }

  static org.tensorflow.ndarray.IntNdArray yWith(int n, int row, int label) {
    int[] v = Fixtures.labels(n);
    v[row] = label;
    return Fixtures.y(v);
  }

  static FloatNdArray oneHot(int n, int width) {
    float[][] v = new float[n][width];
    for (int i = 0; i < n; i++) {
      v[i][i % width] = 1;
    }
    return Fixtures.x(v);
  }

  static FitOptions quiet() {
    return FitOptions.epochs(1).batchSize(8).verbose(0).seed(3);
  }

  static Sequential fresh(World w) {
    return new Sequential(Input.of(Fixtures.FEATURES), new Dense(3));
  }

  /** A valid IDX set of two 28x28 images per split. */
  static Path idxSet(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve("train-images-idx3-ubyte"), idxImages(2));
    Files.write(dir.resolve("train-labels-idx1-ubyte"), idxLabels(2));
    Files.write(dir.resolve("t10k-images-idx3-ubyte"), idxImages(2));
    Files.write(dir.resolve("t10k-labels-idx1-ubyte"), idxLabels(2));
    return dir;
  }

  static byte[] idxImages(int count) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeInt(0x00000803);
    out.writeInt(count);
    out.writeInt(28);
    out.writeInt(28);
    out.write(new byte[count * 28 * 28]);
    return b.toByteArray();
  }

  static byte[] idxLabels(int count) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeInt(0x00000801);
    out.writeInt(count);
    out.write(new byte[count]);
    return b.toByteArray();
  }

  static LoadOptions offline(Path dirOrFile, Path scratch) {
    return new LoadOptions()
        .path(dirOrFile)
        .kerasHome(scratch.resolve("keras"))
        .offline(true);
  }

  static Path savedWeights(World w) throws IOException {
    Path file = w.dir.resolve("model.weights.h5");
    w.model.saveWeights(file);
    return file;
  }

  static {
    // ---- shape -----------------------------------------------------------------------------------
    add("shape", "fit: features of the wrong width", IllegalArgumentException.class, "received shape [1, 5]",
        w -> w.model.fit(x(16, 5), y(16), quiet()));
    add("shape", "fit: images for a flat input", IllegalArgumentException.class, "[1, 2, 2]",
        w -> w.model.fit(StdArrays.ndCopyOf(new float[16][2][2]), y(16), quiet()));
    add("shape", "fit: y has fewer samples than x", IllegalArgumentException.class, "x holds 16 samples but y holds 15",
        w -> w.model.fit(x(16), y(15), quiet()));
    add("shape", "fit: y has more samples than x", IllegalArgumentException.class, "x holds 8 samples but y holds 9",
        w -> w.model.fit(x(8), y(9), quiet()));
    add("shape", "evaluate: features of the wrong width", IllegalArgumentException.class, "received shape [1, 7]",
        w -> w.model.evaluate(x(8, 7), y(8)));
    add("shape", "evaluate: y count differs", IllegalArgumentException.class, "x holds 8 samples but y holds 4",
        w -> w.model.evaluate(x(8), y(4)));
    add("shape", "predict: features of the wrong width", IllegalArgumentException.class, "expected input of shape [None, 4], received shape [4, 6]",
        w -> w.model.predict(x(8, 6), 4));
    add("shape", "apply: features of the wrong width", IllegalArgumentException.class, "expected input of shape [None, 4], received shape [1, 2]",
        w -> w.model.apply(w.tf, w.tf.constant(new float[][] {{1, 2}})));
    add("shape", "fit: one-hot int labels for a sparse loss", IllegalArgumentException.class, "received labels of shape [8, 3]",
        w -> w.model.fit(x(8), StdArrays.ndCopyOf(new int[8][3]), quiet()));
    add("shape", "fit: one-hot rows of the wrong width", Loss.CATEGORICAL, IllegalArgumentException.class, "received targets of shape [8, 2]",
        w -> w.model.fit(x(8), oneHot(8, 2), quiet()));
    add("shape", "fit: flat targets for CategoricalCrossentropy", Loss.CATEGORICAL, IllegalArgumentException.class, "received targets of shape [8]",
        w -> w.model.fit(x(8), NdArrays.ofFloats(Shape.of(8)), quiet()));
    add("shape", "fit: validation data of the wrong width (fails after a trained epoch)", IllegalArgumentException.class, "rolled back to the start of that epoch",
        w -> w.model.fit(x(16), y(16), quiet().validationData(Dataset.of(x(8, 5), y(8)).batch(4))));
    add("shape", "fit: validationSplit leaves no training sample", IllegalArgumentException.class, "leaves an empty training or validation set",
        w -> w.model.fit(x(1), y(1), quiet().validationSplit(0.5)));
    add("shape", "build: no input shape", IllegalArgumentException.class, "build needs at least one input shape",
        w -> w.model.build(w.tf, List.of()));

    // ---- dtype -----------------------------------------------------------------------------------
    add("dtype", "fit: fractional labels for a sparse loss", IllegalArgumentException.class, "label 1.5 at sample 2 is not a class index",
        w -> {
          float[] labels = new float[8];
          labels[2] = 1.5f;
          w.model.fit(x(8), StdArrays.ndCopyOf(labels), quiet());
        });
    add("dtype", "fit: class indices for CategoricalCrossentropy", Loss.CATEGORICAL, IllegalArgumentException.class, "expects float32 targets (one-hot rows), received int32",
        w -> w.model.fit(x(8), y(8), quiet()));
    add("dtype", "fit: int targets for BinaryCrossentropy", Loss.BINARY, IllegalArgumentException.class, "BinaryCrossentropy expects float32 targets",
        w -> w.model.fit(x(8), StdArrays.ndCopyOf(new int[8][3]), quiet()));
    add("dtype", "fit: boolean targets", IllegalArgumentException.class, "targets must be int32 (class indices) or float32",
        w -> w.model.fit(x(8), NdArrays.ofBooleans(Shape.of(8)), quiet()));
    // int64 targets are class indices as in Keras (converted to int32): one outside int32 is refused.
    add("dtype", "fit: int64 targets outside int32", IllegalArgumentException.class, "outside the int32 range",
        w -> {
          org.tensorflow.ndarray.LongNdArray y = NdArrays.ofLongs(Shape.of(8));
          y.setLong(1L << 40, 3);
          w.model.fit(x(8), y, quiet());
        });
    add("dtype", "applyGradients: float64 gradient for a float32 weight", IllegalArgumentException.class, "has dtype float64, expected float32",
        w -> {
          List<Variable> vars = w.model.trainableVariables();
          List<Operand<?>> grads = new ArrayList<>();
          for (Variable v : vars) {
            grads.add(w.tf.zeros(w.tf.constant(v.shape().asArray()), TFloat64.class));
          }
          w.optimizer().applyGradients(w.tf, grads, vars);
        });
    add("dtype", "applyGradients: an int32 weight", IllegalArgumentException.class, "expected a floating-point dtype",
        w -> {
          Variable counter = new Variable(w.tf, "counter:0", w.tf.constant(1), true);
          w.optimizer().applyGradients(w.tf, List.of(w.tf.constant(1)), List.of(counter));
        });

    // ---- shape of gradients (misuse of the optimizer) ----------------------------------------------
    add("misuse", "applyGradients: a gradient of the wrong shape", IllegalArgumentException.class, "(the variable's shape)",
        w -> {
          List<Variable> vars = w.model.trainableVariables();
          List<Operand<?>> grads = new ArrayList<>();
          for (Variable v : vars) {
            grads.add(w.tf.zeros(w.tf.constant(new long[] {2}), TFloat32.class));
          }
          w.optimizer().applyGradients(w.tf, grads, vars);
        });
    add("misuse", "applyGradients: fewer gradients than variables", IllegalArgumentException.class, "expected one gradient per variable",
        w -> w.optimizer().applyGradients(w.tf, List.of(), w.model.trainableVariables()));
    add("misuse", "applyGradients: every gradient null", IllegalArgumentException.class, "no gradients provided for any variable",
        w -> {
          List<Variable> vars = w.model.trainableVariables();
          w.optimizer().applyGradients(w.tf, Arrays.asList(new Operand<?>[vars.size()]), vars);
        });
    add("misuse", "applyGradients: null lists", IllegalArgumentException.class, "grads and vars must not be null",
        w -> w.optimizer().applyGradients(w.tf, null, null));

    // ---- label ----------------------------------------------------------------------------------
    add("label", "fit: negative label", IllegalArgumentException.class, "label -1 at sample 3 is outside [0, 3)",
        w -> w.model.fit(x(16), yWith(16, 3, -1), quiet()));
    add("label", "fit: label equal to the class count", IllegalArgumentException.class, "label 3 at sample 0 is outside [0, 3)",
        w -> w.model.fit(x(16), yWith(16, 0, 3), quiet()));
    add("label", "fit: huge label in the fifth batch", IllegalArgumentException.class, "label 1000000 at sample 37",
        w -> w.model.fit(x(48), yWith(48, 37, 1_000_000), quiet()));
    add("label", "fit: bad label in the last sample", IllegalArgumentException.class, "at sample 47 is outside",
        w -> w.model.fit(x(48), yWith(48, 47, 7), quiet()));
    add("label", "fit: float label equal to the class count", IllegalArgumentException.class, "label 3.0 at sample 1",
        w -> {
          float[] labels = new float[8];
          labels[1] = 3f;
          w.model.fit(x(8), StdArrays.ndCopyOf(labels), quiet());
        });
    add("label", "evaluate: label out of range", IllegalArgumentException.class, "evaluate: label 9 at sample 5",
        w -> w.model.evaluate(x(8), yWith(8, 5, 9)));
    add("label", "fit without validation: TensorFlow refuses the label mid-epoch, state rolled back", IllegalArgumentException.class, "rolled back to the start of that epoch",
        w -> w.model.fit(x(48), yWith(48, 37, 3), quiet().shuffle(false).validateInputs(false)));
    add("label", "fit on a dataset: bad label in the third batch, state rolled back", IllegalArgumentException.class, "which is outside the valid range of [0, 3)",
        w -> w.model.fit(Dataset.of(Fixtures.features(32), withLabel(32, 20, 5)).batch(8), quiet()));

    // ---- NaN / Inf -----------------------------------------------------------------------------
    add("nan", "fit: NaN feature", IllegalArgumentException.class, "non-finite value (NaN) at sample 12",
        w -> w.model.fit(xWith(16, 12, 1, Float.NaN), y(16), quiet()));
    add("nan", "fit: +Inf feature", IllegalArgumentException.class, "non-finite value (Infinity) at sample 4",
        w -> w.model.fit(xWith(16, 4, 0, Float.POSITIVE_INFINITY), y(16), quiet()));
    add("nan", "fit: -Inf feature in the last sample", IllegalArgumentException.class, "non-finite value (-Infinity) at sample 15",
        w -> w.model.fit(xWith(16, 15, 3, Float.NEGATIVE_INFINITY), y(16), quiet()));
    add("nan", "evaluate: NaN feature", IllegalArgumentException.class, "evaluate: x holds a non-finite value (NaN) at sample 2",
        w -> w.model.evaluate(xWith(8, 2, 2, Float.NaN), y(8)));
    add("nan", "fit: NaN regression target", Loss.MSE, IllegalArgumentException.class, "y holds a non-finite value (NaN) at sample 6",
        w -> {
          float[][] t = new float[8][3];
          t[6][1] = Float.NaN;
          w.model.fit(x(8), StdArrays.ndCopyOf(t), quiet());
        });
    add("nan", "fit: Inf in one-hot targets", Loss.CATEGORICAL, IllegalArgumentException.class, "y holds a non-finite value (Infinity) at sample 1",
        w -> {
          float[][] t = new float[8][3];
          t[1][0] = Float.POSITIVE_INFINITY;
          w.model.fit(x(8), StdArrays.ndCopyOf(t), quiet());
        });
    add("nan", "fit on a dataset with a NaN batch and TerminateOnNaN(raiseError)", ArithmeticException.class, "NaN or Inf gradients encountered at batch 1",
        w -> {
          float[][] v = Fixtures.features(16);
          v[9][0] = Float.NaN;
          w.model.fit(Dataset.of(v, Fixtures.labels(16)).batch(8), quiet().nonFiniteGuard(true).callbacks(new TerminateOnNaN().raiseError(true)));
        });
    add("nan", "setLearningRate(NaN)", IllegalArgumentException.class, "the learning rate must be a finite number >= 0",
        w -> w.optimizer().setLearningRate(Float.NaN));
    add("nan", "setLearningRate(-1)", IllegalArgumentException.class, "the learning rate must be a finite number >= 0",
        w -> w.optimizer().setLearningRate(-1f));
    add("nan", "new Adam(NaN)", IllegalArgumentException.class, "the learning rate must be a finite number >= 0",
        w -> new Adam(Float.NaN));
    add("nan", "weightDecay(NaN)", IllegalArgumentException.class, "weightDecay must be finite",
        w -> new SGD(0.1f).weightDecay(Float.NaN));

    // ---- empty ----------------------------------------------------------------------------------
    add("empty", "fit: no samples", IllegalArgumentException.class, "x has shape [0, 4]",
        w -> w.model.fit(Fixtures.emptyX(), Fixtures.emptyY(), quiet()));
    add("empty", "fit: an empty dataset", IllegalArgumentException.class, "fit: Unexpected result of `train_function` (Empty logs)",
        w -> w.model.fit(Dataset.of(Fixtures.emptyX(), Fixtures.emptyY()).batch(8), quiet()));
    add("empty", "evaluate: no samples", IllegalArgumentException.class, "evaluate: Unexpected result of `test_function` (Empty logs)",
        w -> w.model.evaluate(Fixtures.emptyX(), Fixtures.emptyY()));
    add("empty", "evaluate: an empty dataset", IllegalArgumentException.class, "the data holds no samples",
        w -> w.model.evaluate(Dataset.of(Fixtures.emptyX(), Fixtures.emptyY()).batch(8)));
    add("empty", "predict: no samples", IllegalArgumentException.class, "predict: the data holds no samples",
        w -> w.model.predict(Fixtures.emptyX(), 8));
    add("empty", "fit: empty validation data (after a trained epoch)", IllegalArgumentException.class, "rolled back",
        w -> w.model.fit(x(16), y(16), quiet().validationData(Dataset.of(Fixtures.emptyX(), Fixtures.emptyY()).batch(4))));
    add("empty", "fit: negative epochs", IllegalArgumentException.class, "epochs must be >= 0, got -1",
        w -> w.model.fit(x(8), y(8), FitOptions.epochs(-1)));
    add("empty", "fit: batch size 0", IllegalArgumentException.class, "batchSize must be > 0, got 0",
        w -> w.model.fit(x(8), y(8), quiet().batchSize(0)));

    // ---- call order -----------------------------------------------------------------------------
    add("call order", "fit before compile", IllegalStateException.class, "call compile(tf, optimizer, loss, metrics) before fit()",
        w -> fresh(w).fit(x(8), y(8), quiet()));
    add("call order", "evaluate before compile", IllegalStateException.class, "before evaluate()",
        w -> fresh(w).evaluate(x(8), y(8)));
    add("call order", "summary before build", IllegalStateException.class, "This model has not yet been built",
        w -> new Sequential(new Dense(2)).summary(s -> {}));
    add("call order", "iterations before the optimizer is built", IllegalStateException.class, "iterations",
        w -> new Adam().iterations());
    add("call order", "clipnorm after the optimizer is built", IllegalStateException.class, "set clipnorm before the first build() or applyGradients()",
        w -> w.optimizer().clipnorm(1f));
    add("call order", "weightDecay after the optimizer is built", IllegalStateException.class, "set weightDecay before the first build()",
        w -> w.optimizer().weightDecay(0.1f));
    add("call order", "renaming the optimizer after build", IllegalStateException.class, "set name before the first build()",
        w -> w.optimizer().name("other"));
    add("call order", "configuring a layer after build", IllegalStateException.class, "after the layer is built",
        w -> ((Dense) w.model.layers().get(0)).activation(dev.keraslite.activations.Activations.relu()));
    add("call order", "a second gradient from a non-persistent tape", IllegalStateException.class, "can only be called once on a non-persistent tape",
        w -> {
          try (GradientTape tape = new GradientTape(w.tf)) {
            Operand<TFloat32> out = w.model.apply(w.tf, w.tf.constant(new float[][] {{1, 2, 3, 4}}));
            Operand<TFloat32> sum = w.tf.reduceSum(out, w.tf.constant(new int[] {0, 1}));
            tape.gradient(sum, w.model.trainableVariables());
            tape.gradient(sum, w.model.trainableVariables());
          }
        });
    add("call order", "a value read after its tape closed", IllegalStateException.class, "was released when its GradientTape or EagerScope closed",
        w -> {
          Operand<TFloat32> out;
          try (GradientTape tape = new GradientTape(w.tf)) {
            out = w.model.apply(w.tf, w.tf.constant(new float[][] {{1, 2, 3, 4}}));
            tape.gradient(w.tf.reduceSum(out, w.tf.constant(new int[] {0, 1})), w.model.trainableVariables());
          }
          out.asTensor().getFloat(0, 0);
        });
    add("call order", "a value fed to the model after its scope closed", IllegalStateException.class, "Recording.keep(tf, value)",
        w -> {
          Operand<TFloat32> in;
          try (EagerScope scope = w.eager.scope()) {
            in = w.tf.math.add(w.tf.constant(new float[][] {{1, 2, 3, 4}}), w.tf.constant(1f));
          }
          w.model.apply(w.tf, in);
        });
    add("call order", "stopRecording on a closed tape", IllegalStateException.class, "this tape is not recording",
        w -> {
          GradientTape tape = new GradientTape(w.tf);
          tape.close();
          tape.stopRecording();
        });

    // ---- misuse ---------------------------------------------------------------------------------
    add("misuse", "compile with the Ops of a plain TensorFlow session", IllegalArgumentException.class, "tf must be the Ops of a keras-lite eager context",
        w -> {
          try (EagerSession plain = EagerSession.create()) {
            fresh(w).compile(Ops.create(plain), new Adam(), new SparseCategoricalCrossentropy());
          }
        });
    add("misuse", "compile without an optimizer", NullPointerException.class, "compile: optimizer is required",
        w -> fresh(w).compile(w.tf, (Optimizer) null, new SparseCategoricalCrossentropy()));
    add("misuse", "a misspelt metric", IllegalArgumentException.class, "Unknown metric 'acuracy'; valid: AUC, Accuracy,",
        w -> fresh(w).compile(w.tf, new Adam(), new SparseCategoricalCrossentropy(), "acuracy"));
    add("misuse", "a misspelt optimizer", IllegalArgumentException.class, "Unknown optimizer 'adamm'; valid: adadelta, adagrad, adam, adamax, adamw, nadam, rmsprop, sgd",
        w -> fresh(w).compile(w.tf, "adamm", "mse"));
    add("misuse", "a misspelt loss", IllegalArgumentException.class, "Unknown loss 'msee'; valid: BCE, BinaryCrossentropy,",
        w -> fresh(w).compile(w.tf, "adam", "msee"));
    add("misuse", "validationSplit of 1", IllegalArgumentException.class, "validationSplit must be in [0, 1), got 1.0",
        w -> w.model.fit(x(8), y(8), quiet().validationSplit(1.0)));
    add("misuse", "validationSplit and validationData together", IllegalArgumentException.class, "give validationSplit or validationData, not both",
        w -> w.model.fit(x(8), y(8), quiet().validationSplit(0.25).validationData(Dataset.of(x(4), y(4)).batch(2))));
    add("misuse", "a Dense layer of 0 units", IllegalArgumentException.class, "units must be a positive integer, received 0",
        w -> new Dense(0));
    add("misuse", "a Dropout rate above 1", IllegalArgumentException.class, "rate must be in [0, 1], received 1.5",
        w -> new Dropout(1.5f));
    add("misuse", "a layer name with a slash", IllegalArgumentException.class, "neither '/' nor ':'",
        w -> new Dense(2).name("a/b"));
    add("misuse", "a GradientTape on a plain TensorFlow session", IllegalArgumentException.class, "GradientTape needs the Ops of a keras-lite context",
        w -> {
          try (EagerSession plain = EagerSession.create()) {
            new GradientTape(Ops.create(plain)).close();
          }
        });
    add("misuse", "getLayer with an unknown name", IllegalArgumentException.class, "has no layer named 'nope'",
        w -> w.model.getLayer("nope"));
    add("misuse", "fit on a dataset without targets", IllegalArgumentException.class, "the data has no targets (y)",
        w -> w.model.fit(Dataset.of(x(8)).batch(4), quiet()));

    // ---- corrupt files --------------------------------------------------------------------------
    add("corrupt file", "weights: truncated", IOException.class, "model.weights.h5 is truncated or corrupt",
        w -> {
          Path f = savedWeights(w);
          byte[] b = Files.readAllBytes(f);
          Files.write(f, Arrays.copyOf(b, b.length / 2));
          w.model.loadWeights(f);
        });
    add("corrupt file", "weights: not HDF5", IOException.class, "is not an HDF5 weights file",
        w -> {
          Path f = savedWeights(w);
          byte[] b = Files.readAllBytes(f);
          b[1] = 'X';
          Files.write(f, b);
          w.model.loadWeights(f);
        });
    add("corrupt file", "weights: another architecture under the same paths", IllegalArgumentException.class, "holds shape [4, 9]",
        w -> {
          Path f = w.dir.resolve("other.weights.h5");
          Layer.clearNameCounters(); // the same layer names, other widths
          Sequential wide = new Sequential(Input.of(Fixtures.FEATURES), new Dense(9), new Dense(3));
          wide.build(w.tf);
          wide.saveWeights(f);
          w.model.loadWeights(f);
        });
    add("corrupt file", "weights: not there", IOException.class, "missing.weights.h5",
        w -> w.model.loadWeights(w.dir.resolve("missing.weights.h5")));
    add("corrupt file", "IDX: bad magic number", UncheckedIOException.class, "bad magic number",
        w -> {
          Path d = idxSet(w.dir.resolve("idx"));
          byte[] b = idxLabels(2);
          b[3] = 0x03;
          Files.write(d.resolve("train-labels-idx1-ubyte"), b);
          FashionMnist.load(offline(d, w.dir));
        });
    add("corrupt file", "IDX: truncated images", UncheckedIOException.class, "train-images-idx3-ubyte",
        w -> {
          Path d = idxSet(w.dir.resolve("idx"));
          byte[] b = idxImages(2);
          Files.write(d.resolve("train-images-idx3-ubyte"), Arrays.copyOf(b, b.length - 100));
          FashionMnist.load(offline(d, w.dir));
        });
    add("corrupt file", "npz: not a zip archive", UncheckedIOException.class, "mnist.npz",
        w -> {
          Path f = w.dir.resolve("mnist.npz");
          Files.write(f, "this is not a zip archive".getBytes());
          Mnist.load(offline(f, w.dir));
        });
  }

  /** The dataset fixture with {@code label} at {@code row}. */
  static int[] withLabel(int n, int row, int label) {
    int[] v = Fixtures.labels(n);
    v[row] = label;
    return v;
  }

  static Stream<Case> cases() {
    return CASES.stream();
  }

  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  private static Sequential trained(Eager eager, Loss loss) {
    Ops tf = eager.tf();
    Sequential model =
        new Sequential(
            Input.of(Fixtures.FEATURES),
            new Dense(8).activation(dev.keraslite.activations.Activations.relu())
                .kernelInitializer(dev.keraslite.initializers.Initializers.glorotUniform(1)),
            new Dense(3).kernelInitializer(dev.keraslite.initializers.Initializers.glorotUniform(2)));
    switch (loss) {
      case SPARSE -> model.compile(tf, new Adam(0.01f), new SparseCategoricalCrossentropy(true), "accuracy");
      case CATEGORICAL -> model.compile(tf, new Adam(0.01f), new CategoricalCrossentropy(true), "accuracy");
      case BINARY -> model.compile(tf, new Adam(0.01f), new BinaryCrossentropy(true), "accuracy");
      case MSE -> model.compile(tf, new Adam(0.01f), new MeanSquaredError());
    }
    model.setRunEagerly(true);
    FitOptions once = FitOptions.epochs(1).batchSize(8).verbose(0).seed(1);
    switch (loss) {
      case SPARSE -> model.fit(x(16), y(16), once);
      case CATEGORICAL, BINARY -> model.fit(x(16), oneHot(16, 3), once);
      case MSE -> model.fit(x(16), oneHot(16, 3), once);
    }
    return model;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusedWithTheReasonAndNothingChanged(Case c) throws IOException {
    Path dir = Files.createTempDirectory(tmp, "case");
    try (Eager eager = Eager.create()) {
      Sequential model = trained(eager, c.loss());
      World w = new World(eager, model, c.loss(), dir);
      StateBits before = StateBits.of(model);
      Throwable thrown = null;
      try {
        c.action().run(w);
      } catch (Throwable t) {
        thrown = t;
      }
      if (thrown == null) {
        fail(c + ": nothing was thrown");
      }
      assertInstanceOf(c.type(), thrown, () -> c + ": " + thrownDescription(c));
      String message = String.valueOf(thrown.getMessage());
      assertTrue(message.contains(c.fragment()), c + ": expected '" + c.fragment() + "' in: " + message);
      before.assertSameAs(StateBits.of(model), c.toString());
    }
  }

  private static String thrownDescription(Case c) {
    return "expected " + c.type().getSimpleName();
  }

  @Test
  void theCatalogueCoversEveryKindOfMistake() {
    Set<String> categories = new LinkedHashSet<>();
    CASES.forEach(c -> categories.add(c.category()));
    assertTrue(CASES.size() >= 60, "cases: " + CASES.size());
    assertEquals(
        Set.of("shape", "dtype", "label", "nan", "empty", "call order", "misuse", "corrupt file"),
        categories);
  }
}
