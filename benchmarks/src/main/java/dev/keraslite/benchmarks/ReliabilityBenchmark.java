package dev.keraslite.benchmarks;

import dev.keraslite.Eager;
import dev.keraslite.activations.Activations;
import dev.keraslite.datasets.FashionMnist;
import dev.keraslite.datasets.ImageData;
import dev.keraslite.datasets.LoadOptions;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Flatten;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import java.util.Arrays;
import java.util.Locale;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.index.Indices;

/**
 * What issue 17's safety nets cost, on FitBenchmark's model (the tutorial's MLP, Adam 1e-3, batch
 * 50, Fashion-MNIST):
 *
 * <ul>
 *   <li>the non-finite guard: one epoch of {@code fit} with {@code nonFiniteGuard} on and off,
 *       compiled and eager, the four ways interleaved round after round; the overhead is the median
 *       of each round's ratio (on/off), which compares epochs run back to back under the same load;
 *   <li>input validation: {@code fit} with {@code epochs(0)} (validation and batching only, no
 *       step) with {@code validateInputs} on and off, on all 60,000 training samples, against one
 *       compiled epoch over them.
 * </ul>
 *
 * Not in CI. Run on demand:
 *
 * <pre>
 * mvn -B -q -DskipTests -pl keras-lite,benchmarks -am package dependency:build-classpath -Dmdep.outputFile=cp.txt
 * java -cp "$(cat benchmarks/cp.txt):benchmarks/target/classes" dev.keraslite.benchmarks.ReliabilityBenchmark 15000 7
 * </pre>
 */
public final class ReliabilityBenchmark {
  private static final int BATCH = 50;

  private ReliabilityBenchmark() {}

  public static void main(String[] args) throws Exception {
    int samples = args.length > 0 ? Integer.parseInt(args[0]) : 15000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    ImageData<FloatNdArray> data = FashionMnist.load(new LoadOptions().offline(true));
    FloatNdArray xAll = data.xTrain();
    IntNdArray yAll = data.yTrain();
    FloatNdArray x = xAll.slice(Indices.range(0, samples));
    IntNdArray y = yAll.slice(Indices.range(0, samples));
    long steps = (samples + BATCH - 1) / BATCH;

    // ---- the guard ----
    String[] names = {"compiled, guard on", "compiled, guard off", "eager, guard on", "eager, guard off"};
    boolean[] eagerly = {false, false, true, true};
    boolean[] guard = {true, false, true, false};
    Eager[] contexts = new Eager[4];
    Sequential[] models = new Sequential[4];
    double[][] wall = new double[4][rounds];
    try {
      for (int w = 0; w < 4; w++) {
        contexts[w] = Eager.create();
        models[w] = mlp(contexts[w], eagerly[w]);
        models[w].fit(x, y, options(guard[w])); // warm-up: tracing, JIT
      }
      for (int r = 0; r < rounds; r++) {
        for (int w = 0; w < 4; w++) {
          System.gc();
          long t0 = System.nanoTime();
          models[w].fit(x, y, options(guard[w]));
          wall[w][r] = (System.nanoTime() - t0) / 1e3 / steps;
        }
      }
    } finally {
      for (Eager e : contexts) {
        if (e != null) {
          e.close();
        }
      }
    }
    System.out.printf(Locale.ROOT, "Non-finite guard: MLP on Fashion-MNIST, batch %d, %d steps per epoch, %d rounds%n", BATCH, steps, rounds);
    for (int w = 0; w < 4; w++) {
      System.out.printf(Locale.ROOT, "  %-22s %9.0f us/step median  (per round: %s)%n", names[w], median(wall[w]), Arrays.toString(round(wall[w])));
    }
    System.out.printf(Locale.ROOT, "  guard overhead, compiled: %+.1f%% (median of rounds' on/off ratios; best rounds %+.1f%%)%n",
        100 * (medianRatio(wall[0], wall[1]) - 1), 100 * (min(wall[0]) / min(wall[1]) - 1));
    System.out.printf(Locale.ROOT, "  guard overhead, eager:    %+.1f%% (median of rounds' on/off ratios; best rounds %+.1f%%)%n",
        100 * (medianRatio(wall[2], wall[3]) - 1), 100 * (min(wall[2]) / min(wall[3]) - 1));

    // ---- input validation on the whole training set ----
    long n = xAll.shape().get(0);
    try (Eager eager = Eager.create()) {
      Sequential model = mlp(eager, false);
      double[] on = new double[rounds];
      double[] off = new double[rounds];
      model.fit(xAll, yAll, FitOptions.epochs(0).batchSize(BATCH).verbose(0).seed(1));
      for (int r = 0; r < rounds; r++) {
        long t0 = System.nanoTime();
        model.fit(xAll, yAll, FitOptions.epochs(0).batchSize(BATCH).verbose(0).seed(1));
        on[r] = (System.nanoTime() - t0) / 1e6;
        t0 = System.nanoTime();
        model.fit(xAll, yAll, FitOptions.epochs(0).batchSize(BATCH).verbose(0).seed(1).validateInputs(false));
        off[r] = (System.nanoTime() - t0) / 1e6;
      }
      long t0 = System.nanoTime();
      model.fit(xAll, yAll, FitOptions.epochs(1).batchSize(BATCH).verbose(0).seed(1).validateInputs(false));
      double epoch = (System.nanoTime() - t0) / 1e6;
      double cost = median(on) - median(off);
      System.out.printf(Locale.ROOT, "Input validation on %d samples (%d floats): %.0f ms (fit with 0 epochs: %.0f ms on, %.0f ms off, medians of %d)%n",
          n, xAll.shape().size(), cost, median(on), median(off), rounds);
      System.out.printf(Locale.ROOT, "  one compiled epoch over them: %.0f ms, so validation adds %.1f%% to a 1-epoch fit%n", epoch, 100 * cost / epoch);
    }
  }

  private static FitOptions options(boolean guard) {
    return FitOptions.epochs(1).batchSize(BATCH).verbose(0).seed(1).nonFiniteGuard(guard);
  }

  private static Sequential mlp(Eager eager, boolean eagerly) {
    Sequential model =
        new Sequential(new Flatten(), new Dense(100).activation(Activations.relu()), new Dense(10));
    model.compile(eager.tf(), new Adam(1e-3f), new SparseCategoricalCrossentropy(true));
    model.setRunEagerly(eagerly);
    return model;
  }

  private static double[] round(double[] v) {
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      r[i] = Math.round(v[i]);
    }
    return r;
  }

  private static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double medianRatio(double[] a, double[] b) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i] / b[i];
    }
    return median(r);
  }

  private static double min(double[] values) {
    return Arrays.stream(values).min().orElse(Double.NaN);
  }
}
