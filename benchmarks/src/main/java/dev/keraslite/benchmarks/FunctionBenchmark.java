package dev.keraslite.benchmarks;

import dev.keraslite.Eager;
import dev.keraslite.EagerFunction;
import dev.keraslite.EagerScope;
import dev.keraslite.GradientTape;
import dev.keraslite.KerasLite;
import dev.keraslite.Recording;
import dev.keraslite.activations.Activations;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Flatten;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.models.Model;
import dev.keraslite.optimizers.Adam;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Microseconds per step of the tutorial's MLP custom loop (Flatten, Dense(100, relu), Dense(10),
 * softmax; sparse cross-entropy; Adam 1e-3; batches of 50 28×28 images), two ways in one process:
 *
 * <ul>
 *   <li><b>eager</b>: the tutorial's {@code GradientTape} step, op by op;
 *   <li><b>function</b>: the same step traced once by {@code eager.function} and called per batch.
 * </ul>
 *
 * Both read the loss back to Java every step, as the tutorial prints it. Each way trains its own
 * model from the same seed on the same batches (fresh eager constants per step, as a data loader
 * gives them). After a warm-up the ways alternate, {@code steps} steps each per round; the report
 * gives each way's median µs/step and the median of the rounds' eager/function ratios (paired
 * rounds, so that the shared machine's drift hits both alike). Arguments: steps per round (default
 * 200), rounds (default 15) and the batch size (default 50, the tutorial's; 1 shows the dispatch cost
 * alone). The best rounds (least disturbed by other processes) are reported
 * too.
 *
 * <pre>
 * mvn -B -q -pl keras-lite,samples,benchmarks compile
 * mvn -B -q -pl keras-lite dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp "keras-lite/target/classes:benchmarks/target/classes:$(cat /tmp/cp.txt)" \
 *     dev.keraslite.benchmarks.FunctionBenchmark 200 15
 * </pre>
 */
public final class FunctionBenchmark {
  private static final int BATCHES = 20;

  private FunctionBenchmark() {}

  /** The tutorial's MLP. */
  static final class Mlp extends Model {
    private final Flatten flatten = new Flatten();
    private final Dense dense1 = new Dense(100).activation(Activations.relu());
    private final Dense dense2 = new Dense(10);

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> inputs) {
      return tf.nn.softmax(dense2.apply(tf, dense1.apply(tf, flatten.apply(tf, inputs))));
    }
  }

  /** One way of running the step. */
  private interface Way {
    float step(int i);
  }

  public static void main(String[] args) {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    Random random = new Random(0);
    float[][][][] xs = new float[BATCHES][batch][28][28];
    int[][] ys = new int[BATCHES][batch];
    for (int b = 0; b < BATCHES; b++) {
      for (int i = 0; i < batch; i++) {
        ys[b][i] = random.nextInt(10);
        for (int r = 0; r < 28; r++) {
          for (int c = 0; c < 28; c++) {
            xs[b][i][r][c] = random.nextFloat();
          }
        }
      }
    }
    // Host batches made once: copying Java arrays into tensors would cost both ways alike.
    TFloat32[] xt = new TFloat32[BATCHES];
    TInt32[] yt = new TInt32[BATCHES];
    for (int b = 0; b < BATCHES; b++) {
      xt[b] = TFloat32.tensorOf(StdArrays.ndCopyOf(xs[b]));
      yt[b] = TInt32.vectorOf(ys[b]);
    }
    try (Eager eagerCtx = Eager.create();
        Eager functionCtx = Eager.create()) {
      KerasLite.setRandomSeed(0);
      Way eager = eagerWay(eagerCtx, xt, yt);
      KerasLite.setRandomSeed(0);
      Way function = functionWay(functionCtx, xt, yt);
      for (int i = 0; i < steps; i++) { // warm-up
        eager.step(i);
        function.step(i);
      }
      double[] eagerUs = new double[rounds];
      double[] functionUs = new double[rounds];
      double[] ratios = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        eagerUs[r] = time(eager, steps);
        functionUs[r] = time(function, steps);
        ratios[r] = eagerUs[r] / functionUs[r];
        System.out.printf(
            Locale.ROOT, "round %d: eager %.1f us/step, function %.1f us/step, ratio %.2fx%n",
            r, eagerUs[r], functionUs[r], ratios[r]);
      }
      System.out.printf(
          Locale.ROOT,
          "MLP custom loop, batch %d, %d steps x %d rounds: eager %.1f us/step, eager.function %.1f us/step,"
              + " eager/function %.2fx (median of paired rounds); best rounds %.1f vs %.1f us/step"
              + " (%.2fx)%n",
          batch, steps, rounds, median(eagerUs), median(functionUs), median(ratios), min(eagerUs),
          min(functionUs), min(eagerUs) / min(functionUs));
    }
  }

  private static Way eagerWay(Eager ctx, TFloat32[] xs, TInt32[] ys) {
    Ops tf = ctx.tf();
    Mlp model = new Mlp();
    Adam optimizer = new Adam(0.001f);
    SparseCategoricalCrossentropy loss = new SparseCategoricalCrossentropy();
    return i -> {
      try (GradientTape tape = new GradientTape(tf)) {
        Operand<TFloat32> x = tf.constantOf(xs[i % BATCHES]);
        Operand<TInt32> y = tf.constantOf(ys[i % BATCHES]);
        Operand<TFloat32> value = loss.apply(tf, y, model.apply(tf, x));
        optimizer.applyGradients(tape.gradient(value, model.variables()), model.variables());
        return (float) Recording.readScalar(value);
      }
    };
  }

  private static Way functionWay(Eager ctx, TFloat32[] xs, TInt32[] ys) {
    Ops tf = ctx.tf();
    Mlp model = new Mlp();
    Adam optimizer = new Adam(0.001f);
    SparseCategoricalCrossentropy loss = new SparseCategoricalCrossentropy();
    model.build(tf, List.of(Shape.of(-1, 28, 28)));
    optimizer.build(model.variables());
    EagerFunction<Operand<TFloat32>> step =
        ctx.function(
            (Ops g, Operand<TFloat32> x, Operand<TInt32> y) -> {
              try (GradientTape tape = new GradientTape(g)) {
                Operand<TFloat32> value = loss.apply(g, y, model.apply(g, x));
                optimizer.applyGradients(g, tape.gradient(value, model.variables()), model.variables());
                return value;
              }
            });
    return i -> {
      try (EagerScope scope = ctx.scope()) {
        Operand<TFloat32> x = tf.constantOf(xs[i % BATCHES]);
        Operand<TInt32> y = tf.constantOf(ys[i % BATCHES]);
        return (float) Recording.readScalar(step.call(x, y));
      }
    };
  }

  private static double time(Way way, int steps) {
    long start = System.nanoTime();
    float sink = 0;
    for (int i = 0; i < steps; i++) {
      sink += way.step(i);
    }
    if (Float.isNaN(sink)) {
      throw new IllegalStateException("loss became NaN");
    }
    return (System.nanoTime() - start) / 1e3 / steps;
  }

  private static double min(double[] values) {
    return Arrays.stream(values).min().orElseThrow();
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }
}
