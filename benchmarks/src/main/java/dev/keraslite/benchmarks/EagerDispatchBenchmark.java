package dev.keraslite.benchmarks;

import static org.tensorflow.internal.c_api.global.tensorflow.TFE_DeleteContext;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_DeleteContextOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_DeleteOp;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_DeleteTensorHandle;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_Execute;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_NewContext;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_NewContextOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_NewOp;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_NewTensorHandleFromScalar;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpAddInput;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpReset;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_FLOAT;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_Message;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_OK;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.Variable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.tensorflow.EagerSession;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.internal.c_api.TFE_Context;
import org.tensorflow.internal.c_api.TFE_ContextOptions;
import org.tensorflow.internal.c_api.TFE_Op;
import org.tensorflow.internal.c_api.TFE_TensorHandle;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;

/**
 * What one eager op and one eager training step cost, printed in one run so that the ratios hold
 * on a shared, noisy machine.
 *
 * <p>Per op: a scalar add, a 50×784 by 784×100 matmul and a 10-op elementwise chain, each through
 * {@code Eager.tf()} with the fast path, {@code Eager.tf()} with it off, and {@code Ops} on a bare
 * {@code EagerSession}. Values are left to the garbage collector in all three, TensorFlow Java's
 * default; one more line runs the fast path with a scope per iteration, as training loops do.
 *
 * <p>Recording: the same scalar add in an {@code EagerScope} and under a {@code GradientTape} that
 * watches its input, so every op is recorded; both release their values at the end of each run.
 * The difference is what recording costs per op (the eager core's target: at most 10%).
 *
 * <p>Per step: the tutorial's eager linear regression (X=[[1,2,3],[4,5,6]], y=[[10],[20]],
 * variables kernel [3,1] and bias [1], a tape, loss mean(square(Xk+b−y)), SGD by assignSub) next
 * to the same step as a hand-written {@code Graph} run by a {@code Session}.
 *
 * <p>Each figure is the median over rounds; the configurations take turns within a round. Times
 * are wall clock, with the calling thread's CPU time in parentheses (on a loaded machine the wall
 * clock includes waiting for a core).
 *
 * <pre>
 * mvn -q -pl benchmarks -am process-classes -Pbench [-Dexec.args=ROUNDS]
 * (or, after mvn -DskipTests -pl benchmarks -am install:
 *  mvn -q -pl benchmarks exec:java -Dexec.mainClass=dev.keraslite.benchmarks.EagerDispatchBenchmark)
 * </pre>
 */
public final class EagerDispatchBenchmark {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private EagerDispatchBenchmark() {}

  /** A timed piece of work: {@code count} ops (or steps) on one configuration. */
  private interface Work {
    void run(int count);
  }

  /** Median wall and CPU microseconds per unit. */
  private record Figure(double wall, double cpu) {
    @Override
    public String toString() {
      return String.format("%8.2f (%6.2f)", wall, cpu);
    }
  }

  /** Microseconds per unit of each configuration ([config][round]), wall clock and CPU. */
  private record Timings(double[][] wall, double[][] cpu) {}

