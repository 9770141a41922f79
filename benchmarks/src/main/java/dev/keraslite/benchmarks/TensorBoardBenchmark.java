package dev.keraslite.benchmarks;

import dev.keraslite.Eager;
import dev.keraslite.Sequential;
import dev.keraslite.activations.Activations;
import dev.keraslite.callbacks.TensorBoard;
import dev.keraslite.datasets.FashionMnist;
import dev.keraslite.datasets.ImageData;
import dev.keraslite.datasets.LoadOptions;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Flatten;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.index.Indices;

/**
 * The cost of the {@code TensorBoard} callback with {@code updateFreq="epoch"} (its default; no
 * histograms, the train graph written) on a compiled {@code fit} epoch of the tutorial's MLP
 * (Flatten, Dense(100, relu), Dense(10); Adam 1e-3; batch 50) on Fashion-MNIST.
 *
 * <p>Two identical models train side by side, one {@code fit(epochs=1)} per round each, one with the
 * callback and one without; the order alternates from round to round and each round's ratio compares
 * two epochs run back to back under the same load (the machines are shared and noisy). Each {@code
 * fit} with the callback opens its event files, writes the graph and the epoch's scalars, flushes and
 * closes them: the whole per-fit cost is inside the timing. The report gives the median of the
 * rounds' ratios (with/without) and each way's median time. Arguments: samples (default 15000),
 * rounds (default 9). Run on demand:
 *
 * <pre>
 * mvn -B -q -DskipTests -pl keras-lite,benchmarks -am package dependency:build-classpath -Dmdep.outputFile=cp.txt
 * java -cp "$(cat benchmarks/cp.txt):benchmarks/target/classes" dev.keraslite.benchmarks.TensorBoardBenchmark 15000 9
 * </pre>
 */
public final class TensorBoardBenchmark {
  private static final int BATCH = 50;

  private TensorBoardBenchmark() {}

  /** One model and its fit options; {@code tensorBoard} null for the baseline. */
  private static final class Way implements AutoCloseable {
    private final Eager eager = Eager.create();
    private final Sequential model =
        new Sequential(
            new Flatten(),
            new Dense(100).activation(Activations.relu()).kernelInitializer(Initializers.glorotUniform(1)),
            new Dense(10).kernelInitializer(Initializers.glorotUniform(2)));
    private final FitOptions options;

    Way(TensorBoard tensorBoard) {
      model.compile(eager.tf(), new Adam(1e-3f), new SparseCategoricalCrossentropy(true), "accuracy");
      options = FitOptions.epochs(1).batchSize(BATCH).verbose(0).seed(1);
      if (tensorBoard != null) {
        options.callbacks(tensorBoard);
      }
    }

    /** One epoch's wall time in seconds. */
    double epoch(FloatNdArray x, IntNdArray y) {
      System.gc(); // so that one way's garbage is not collected in the other's timing
      long t0 = System.nanoTime();
      model.fit(x, y, options);
      return (System.nanoTime() - t0) / 1e9;
    }

    @Override
    public void close() {
      eager.close();
    }
  }

  public static void main(String[] args) throws IOException {
    int samples = args.length > 0 ? Integer.parseInt(args[0]) : 15000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
    ImageData<FloatNdArray> data = FashionMnist.load(new LoadOptions().offline(true));
    FloatNdArray x = data.xTrain().slice(Indices.range(0, samples));
    IntNdArray y = data.yTrain().slice(Indices.range(0, samples));
    Path logDir = Files.createTempDirectory("tensorboard-benchmark");
    double[] with = new double[rounds];
    double[] without = new double[rounds];
    double[] ratio = new double[rounds];
    try (Way plain = new Way(null);
        Way logged = new Way(new TensorBoard(logDir).updateFreq("epoch"))) {
      plain.epoch(x, y); // warm-up: tracing, JIT
      logged.epoch(x, y);
      for (int r = 0; r < rounds; r++) {
        if (r % 2 == 0) {
          without[r] = plain.epoch(x, y);
          with[r] = logged.epoch(x, y);
        } else {
          with[r] = logged.epoch(x, y);
          without[r] = plain.epoch(x, y);
        }
        ratio[r] = with[r] / without[r];
      }
    } finally {
      deleteTree(logDir);
    }
    System.out.printf(Locale.ROOT,
        "TensorBoard(updateFreq=\"epoch\") on a compiled fit epoch: MLP, Fashion-MNIST, %d samples,"
            + " batch %d, %d rounds%n", samples, BATCH, rounds);
    System.out.printf(Locale.ROOT, "  without: median %.3f s per epoch (rounds: %s)%n", median(without), rounded(without));
    System.out.printf(Locale.ROOT, "  with:    median %.3f s per epoch (rounds: %s)%n", median(with), rounded(with));
    System.out.printf(Locale.ROOT,
        "  with / without: %.4f (median of the rounds' ratios; rounds: %s), overhead %+.2f%%%n",
        median(ratio), rounded(ratio), (median(ratio) - 1) * 100);
  }

  private static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String rounded(double[] a) {
    StringBuilder b = new StringBuilder();
    for (double v : a) {
      b.append(b.length() > 0 ? " " : "").append(String.format(Locale.ROOT, "%.3f", v));
    }
    return b.toString();
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
