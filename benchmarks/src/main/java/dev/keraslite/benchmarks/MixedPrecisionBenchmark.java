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
import dev.keraslite.layers.Conv2D;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.MaxPooling2D;
import dev.keraslite.layers.Reshape;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.metrics.SparseCategoricalAccuracy;
import dev.keraslite.mixedprecision.DTypePolicy;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.optimizers.LossScaleOptimizer;
import dev.keraslite.optimizers.Optimizer;
import dev.keraslite.training.FitOptions;
import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import java.util.Map;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.index.Indices;

/**
 * Issue 19's W3 under {@code mixed_bfloat16}: the tutorial's CNN (Conv2D 32 5x5 same relu, max pool
 * 2, Conv2D 64 5x5 same relu, max pool 2, Dense 1024 relu, Dense 10; Adam 1e-3; batch 50) trained
 * with the compiled {@code fit} on Fashion-MNIST, float32 against mixed_bfloat16, in the same run.
 *
 * <p>Speed: each policy's model is warmed up, then both are timed one slice of the training set at
 * a time, interleaved round after round; the speed-up is the median of the rounds' ratios (float32
 * time over mixed time). Accuracy: then each model trains one whole epoch from a fresh start (seed
 * 0) and is evaluated on the 10,000 test images. Arguments: samples per timed round (default
 * 2500, 50 steps), rounds (default 5), {@code noaccuracy} to skip the epochs (anything else keeps
 * them), and the policies, comma-separated, the first one the reference (default {@code
 * float32,mixed_bfloat16}; {@code mixed_float16} trains with a {@code LossScaleOptimizer}). Run on
 * demand:
 *
 * <pre>
 * java -cp "$(cat benchmarks/cp.txt):benchmarks/target/classes" dev.keraslite.benchmarks.MixedPrecisionBenchmark 2500 5
 * </pre>
 */
public final class MixedPrecisionBenchmark {
  private static final int BATCH = 50;

  private MixedPrecisionBenchmark() {}

  public static void main(String[] args) {
    int samples = args.length > 0 ? Integer.parseInt(args[0]) : 2500;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    boolean accuracy = !(args.length > 2 && args[2].equals("noaccuracy"));
    String[] policies = (args.length > 3 ? args[3] : "float32,mixed_bfloat16").split(",");
    int n = policies.length;
    ImageData<FloatNdArray> data = FashionMnist.load(new LoadOptions().offline(true));
    FloatNdArray slice = data.xTrain().slice(Indices.range(0, samples));
    IntNdArray sliceLabels = data.yTrain().slice(Indices.range(0, samples));
    FitOptions timed = FitOptions.epochs(1).batchSize(BATCH).verbose(0).seed(1);
    long steps = (samples + BATCH - 1) / BATCH;

    double[][] wall = new double[n][rounds];
    try (Eager eager = Eager.create()) {
      Sequential[] models = new Sequential[n];
      for (int p = 0; p < n; p++) {
        models[p] = cnn(eager, policies[p], 0);
        models[p].fit(slice, sliceLabels, timed); // warm-up: tracing, oneDNN primitive caches
      }
      for (int r = 0; r < rounds; r++) {
        for (int p = 0; p < n; p++) {
          System.gc();
          long t0 = System.nanoTime();
          models[p].fit(slice, sliceLabels, timed);
          wall[p][r] = (System.nanoTime() - t0) / 1e3 / steps;
        }
      }
      for (Sequential m : models) {
        m.close();
      }
    }
    System.out.printf(Locale.ROOT, "Tutorial CNN, compiled fit, batch %d, %d steps per round, %d rounds%n",
        BATCH, steps, rounds);
    for (int p = 0; p < n; p++) {
      System.out.printf(Locale.ROOT, "  %-15s %8.1f steps/s  %8.0f us/step  (per round: %s)%n", policies[p],
          1e6 / median(wall[p]), median(wall[p]), rounded(wall[p]));
    }
    for (int p = 1; p < n; p++) {
      System.out.printf(Locale.ROOT,
          "  %s speed-up: %.2fx (median of rounds' %s/%s time ratios)%n",
          policies[p], medianRatio(wall[0], wall[p]), policies[0], policies[p]);
    }

    if (accuracy) {
      for (String policy : policies) {
        try (Eager eager = Eager.create()) {
          Sequential model = cnn(eager, policy, 0);
          long t0 = System.nanoTime();
          model.fit(data.xTrain(), data.yTrain(), FitOptions.epochs(1).batchSize(BATCH).verbose(0).seed(0));
          double seconds = (System.nanoTime() - t0) / 1e9;
          Map<String, Double> test = model.evaluate(data.xTest(), data.yTest());
          System.out.printf(Locale.ROOT, "  %-15s one epoch of 60,000 in %.0f s: test accuracy %.4f, loss %.4f%n",
              policy, seconds, test.get("sparse_categorical_accuracy"), test.get("loss"));
          model.close();
        }
      }
    }
    DTypePolicy.setGlobalPolicy(DTypePolicy.FLOAT32);
  }

  /**
   * The tutorial's CNN under {@code policy}, compiled, its initial weights from {@code seed}. A
   * policy name ending in {@code +v2pool} pools with TensorFlow Java's {@code MaxPoolV2} (what
   * MaxPooling2D built before it built {@code MaxPool}), to time both in one run.
   */
  static Sequential cnn(Eager eager, String policy, long seed) {
    boolean v2pool = policy.endsWith("+v2pool");
    policy = policy.replace("+v2pool", "");
    DTypePolicy.setGlobalPolicy(policy);
    KerasLite.setRandomSeed(seed);
    Sequential model =
        new Sequential(
            Input.of(28, 28),
            new Reshape(28, 28, 1),
            new Conv2D(32, 5).padding("same").activation(Activations.relu()),
            v2pool ? new V2Pool() : new MaxPooling2D(2).strides(2),
            new Conv2D(64, 5).padding("same").activation(Activations.relu()),
            v2pool ? new V2Pool() : new MaxPooling2D(2).strides(2),
            new Reshape(7 * 7 * 64),
            new Dense(1024).activation(Activations.relu()),
            new Dense(10));
    // float16's range needs loss scaling, as Keras requires for mixed_float16.
    Optimizer optimizer =
        policy.equals("mixed_float16") ? new LossScaleOptimizer(new Adam(1e-3f)) : new Adam(1e-3f);
    model.compile(eager.tf(), optimizer, new SparseCategoricalCrossentropy(true), new SparseCategoricalAccuracy());
    return model;
  }

  /** 2x2 max pooling, stride 2, as {@code MaxPoolV2} (Eigen's kernels, forward and backward). */
  private static final class V2Pool extends MaxPooling2D {
    V2Pool() {
      super(2);
      strides(2);
    }

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
      return tf.nn.maxPool(input, tf.constant(new int[] {1, 2, 2, 1}), tf.constant(new int[] {1, 2, 2, 1}), "VALID");
    }
  }
}
