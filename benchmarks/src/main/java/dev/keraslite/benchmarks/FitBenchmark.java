package dev.keraslite.benchmarks;

import dev.keraslite.Eager;
import dev.keraslite.data.Dataset;
import dev.keraslite.models.Sequential;
import dev.keraslite.activations.Activations;
import dev.keraslite.datasets.FashionMnist;
import dev.keraslite.datasets.ImageData;
import dev.keraslite.datasets.LoadOptions;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Flatten;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Steps per second of the tutorial's MLP (Flatten, Dense(100, relu), Dense(10); sparse categorical
 * cross-entropy from logits; Adam 1e-3; batch 50) on Fashion-MNIST, several ways: keras-lite's
 * compiled {@code fit}, its eager {@code fit}, and a hand-written TensorFlow Java {@code Graph} +
 * {@code Session} loop with the same math (the floor; it feeds consecutive rows, fit shuffles).
 *
 * <p>The machines this runs on are shared and noisy, so each way is warmed up once and then timed
 * for one epoch per round, the ways interleaved round after round (with a collection before each,
 * so that one way's garbage is not collected in another's time). The report gives the median and
 * the best round of wall-clock steps/s, the median process CPU time per step (all threads: the
 * session's, the collector's; TensorFlow's idle pool threads spin, so it overstates work done
 * between steps), and each way's ratio to the hand-written loop as the median of each round's
 * ratio, which compares epochs run back to back under the same load. Each round of {@code fit} is
 * a whole {@code fit} call, so its fixed costs (the pass over x that {@code validateInputs} makes,
 * the shuffle, copying variables into and out of the compiled step's session, resetting metrics)
 * are in its time. Compare ratios, not absolute figures.
 *
 * <p>Arguments: samples (default 15000), rounds (default 7), the ways, comma-separated (default
 * {@code hand,compiled,eager}): {@code hand}; {@code eager}; {@code compiled} or {@code compiledK}
 * ({@code Model.setStepsPerExecution(K)}, Keras's {@code steps_per_execution}); {@code xla} or
 * {@code xlaK} (the same compiled with XLA, {@code Model.setJitCompile}); {@code unguardedK}
 * (the same with {@code nonFiniteGuard(false)}: the guard's share); {@code unvalidatedK} (with
 * {@code validateInputs(false)}: the share of fit's pass over x); {@code datasetK} and {@code
 * prefetchK} (fit over a shuffled, batched {@code Dataset}, prefetched or not); then fit's verbose
 * (default 1, Keras's: the progress bar on). Without Fashion-MNIST installed it times random images
 * of the same shape. Run on demand:
 *
 * <pre>
 * mvn -B -q -pl keras-lite,samples,benchmarks -am compile
 * mvn -B -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp "keras-lite/target/classes:samples/target/classes:benchmarks/target/classes:$(cat /tmp/cp.txt)" \
 *     dev.keraslite.benchmarks.FitBenchmark 15000 9 hand,compiled,compiled4,compiled16,unguarded16,unvalidated16 1
 * </pre>
 *
 * <p>Measured on a shared 2-core VM (ratios to the hand loop's time per step, medians of rounds'
 * ratios, ways {@code hand,compiled16,compiled}, verbose 1, 9 rounds), twelve runs each alternating
 * with a run of the previous build, load average 1.0-2.3: compiled16 0.88x-0.95x in eleven runs,
 * 1.08x in one, median 0.93x (previous build 0.96x-1.11x, median 1.055x); compiled median 1.055x,
 * 0.91x-1.33x (previous build median 1.16x, 1.02x-1.24x). One run of {@code
 * hand,compiled16,xla16,xla} before fit prefetched its batches: 0.99x, 0.95x, 1.05x.
 */
public final class FitBenchmark {
  private static final int BATCH = 50;

  private FitBenchmark() {}

  /** One way of training, timed one epoch at a time. */
  private interface Epoch extends AutoCloseable {
    void run();

    @Override
    void close();
  }

  public static void main(String[] args) throws Exception {
    int samples = args.length > 0 ? Integer.parseInt(args[0]) : 15000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    FloatNdArray x;
    IntNdArray y;
    try {
      ImageData<FloatNdArray> data = FashionMnist.load(new LoadOptions().offline(true));
      x = data.xTrain().slice(Indices.range(0, samples));
      y = data.yTrain().slice(Indices.range(0, samples));
    } catch (java.io.UncheckedIOException missing) {
      // Step time does not depend on the pixel values: without the dataset, random images of its
      // shape and random labels time the same work.
      System.out.println("Fashion-MNIST is not installed: timing random images of its shape instead");
      java.util.Random random = new java.util.Random(1);
      float[] pixels = new float[samples * 28 * 28];
      int[] labels = new int[samples];
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = random.nextFloat();
      }
      for (int i = 0; i < samples; i++) {
        labels[i] = random.nextInt(10);
      }
      x = org.tensorflow.ndarray.NdArrays.wrap(Shape.of(samples, 28, 28),
          org.tensorflow.ndarray.buffer.DataBuffers.of(pixels, false, false));
      y = org.tensorflow.ndarray.NdArrays.wrap(Shape.of(samples),
          org.tensorflow.ndarray.buffer.DataBuffers.of(labels, false, false));
    }
    long steps = (samples + BATCH - 1) / BATCH;

    String only = args.length > 2 ? args[2] : "hand,compiled,eager";
    // Keras's default verbose=1: the progress bar (and the History every fit returns) is on.
    int verbose = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    List<String> names = new ArrayList<>();
    List<Epoch> ways = new ArrayList<>();
    for (String way : only.split(",")) {
      way = way.trim();
      if (way.equals("hand")) {
        names.add("hand-written Graph + Session");
        ways.add(new HandWritten(x, y));
      } else if (way.equals("eager")) {
        names.add("keras-lite fit (eager)");
        ways.add(new KerasLiteFit(x, y, true, verbose));
      } else if (way.startsWith("dataset") || way.startsWith("prefetch")) {
        // datasetK / prefetchK: compiled fit over a Dataset (shuffle, batch, and prefetch or not),
        // K steps per execution; no array validation, which fit over arrays does every call.
        boolean prefetch = way.startsWith("prefetch");
        String digits = way.substring(prefetch ? "prefetch".length() : "dataset".length());
        int k = digits.isEmpty() ? 1 : Integer.parseInt(digits);
        names.add("fit(Dataset" + (prefetch ? ".prefetch" : "") + "), " + k + " steps/exec");
        ways.add(new KerasLiteFit(x, y, false, verbose).stepsPerExecution(k).asDataset(prefetch));
      } else if (way.matches("xla[0-9]*")) {
        // xlaK: compiled with XLA (Model.setJitCompile, Keras's jit_compile), K steps per execution.
        String digits = way.substring("xla".length());
        int k = digits.isEmpty() ? 1 : Integer.parseInt(digits);
        names.add("compiled with XLA" + (k == 1 ? "" : ", " + k + " steps/exec"));
        ways.add(new KerasLiteFit(x, y, false, verbose).stepsPerExecution(k).jitCompile());
      } else if (way.matches("(compiled|unguarded|unvalidated)[0-9]*")) {
        // compiledK: Model.setStepsPerExecution(K), K training steps per Session.run (none: 1);
        // unguardedK: the same with the non-finite guard off (FitOptions.nonFiniteGuard), its share
        // of a step; unvalidatedK: with validateInputs(false), the share of fit's pass over x.
        String kind = way.replaceAll("[0-9]", "");
        String digits = way.substring(kind.length());
        int k = digits.isEmpty() ? 1 : Integer.parseInt(digits);
        KerasLiteFit fit = new KerasLiteFit(x, y, false, verbose).stepsPerExecution(k);
        if (kind.equals("unguarded")) {
          fit.guard(false);
        } else if (kind.equals("unvalidated")) {
          fit.validateInputs(false);
        }
        names.add(
            (kind.equals("compiled") ? "compiled" : kind.equals("unguarded") ? "compiled, guard off"
                : "compiled, no input check") + (k == 1 ? "" : ", " + k + " steps/exec"));
        ways.add(fit);
      } else {
        throw new IllegalArgumentException(
            "FitBenchmark: unknown way " + way
                + " (hand, eager, compiled[K], unguarded[K], unvalidated[K], dataset[K], prefetch[K])");
      }
    }
    double[][] wall = new double[ways.size()][rounds];
    double[][] cpu = new double[ways.size()][rounds];
    try {
      for (Epoch way : ways) {
        if (way != null) {
          way.run(); // warm-up: tracing, JIT
        }
      }
      for (int r = 0; r < rounds; r++) {
        for (int w = 0; w < ways.size(); w++) {
          if (ways.get(w) == null) {
            continue;
          }
          System.gc(); // so that one way's garbage is not collected in another's timing
          long c0 = processCpuNanos();
          long t0 = System.nanoTime();
          ways.get(w).run();
          wall[w][r] = (System.nanoTime() - t0) / 1e3 / steps;
          cpu[w][r] = (processCpuNanos() - c0) / 1e3 / steps;
        }
      }
    } finally {
      ways.stream().filter(w -> w != null).forEach(Epoch::close);
    }

    System.out.printf(Locale.ROOT,
        "MLP on Fashion-MNIST, batch %d, %d steps per epoch, %d rounds%n", BATCH, steps, rounds);
    System.out.printf(Locale.ROOT, "  %-32s %9s %9s %12s %12s%n",
        "", "steps/s", "(best)", "wall us/step", "CPU us/step");
    for (int w = 0; w < ways.size(); w++) {
      System.out.printf(Locale.ROOT, "  %-32s %9.1f %9.1f %12.0f %12.0f   (wall per round: %s)%n",
          names.get(w), 1e6 / median(wall[w]), 1e6 / min(wall[w]), median(wall[w]), median(cpu[w]),
          rounded(wall[w]));
    }
    // Ratios within a round compare epochs run one after the other, under the same load.
    int hand = names.indexOf("hand-written Graph + Session");
    for (int w = 0; w < ways.size(); w++) {
      if (hand < 0 || w == hand) {
        continue;
      }
      System.out.printf(Locale.ROOT,
          "  %-32s %.2fx hand-written time per step (median of rounds' ratios; best rounds %.2fx;"
              + " CPU %.2fx)%n",
          names.get(w), medianRatio(wall[w], wall[hand]), min(wall[w]) / min(wall[hand]),
          median(cpu[w]) / median(cpu[hand]));
    }
  }

  /** keras-lite's {@code fit}, one epoch per run, the model kept across runs. */
  private static final class KerasLiteFit implements Epoch {
    private final Eager eager = Eager.create();
    private final Sequential model =
        new Sequential(new Flatten(), new Dense(100).activation(Activations.relu()), new Dense(10));
    private FitOptions options;
    private final FloatNdArray x;
    private final IntNdArray y;

    KerasLiteFit(FloatNdArray x, IntNdArray y, boolean eagerly, int verbose) {
      this.options = FitOptions.epochs(1).batchSize(BATCH).verbose(verbose).seed(1);
      this.x = x;
      this.y = y;
      model.compile(eager.tf(), new Adam(1e-3f), new SparseCategoricalCrossentropy(true));
      model.setRunEagerly(eagerly);
    }

    KerasLiteFit stepsPerExecution(int k) {
      model.setStepsPerExecution(k);
      return this;
    }

    KerasLiteFit jitCompile() {
      model.setJitCompile(true);
      return this;
    }

    KerasLiteFit validateInputs(boolean on) {
      options = options.validateInputs(on);
      return this;
    }

    KerasLiteFit guard(boolean on) {
      options = options.nonFiniteGuard(on);
      return this;
    }

    private Boolean prefetch;

    /** Fits a shuffled, batched Dataset of the arrays instead, prefetched or not. */
    KerasLiteFit asDataset(boolean prefetch) {
      this.prefetch = prefetch;
      return this;
    }

    @Override
    public void run() {
      if (prefetch == null) {
        model.fit(x, y, options);
        return;
      }
      Dataset data = Dataset.of(x, y).shuffle((int) x.shape().get(0), 1L).batch(BATCH);
      model.fit(prefetch ? data.prefetch(Dataset.AUTOTUNE) : data, options);
    }

    @Override
    public void close() {
      eager.close();
    }
  }

  /** The same model and update written directly against TensorFlow Java's graph API. */
  private static final class HandWritten implements Epoch {
    private final Graph g = new Graph();
    private final Session s = new Session(g);
    private final Placeholder<TFloat32> in;
    private final Placeholder<TInt32> labels;
    private final Op train;
    private final Operand<TFloat32> loss;
    private final FloatNdArray x;
    private final IntNdArray y;

    HandWritten(FloatNdArray x, IntNdArray y) {
      this.x = x;
      this.y = y;
      Ops tf = Ops.create(g);
      in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28)));
      labels = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      Operand<TFloat32> flat = tf.reshape(in, tf.constant(new int[] {-1, 784}));
      Variable<TFloat32> w1 = tf.variable(glorot(tf, 784, 100, 1));
      Variable<TFloat32> b1 = tf.variable(tf.zeros(tf.constant(new int[] {100}), TFloat32.class));
      Variable<TFloat32> w2 = tf.variable(glorot(tf, 100, 10, 2));
      Variable<TFloat32> b2 = tf.variable(tf.zeros(tf.constant(new int[] {10}), TFloat32.class));
      Operand<TFloat32> h = tf.nn.relu(tf.math.add(tf.linalg.matMul(flat, w1), b1));
      Operand<TFloat32> logits = tf.math.add(tf.linalg.matMul(h, w2), b2);
      // TensorFlow's C++ gradients lack the sparse kernel: one-hot labels give the same loss.
      Operand<TFloat32> oneHot = tf.oneHot(labels, tf.constant(10), tf.constant(1f), tf.constant(0f));
      loss = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss(), tf.constant(0));
      train = new org.tensorflow.framework.optimizers.Adam(g, 1e-3f, 0.9f, 0.999f, 1e-7f).minimize(loss);
      s.initialize();
    }

    @Override
    public void run() {
      long n = x.shape().get(0);
      for (long start = 0; start < n; start += BATCH) {
        long end = Math.min(n, start + BATCH);
        try (TFloat32 xb = TFloat32.tensorOf(Shape.of(end - start, 28, 28));
            TInt32 yb = TInt32.tensorOf(Shape.of(end - start))) {
          x.slice(Indices.range(start, end)).copyTo(xb);
          y.slice(Indices.range(start, end)).copyTo(yb);
          // Fetch the loss each step, as fit fetches its logs for the callbacks.
          s.runner().feed(in, xb).feed(labels, yb).addTarget(train).fetch(loss).run().close();
        }
      }
    }

    @Override
    public void close() {
      s.close();
      g.close();
    }
  }

  private static Operand<TFloat32> glorot(Ops tf, int in, int out, long seed) {
    float limit = (float) Math.sqrt(6.0 / (in + out));
    return tf.math.mul(
        tf.math.sub(
            tf.math.mul(
                tf.random.statelessRandomUniform(
                    tf.constant(new int[] {in, out}), tf.constant(new long[] {seed, 0}), TFloat32.class),
                tf.constant(2f)),
            tf.constant(1f)),
        tf.constant(limit));
  }

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static double medianRatio(double[] a, double[] b) {
    double[] ratios = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      ratios[i] = a[i] / b[i];
    }
    return median(ratios);
  }

  static double min(double[] values) {
    return Arrays.stream(values).min().orElse(Double.NaN);
  }

  static String rounded(double[] values) {
    StringBuilder sb = new StringBuilder();
    for (double v : values) {
      sb.append(sb.length() == 0 ? "" : " ").append(Math.round(v));
    }
    return sb.toString();
  }
}
