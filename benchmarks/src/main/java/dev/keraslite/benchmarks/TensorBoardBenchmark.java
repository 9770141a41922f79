package dev.keraslite.benchmarks;

import dev.keraslite.Eager;
import dev.keraslite.models.Sequential;
import dev.keraslite.activations.Activations;
import dev.keraslite.callbacks.Callback;
import dev.keraslite.callbacks.TensorBoard;
import dev.keraslite.callbacks.TrainingContext;
import dev.keraslite.datasets.FashionMnist;
import dev.keraslite.datasets.ImageData;
import dev.keraslite.datasets.LoadOptions;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Flatten;
import dev.keraslite.layers.Softmax;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.metrics.SparseCategoricalAccuracy;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.index.Indices;

/**
 * The cost of the {@code TensorBoard} callback with {@code updateFreq="epoch"} (its default; no
 * histograms, the train graph written) on a compiled {@code fit} epoch of the tutorial's MLP
 * (KerasPipeline's MLP_SEQUENTIAL: Flatten, Dense(100, relu), Dense(10), Softmax; Adam 1e-3, sparse
 * categorical crossentropy, sparse categorical accuracy; batch 50) on Fashion-MNIST.
 *
 * <p>Two identical models train side by side, one {@code fit} per round each, one with the callback
 * and one without; the order alternates from round to round and each round's ratio compares two fits
 * run back to back under the same load (the machines are shared and noisy). Each {@code fit} with the
 * callback opens its event files, writes the graph, each epoch's scalars and flushes, and closes the
 * files (waiting for the disk): the whole per-fit cost is inside the timing, spread over the fit's
 * epochs. The report gives the median of the rounds' ratios (with/without), each way's median time
 * per epoch, the ratio of the two ways' fastest fits, the time spent inside each of the callback's
 * hooks on the training thread and the process CPU time ratio (which counts the writer's thread). Arguments: samples (default 15000), rounds (default 9), epochs per fit (default 5, the
 * tutorial's; 1 shows the per-fit costs on a single epoch). Run on demand:
 *
 * <pre>
 * mvn -B -q -DskipTests -pl keras-lite,benchmarks -am package dependency:build-classpath -Dmdep.outputFile=cp.txt
 * java -cp "$(cat benchmarks/cp.txt):benchmarks/target/classes" dev.keraslite.benchmarks.TensorBoardBenchmark 15000 9 5
 * </pre>
 */
public final class TensorBoardBenchmark {
  private static final int BATCH = 50;

  private TensorBoardBenchmark() {}

  /**
   * Delegates every hook the fit calls to the TensorBoard callback and adds up the wall time spent in
   * them on the training thread: the part of the overhead that load on the machine cannot blur.
   */
  private static final class Timed extends Callback {
    private final Callback inner;
    long nanos;
    /** The time of each kind of hook, over all rounds: where the per-fit cost goes. */
    final Map<String, Long> byHook = new java.util.TreeMap<>();

    Timed(Callback inner) {
      this.inner = inner;
    }

    private void time(String name, Runnable hook) {
      long t0 = System.nanoTime();
      hook.run();
      long t = System.nanoTime() - t0;
      nanos += t;
      byHook.merge(name, t, Long::sum);
    }

    @Override
    public void setContext(TrainingContext context) {
      super.setContext(context);
      inner.setContext(context);
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
      time("onTrainBegin", () -> inner.onTrainBegin(logs));
    }

    @Override
    public void onTrainEnd(Map<String, Double> logs) {
      time("onTrainEnd", () -> inner.onTrainEnd(logs));
    }

    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
      time("onEpochBegin", () -> inner.onEpochBegin(epoch, logs));
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
      time("onEpochEnd", () -> inner.onEpochEnd(epoch, logs));
    }

    @Override
    public void onTrainBatchBegin(int batch, Map<String, Double> logs) {
      time("onTrainBatchBegin", () -> inner.onTrainBatchBegin(batch, logs));
    }