  /** Runs {@code configs} in turns, {@code rounds} times each, after one warm-up each. */
  private static Timings time(int rounds, int count, int perCall, Work... configs) {
    double[][] wall = new double[configs.length][rounds];
    double[][] cpu = new double[configs.length][rounds];
    for (Work config : configs) {
      config.run(Math.max(1, count / 2)); // warm-up: JIT, kernels, reused ops
    }
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < configs.length; k++) {
        int c = (k + r) % configs.length; // take turns, so drift hits every configuration alike
        long wall0 = System.nanoTime();
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        configs[c].run(count);
        cpu[c][r] = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e3 / count / perCall;
        wall[c][r] = (System.nanoTime() - wall0) / 1e3 / count / perCall;
      }
    }
    return new Timings(wall, cpu);
  }

  /** One row of the report: several configurations measured in turns, median per configuration. */
  private static Figure[] measure(int rounds, int count, int perCall, Work... configs) {
    Timings t = time(rounds, count, perCall, configs);
    Figure[] figures = new Figure[configs.length];
    for (int c = 0; c < configs.length; c++) {
      figures[c] = new Figure(median(t.wall()[c]), median(t.cpu()[c]));
    }
    return figures;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static float[][] random(Random random, int rows, int cols) {
    float[][] m = new float[rows][cols];
    for (float[] row : m) {
      for (int j = 0; j < cols; j++) {
        row[j] = random.nextFloat() - 0.5f;
      }
    }
    return m;
  }

  /** The operands of the per-op workloads, made once per context. */
  private static final class Inputs {
    final Operand<TFloat32> a;
    final Operand<TFloat32> b;
    final Operand<TFloat32> left;
    final Operand<TFloat32> right;
    final Operand<TFloat32> vector;
    final Operand<TFloat32> half;

    Inputs(Ops tf) {
      Random random = new Random(42);
      a = tf.constant(1.5f);
      b = tf.constant(2.5f);
      left = tf.constant(random(random, 50, 784));
      right = tf.constant(random(random, 784, 100));
      vector = tf.constant(random(random, 1, 16)[0]);
      half = tf.constant(0.5f);
    }
  }

  /** Ten elementwise ops. */
  private static Operand<TFloat32> chain(Ops tf, Inputs in) {
    Operand<TFloat32> y = tf.math.add(in.vector, in.half);
    y = tf.math.mul(y, in.vector);
    y = tf.math.sub(y, in.half);
    y = tf.math.square(y);
    y = tf.math.neg(y);
    y = tf.math.maximum(y, in.vector);
    y = tf.math.minimum(y, in.half);
    y = tf.math.abs(y);
    y = tf.nn.relu(y);
    return tf.math.add(y, in.vector);
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    System.out.printf(
        "EagerDispatchBenchmark: %d rounds, median; %d cores, load average %s%n",
        rounds, Runtime.getRuntime().availableProcessors(), loadAverage());
    try (Eager fast = Eager.create(true);
        Eager slow = Eager.create(false);
        EagerSession bare = EagerSession.create()) {
      if (!fast.fastPath()) {
        System.out.println("The fast path is unavailable in this JVM; see the warning above.");
      }
      perOp(rounds, fast, slow, bare);
      recording(rounds, fast, slow);
      perStep(rounds, fast, slow);
    }
  }

  /**
   * The floor: a scalar add issued straight through TensorFlow's eager C API from Java, with one
   * reused op ({@code TFE_OpReset}), no TensorFlow Java objects at all, and each result deleted at
   * once. What keras-lite's fast path costs above this is its own overhead.
   */
  private static final class CApiFloor implements AutoCloseable {
    private final TF_Status status = TF_NewStatus();
    private final TFE_ContextOptions options = TFE_NewContextOptions();
    private final TFE_Context context;
    private final BytePointer type = new BytePointer("Add");
    private final TFE_Op op;
    private final TFE_TensorHandle a;
    private final TFE_TensorHandle b;
    private final PointerPointer<TFE_TensorHandle> results = new PointerPointer<>(1);
    private final IntPointer resultCount = new IntPointer(1);

    CApiFloor() {
      context = TFE_NewContext(options, status);
      check();
      op = TFE_NewOp(context, type, status);
      check();
      a = scalar(1.5f);
      b = scalar(2.5f);
    }

    private TFE_TensorHandle scalar(float value) {
      TFE_TensorHandle h = TFE_NewTensorHandleFromScalar(TF_FLOAT, new FloatPointer(value), 4, status);
      check();
      return h;
    }

    private void check() {
      if (TF_GetCode(status) != TF_OK) {
        throw new IllegalStateException(TF_Message(status).getString());
      }
    }

    void add(int n) {
      for (int i = 0; i < n; i++) {
        TFE_OpAddInput(op, a, status);
        TFE_OpAddInput(op, b, status);
        resultCount.put(0, 1);
        TFE_Execute(op, results, resultCount, status);
        check();
        TFE_DeleteTensorHandle(results.get(TFE_TensorHandle.class, 0));
        TFE_OpReset(op, type, (BytePointer) null, status);
      }
    }

    @Override
    public void close() {
      TFE_DeleteTensorHandle(a);
      TFE_DeleteTensorHandle(b);
      TFE_DeleteOp(op);
      TFE_DeleteContext(context);
      TFE_DeleteContextOptions(options);
      TF_DeleteStatus(status);
    }
  }

  private static void perOp(int rounds, Eager fast, Eager slow, EagerSession bare) {
    Ops fastTf = fast.tf();
    Ops slowTf = slow.tf();
    Ops bareTf = Ops.create(bare);
    Inputs fastIn = new Inputs(fastTf);
    Inputs slowIn = new Inputs(slowTf);
    Inputs bareIn = new Inputs(bareTf);
    System.out.println();
    System.out.println("µs per op, wall (cpu)      Eager fast    Eager slow     bare Ops   |  fast, scope/iteration  bare/fast");
    row(
        "scalar add",
        rounds,
        20_000,
        1,
        n -> {
          for (int i = 0; i < n; i++) {
            fastTf.math.add(fastIn.a, fastIn.b);
          }
        },
        n -> {
          for (int i = 0; i < n; i++) {
            slowTf.math.add(slowIn.a, slowIn.b);
          }
        },
        n -> {
          for (int i = 0; i < n; i++) {
            bareTf.math.add(bareIn.a, bareIn.b);
          }
        },
        n -> {
          for (int i = 0; i < n; i++) {
            try (var scope = fast.scope()) {
              fastTf.math.add(fastIn.a, fastIn.b);
            }
          }
        });
    try (CApiFloor floor = new CApiFloor()) {
      Figure[] f =
          measure(
              rounds,
              20_000,
              1,
              n -> {
                for (int i = 0; i < n; i++) {
                  fastTf.math.add(fastIn.a, fastIn.b);
                }
              },
              floor::add);
      System.out.printf(
          "%-26s %s  C API floor %s  | keras-lite adds %.2f µs%n",
          "scalar add, vs the floor", f[0], f[1], f[0].wall - f[1].wall);
    }
    row(
        "matmul 50x784 . 784x100",
        rounds,
        1_000,
        1,
        n -> {
          for (int i = 0; i < n; i++) {
            fastTf.linalg.matMul(fastIn.left, fastIn.right);
          }
        },
        n -> {
          for (int i = 0; i < n; i++) {
            slowTf.linalg.matMul(slowIn.left, slowIn.right);
          }
        },
        n -> {
          for (int i = 0; i < n; i++) {
            bareTf.linalg.matMul(bareIn.left, bareIn.right);
          }
        },
        n -> {
          for (int i = 0; i < n; i++) {
            try (var scope = fast.scope()) {
              fastTf.linalg.matMul(fastIn.left, fastIn.right);
            }
          }
        });
    row(
        "10-op elementwise chain",
        rounds,
        2_000,
        10,
        n -> {
          for (int i = 0; i < n; i++) {
            chain(fastTf, fastIn);
          }
        },
        n -> {
          for (int i = 0; i < n; i++) {
            chain(slowTf, slowIn);
          }
        },
        n -> {
          for (int i = 0; i < n; i++) {
            chain(bareTf, bareIn);
          }
        },
        n -> {
          for (int i = 0; i < n; i++) {
            try (var scope = fast.scope()) {
              chain(fastTf, fastIn);
            }
          }
        });
  }

  /**
   * What a recording tape adds to an op: the same scalar add in a scope (values released at its
   * end) and under a tape that watches its input (recorded, and released when the tape closes).
   * The difference is a few percent of a figure that drifts by tens of percent on a shared
   * machine, so the two take turns in many short runs, and the report gives the median of the
   * runs' ratios and the ratio of the best runs (the least disturbed).
   */
  private static void recording(int rounds, Eager fast, Eager slow) {
    System.out.println();
    System.out.println(
        "µs per op, wall (cpu)           in a scope      recorded by a tape  | recording adds:"
            + " median of ratios, best runs");
    for (Eager eager : List.of(fast, slow)) {
      Ops tf = eager.tf();
      Operand<TFloat32> a = eager.keep(tf.constant(1.5f));
      Operand<TFloat32> b = eager.keep(tf.constant(2.5f));
      Work scoped =
          n -> {
            try (var scope = eager.scope()) {
              for (int i = 0; i < n; i++) {
                tf.math.add(a, b);
              }
            }
          };
      Work recorded =
          n -> {
            try (GradientTape tape = new GradientTape(tf)) {
              tape.watch(a);
              for (int i = 0; i < n; i++) {
                tf.math.add(a, b);
              }
            }
          };
      int count = eager.fastPath() ? 5_000 : 2_000;
      int runs = 5 * rounds;
      Timings t = time(runs, count, 1, scoped, recorded);
      double[][] wall = t.wall();
      double[][] cpu = t.cpu();
      double[] ratios = new double[runs];
      for (int r = 0; r < runs; r++) {
        ratios[r] = wall[1][r] / wall[0][r];
      }
      double bestScoped = Arrays.stream(wall[0]).min().orElseThrow();
      double bestRecorded = Arrays.stream(wall[1]).min().orElseThrow();
      System.out.printf(
          "%-30s %s %s  | %+5.1f%%, best %+5.1f%% (%d runs of %d ops)%n",
          eager.fastPath() ? "scalar add, fast path" : "scalar add, without fast path",
          new Figure(median(wall[0]), median(cpu[0])),
          new Figure(median(wall[1]), median(cpu[1])),
          100 * (median(ratios) - 1),
          100 * (bestRecorded / bestScoped - 1),
          runs,
          count);
    }
  }

  private static void row(String name, int rounds, int count, int perCall, Work... configs) {
    Figure[] f = measure(rounds, count, perCall, configs);
    System.out.printf(
        "%-26s %s %s %s  | %s  %6.1fx%n",
        name + (perCall > 1 ? " (per op)" : ""),
        f[0],
        f[1],
        f[2],
        f[3],
        f[2].wall / f[0].wall);
  }

  // ---- the tutorial's linear regression -----------------------------------------------------

  private static final float[][] X = {{1, 2, 3}, {4, 5, 6}};
  private static final float[][] Y = {{10}, {20}};

  /** The eager model: variables and the constants a step uses. */
  private static final class EagerModel {
    final Eager eager;
    final Ops tf;
    final Variable kernel;
    final Variable bias;
    final List<Variable> variables;
    final Operand<TFloat32> x;
    final Operand<TFloat32> y;
    final Operand<TFloat32> learningRate;
    final Operand<org.tensorflow.types.TInt32> axes;
    float loss;

    EagerModel(Eager eager) {
      this.eager = eager;
      this.tf = eager.tf();
      kernel = new Variable(tf, "linear/kernel:0", tf.zeros(tf.constant(new int[] {3, 1}), TFloat32.class), true);
      bias = new Variable(tf, "linear/bias:0", tf.zeros(tf.constant(new int[] {1}), TFloat32.class), true);
      variables = List.of(kernel, bias);
      x = eager.keep(tf.constant(X));
      y = eager.keep(tf.constant(Y));
      learningRate = eager.keep(tf.constant(0.01f));
      axes = eager.keep(tf.constant(new int[] {0, 1}));
    }

    @SuppressWarnings("unchecked")
    void step() {
      try (GradientTape tape = new GradientTape(tf)) {
        Operand<TFloat32> prediction =
            tf.math.add(tf.linalg.matMul(x, kernel.<TFloat32>value(tf)), bias.<TFloat32>value(tf));
        Operand<TFloat32> value = tf.math.mean(tf.math.square(tf.math.sub(prediction, y)), axes);
        List<Operand<?>> grads = tape.gradient(value, variables);
        loss = value.asTensor().getFloat();
        kernel.assignSub(tf, tf.math.mul(learningRate, (Operand<TFloat32>) grads.get(0)));
        bias.assignSub(tf, tf.math.mul(learningRate, (Operand<TFloat32>) grads.get(1)));
      }
    }

    String state() {
      Operand<TFloat32> k = kernel.value(tf);
      return String.format(
          "kernel [%.6f, %.6f, %.6f] bias %.6f, loss in the last tape %.6f",
          k.asTensor().getFloat(0, 0),
          k.asTensor().getFloat(1, 0),
          k.asTensor().getFloat(2, 0),
          bias.<TFloat32>value(tf).asTensor().getFloat(0),
          loss);
    }
  }

  /** The same model and step as a hand-written graph. */
  private static final class GraphModel implements AutoCloseable {
    final Graph graph = new Graph();
    final Session session;
    final Operand<TFloat32> loss;
    final Op updateKernel;
    final Op updateBias;
    final Operand<TFloat32> kernelValue;
    final Operand<TFloat32> biasValue;

    GraphModel() {
      Ops tf = Ops.create(graph);
      // Distinct shared names: without one, the two handles would reach the same resource.
      Operand<?> kernel =
          tf.varHandleOp(TFloat32.class, Shape.of(3, 1), VarHandleOp.sharedName("graph_kernel"));
      Operand<?> bias = tf.varHandleOp(TFloat32.class, Shape.of(1), VarHandleOp.sharedName("graph_bias"));
      Op initKernel = tf.assignVariableOp(kernel, tf.zeros(tf.constant(new int[] {3, 1}), TFloat32.class));
      Op initBias = tf.assignVariableOp(bias, tf.zeros(tf.constant(new int[] {1}), TFloat32.class));
      kernelValue = tf.readVariableOp(kernel, TFloat32.class);
      biasValue = tf.readVariableOp(bias, TFloat32.class);
      Operand<TFloat32> prediction =
          tf.math.add(tf.linalg.matMul(tf.constant(X), kernelValue), biasValue);
      loss =
          tf.math.mean(
              tf.math.square(tf.math.sub(prediction, tf.constant(Y))), tf.constant(new int[] {0, 1}));
      var grads = tf.gradients(loss, List.of(kernelValue, biasValue));
      Operand<TFloat32> learningRate = tf.constant(0.01f);
      updateKernel =
          tf.assignSubVariableOp(kernel, tf.math.mul(learningRate, grads.<TFloat32>dy(0)));
      updateBias = tf.assignSubVariableOp(bias, tf.math.mul(learningRate, grads.<TFloat32>dy(1)));
      session = new Session(graph);
      session.runner().addTarget(initKernel).addTarget(initBias).run();
    }

    float step() {
      try (Result result =
          session.runner().addTarget(updateKernel).addTarget(updateBias).fetch(loss).run()) {
        return ((TFloat32) result.get(0)).getFloat();
      }
    }

    String state(float lastLoss) {
      try (Result result = session.runner().fetch(kernelValue).fetch(biasValue).run()) {
        TFloat32 k = (TFloat32) result.get(0);
        return String.format(
            "kernel [%.6f, %.6f, %.6f] bias %.6f, loss in the last step %.6f",
            k.getFloat(0, 0),
            k.getFloat(1, 0),
            k.getFloat(2, 0),
            ((TFloat32) result.get(1)).getFloat(0),
            lastLoss);
      }
    }

    @Override
    public void close() {
      session.close();
      graph.close();
    }
  }

  private static void perStep(int rounds, Eager fast, Eager slow) {
    System.out.println();
    System.out.println("Tutorial linear regression: 100 steps from zeros (expected kernel [0.407845, 1.191065,"
        + " 1.974286], bias 0.783221, last loss 0.152909):");
    EagerModel check = new EagerModel(fast);
    for (int i = 0; i < 100; i++) {
      check.step();
    }
    System.out.println("  eager, fast path: " + check.state());
    try (GraphModel graphCheck = new GraphModel()) {
      float last = 0;
      for (int i = 0; i < 100; i++) {
        last = graphCheck.step();
      }
      System.out.println("  graph + session:  " + graphCheck.state(last));
    }

    EagerModel onFast = new EagerModel(fast);
    try (GraphModel graph = new GraphModel()) {
      Figure[] f =
          measure(
              rounds,
              2_000,
              1,
              n -> {
                for (int i = 0; i < n; i++) {
                  onFast.step();
                }
              },
              n -> {
                for (int i = 0; i < n; i++) {
                  graph.step();
                }
              });
      System.out.println();
      System.out.println("µs per training step, wall (cpu)   eager fast     graph+session  | eager fast / graph");
      System.out.printf(
          "%-33s %s %s  | %6.2fx (cpu %.2fx)%n",
          "linear regression step", f[0], f[1], f[0].wall / f[1].wall, f[0].cpu / f[1].cpu);
    }
    // Without the fast path a tape's release goes through TensorFlow Java's resource scope, whose
    // cost grows with the number of values released since the last garbage collection: measured
    // on a few steps only, so the figure is a lower bound.
    EagerModel onSlow = new EagerModel(slow);
    Figure[] f =
        measure(
            Math.min(rounds, 3),
            200,
            1,
            n -> {
              for (int i = 0; i < n; i++) {
                onSlow.step();
              }
            });
    System.out.printf("%-33s %s  (200 steps per round)%n", "  same step, eager without fast path", f[0]);
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "unknown";
    }
  }
}
