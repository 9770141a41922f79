package dev.keraslite.benchmarks;

import dev.keraslite.CompiledFunction;
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
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * Microseconds per step of the tutorial's MLP custom loop (Flatten, Dense(100, relu), Dense(10),
 * softmax; sparse cross-entropy; Adam 1e-3; batches of 50 28×28 images), three ways in one process:
 *
 * <ul>
 *   <li><b>eager</b>: the tutorial's {@code GradientTape} step, op by op;
 *   <li><b>function</b>: the same step traced once by {@code eager.function} and called per batch;
 *   <li><b>session</b>: the same step traced into a {@code Graph} and run by {@code Session.run}
 *       ({@code CompiledFunction}, what {@code fit} uses), fed the host tensors directly: the floor a
 *       graph function called from eager code can approach (the kernels plus the executor's per-op
 *       cost, without any eager value).
 * </ul>
 *
 * Eager and function read the loss back to Java every step, as the tutorial prints it; session
 * fetches it. Each way trains its own model from the same seed on the same batches (fresh eager
 * constants per step, as a data loader gives them). After a warm-up the ways alternate, {@code
 * steps} steps each per round; the report gives each way's median µs/step and the median of the
 * rounds' eager/function and function/session ratios (paired rounds, so that the shared machine's
 * drift hits all alike). Arguments: steps per round (default 200), rounds (default 15) and the batch
 * size (default 50, the tutorial's; 1 shows the per-step overheads alone). The best rounds (least
 * disturbed by other processes) are reported too.
 *
 * <p>With {@code call} as the first argument ({@code call [calls] [rounds]}) it measures instead
 * what one call costs: a function whose body is one scalar add, called on a kept value under an
 * {@link EagerScope} (as a loop does), against the same add run eagerly.
 *
 * <pre>
 * mvn -B -q -pl keras-lite,samples,benchmarks -am compile
 * mvn -B -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp "keras-lite/target/classes:benchmarks/target/classes:$(cat /tmp/cp.txt)" \
 *     dev.keraslite.benchmarks.FunctionBenchmark 200 15 50
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
    if (args.length > 0 && args[0].equals("call")) {
      callCost(
          args.length > 1 ? Integer.parseInt(args[1]) : 2000,
          args.length > 2 ? Integer.parseInt(args[2]) : 15);
      return;
    }
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
    // Host batches made once: copying Java arrays into tensors would cost every way alike.
    TFloat32[] xt = new TFloat32[BATCHES];
    TInt32[] yt = new TInt32[BATCHES];
    for (int b = 0; b < BATCHES; b++) {
      xt[b] = TFloat32.tensorOf(StdArrays.ndCopyOf(xs[b]));
      yt[b] = TInt32.vectorOf(ys[b]);
    }
    try (Eager eagerCtx = Eager.create();
        Eager functionCtx = Eager.create();
        Eager sessionCtx = Eager.create()) {
      KerasLite.setRandomSeed(0);
      Way eager = eagerWay(eagerCtx, xt, yt);
      KerasLite.setRandomSeed(0);
      Way function = functionWay(functionCtx, xt, yt);
      KerasLite.setRandomSeed(0);
      Way session = sessionWay(sessionCtx, xt, yt);
      for (int i = 0; i < steps; i++) { // warm-up
        eager.step(i);
        function.step(i);
        session.step(i);
      }
      double[] eagerUs = new double[rounds];
      double[] functionUs = new double[rounds];
      double[] sessionUs = new double[rounds];
      double[] ratios = new double[rounds];
      double[] floorRatios = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        eagerUs[r] = time(eager, steps);
        functionUs[r] = time(function, steps);
        sessionUs[r] = time(session, steps);
        ratios[r] = eagerUs[r] / functionUs[r];
        floorRatios[r] = functionUs[r] / sessionUs[r];
        System.out.printf(
            Locale.ROOT,
            "round %d: eager %.1f us/step, function %.1f us/step, session %.1f us/step,"
                + " eager/function %.2fx, function/session %.2fx%n",
            r, eagerUs[r], functionUs[r], sessionUs[r], ratios[r], floorRatios[r]);
      }
      System.out.printf(
          Locale.ROOT,
          "MLP custom loop, batch %d, %d steps x %d rounds: eager %.1f us/step, eager.function %.1f us/step,"
              + " Session.run %.1f us/step; eager/function %.2fx, function/session %.2fx (medians of paired"
              + " rounds); best rounds %.1f vs %.1f vs %.1f us/step (eager/function %.2fx)%n",
          batch, steps, rounds, median(eagerUs), median(functionUs), median(sessionUs), median(ratios),
          median(floorRatios), min(eagerUs), min(functionUs), min(sessionUs),
          min(eagerUs) / min(functionUs));
    }
  }

  /** One call of a one-op function against the op run eagerly, per call, in paired rounds. */
  private static void callCost(int calls, int rounds) {
    try (Eager ctx = Eager.create()) {
      Ops tf = ctx.tf();
      Operand<TFloat32> x = ctx.keep(tf.constant(1f));
      Operand<TFloat32> one = ctx.keep(tf.constant(1f));
      EagerFunction<Operand<TFloat32>> add =
          ctx.function((Ops g, Operand<TFloat32> a) -> g.math.add(a, g.constant(1f)));
      Way eager =
          i -> {
            try (EagerScope scope = ctx.scope()) {
              return (float) Recording.readScalar(tf.math.add(x, one));
            }
          };
      Way function =
          i -> {
            try (EagerScope scope = ctx.scope()) {
              return (float) Recording.readScalar(add.call(x));
            }
          };
      time(eager, calls); // warm-up
      time(function, calls);
      double[] eagerUs = new double[rounds];
      double[] functionUs = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        eagerUs[r] = time(eager, calls);
        functionUs[r] = time(function, calls);
      }
      System.out.printf(
          Locale.ROOT,
          "one scalar add, read back, %d calls x %d rounds: eager op %.1f us, eager.function call %.1f us"
              + " (medians; best rounds %.1f vs %.1f us)%n",
          calls, rounds, median(eagerUs), median(functionUs), min(eagerUs), min(functionUs));
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

  /** The same step run by a {@code Session} on a traced graph: the floor for a graph function. */
  private static Way sessionWay(Eager ctx, TFloat32[] xs, TInt32[] ys) {
    Ops tf = ctx.tf();
    Mlp model = new Mlp();
    Adam optimizer = new Adam(0.001f);
    SparseCategoricalCrossentropy loss = new SparseCategoricalCrossentropy();
    model.build(tf, List.of(Shape.of(-1, 28, 28)));
    optimizer.build(model.variables());
    CompiledFunction step =
        CompiledFunction.trace(
            List.of(
                new CompiledFunction.Spec(TFloat32.class, Shape.of(xs[0].shape().asArray())),
                new CompiledFunction.Spec(TInt32.class, Shape.of(ys[0].shape().asArray()))),
            (g, inputs) -> {
              try (GradientTape tape = new GradientTape(g)) {
                Operand<TFloat32> value =
                    loss.apply(g, typed(inputs.get(1)), model.apply(g, typed(inputs.get(0))));
                optimizer.applyGradients(g, tape.gradient(value, model.variables()), model.variables());
                return List.of(value);
              }
            });
    step.pushVariables();
    return i -> {
      try (Result r = step.call(List.of(xs[i % BATCHES], ys[i % BATCHES]))) {
        return ((TFloat32) r.get(0)).getFloat();
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static <T extends TType> Operand<T> typed(Operand<?> value) {
    return (Operand<T>) value;
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
