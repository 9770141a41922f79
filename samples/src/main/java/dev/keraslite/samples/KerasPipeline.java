package dev.keraslite.samples;

import dev.keraslite.Eager;
import dev.keraslite.KerasLite;
import dev.keraslite.models.Input;
import dev.keraslite.models.Model;
import dev.keraslite.models.Sequential;
import dev.keraslite.activations.Activations;
import dev.keraslite.callbacks.History;
import dev.keraslite.callbacks.TensorBoard;
import dev.keraslite.layers.Conv2D;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Flatten;
import dev.keraslite.layers.KerasTensor;
import dev.keraslite.layers.Layer;
import dev.keraslite.layers.MaxPooling2D;
import dev.keraslite.layers.Reshape;
import dev.keraslite.layers.Softmax;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.metrics.SparseCategoricalAccuracy;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.plots.Plots;
import dev.keraslite.training.FitOptions;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;

/**
 * Example 9 of the chapter: the Keras pipeline, Sequential and functional models trained with
 * {@code compile} / {@code fit} / {@code evaluate}.
 *
 * <p>Python original: {@code model/mnist/main.py} lines 18-30 (Sequential and functional MLP and CNN)
 * and 84-90 ({@code compile(Adam(1e-3), sparse_categorical_crossentropy,
 * [sparse_categorical_accuracy])}, {@code fit(x, y, epochs=5, batch_size=50)}, {@code evaluate}).
 * Deliberate differences: Fashion-MNIST when MNIST is absent (see {@link DataLoaders}); the number of
 * epochs and of training samples are parameters, so the CNN can run a shorter version by default.
 */
public final class KerasPipeline {
  /** Which model to build: the two architectures, each written two ways. */
  public enum Kind {
    MLP_SEQUENTIAL,
    MLP_FUNCTIONAL,
    CNN_SEQUENTIAL,
    CNN_FUNCTIONAL
  }

  /** The tutorial's hyperparameters. */
  static final int BATCH_SIZE = 50;
  static final float LEARNING_RATE = 0.001f;

  /** Loss and accuracy of {@code evaluate} on the test set, and the training history. */
  public record Result(String dataset, Kind kind, Map<String, Double> test, History history) {}

  private KerasPipeline() {}

  /** The model of {@code kind}, softmax output as in the tutorial. */
  public static Model build(Kind kind) {
    switch (kind) {
      case MLP_SEQUENTIAL:
        return new Sequential(
            new Flatten(), new Dense(100).activation(Activations.relu()), new Dense(10), new Softmax());
      case MLP_FUNCTIONAL: {
        KerasTensor inputs = Input.of(28, 28, 1);
        KerasTensor x = new Flatten().apply(inputs);
        x = new Dense(100).activation(Activations.relu()).apply(x);
        x = new Dense(10).apply(x);
        KerasTensor outputs = new Softmax().apply(x);
        return Model.of(inputs, outputs);
      }
      case CNN_SEQUENTIAL:
        return new Sequential(
            new Conv2D(32, 5).padding("same").activation(Activations.relu()),
            new MaxPooling2D(2).strides(2),
            new Conv2D(64, 5).padding("same").activation(Activations.relu()),
            new MaxPooling2D(2).strides(2),
            new Reshape(7 * 7 * 64),
            new Dense(1024).activation(Activations.relu()),
            new Dense(10),
            new Softmax());
      case CNN_FUNCTIONAL: {
        KerasTensor inputs = Input.of(28, 28, 1);
        KerasTensor x = new Conv2D(32, 5).padding("same").activation(Activations.relu()).apply(inputs);
        x = new MaxPooling2D(2).strides(2).apply(x);
        x = new Conv2D(64, 5).padding("same").activation(Activations.relu()).apply(x);
        x = new MaxPooling2D(2).strides(2).apply(x);
        x = new Reshape(7 * 7 * 64).apply(x);
        x = new Dense(1024).activation(Activations.relu()).apply(x);
        x = new Dense(10).apply(x);
        return Model.of(inputs, new Softmax().apply(x));
      }
      default:
        throw new IllegalArgumentException("unknown model kind " + kind);
    }
  }

  /**
   * Builds, compiles, fits and evaluates one model.
   *
   * @param epochs the tutorial uses 5
   * @param trainSamples how many training samples to use (all: 60000)
   * @param verbose Keras's verbosity for {@code fit}
   */
  public static Result run(Kind kind, int epochs, int trainSamples, int verbose, long seed) {
    return run(kind, epochs, trainSamples, verbose, seed, null);
  }

  /**
   * As {@link #run(Kind, int, int, int, long)}, also writing what Keras users look at under {@code
   * output} (when not null): TensorBoard logs in {@code tensorboard/<kind>}, the History plot {@code
   * history/<kind>.png} and the model's graph {@code models/<kind>.dot} (and {@code .png} where
   * Graphviz is installed).
   */
  public static Result run(Kind kind, int epochs, int trainSamples, int verbose, long seed, Path output) {
    Layer.clearNameCounters();
    KerasLite.setRandomSeed(seed); // Keras's set_random_seed: the unseeded initial weights too
    DataLoaders.MNISTLoader data = new DataLoaders.MNISTLoader(seed);
    System.out.println("data: " + data.name() + ", model: " + kind);
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Model model = build(kind);
      model.compile(
          tf,
          new Adam(LEARNING_RATE),
          new SparseCategoricalCrossentropy(),
          new SparseCategoricalAccuracy());
      long n = Math.min(trainSamples, data.numTrainData);
      FloatNdArray x = data.trainData.slice(Indices.range(0, n));
      IntNdArray y = data.trainLabel.slice(Indices.range(0, n));
      FitOptions options = FitOptions.epochs(epochs).batchSize(BATCH_SIZE).seed(seed).verbose(verbose);
      String tag = kind.name().toLowerCase(Locale.ROOT);
      if (output != null) {
        options.callbacks(new TensorBoard(output.resolve("tensorboard").resolve(tag)).histogramFreq(1));
      }
      History history = model.fit(x, y, options);
      if (output != null) {
        Path plot = output.resolve("history").resolve(tag + ".png");
        history.plot(plot);
        Plots.Written graph = Plots.modelGraph(model, output.resolve("models").resolve(tag + ".png"));
        System.out.println("TensorBoard logs: " + output.resolve("tensorboard").resolve(tag).toAbsolutePath());
        System.out.println("History plot: " + plot.toAbsolutePath());
        System.out.println(
            "Model graph: " + (graph.png() != null ? graph.png() : graph.dot()).toAbsolutePath());
      }
      Map<String, Double> test = model.evaluate(data.testData, data.testLabel, BATCH_SIZE);
      System.out.println(test);
      return new Result(data.name(), kind, test, history);
    }
  }

  public static void main(String[] args) {
    Kind kind = args.length > 0 ? Kind.valueOf(args[0]) : Kind.MLP_SEQUENTIAL;
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    run(kind, epochs, 60000, 1, 0);
  }
}
