package dev.keraslite.benchmarks;

import static dev.keraslite.benchmarks.FitBenchmark.median;
import static dev.keraslite.benchmarks.FitBenchmark.medianRatio;
import static dev.keraslite.benchmarks.FitBenchmark.min;
import static dev.keraslite.benchmarks.FitBenchmark.processCpuNanos;
import static dev.keraslite.benchmarks.FitBenchmark.rounded;

import dev.keraslite.Eager;
import dev.keraslite.models.Model;
import dev.keraslite.activations.Activation;
import dev.keraslite.applications.MobileNetV2;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.nn.DepthwiseConv2dNative;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * Training steps per second of MobileNetV2 (alpha 1.0, 32x32x3, 10 classes, batch 32, Adam 1e-3,
 * sparse categorical cross-entropy from logits), the sample's network, two ways in the same run:
 * keras-lite's compiled {@code fit} of {@code applications.MobileNetV2}, and a hand-written
 * TensorFlow Java {@code Graph} + {@code Session} step of the same layers built from raw ops (the
 * same convolutions, batch normalizations in training mode from Mean / SquaredDifference / Rsqrt
 * with their moving-average assignments, ReLU6, paddings, adds, pooling and dense layer), its
 * gradients from {@code Graph.addGradients} and TensorFlow Java's Adam. TensorFlow's C++ registry
 * has no gradient for {@code DepthwiseConv2dNative}; the hand-written graph registers one with
 * {@code TensorFlow.registerCustomGradient} (its two backward kernels, as TensorFlow's Python
 * does). Input: random images and labels (the figures are about speed).
 *
 * <p>As {@link FitBenchmark}: each way is warmed up once, then the two are timed one epoch at a
 * time, interleaved round after round; the ratio is the median of the rounds' ratios (compiled
 * time over hand-written time: below 1 when fit is the faster). {@link MobileNetV2Profile} shows
 * where the time goes: TensorFlow's C++ gradients give the hand-written graph about 12,300 ops
 * against fit's 7,800 (more Shape, Cast, Fill and Const ops). Arguments:
 * samples per epoch (default 3200, 100 steps), rounds (default 5). Run on demand:
 *
 * <pre>
 * java -cp "$(cat benchmarks/cp.txt):benchmarks/target/classes" dev.keraslite.benchmarks.MobileNetV2Benchmark 3200 5
 * </pre>
 */
public final class MobileNetV2Benchmark {
  private static final int BATCH = 32;
  private static final int SIZE = 32;
  private static final int CLASSES = 10;

  private MobileNetV2Benchmark() {}

  /** One way of training, one epoch per run. */
  interface Epoch extends AutoCloseable {
    void run();

    @Override
    void close();
  }

