package dev.keraslite.benchmarks;

import dev.keraslite.Eager;
import dev.keraslite.Sequential;
import dev.keraslite.activations.Activations;
import dev.keraslite.datasets.FashionMnist;
import dev.keraslite.datasets.ImageData;
import dev.keraslite.datasets.LoadOptions;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Flatten;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import java.util.Locale;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Steps per second of the tutorial's MLP (Flatten, Dense(100, relu), Dense(10); sparse categorical
 * cross-entropy from logits; Adam 1e-3; batch 50) on Fashion-MNIST, three ways in one run: keras-lite's
 * compiled {@code fit}, its eager {@code fit}, and a hand-written TensorFlow Java {@code Graph} +
 * {@code Session} loop with the same math (the floor). Run on demand:
 *
 * <pre>
 * mvn -B -q -DskipTests -pl benchmarks -am install
 * mvn -B -q -pl benchmarks exec:java -Dexec.mainClass=dev.keraslite.benchmarks.FitBenchmark
 * </pre>
 */
public final class FitBenchmark {
  private static final int BATCH = 50;

  private FitBenchmark() {}

  public static void main(String[] args) throws Exception {
    int samples = args.length > 0 ? Integer.parseInt(args[0]) : 30000;
    ImageData<FloatNdArray> data = FashionMnist.load(new LoadOptions().offline(true));
    FloatNdArray x = data.xTrain().slice(Indices.range(0, samples));
    IntNdArray y = data.yTrain().slice(Indices.range(0, samples));
    int steps = samples / BATCH;

    double compiled = fitStepsPerSecond(x, y, false);
    double eager = fitStepsPerSecond(x, y, true);
    double graph = graphStepsPerSecond(x, y, steps);

    System.out.printf(Locale.ROOT, "MLP on Fashion-MNIST, batch %d, %d steps per measurement%n", BATCH, steps);
    System.out.printf(Locale.ROOT, "  hand-written Graph + Session : %8.1f steps/s%n", graph);
    System.out.printf(Locale.ROOT, "  keras-lite fit (compiled)    : %8.1f steps/s  (%.2fx the hand-written loop's time per step)%n",
        compiled, graph / compiled);
    System.out.printf(Locale.ROOT, "  keras-lite fit (eager)       : %8.1f steps/s  (%.2fx compiled's time per step)%n",
        eager, compiled / eager);
  }

  /** One warm-up epoch (tracing, JIT), then one timed epoch. */
  private static double fitStepsPerSecond(FloatNdArray x, IntNdArray y, boolean eagerly) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential model =
          new Sequential(new Flatten(), new Dense(100).activation(Activations.relu()), new Dense(10));
      model.compile(tf, new Adam(1e-3f), new SparseCategoricalCrossentropy(true));
      model.setRunEagerly(eagerly);
      FitOptions options = FitOptions.epochs(1).batchSize(BATCH).verbose(0).seed(1);
      model.fit(x, y, options);
      long t0 = System.nanoTime();
      model.fit(x, y, options);
      long steps = (x.shape().get(0) + BATCH - 1) / BATCH;
      return steps / ((System.nanoTime() - t0) / 1e9);
    }
  }

  /** The same model and update written directly against TensorFlow Java's graph API. */
  private static double graphStepsPerSecond(FloatNdArray x, IntNdArray y, int steps) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28)));
      Placeholder<TInt32> labels = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      Operand<TFloat32> flat = tf.reshape(in, tf.constant(new int[] {-1, 784}));
      Variable<TFloat32> w1 = tf.variable(glorot(tf, 784, 100, 1));
      Variable<TFloat32> b1 = tf.variable(tf.zeros(tf.constant(new int[] {100}), TFloat32.class));
      Variable<TFloat32> w2 = tf.variable(glorot(tf, 100, 10, 2));
      Variable<TFloat32> b2 = tf.variable(tf.zeros(tf.constant(new int[] {10}), TFloat32.class));
      Operand<TFloat32> h = tf.nn.relu(tf.math.add(tf.linalg.matMul(flat, w1), b1));
      Operand<TFloat32> logits = tf.math.add(tf.linalg.matMul(h, w2), b2);
      // TensorFlow's C++ gradients lack the sparse kernel: one-hot labels give the same loss.
      Operand<TFloat32> oneHot = tf.oneHot(labels, tf.constant(10), tf.constant(1f), tf.constant(0f));
      Operand<TFloat32> loss =
          tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss(), tf.constant(0));
      Op train = new org.tensorflow.framework.optimizers.Adam(g, 1e-3f, 0.9f, 0.999f, 1e-7f).minimize(loss);
      s.initialize();
      runGraphSteps(s, in, labels, train, loss, x, y, steps); // warm-up
      long t0 = System.nanoTime();
      runGraphSteps(s, in, labels, train, loss, x, y, steps);
      return steps / ((System.nanoTime() - t0) / 1e9);
    }
  }

  private static void runGraphSteps(Session s, Placeholder<TFloat32> in, Placeholder<TInt32> labels,
      Op train, Operand<TFloat32> loss, FloatNdArray x, IntNdArray y, int steps) {
    for (int i = 0; i < steps; i++) {
      try (TFloat32 xb = TFloat32.tensorOf(Shape.of(BATCH, 28, 28));
          TInt32 yb = TInt32.tensorOf(Shape.of(BATCH))) {
        x.slice(Indices.range((long) i * BATCH, (long) (i + 1) * BATCH)).copyTo(xb);
        y.slice(Indices.range((long) i * BATCH, (long) (i + 1) * BATCH)).copyTo(yb);
        // Fetch the loss each step, as fit does for its progress bar.
        s.runner().feed(in, xb).feed(labels, yb).addTarget(train).fetch(loss).run().close();
      }
    }
  }

  private static Operand<TFloat32> glorot(Ops tf, int in, int out, long seed) {
    float limit = (float) Math.sqrt(6.0 / (in + out));
    return tf.math.mul(
        tf.math.sub(
            tf.math.mul(
                tf.random.statelessRandomUniform(tf.constant(new int[] {in, out}), tf.constant(new long[] {seed, 0}), TFloat32.class),
                tf.constant(2f)),
            tf.constant(1f)),
        tf.constant(limit));
  }
}
