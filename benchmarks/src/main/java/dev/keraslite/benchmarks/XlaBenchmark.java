package dev.keraslite.benchmarks;

import static dev.keraslite.benchmarks.FitBenchmark.median;
import static dev.keraslite.benchmarks.FitBenchmark.medianRatio;
import static dev.keraslite.benchmarks.FitBenchmark.rounded;

import dev.keraslite.Eager;
import dev.keraslite.KerasLite;
import dev.keraslite.activations.Activations;
import dev.keraslite.datasets.FashionMnist;
import dev.keraslite.datasets.ImageData;
import dev.keraslite.datasets.LoadOptions;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Reshape;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.metrics.SparseCategoricalAccuracy;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.index.Indices;

/**
 * Issue 19's XLA switch measured: the compiled {@code fit} step of the tutorial's MLP (Dense 128
 * relu, Dense 10; Adam 1e-3) and CNN ({@link MixedPrecisionBenchmark#cnn}) on Fashion-MNIST, batch
 * 50, without and with {@code setJitCompile(true)} (TensorFlow's XLA CPU JIT), in the same run.
 *
 * <p>Speed: each variant is warmed up (tracing, XLA compilation), then the two are timed one slice
 * of the training set at a time, interleaved round after round; the speed-up is the median of the
 * rounds' ratios (plain time over XLA time: below 1 means XLA is slower). Accuracy: each variant
 * of the MLP trains one whole epoch from the same initial weights (seed 0) and is evaluated on the
 * 10,000 test images ({@code cnnaccuracy} adds the CNN's epochs, many minutes on 2 cores).
 * Arguments: samples per timed round (default 2500), rounds (default 5), then {@code noaccuracy}
 * or {@code cnnaccuracy}. Run on demand:
 *
 * <pre>
 * java -cp "$(cat benchmarks/cp.txt):benchmarks/target/classes" dev.keraslite.benchmarks.XlaBenchmark 2500 5
 * </pre>
 */
public final class XlaBenchmark {
  private static final int BATCH = 50;

  private XlaBenchmark() {}

  public static void main(String[] args) {
    int samples = args.length > 0 ? Integer.parseInt(args[0]) : 2500;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String mode = args.length > 2 ? args[2] : "";
    ImageData<FloatNdArray> data = FashionMnist.load(new LoadOptions().offline(true));
    FloatNdArray slice = data.xTrain().slice(Indices.range(0, samples));
    IntNdArray sliceLabels = data.yTrain().slice(Indices.range(0, samples));

    time("MLP", XlaBenchmark::mlp, slice, sliceLabels, samples, rounds);
    time("CNN", eager -> MixedPrecisionBenchmark.cnn(eager, "float32", 0), slice, sliceLabels, samples, rounds);
    if (!mode.equals("noaccuracy")) {
      accuracy("MLP", XlaBenchmark::mlp, data);
      if (mode.equals("cnnaccuracy")) {
        accuracy("CNN", eager -> MixedPrecisionBenchmark.cnn(eager, "float32", 0), data);
      }
    }
  }

  private static void time(
      String name, Function<Eager, Sequential> make, FloatNdArray x, IntNdArray y, int samples, int rounds) {
    FitOptions timed = FitOptions.epochs(1).batchSize(BATCH).verbose(0).seed(1);
    long steps = (samples + BATCH - 1) / BATCH;
    double[][] wall = new double[2][rounds];
    try (Eager eager = Eager.create()) {
      Sequential[] models = new Sequential[2];
      for (int v = 0; v < 2; v++) {
        models[v] = make.apply(eager);
        models[v].setJitCompile(v == 1);
        models[v].fit(x, y, timed); // warm-up: tracing, XLA compilation, oneDNN primitive caches
      }
      for (int r = 0; r < rounds; r++) {
        for (int v = 0; v < 2; v++) {
          System.gc();
          long t0 = System.nanoTime();
          models[v].fit(x, y, timed);
          wall[v][r] = (System.nanoTime() - t0) / 1e3 / steps;
        }
      }
      for (Sequential m : models) {
        m.close();
      }
    }
    System.out.printf(Locale.ROOT, "%s, compiled fit, batch %d, %d steps per round, %d rounds%n",
        name, BATCH, steps, rounds);
    String[] labels = {"plain", "jitCompile"};
    for (int v = 0; v < 2; v++) {
      System.out.printf(Locale.ROOT, "  %-11s %8.1f steps/s  %8.0f us/step  (per round: %s)%n", labels[v],
          1e6 / median(wall[v]), median(wall[v]), rounded(wall[v]));
    }
    System.out.printf(Locale.ROOT,
        "  XLA speed-up: %.2fx (median of rounds' plain/XLA time ratios; below 1: XLA slower)%n",
        medianRatio(wall[0], wall[1]));
  }

  private static void accuracy(String name, Function<Eager, Sequential> make, ImageData<FloatNdArray> data) {
    for (boolean jit : new boolean[] {false, true}) {
      try (Eager eager = Eager.create()) {
        Sequential model = make.apply(eager);
        model.setJitCompile(jit);
        long t0 = System.nanoTime();
        model.fit(data.xTrain(), data.yTrain(), FitOptions.epochs(1).batchSize(BATCH).verbose(0).seed(0));
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> test = model.evaluate(data.xTest(), data.yTest());
        System.out.printf(Locale.ROOT, "  %s %-11s one epoch of 60,000 in %.0f s: test accuracy %.4f, loss %.4f%n",
            name, jit ? "jitCompile" : "plain", seconds, test.get("sparse_categorical_accuracy"), test.get("loss"));
        model.close();
      }
    }
  }

  /** The tutorial's MLP, compiled, its initial weights from seed 0. */
  static Sequential mlp(Eager eager) {
    KerasLite.setRandomSeed(0);
    Sequential model =
        new Sequential(
            Input.of(28, 28),
            new Reshape(28 * 28),
            new Dense(128).activation(Activations.relu()),
            new Dense(10));
    model.compile(
        eager.tf(), new Adam(1e-3f), new SparseCategoricalCrossentropy(true), new SparseCategoricalAccuracy());
    return model;
  }
}
