package dev.keraslite.samples;

import dev.keraslite.Eager;
import dev.keraslite.EagerScope;
import dev.keraslite.GradientTape;
import dev.keraslite.Variable;
import dev.keraslite.callbacks.BackupAndRestore;
import dev.keraslite.callbacks.Callback;
import dev.keraslite.callbacks.History;
import dev.keraslite.callbacks.LambdaCallback;
import dev.keraslite.data.Batch;
import dev.keraslite.data.Dataset;
import dev.keraslite.distribute.MultiWorkerStrategy;
import dev.keraslite.layers.Layer;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.models.Model;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The tutorial's MLP ({@link KerasPipeline.Kind#MLP_SEQUENTIAL}, Adam 1e-3) trained on several
 * machines with {@link MultiWorkerStrategy}: start one JVM per worker, each with its {@code
 * TF_CONFIG}. Without {@code TF_CONFIG} it trains alone, which is the reference run.
 *
 * <pre>
 * java -cp ... dev.keraslite.samples.MultiWorkerMlp mode=fit steps=20 batch=100 out=w0.bin
 * </pre>
 *
 * <p>Arguments ({@code key=value}): {@code mode} {@code fit} (compiled {@code model.fit}) or {@code
 * tape} (a custom {@code GradientTape} loop calling {@code strategy.allReduceMean}); {@code
 * strategy} {@code true} (default: train under {@code MultiWorkerStrategy.fromEnvironment()}) or
 * {@code false} (plain keras-lite, no strategy); {@code steps} global batches; {@code batch} the
 * global batch size; {@code out} a file for the final weights (float32 values, big-endian, in
 * variable order) and the losses; {@code init} a weights file the chief (or the single worker)
 * starts from; {@code saveInit} where to write the initial weights; {@code timeout} seconds.
 * Each step prints {@code step N loss X} on its own line (N counts from 0 across epochs).
 *
 * <p>Resuming after a restart ({@code mode=fit} only): {@code epochs} passes over the same {@code
 * steps} batches (default 1, in order: an epoch's batches do not depend on earlier epochs, so a
 * resumed run sees the batches an uninterrupted one does); {@code backup} a {@link
 * BackupAndRestore} directory, the same on every worker; {@code stopAfterEpoch=K} makes every
 * worker exit with status 3 right after epoch K's backup is written, as if the whole cluster had
 * been stopped. Each epoch prints {@code epoch E loss X} (E from 1, the loss averaged over workers).
 * Run the same command again (with new ports if need be, without {@code stopAfterEpoch}) and
 * training resumes at epoch K + 1.
 */
public final class MultiWorkerMlp {
  static final float LEARNING_RATE = 0.001f;

