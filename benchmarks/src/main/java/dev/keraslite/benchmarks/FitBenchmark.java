package dev.keraslite.benchmarks;

import dev.keraslite.Eager;
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
 * cross-entropy from logits; Adam 1e-3; batch 50) on Fashion-MNIST, three ways: keras-lite's
 * compiled {@code fit}, its eager {@code fit}, and a hand-written TensorFlow Java {@code Graph} +
 * {@code Session} loop with the same math (the floor; it feeds consecutive rows, fit shuffles).
 *
 * <p>The machines this runs on are shared and noisy, so each way is warmed up once and then timed
 * for one epoch per round, the three ways interleaved round after round (with a collection before
 * each, so that one way's garbage is not collected in another's time). The report gives the median
 * and the best round of wall-clock steps/s, the median process CPU time per step (all threads: the
 * session's, the collector's; TensorFlow's idle pool threads spin, so it overstates work done
 * between steps), and the ratios between ways as the median of each round's ratio, which compares
 * epochs run back to back under the same load. Each round of {@code fit} is a whole {@code fit}
 * call, so its fixed costs (copying variables into and out of the compiled step's session,
 * resetting metrics) are in its time. Compare ratios, not absolute figures. Arguments: samples
 * (default 15000), rounds (default 7), optionally which ways to run ({@code hand,compiled,eager}, and
 * {@code unguarded}: compiled with {@code nonFiniteGuard(false)})
 * and fit's verbose (default 1, Keras's: the progress bar on). Without Fashion-MNIST installed it
 * times random images of the same shape. Run on demand:
 *
 * <pre>
 * mvn -B -q -DskipTests -pl keras-lite,benchmarks -am package dependency:build-classpath -Dmdep.outputFile=cp.txt
 * java -cp "$(cat benchmarks/cp.txt):benchmarks/target/classes" dev.keraslite.benchmarks.FitBenchmark 15000 5
 * </pre>
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
    String[] names = {
      "hand-written Graph + Session", "keras-lite fit (compiled)", "keras-lite fit (eager)",
      "compiled, non-finite guard off"
    };
    List<Epoch> ways = new ArrayList<>();
    ways.add(only.contains("hand") ? new HandWritten(x, y) : null);
    ways.add(only.contains("compiled") ? new KerasLiteFit(x, y, false, verbose) : null);
    ways.add(only.contains("eager") ? new KerasLiteFit(x, y, true, verbose) : null);
    // The non-finite guard's share of a compiled step (FitOptions.nonFiniteGuard).
    ways.add(only.contains("unguarded") ? new KerasLiteFit(x, y, false, verbose).guard(false) : null);
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
    System.out.printf(Locale.ROOT, "  %-30s %9s %9s %12s %12s%n",
        "", "steps/s", "(best)", "wall us/step", "CPU us/step");
    for (int w = 0; w < ways.size(); w++) {
      if (ways.get(w) == null) {
        continue;
      }
      System.out.printf(Locale.ROOT, "  %-30s %9.1f %9.1f %12.0f %12.0f   (wall per round: %s)%n",
          names[w], 1e6 / median(wall[w]), 1e6 / min(wall[w]), median(wall[w]), median(cpu[w]),
          rounded(wall[w]));
    }
    // Ratios within a round compare epochs run one after the other, under the same load.
    if (ways.get(0) != null && ways.get(1) != null) {
      System.out.printf(Locale.ROOT,
          "  compiled / hand-written time per step: %.2fx (median of rounds' ratios; best rounds %.2fx;"
              + " CPU %.2fx)%n",
          medianRatio(wall[1], wall[0]), min(wall[1]) / min(wall[0]), median(cpu[1]) / median(cpu[0]));
    }
    if (ways.get(0) != null && ways.get(3) != null) {
      System.out.printf(Locale.ROOT,
          "  compiled without the guard / hand-written: %.2fx (median of rounds' ratios; best rounds %.2fx)%n",
          medianRatio(wall[3], wall[0]), min(wall[3]) / min(wall[0]));
    }
    if (ways.get(1) != null && ways.get(2) != null) {
      System.out.printf(Locale.ROOT,
          "  eager / compiled time per step:        %.2fx (median of rounds' ratios; best rounds %.2fx;"
              + " CPU %.2fx)%n",
          medianRatio(wall[2], wall[1]), min(wall[2]) / min(wall[1]), median(cpu[2]) / median(cpu[1]));
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

    KerasLiteFit guard(boolean on) {
      options = options.nonFiniteGuard(on);
      return this;
    }

    @Override
    public void run() {
      model.fit(x, y, options);
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
