package dev.keraslite.benchmarks;

import dev.keraslite.CompiledFunction;
import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.Recording;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Dense;
import dev.keraslite.models.Model;
import dev.keraslite.optimizers.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Microseconds per training step of the tutorial's linear regression (W1 of issue 19): a {@code
 * Model} holding one {@code Dense(1)} with zero initialisers, mean squared error, SGD 0.01, the loss
 * read back to Java after every step. Four ways:
 *
 * <ul>
 *   <li><b>eager</b>: the tutorial's {@code GradientTape} loop, the loss read with {@code
 *       asTensor().getFloat()} as TensorFlow Java users write it;
 *   <li><b>eager, scalar read</b>: the same loop reading the loss with {@code Recording.readFloat};
 *   <li><b>compiled</b>: the same step (model, tape, loss, optimizer) traced once with {@link
 *       CompiledFunction} and run by its session, x and y fed each step, the loss fetched;
 *   <li><b>hand-written</b>: the same math written against TensorFlow Java's {@code Graph} and
 *       {@code Session} (variables, {@code GradientDescent.minimize}), x and y fed, the loss fetched.
 * </ul>
 *
 * <p>The machines this runs on are shared and noisy: each way is warmed up, then the ways run one
 * after another for {@code steps} steps per round, round after round, and the report gives each
 * way's median µs/step and the ratios between ways as the median of the rounds' ratios (steps run
 * back to back under the same load). Each way's line also gives the median process CPU time per step
 * (all threads, garbage collector and JIT included), which a loaded machine inflates far less than
 * the wall time. Arguments: steps per round (default 2000), rounds (default 9),
 * and optionally which ways to run ({@code asTensor,scalar,compiled,hand}).
 *
 * <pre>
 * mvn -B -q -o -pl keras-lite,samples,benchmarks -am compile
 * mvn -B -q -o -pl benchmarks dependency:build-classpath -Dmdep.outputFile=cp.txt
 * java -cp "keras-lite/target/classes:benchmarks/target/classes:$(cat benchmarks/cp.txt)" \
 *     dev.keraslite.benchmarks.LinearStepBenchmark 2000 9
 * </pre>
 *
 * <p>({@code keras-lite/target/classes} first: the local Maven repository may hold another
 * checkout's keras-lite jar.) The comparison with DJL + PyTorch of issue 19 runs this class in
 * alternation with a DJL program of the same math; that harness lives outside the repository.
 */
public final class LinearStepBenchmark {
  private static final float[][] X = {{1f, 2f, 3f}, {4f, 5f, 6f}};
  private static final float[][] Y = {{10f}, {20f}};

  private LinearStepBenchmark() {}

  /** One way of training; {@link #steps} runs n steps and returns the last loss. */
  private interface Way extends AutoCloseable {
    float steps(int n);

    @Override
    void close();
  }

  /** The tutorial's model class. */
  static final class Linear extends Model {
    private final Dense dense =
        new Dense(1)
            .activation("linear")
            .kernelInitializer(Initializers.zeros())
            .biasInitializer(Initializers.zeros());

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
      return dense.apply(tf, input);
    }
  }

  private static Operand<TFloat32> mse(Ops tf, Operand<TFloat32> yPred, Operand<TFloat32> y) {
    return tf.math.mean(tf.math.square(tf.math.sub(yPred, y)), tf.constant(new int[] {0, 1}));
  }

  public static void main(String[] args) {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
    String[] names = {
      "keras-lite eager (asTensor read)",
      "keras-lite eager (scalar read)",
      "keras-lite compiled (traced step)",
      "hand-written Graph + Session"
    };
    String only = args.length > 2 ? args[2] : "asTensor,scalar,compiled,hand";
    List<Way> ways = new ArrayList<>();
    ways.add(only.contains("asTensor") ? new EagerWay(false) : null);
    ways.add(only.contains("scalar") ? new EagerWay(true) : null);
    ways.add(only.contains("compiled") ? new CompiledWay() : null);
    ways.add(only.contains("hand") ? new HandWritten() : null);
    double[][] us = new double[ways.size()][rounds];
    double[][] cpu = new double[ways.size()][rounds];
    float[] last = new float[ways.size()];
    try {
      for (Way way : ways) {
        if (way != null) {
          way.steps(steps); // warm-up: tracing, JIT
        }
      }
      for (int r = 0; r < rounds; r++) {
        for (int w = 0; w < ways.size(); w++) {
          if (ways.get(w) == null) {
            continue;
          }
          long t0 = System.nanoTime();
          long c0 = FitBenchmark.processCpuNanos();
          last[w] = ways.get(w).steps(steps);
          us[w][r] = (System.nanoTime() - t0) / 1e3 / steps;
          cpu[w][r] = (FitBenchmark.processCpuNanos() - c0) / 1e3 / steps;
        }
      }
    } finally {
      ways.stream().filter(w -> w != null).forEach(Way::close);
    }
    System.out.printf(Locale.ROOT,
        "Linear regression (Dense(1), MSE, SGD 0.01, loss read every step): %d steps x %d rounds%n",
        steps, rounds);
    for (int w = 0; w < ways.size(); w++) {
      if (ways.get(w) == null) {
        continue;
      }
      System.out.printf(Locale.ROOT,
          "  %-36s %8.1f us/step (best %6.1f, process cpu %6.1f)  last loss %.6g   rounds: %s%n",
          names[w], FitBenchmark.median(us[w]), FitBenchmark.min(us[w]), FitBenchmark.median(cpu[w]),
          last[w], FitBenchmark.rounded(us[w]));
    }
    if (ways.contains(null)) {
      return;
    }
    System.out.printf(Locale.ROOT,
        "  eager (asTensor) / compiled: %.2fx   eager (scalar read) / compiled: %.2fx"
            + "   compiled / hand-written: %.2fx   eager (scalar read) / hand-written: %.2fx"
            + "   (medians of the rounds' ratios)%n",
        FitBenchmark.medianRatio(us[0], us[2]), FitBenchmark.medianRatio(us[1], us[2]),
        FitBenchmark.medianRatio(us[2], us[3]), FitBenchmark.medianRatio(us[1], us[3]));
  }

  /** The tutorial's eager loop. */
  private static final class EagerWay implements Way {
    private final Eager eager = Eager.create();
    private final Ops tf = eager.tf();
    private final Operand<TFloat32> x = eager.keep(tf.constant(X));
    private final Operand<TFloat32> y = eager.keep(tf.constant(Y));
    private final Linear model = new Linear();
    private final SGD optimizer = new SGD(0.01f);
    private final boolean scalarRead;

    EagerWay(boolean scalarRead) {
      this.scalarRead = scalarRead;
    }

    @Override
    public float steps(int n) {
      float loss = Float.NaN;
      for (int i = 0; i < n; i++) {
        try (GradientTape tape = new GradientTape(tf)) {
          Operand<TFloat32> yPred = model.apply(tf, x);
          Operand<TFloat32> value = mse(tf, yPred, y);
          var grads = tape.gradient(value, model.variables());
          optimizer.applyGradients(grads, model.variables());
          loss = scalarRead ? (float) Recording.readScalar(value) : value.asTensor().getFloat();
        }
      }
      return loss;
    }

    @Override
    public void close() {
      eager.close();
    }
  }

  /** The same step traced once and run by a session. */
  private static final class CompiledWay implements Way {
    private final Eager eager = Eager.create();
    private final Linear model = new Linear();
    private final SGD optimizer = new SGD(0.01f);
    private final CompiledFunction step;
    private final TFloat32 x = TFloat32.tensorOf(StdArrays.ndCopyOf(X));
    private final TFloat32 y = TFloat32.tensorOf(StdArrays.ndCopyOf(Y));

    CompiledWay() {
      Ops tf = eager.tf();
      model.apply(tf, tf.constant(X)); // builds the variables eagerly, as fit does before tracing
      step =
          CompiledFunction.trace(
              List.of(
                  new CompiledFunction.Spec(TFloat32.class, Shape.of(-1, 3)),
                  new CompiledFunction.Spec(TFloat32.class, Shape.of(-1, 1))),
              (g, in) -> {
                Operand<TFloat32> xs = cast(in.get(0));
                Operand<TFloat32> ys = cast(in.get(1));
                Operand<TFloat32> loss;
                List<Operand<?>> grads;
                try (GradientTape tape = new GradientTape(g)) {
                  loss = mse(g, model.apply(g, xs), ys);
                  grads = tape.gradient(loss, model.variables());
                }
                optimizer.applyGradients(g, grads, model.variables());
                return List.of(loss);
              });
      step.pushVariables();
    }

    @Override
    public float steps(int n) {
      float loss = Float.NaN;
      List<Tensor> inputs = List.of(x, y);
      for (int i = 0; i < n; i++) {
        try (Result r = step.call(inputs)) {
          loss = ((TFloat32) r.get(0)).getFloat();
        }
      }
      return loss;
    }

    @Override
    public void close() {
      step.close();
      x.close();
      y.close();
      eager.close();
    }
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> cast(Operand<?> value) {
    return (Operand<TFloat32>) value;
  }

  /** The same math written against TensorFlow Java's graph API. */
  private static final class HandWritten implements Way {
    private final Graph g = new Graph();
    private final Session s = new Session(g);
    private final Placeholder<TFloat32> xIn;
    private final Placeholder<TFloat32> yIn;
    private final Operand<TFloat32> loss;
    private final Op train;
    private final TFloat32 x = TFloat32.tensorOf(StdArrays.ndCopyOf(X));
    private final TFloat32 y = TFloat32.tensorOf(StdArrays.ndCopyOf(Y));

    HandWritten() {
      Ops tf = Ops.create(g);
      xIn = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
      yIn = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1)));
      Variable<TFloat32> kernel = tf.variable(tf.zeros(tf.constant(new int[] {3, 1}), TFloat32.class));
      Variable<TFloat32> bias = tf.variable(tf.zeros(tf.constant(new int[] {1}), TFloat32.class));
      loss = mse(tf, tf.math.add(tf.linalg.matMul(xIn, kernel), bias), yIn);
      train = new org.tensorflow.framework.optimizers.GradientDescent(g, 0.01f).minimize(loss);
      s.initialize();
    }

    @Override
    public float steps(int n) {
      float value = Float.NaN;
      for (int i = 0; i < n; i++) {
        try (Result r = s.runner().feed(xIn, x).feed(yIn, y).addTarget(train).fetch(loss).run()) {
          value = ((TFloat32) r.get(0)).getFloat();
        }
      }
      return value;
    }

    @Override
    public void close() {
      s.close();
      g.close();
      x.close();
      y.close();
    }
  }
}