  public static void main(String[] args) {
    int samples = args.length > 0 ? Integer.parseInt(args[0]) : 3200;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Random r = new Random(5);
    FloatNdArray x = NdArrays.ofFloats(Shape.of(samples, SIZE, SIZE, 3));
    x.scalars().forEach(s -> s.setFloat(r.nextFloat()));
    IntNdArray y = NdArrays.ofInts(Shape.of(samples));
    y.scalars().forEach(s -> s.setInt(r.nextInt(CLASSES)));
    long steps = (samples + BATCH - 1) / BATCH;

    String[] names = {"hand-written Graph + Session", "keras-lite fit (compiled)"};
    List<Epoch> ways = List.of(new HandWritten(x, y), new CompiledFit(x, y));
    double[][] wall = new double[ways.size()][rounds];
    double[][] cpu = new double[ways.size()][rounds];
    try {
      for (Epoch way : ways) {
        way.run(); // warm-up: tracing, JIT
      }
      for (int round = 0; round < rounds; round++) {
        for (int w = 0; w < ways.size(); w++) {
          System.gc();
          long c0 = processCpuNanos();
          long t0 = System.nanoTime();
          ways.get(w).run();
          wall[w][round] = (System.nanoTime() - t0) / 1e3 / steps;
          cpu[w][round] = (processCpuNanos() - c0) / 1e3 / steps;
        }
      }
    } finally {
      ways.forEach(Epoch::close);
    }
    System.out.printf(Locale.ROOT,
        "MobileNetV2 alpha 1.0, %dx%dx3, batch %d, %d steps per epoch, %d rounds%n", SIZE, SIZE, BATCH, steps,
        rounds);
    System.out.printf(Locale.ROOT, "  %-30s %9s %9s %12s %12s%n", "", "steps/s", "(best)", "wall us/step",
        "CPU us/step");
    for (int w = 0; w < ways.size(); w++) {
      System.out.printf(Locale.ROOT, "  %-30s %9.2f %9.2f %12.0f %12.0f   (wall per round: %s)%n",
          names[w], 1e6 / median(wall[w]), 1e6 / min(wall[w]), median(wall[w]), median(cpu[w]),
          rounded(wall[w]));
    }
    System.out.printf(Locale.ROOT,
        "  compiled / hand-written time per step: %.2fx (median of rounds' ratios; best rounds %.2fx;"
            + " CPU %.2fx; below 1: compiled fit is the faster)%n",
        medianRatio(wall[1], wall[0]), min(wall[1]) / min(wall[0]), median(cpu[1]) / median(cpu[0]));
  }

  /** keras-lite: the application, compiled fit, one epoch per run. */
  static final class CompiledFit implements Epoch {
    private final Eager eager = Eager.create();
    final Model model =
        MobileNetV2.builder()
            .inputShape(SIZE, SIZE, 3)
            .classes(CLASSES)
            .classifierActivation((Activation) null)
            .build();
    private final FitOptions options = FitOptions.epochs(1).batchSize(BATCH).shuffle(false).verbose(0);
    private final FloatNdArray x;
    private final IntNdArray y;

    CompiledFit(FloatNdArray x, IntNdArray y) {
      this.x = x;
      this.y = y;
      model.compile(eager.tf(), new Adam(1e-3f), new SparseCategoricalCrossentropy(true));
    }

    @Override
    public void run() {
      model.fit(x, y, options);
    }

    @Override
    public void close() {
      eager.close();
    }
  }

  /** The same network and update written directly against TensorFlow Java's graph API. */
  static final class HandWritten implements Epoch {
    private static final int[][] BLOCKS = {
      {16, 1, 1}, {24, 2, 6}, {24, 1, 6}, {32, 2, 6}, {32, 1, 6}, {32, 1, 6}, {64, 2, 6}, {64, 1, 6},
      {64, 1, 6}, {64, 1, 6}, {96, 1, 6}, {96, 1, 6}, {96, 1, 6}, {160, 2, 6}, {160, 1, 6}, {160, 1, 6},
      {320, 1, 6},
    };

    final Graph g = new Graph();
    final Session s = new Session(g);
    private final Ops tf = Ops.create(g);
    private final List<Op> movingUpdates = new ArrayList<>();
    final Placeholder<TFloat32> in;
    final Placeholder<TInt32> labels;
    final Op train;
    final Operand<TFloat32> loss;
    private final FloatNdArray x;
    private final IntNdArray y;
    private final List<Variable<TFloat32>> trainable = new ArrayList<>();
    private long seed = 1;

