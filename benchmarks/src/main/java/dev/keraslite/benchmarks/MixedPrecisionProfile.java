package dev.keraslite.benchmarks;

import dev.keraslite.Eager;
import dev.keraslite.datasets.FashionMnist;
import dev.keraslite.datasets.ImageData;
import dev.keraslite.datasets.LoadOptions;
import dev.keraslite.mixedprecision.DTypePolicy;
import dev.keraslite.models.Sequential;
import dev.keraslite.training.FitOptions;
import java.util.Locale;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.index.Indices;

/**
 * The time windows for a per-primitive profile of issue 19's W3 (the tutorial CNN of {@link
 * MixedPrecisionBenchmark}, compiled {@code fit}, batch 50) in float32 and in mixed_bfloat16. Both
 * models are warmed up, then timed one window of {@code steps} training steps at a time,
 * interleaved over {@code rounds} rounds. Each window is printed on stderr as {@code WINDOW
 * <policy> <start ms> <end ms> <steps>} (wall clock, milliseconds since the epoch), so that oneDNN's
 * time-stamped verbose lines on stdout ({@code ONEDNN_VERBOSE=profile_exec
 * ONEDNN_VERBOSE_TIMESTAMP=1}) can be attributed to a policy and a window by {@code
 * scripts/onednn-profile.py}; the wall time of a window minus its oneDNN time is TensorFlow's own
 * kernels (Eigen element-wise ops, casts, pooling, the loss, Adam) and the runtime around them.
 * Arguments: steps per window (default 20), rounds (default 3). Run with {@code
 * scripts/onednn-profile.sh}.
 */
public final class MixedPrecisionProfile {
  private static final int BATCH = 50;
  private static final String[] POLICIES = {"float32", "mixed_bfloat16"};

  private MixedPrecisionProfile() {}

  public static void main(String[] args) {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    ImageData<FloatNdArray> data = FashionMnist.load(new LoadOptions().offline(true));
    int samples = steps * BATCH;
    FloatNdArray slice = data.xTrain().slice(Indices.range(0, samples));
    IntNdArray sliceLabels = data.yTrain().slice(Indices.range(0, samples));
    FitOptions timed = FitOptions.epochs(1).batchSize(BATCH).verbose(0).seed(1);
    try (Eager eager = Eager.create()) {
      Sequential[] models = new Sequential[2];
      for (int p = 0; p < 2; p++) {
        models[p] = MixedPrecisionBenchmark.cnn(eager, POLICIES[p], 0);
        // Warm-up twice: tracing, then oneDNN's primitive caches and TensorFlow's allocators.
        models[p].fit(slice, sliceLabels, timed);
        models[p].fit(slice, sliceLabels, timed);
      }
      for (int r = 0; r < rounds; r++) {
        for (int p = 0; p < 2; p++) {
          System.gc();
          System.out.flush();
          long t0 = System.currentTimeMillis();
          models[p].fit(slice, sliceLabels, timed);
          long t1 = System.currentTimeMillis();
          System.err.printf(Locale.ROOT, "WINDOW %s %d %d %d%n", POLICIES[p], t0, t1, steps);
          System.err.flush();
        }
      }
      for (Sequential m : models) {
        m.close();
      }
    }
    DTypePolicy.setGlobalPolicy(DTypePolicy.FLOAT32);
  }
}
