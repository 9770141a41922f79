package dev.keraslite.benchmarks;

import dev.keraslite.CompiledFunction;
import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.Variable;
import dev.keraslite.datasets.FashionMnist;
import dev.keraslite.datasets.ImageData;
import dev.keraslite.datasets.LoadOptions;
import dev.keraslite.mixedprecision.DTypePolicy;
import dev.keraslite.models.Sequential;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.training.FitOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
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
 *
 * <p>With {@code stepstats} as the first argument (then steps, default 20) it reports TensorFlow's
 * side instead: the same train step (forward, loss, gradients, Adam; no metrics, no non-finite
 * guard) traced into a {@link CompiledFunction} per policy and run with a full trace ({@code
 * RunMetadata} step stats), each op type's kernel time per step (oneDNN's kernels appear as {@code
 * _MklConv2D...}, {@code _MklMatMul...}), summed over the steps after warm-up.
 */
public final class MixedPrecisionProfile {
  private static final int BATCH = 50;
  private static final String[] POLICIES = {"float32", "mixed_bfloat16"};

  private MixedPrecisionProfile() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("stepstats")) {
      stepStats(args.length > 1 ? Integer.parseInt(args[1]) : 20);
      return;
    }
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

  /** Each op type's kernel time per step, from step stats, for both policies. */
  private static void stepStats(int steps) {
    ImageData<FloatNdArray> data = FashionMnist.load(new LoadOptions().offline(true));
    FloatNdArray xs = data.xTrain().slice(Indices.range(0, BATCH));
    IntNdArray ys = data.yTrain().slice(Indices.range(0, BATCH));
    List<Map<String, Double>> byPolicy = new ArrayList<>();
    double[] wall = new double[2];
    for (int p = 0; p < 2; p++) {
      try (Eager eager = Eager.create();
          TFloat32 x = TFloat32.tensorOf(xs);
          TInt32 y = TInt32.tensorOf(ys)) {
        Sequential model = MixedPrecisionBenchmark.cnn(eager, POLICIES[p], 0);
        model.fit(xs, ys, FitOptions.epochs(1).batchSize(BATCH).verbose(0)); // builds model and Adam
        List<Variable> trainable = model.trainableVariables();
        SparseCategoricalCrossentropy loss = new SparseCategoricalCrossentropy(true);
        try (CompiledFunction step =
            CompiledFunction.trace(
                List.of(
                    new CompiledFunction.Spec(TFloat32.class, Shape.of(-1, 28, 28)),
                    new CompiledFunction.Spec(TInt32.class, Shape.of(-1))),
                (g, in) -> {
                  @SuppressWarnings("unchecked")
                  Operand<TFloat32> images = (Operand<TFloat32>) in.get(0);
                  @SuppressWarnings("unchecked")
                  Operand<TInt32> labels = (Operand<TInt32>) in.get(1);
                  Operand<TFloat32> value;
                  List<Operand<?>> grads;
                  try (GradientTape tape = new GradientTape(g)) {
                    value = loss.apply(g, labels, model.apply(g, images, true));
                    grads = tape.gradient(value, trainable);
                  }
                  model.compiled().optimizer().applyGradients(g, grads, trainable);
                  return List.of(value);
                })) {
          step.pushVariables();
          List<Tensor> args = List.of(x, y);
          for (int i = 0; i < 10; i++) {
            try (Result r = step.call(args)) {
              // warm-up
            }
          }
          Map<String, Double> micros = new TreeMap<>();
          for (int i = 0; i < steps; i++) {
            RunMetadata meta = step.runMetadata(args);
            long first = Long.MAX_VALUE;
            long last = 0;
            for (DeviceStepStats device : meta.getStepStats().getDevStatsList()) {
              for (NodeExecStats node : device.getNodeStatsList()) {
                String label = node.getTimelineLabel();
                int eq = label.indexOf(" = ");
                int paren = label.indexOf('(', Math.max(eq, 0));
                String op =
                    eq >= 0 && paren > eq ? label.substring(eq + 3, paren) : node.getNodeName();
                micros.merge(op, (double) (node.getOpEndRelMicros() - node.getOpStartRelMicros()), Double::sum);
                first = Math.min(first, node.getAllStartMicros());
                last = Math.max(last, node.getAllStartMicros() + node.getAllEndRelMicros());
              }
            }
            wall[p] += (last - first) / 1e3 / steps;
          }
          Map<String, Double> perStep = new HashMap<>();
          micros.forEach((k, v) -> perStep.put(k, v / 1e3 / steps));
          byPolicy.add(perStep);
        }
        model.close();
      }
    }
    DTypePolicy.setGlobalPolicy(DTypePolicy.FLOAT32);
    TreeMap<String, Double> order = new TreeMap<>();
    for (Map<String, Double> m : byPolicy) {
      m.keySet().forEach(k -> order.putIfAbsent(k, 0.0));
    }
    List<String> ops = new ArrayList<>(order.keySet());
    ops.sort((a, b) -> Double.compare(
        byPolicy.get(0).getOrDefault(b, 0.0) + byPolicy.get(1).getOrDefault(b, 0.0),
        byPolicy.get(0).getOrDefault(a, 0.0) + byPolicy.get(1).getOrDefault(a, 0.0)));
    System.out.printf(Locale.ROOT, "TensorFlow step stats, %d traced steps after warm-up, ms per step%n", steps);
    System.out.printf(Locale.ROOT, "%-40s %10s %15s%n", "op type", POLICIES[0], POLICIES[1]);
    double[] total = new double[2];
    for (String op : ops) {
      double a = byPolicy.get(0).getOrDefault(op, 0.0);
      double b = byPolicy.get(1).getOrDefault(op, 0.0);
      total[0] += a;
      total[1] += b;
      if (a >= 0.05 || b >= 0.05) {
        System.out.printf(Locale.ROOT, "%-40s %10.2f %15.2f%n", op, a, b);
      }
    }
    System.out.printf(Locale.ROOT, "%-40s %10.2f %15.2f%n", "sum of kernel times", total[0], total[1]);
    System.out.printf(Locale.ROOT, "%-40s %10.2f %15.2f%n", "step wall (first start to last end)", wall[0], wall[1]);
  }
}