    HandWritten(FloatNdArray x, IntNdArray y) {
      this.x = x;
      this.y = y;
      registerDepthwiseGradient();
      in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, SIZE, SIZE, 3)));
      labels = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      // Alpha 1.0: the widths are the block table's, 32 in the stem, 1280 at the end.
      Operand<TFloat32> h = conv(in, 3, 3, 32, 2, "SAME");
      h = relu6(batchNorm(h, 32));
      long channels = 32;
      long size = SIZE / 2;
      for (int id = 0; id < BLOCKS.length; id++) {
        int filters = BLOCKS[id][0];
        int stride = BLOCKS[id][1];
        long expanded = BLOCKS[id][2] * channels;
        Operand<TFloat32> b = h;
        if (id > 0) {
          b = relu6(batchNorm(conv(b, 1, channels, expanded, 1, "SAME"), expanded));
        }
        if (stride == 2) {
          int before = size % 2 == 0 ? 0 : 1; // Keras's correct_pad
          b = tf.pad(b, tf.constant(new int[][] {{0, 0}, {before, 1}, {before, 1}, {0, 0}}), tf.constant(0f));
          size = (size + 1) / 2;
        }
        Variable<TFloat32> dk = train(tf.variable(uniform(new long[] {3, 3, expanded, 1}, glorotLimit(9 * expanded, 9))));
        b = tf.nn.depthwiseConv2dNative(
            b, dk, List.of(1L, (long) stride, (long) stride, 1L), stride == 1 ? "SAME" : "VALID");
        b = relu6(batchNorm(b, expanded));
        b = batchNorm(conv(b, 1, expanded, filters, 1, "SAME"), filters);
        h = channels == filters && stride == 1 ? tf.math.add(h, b) : b;
        channels = filters;
      }
      h = relu6(batchNorm(conv(h, 1, channels, 1280, 1, "VALID"), 1280));
      Operand<TFloat32> pooled = tf.math.mean(h, tf.constant(new int[] {1, 2}));
      Variable<TFloat32> w = train(tf.variable(uniform(new long[] {1280, CLASSES}, glorotLimit(1280, CLASSES))));
      Variable<TFloat32> bias = train(tf.variable(tf.zeros(tf.constant(new int[] {CLASSES}), TFloat32.class)));
      Operand<TFloat32> logits = tf.nn.biasAdd(tf.linalg.matMul(pooled, w), bias);
      // TensorFlow's C++ gradients lack the sparse kernel: one-hot labels give the same loss.
      Operand<TFloat32> oneHot = tf.oneHot(labels, tf.constant(CLASSES), tf.constant(1f), tf.constant(0f));
      loss = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss(), tf.constant(0));
      // Gradients for the trainable variables only: the moving statistics are variables too, which
      // Optimizer.minimize would try (and fail) to differentiate.
      Output<?>[] grads =
          g.addGradients(loss.asOutput(), trainable.stream().map(Operand::asOutput).toArray(Output<?>[]::new));
      List<Optimizer.GradAndVar<? extends TType>> pairs = new ArrayList<>();
      for (int i = 0; i < grads.length; i++) {
        pairs.add(gradAndVar(grads[i], trainable.get(i).asOutput()));
      }
      Op minimize =
          new org.tensorflow.framework.optimizers.Adam(g, 1e-3f, 0.9f, 0.999f, 1e-7f).applyGradients(pairs, "adam");
      List<Op> all = new ArrayList<>(movingUpdates);
      all.add(minimize);
      train = tf.withControlDependencies(all).noOp();
      s.initialize();
    }

    private Operand<TFloat32> conv(Operand<TFloat32> x, int k, long cin, long cout, int stride, String padding) {
      Variable<TFloat32> kernel =
          train(tf.variable(uniform(new long[] {k, k, cin, cout}, glorotLimit((long) k * k * cin, (long) k * k * cout))));
      return tf.nn.conv2d(x, kernel, List.of(1L, (long) stride, (long) stride, 1L), padding);
    }

    /** Training-mode batch normalization (momentum 0.999, epsilon 1e-3) with its moving averages. */
    private Operand<TFloat32> batchNorm(Operand<TFloat32> x, long channels) {
      Operand<TInt32> axes = tf.constant(new int[] {0, 1, 2});
      Variable<TFloat32> gamma = train(tf.variable(tf.fill(tf.constant(new long[] {channels}), tf.constant(1f))));
      Variable<TFloat32> beta = train(tf.variable(tf.zeros(tf.constant(new long[] {channels}), TFloat32.class)));
      Variable<TFloat32> movingMean = tf.variable(tf.zeros(tf.constant(new long[] {channels}), TFloat32.class));
      Variable<TFloat32> movingVar = tf.variable(tf.fill(tf.constant(new long[] {channels}), tf.constant(1f)));
      Operand<TFloat32> mean = tf.math.mean(x, axes);
      Operand<TFloat32> variance = tf.math.mean(tf.math.squaredDifference(x, mean), axes);
      Operand<TFloat32> inv = tf.math.mul(tf.math.rsqrt(tf.math.add(variance, tf.constant(1e-3f))), gamma);
      movingUpdates.add(tf.assign(movingMean, moved(movingMean, tf.stopGradient(mean))));
      movingUpdates.add(tf.assign(movingVar, moved(movingVar, tf.stopGradient(variance))));
      return tf.math.add(tf.math.mul(tf.math.sub(x, mean), inv), beta);
    }

    private Variable<TFloat32> train(Variable<TFloat32> v) {
      trainable.add(v);
      return v;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Optimizer.GradAndVar<? extends TType> gradAndVar(Output<?> grad, Output<?> var) {
      return new Optimizer.GradAndVar(grad, var);
    }

    private Operand<TFloat32> moved(Operand<TFloat32> moving, Operand<TFloat32> batch) {
      return tf.math.add(tf.math.mul(moving, tf.constant(0.999f)), tf.math.mul(batch, tf.constant(0.001f)));
    }

    private Operand<TFloat32> relu6(Operand<TFloat32> x) {
      return tf.nn.relu6(x);
    }

    private Operand<TFloat32> uniform(long[] shape, float limit) {
      return tf.math.mul(
          tf.math.sub(
              tf.math.mul(
                  tf.random.statelessRandomUniform(
                      tf.constant(shape), tf.constant(new long[] {seed++, 0}), TFloat32.class),
                  tf.constant(2f)),
              tf.constant(1f)),
          tf.constant(limit));
    }

    private static float glorotLimit(long fanIn, long fanOut) {
      return (float) Math.sqrt(6.0 / (fanIn + fanOut));
    }

    /** TensorFlow's Python gradient of the depthwise convolution, given to the C++ registry. */
    private static void registerDepthwiseGradient() {
      TensorFlow.registerCustomGradient(
          DepthwiseConv2dNative.Inputs.class,
          (tf, op, grads) -> {
            @SuppressWarnings("unchecked")
            Operand<TFloat32> input = (Operand<TFloat32>) op.input;
            @SuppressWarnings("unchecked")
            Operand<TFloat32> filter = (Operand<TFloat32>) op.filter;
            @SuppressWarnings("unchecked")
            Operand<TFloat32> dy = (Operand<TFloat32>) grads.get(0);
            List<Long> strides = Arrays.stream(op.strides).boxed().toList();
            List<Operand<?>> out = new ArrayList<>();
            out.add(tf.nn.depthwiseConv2dNativeBackpropInput(tf.shape(input), filter, dy, strides, op.padding));
            out.add(tf.nn.depthwiseConv2dNativeBackpropFilter(input, tf.shape(filter), dy, strides, op.padding));
            return out;
          });
    }

    @Override
    public void run() {
      long n = x.shape().get(0);
      for (long start = 0; start < n; start += BATCH) {
        long end = Math.min(n, start + BATCH);
        try (TFloat32 xb = TFloat32.tensorOf(Shape.of(end - start, SIZE, SIZE, 3));
            TInt32 yb = TInt32.tensorOf(Shape.of(end - start))) {
          x.slice(Indices.range(start, end)).copyTo(xb);
          y.slice(Indices.range(start, end)).copyTo(yb);
          // Fetch the loss each step, as fit fetches its logs for the callbacks.
          s.runner().feed(in, xb).feed(labels, yb).addTarget(train).fetch(loss).run().close();
        }
      }
    }

    @Override
    public void close() {
      s.close();
      g.close();
    }
  }
}