  private MultiWorkerMlp() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("MultiWorkerMlp: expected key=value, got " + arg);
      }
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    String mode = a.getOrDefault("mode", "fit");
    int steps = Integer.parseInt(a.getOrDefault("steps", "20"));
    int batch = Integer.parseInt(a.getOrDefault("batch", "100"));
    Resume resume =
        new Resume(
            Integer.parseInt(a.getOrDefault("epochs", "1")),
            a.get("backup"),
            Integer.parseInt(a.getOrDefault("stopAfterEpoch", "0")));
    if (mode.equals("tape") && (resume.epochs != 1 || resume.backup != null || resume.stopAfterEpoch > 0)) {
      throw new IllegalArgumentException(
          "MultiWorkerMlp: epochs, backup and stopAfterEpoch need mode=fit");
    }
    Duration timeout = Duration.ofSeconds(Long.parseLong(a.getOrDefault("timeout", "60")));
    MultiWorkerStrategy strategy =
        Boolean.parseBoolean(a.getOrDefault("strategy", "true"))
            ? MultiWorkerStrategy.fromEnvironment(timeout)
            : null;
    System.out.println("worker: " + (strategy == null ? "no strategy" : strategy));
    Layer.clearNameCounters();
    DataLoaders.MNISTLoader data = new DataLoaders.MNISTLoader(0);
    long n = (long) steps * batch;
    FloatNdArray x = data.trainData.slice(Indices.range(0, n));
    IntNdArray y = data.trainLabel.slice(Indices.range(0, n));
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Model model = KerasPipeline.build(KerasPipeline.Kind.MLP_SEQUENTIAL);
      model.build(tf, Shape.of(-1, 28, 28, 1));
      if (a.containsKey("saveInit")) {
        model.saveWeights(Path.of(a.get("saveInit")));
      }
      if (a.containsKey("init") && (strategy == null || strategy.isChief())) {
        // Only the chief: the others start from their own random draw, which the broadcast replaces.
        model.loadWeights(Path.of(a.get("init")));
      }
      List<Float> losses =
          mode.equals("tape")
              ? tapeLoop(tf, model, strategy, x, y, batch)
              : fit(tf, model, strategy, x, y, batch, resume);
      if (a.containsKey("out")) {
        write(Path.of(a.get("out")), model.variables(), losses);
      }
    }
    System.out.println("done");
    // TensorFlow's gRPC server cannot be stopped: leave the JVM without waiting for it.
    System.exit(0);
  }

  /**
   * How long {@code fit} trains and where it backs up: {@code epochs}, a {@link BackupAndRestore}
   * directory or null, and the epoch (from 1) after which every worker exits, or 0.
   */
  record Resume(int epochs, String backup, int stopAfterEpoch) {}

  /** The exit status of a worker stopped by {@code stopAfterEpoch}. */
  static final int STOPPED = 3;

  /** {@code model.fit} for {@code resume.epochs()} epochs of the data, batches in order. */
  static List<Float> fit(
      Ops tf, Model model, MultiWorkerStrategy strategy, FloatNdArray x, IntNdArray y, int batch,
      Resume resume) {
    List<Float> losses = new ArrayList<>();
    int stepsPerEpoch = Math.toIntExact((x.shape().get(0) + batch - 1) / batch);
    int[] epoch = {0};
    Callback progress =
        LambdaCallback.builder()
            .onEpochBegin((e, logs) -> epoch[0] = e)
            .onTrainBatchEnd(
                (i, logs) -> {
                  losses.add(logs.get("loss").floatValue());
                  System.out.printf(Locale.ROOT, "step %d loss %.8f%n",
                      epoch[0] * stepsPerEpoch + i, logs.get("loss"));
                  System.out.flush();
                })
            .onEpochEnd(
                (e, logs) -> {
                  System.out.printf(Locale.ROOT, "epoch %d loss %.8f%n", e + 1, logs.get("loss"));
                  System.out.flush();
                })
            .build();
    List<Callback> callbacks = new ArrayList<>();
    if (resume.backup() != null) {
      // First: at the end of an epoch the backup is written before the stop below runs.
      callbacks.add(new BackupAndRestore(resume.backup()));
    }
    callbacks.add(progress);
    if (resume.stopAfterEpoch() > 0) {
      callbacks.add(
          LambdaCallback.builder()
              .onEpochEnd(
                  (e, logs) -> {
                    if (e + 1 == resume.stopAfterEpoch()) {
                      System.out.println("stopped after epoch " + (e + 1));
                      System.out.flush();
                      // The whole cluster goes down here; only the chief's backup survives.
                      System.exit(STOPPED);
                    }
                  })
              .build());
    }
    MultiWorkerStrategy.Scope scope = strategy == null ? () -> {} : strategy.scope();
    try (scope) {
      model.compile(tf, new Adam(LEARNING_RATE), new SparseCategoricalCrossentropy());
    }
    History h =
        model.fit(x, y, FitOptions.epochs(resume.epochs()).batchSize(batch).shuffle(false).verbose(0)
            .callbacks(callbacks.toArray(new Callback[0])));
    System.out.println("history: " + h.history());
    return losses;
  }

  /**
   * A custom loop as in {@code tf.distribute} custom training: each worker's shard of every global
   * batch, gradients averaged with {@code strategy.allReduceMean} weighted by the shard's size.
   */
  static List<Float> tapeLoop(
      Ops tf, Model model, MultiWorkerStrategy strategy, FloatNdArray x, IntNdArray y, int batch) {
    Adam optimizer = new Adam(LEARNING_RATE);
    SparseCategoricalCrossentropy crossEntropy = new SparseCategoricalCrossentropy();
    List<Variable> vars = model.trainableVariables();
    Dataset data = Dataset.of(x, y).batch(batch);
    if (strategy != null) {
      strategy.broadcastFromChief(model.variables());
      data = data.map(strategy::shard);
    }
    List<Float> losses = new ArrayList<>();
    int step = 0;
    for (Batch b : data) {
      try (b;
          EagerScope s = EagerScope.open(tf);
          GradientTape tape = new GradientTape(tf)) {
        Operand<TFloat32> xb = tf.constantOf(b.x());
        Operand<TInt32> yb = tf.constantOf((TInt32) b.y());
        Operand<TFloat32> loss = crossEntropy.apply(tf, yb, model.apply(tf, xb));
        List<Operand<?>> grads = tape.gradient(loss, vars);
        List<? extends Operand<?>> applied =
            strategy == null
                ? grads
                : strategy.allReduceMean(tf, grads, tf.constant((float) b.size()));
        optimizer.applyGradients(tf, applied, vars);
        float l = loss.asTensor().getFloat();
        losses.add(l);
        System.out.printf(Locale.ROOT, "step %d loss %f%n", step++, l);
        System.out.flush();
      }
    }
    return losses;
  }

  /** The variables' values (float32, big-endian, in order), then the losses. */
  static void write(Path path, List<Variable> vars, List<Float> losses) throws IOException {
    try (OutputStream os = Files.newOutputStream(path);
        DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(os))) {
      out.writeInt(vars.size());
      for (Variable v : vars) {
        float[] values = read(v);
        out.writeInt(values.length);
        for (float f : values) {
          out.writeFloat(f);
        }
      }
      out.writeInt(losses.size());
      for (float l : losses) {
        out.writeFloat(l);
      }
    }
  }

  private static float[] read(Variable v) {
    Ops tf = v.ops();
    try (EagerScope s = EagerScope.open(tf)) {
      TFloat32 t = (TFloat32) v.value(tf).asTensor();
      float[] values = new float[Math.toIntExact(t.shape().size())];
      t.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(values, false, false));
      return values;
    }
  }
}
