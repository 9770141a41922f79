package dev.keraslite.benchmarks;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.Variable;
import dev.keraslite.activations.Activations;
import dev.keraslite.callbacks.Callback;
import dev.keraslite.data.Dataset;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Dense;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Issue 17's soak: many training steps in one JVM, resident memory (VmRSS) printed every {@code
 * every} steps, to show that it stays flat. Two phases on a small MLP (32 features, Dense 64 ReLU,
 * Dense 10, Adam, batch 32): {@code eagerSteps} eager steps written as a custom loop (tape,
 * gradients, optimizer, all released per step), then {@code compiledSteps} steps of compiled {@code
 * fit} (one fit over a repeated dataset). Not in CI. Arguments: eagerSteps (default 100000),
 * compiledSteps (default 10000), every (default 10000).
 *
 * <pre>
 * mvn -B -q -DskipTests -pl keras-lite,benchmarks -am package dependency:build-classpath -Dmdep.outputFile=cp.txt
 * java -Xmx512m -cp "$(cat benchmarks/cp.txt):benchmarks/target/classes" dev.keraslite.benchmarks.SoakBenchmark
 * </pre>
 */
public final class SoakBenchmark {
  private static final int BATCH = 32;
  private static final int FEATURES = 32;

  private SoakBenchmark() {}

  public static void main(String[] args) throws IOException {
    long eagerSteps = args.length > 0 ? Long.parseLong(args[0]) : 100_000;
    long compiledSteps = args.length > 1 ? Long.parseLong(args[1]) : 10_000;
    long every = args.length > 2 ? Long.parseLong(args[2]) : 10_000;
    float[][] x = new float[BATCH * 8][FEATURES];
    int[] y = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < FEATURES; j++) {
        x[i][j] = (float) Math.sin(0.37 * i + 0.11 * j);
      }
      y[i] = i % 10;
    }
    System.out.printf(Locale.ROOT, "start: RSS %d MB%n", rssMb());
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential model = mlp(tf);
      Adam adam = new Adam(1e-3f);
      SparseCategoricalCrossentropy loss = new SparseCategoricalCrossentropy(true);
      float[][][] batches = new float[8][][];
      int[][] labels = new int[8][];
      for (int b = 0; b < 8; b++) {
        batches[b] = java.util.Arrays.copyOfRange(x, b * BATCH, (b + 1) * BATCH);
        labels[b] = java.util.Arrays.copyOfRange(y, b * BATCH, (b + 1) * BATCH);
      }
      long t0 = System.nanoTime();
      for (long step = 1; step <= eagerSteps; step++) {
        int b = (int) (step % 8);
        try (GradientTape tape = new GradientTape(tf)) {
          Operand<TFloat32> logits = model.apply(tf, tf.constant(batches[b]), true);
          Operand<TInt32> target = tf.constant(labels[b]);
          Operand<TFloat32> value = loss.apply(tf, target, logits, null);
          List<Variable> vars = model.trainableVariables();
          adam.applyGradients(tf, tape.gradient(value, vars), vars);
        }
        if (step % every == 0) {
          System.out.printf(Locale.ROOT, "eager step %7d: RSS %5d MB  (%.0f us/step so far)%n",
              step, rssMb(), (System.nanoTime() - t0) / 1e3 / step);
        }
      }
    }
    try (Eager eager = Eager.create()) {
      Sequential model = mlp(eager.tf());
      model.compile(eager.tf(), new Adam(1e-3f), new SparseCategoricalCrossentropy(true));
      long[] done = {0};
      long t0 = System.nanoTime();
      Callback report =
          new Callback() {
            @Override
            public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
              if (++done[0] % every == 0) {
                System.out.printf(Locale.ROOT, "compiled fit step %7d: RSS %5d MB  (%.0f us/step so far)%n",
                    done[0], rssMb(), (System.nanoTime() - t0) / 1e3 / done[0]);
              }
            }
          };
      // One epoch of compiledSteps batches: the dataset repeats its 8 batches.
      model.fit(
          Dataset.of(x, y).batch(BATCH).repeat().take(compiledSteps),
          FitOptions.epochs(1).verbose(0).callbacks(report));
    }
    System.out.printf(Locale.ROOT, "end: RSS %d MB%n", rssMb());
  }

  private static Sequential mlp(Ops tf) {
    Sequential model =
        new Sequential(
            Input.of(FEATURES),
            new Dense(64).activation(Activations.relu()).kernelInitializer(Initializers.glorotUniform(1)),
            new Dense(10).kernelInitializer(Initializers.glorotUniform(2)));
    model.build(tf);
    return model;
  }

  /** Resident memory of this process (Linux's VmRSS), in MB. */
  private static long rssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }
}