    @Override
    public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
      time("onTrainBatchEnd", () -> inner.onTrainBatchEnd(batch, logs));
    }

    @Override
    public void onTestBegin(Map<String, Double> logs) {
      time("onTestBegin", () -> inner.onTestBegin(logs));
    }

    @Override
    public void onTestEnd(Map<String, Double> logs) {
      time("onTestEnd", () -> inner.onTestEnd(logs));
    }
  }

  /** One model and its fit options; {@code tensorBoard} null for the baseline. */
  private static final class Way implements AutoCloseable {
    private final Eager eager = Eager.create();
    private final Sequential model =
        new Sequential(
            new Flatten(),
            new Dense(100).activation(Activations.relu()).kernelInitializer(Initializers.glorotUniform(1)),
            new Dense(10).kernelInitializer(Initializers.glorotUniform(2)),
            new Softmax());
    private final FitOptions options;
    final Timed timed;
    /** The process CPU time of the last fit, in seconds (all threads, the writer's included). */
    double cpu;

    Way(TensorBoard tensorBoard, int epochs) {
      model.compile(
          eager.tf(), new Adam(1e-3f), new SparseCategoricalCrossentropy(), new SparseCategoricalAccuracy());
      options = FitOptions.epochs(epochs).batchSize(BATCH).verbose(0).seed(1);
      timed = tensorBoard == null ? null : new Timed(tensorBoard);
      if (timed != null) {
        options.callbacks(timed);
      }
    }

    /** One fit's wall time in seconds. */
    double epoch(FloatNdArray x, IntNdArray y) {
      System.gc(); // so that one way's garbage is not collected in the other's timing
      long c0 = processCpuNanos();
      long t0 = System.nanoTime();
      model.fit(x, y, options);
      double wall = (System.nanoTime() - t0) / 1e9;
      cpu = (processCpuNanos() - c0) / 1e9;
      return wall;
    }

    @Override
    public void close() {
      eager.close();
    }
  }

  public static void main(String[] args) throws IOException {
    int samples = args.length > 0 ? Integer.parseInt(args[0]) : 15000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
    int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    ImageData<FloatNdArray> data = FashionMnist.load(new LoadOptions().offline(true));
    FloatNdArray x = data.xTrain().slice(Indices.range(0, samples));
    IntNdArray y = data.yTrain().slice(Indices.range(0, samples));
    Path logDir = Files.createTempDirectory("tensorboard-benchmark");
    double[] with = new double[rounds];
    double[] without = new double[rounds];
    double[] ratio = new double[rounds];
    double[] cpuRatio = new double[rounds];
    double[] hookShare = new double[rounds];
    Map<String, Long> hookTimes;
    try (Way plain = new Way(null, epochs);
        Way logged = new Way(new TensorBoard(logDir).updateFreq("epoch"), epochs)) {
      plain.epoch(x, y); // warm-up: tracing, JIT
      logged.epoch(x, y);
      for (int r = 0; r < rounds; r++) {
        logged.timed.nanos = 0;
        if (r % 2 == 0) {
          without[r] = plain.epoch(x, y);
          with[r] = logged.epoch(x, y);
        } else {
          with[r] = logged.epoch(x, y);
          without[r] = plain.epoch(x, y);
        }
        ratio[r] = with[r] / without[r];
        cpuRatio[r] = logged.cpu / plain.cpu;
        hookShare[r] = logged.timed.nanos / 1e9 / with[r];
        with[r] /= epochs;
        without[r] /= epochs;
      }
      hookTimes = logged.timed.byHook;
    } finally {
      deleteTree(logDir);
    }
    System.out.printf(Locale.ROOT,
        "TensorBoard(updateFreq=\"epoch\") on a compiled fit epoch: MLP, Fashion-MNIST, %d samples,"
            + " batch %d, %d rounds of a %d-epoch fit%n", samples, BATCH, rounds, epochs);
    System.out.printf(Locale.ROOT, "  without: median %.3f s per epoch (rounds: %s)%n", median(without), rounded(without));
    System.out.printf(Locale.ROOT, "  with:    median %.3f s per epoch (rounds: %s)%n", median(with), rounded(with));
    System.out.printf(Locale.ROOT,
        "  with / without: %.4f (median of the rounds' ratios; rounds: %s), overhead %+.2f%%%n",
        median(ratio), rounded(ratio), (median(ratio) - 1) * 100);
    // The fastest fit of each way is the one least disturbed by other processes on a shared machine.
    double best = Arrays.stream(with).min().orElseThrow() / Arrays.stream(without).min().orElseThrow();
    System.out.printf(Locale.ROOT,
        "  best with / best without: %.4f (%.3f s / %.3f s per epoch), overhead %+.2f%%%n", best,
        Arrays.stream(with).min().orElseThrow(), Arrays.stream(without).min().orElseThrow(), (best - 1) * 100);
    System.out.printf(Locale.ROOT,
        "  time inside TensorBoard's hooks on the training thread: %.2f%% of the fit with it (median;"
            + " rounds: %s)%n", median(hookShare) * 100, rounded(hookShare));
    System.out.printf(Locale.ROOT, "  time per fit inside each hook (mean over the timed rounds and the warm-up):");
    for (Map.Entry<String, Long> e : hookTimes.entrySet()) {
      System.out.printf(Locale.ROOT, " %s %.2f ms", e.getKey(), e.getValue() / 1e6 / (rounds + 1));
    }
    System.out.println();
    System.out.printf(Locale.ROOT,
        "  process CPU time with / without: %.4f (median of the rounds' ratios; rounds: %s)%n",
        median(cpuRatio), rounded(cpuRatio));
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String rounded(double[] a) {
    StringBuilder b = new StringBuilder();
    for (double v : a) {
      b.append(b.length() > 0 ? " " : "").append(String.format(Locale.ROOT, "%.4f", v));
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
