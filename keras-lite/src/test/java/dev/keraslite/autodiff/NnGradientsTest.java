package dev.keraslite.autodiff;

import static dev.keraslite.autodiff.GradientCheck.Input.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.AvgPool;
import org.tensorflow.op.nn.BiasAdd;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.op.nn.MaxPool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/**
 * Every neural-network gradient against finite differences and, where TensorFlow's C++ registry has
 * the op, against {@code Graph.addGradients}. Every kernel used here, Conv2D and the pools included,
 * has a float64 CPU kernel in TensorFlow 2.18, so the checks run in float64; only the graph oracle
 * of the cross-entropy op runs in float32, because TensorFlow's C++ gradient of it does not build
 * for float64. Inputs keep clear of the points where an op is not differentiable (Relu at 0, Relu6
 * at 6, ties inside a max-pooling window). Conv2D dilations are not tested: the CPU kernel rejects
 * dilation rates above 1.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
class NnGradientsTest {
  private final GradientCheck check = GradientCheck.float64();

  // ---------------------------------------------------------------- bias

  @Test
  void biasAddChannelsLast() {
    check.check(
        (tf, x) -> tf.nn.biasAdd((Operand) x.get(0), (Operand) x.get(1)),
        random(1, -1, 1, 2, 3, 4),
        random(2, -1, 1, 4));
  }

  @Test
  void biasAddChannelsFirst() {
    check.check(
        (tf, x) -> tf.nn.biasAdd((Operand) x.get(0), (Operand) x.get(1), BiasAdd.dataFormat("NCHW")),
        random(3, -1, 1, 2, 3, 2, 2),
        random(4, -1, 1, 3));
  }

  @Test
  void biasAddGradSecondOrder() {
    // The bias gradient of square(x + b) depends on b and x, so it is differentiated through
    // BiasAddGrad.
    for (String format : new String[] {"NHWC", "NCHW"}) {
      long[] xShape = format.equals("NHWC") ? new long[] {2, 2, 3} : new long[] {2, 3, 2};
      check.checkSecondOrder(
          (tf, x) ->
              tf.math.square(
                  tf.nn.biasAdd((Operand) x.get(1), (Operand) x.get(0), BiasAdd.dataFormat(format))),
          random(5, -1, 1, 3),
          random(6, -1, 1, xShape));
    }
  }

  // ---------------------------------------------------------------- activations

  @Test
  void relu() {
    check.check((tf, x) -> tf.nn.relu((Operand) x.get(0)), awayFromZero(10, 1, 2, 5));
  }

  @Test
  void relu6OnBothKinks() {
    // Values spread over [-8, 8] reach both flat parts; none lies near 0 or 6.
    GradientCheck.Input in =
        GradientCheck.Input.of(
            new long[] {2, 4}, -7.5, -2.0, -0.3, 0.4, 2.5, 5.5, 6.5, 7.9);
    check.check((tf, x) -> tf.nn.relu6((Operand) x.get(0)), in);
  }

  @Test
  void elu() {
    check.check((tf, x) -> tf.nn.elu((Operand) x.get(0)), awayFromZero(11, 2, 2, 5));
  }

  @Test
  void selu() {
    check.check((tf, x) -> tf.nn.selu((Operand) x.get(0)), awayFromZero(12, 2, 2, 5));
  }

  @Test
  void leakyReluUsesItsAlpha() {
    check.check(
        (tf, x) -> tf.nn.leakyRelu((Operand) x.get(0), LeakyRelu.alpha(0.3f)),
        awayFromZero(13, 2, 2, 5));
  }

  @Test
  void leakyReluDefaultAlpha() {
    check.check((tf, x) -> tf.nn.leakyRelu((Operand) x.get(0)), awayFromZero(14, 2, 2, 5));
  }

  @Test
  void sigmoid() {
    check.check((tf, x) -> tf.math.sigmoid((Operand) x.get(0)), random(15, -3, 3, 2, 5));
  }

  @Test
  void tanh() {
    check.check((tf, x) -> tf.math.tanh((Operand) x.get(0)), random(16, -3, 3, 2, 5));
  }

  @Test
  void softplus() {
    check.check((tf, x) -> tf.math.softplus((Operand) x.get(0)), random(17, -3, 3, 2, 5));
  }

  @Test
  void softsign() {
    check.check((tf, x) -> tf.nn.softsign((Operand) x.get(0)), random(18, -3, 3, 2, 5));
  }

  @Test
  void activationsSecondOrder() {
    check.checkSecondOrder((tf, x) -> tf.math.tanh((Operand) x.get(0)), random(20, -2, 2, 2, 3));
    check.checkSecondOrder((tf, x) -> tf.math.sigmoid((Operand) x.get(0)), random(21, -3, 3, 2, 3));
    check.checkSecondOrder((tf, x) -> tf.math.softplus((Operand) x.get(0)), random(22, -3, 3, 2, 3));
    check.checkSecondOrder((tf, x) -> tf.nn.elu((Operand) x.get(0)), awayFromZero(23, 2, 2, 3));
    check.checkSecondOrder((tf, x) -> tf.nn.selu((Operand) x.get(0)), awayFromZero(24, 2, 2, 3));
  }

  @Test
  void piecewiseLinearActivationsSecondOrder() {
    // The first derivative is piecewise constant, so the second is zero; multiplying by x makes it
    // x-dependent (2 * slope) and sends it through the backward kernel's own gradient.
    GradientCheck.Fn relu = (tf, x) -> tf.math.mul((Operand) tf.nn.relu((Operand) x.get(0)), (Operand) x.get(0));
    GradientCheck.Fn relu6 = (tf, x) -> tf.math.mul((Operand) tf.nn.relu6((Operand) x.get(0)), (Operand) x.get(0));
    GradientCheck.Fn leaky =
        (tf, x) ->
            tf.math.mul(
                (Operand) tf.nn.leakyRelu((Operand) x.get(0), LeakyRelu.alpha(0.3f)),
                (Operand) x.get(0));
    GradientCheck.Input in = GradientCheck.Input.of(new long[] {2, 3}, -3, -0.5, 0.7, 2.5, 5.5, 6.5);
    check.checkSecondOrder(relu, in);
    check.checkSecondOrder(relu6, in);
    check.checkSecondOrder(leaky, in);
  }

  // ---------------------------------------------------------------- softmax and cross-entropy

  @Test
  void softmax() {
    check.check((tf, x) -> tf.nn.softmax((Operand) x.get(0)), random(30, -2, 2, 3, 4));
  }

  @Test
  void softmaxRank3() {
    check.check((tf, x) -> tf.nn.softmax((Operand) x.get(0)), random(31, -2, 2, 2, 2, 3));
  }

  @Test
  void logSoftmax() {
    check.check((tf, x) -> tf.nn.logSoftmax((Operand) x.get(0)), random(32, -2, 2, 3, 4));
  }

  @Test
  void softmaxSecondOrder() {
    check.checkSecondOrder((tf, x) -> tf.nn.softmax((Operand) x.get(0)), random(33, -2, 2, 2, 4));
    check.checkSecondOrder((tf, x) -> tf.nn.logSoftmax((Operand) x.get(0)), random(34, -2, 2, 2, 4));
  }

  /**
   * TensorFlow's C++ gradient of SoftmaxCrossEntropyWithLogits multiplies by a float32 constant, so
   * {@code Graph.addGradients} fails on float64: float64 is checked against finite differences, and
   * float32 against the graph gradients too.
   */
  private static final String CE_GRAPH_FLOAT32_ONLY =
      "the C++ gradient of SoftmaxCrossEntropyWithLogits only builds for float32";

  @Test
  void softmaxCrossEntropyLossWrtLogitsAndLabels() {
    // The kernel's backprop output, softmax - labels, is the logits gradient only for labels that
    // sum to one per example (as in TensorFlow), so the labels here are distributions.
    GradientCheck.Fn loss =
        (tf, x) -> tf.nn.softmaxCrossEntropyWithLogits((Operand) x.get(0), (Operand) x.get(1)).loss();
    GradientCheck.Input logits = random(40, -2, 2, 3, 4);
    GradientCheck.Input labels = distributions(41, 3, 4);
    GradientCheck.float64().withoutGraphOracle(CE_GRAPH_FLOAT32_ONLY).check(loss, logits, labels);
    GradientCheck.float32().check(loss, logits, labels);
  }

  @Test
  void softmaxCrossEntropyBackpropOutput() {
    // A target that uses the backprop output (softmax - labels) too: its gradient goes through
    // softmax's Jacobian into the logits and straight into the labels.
    GradientCheck.Input logits = random(42, -2, 2, 3, 4);
    GradientCheck.Input labels = distributions(43, 3, 4);
    GradientCheck.float64()
        .withoutGraphOracle(CE_GRAPH_FLOAT32_ONLY)
        .check(
            (tf, x) -> lossPlusBackprop(tf, x.get(0), x.get(1)), logits, labels);
    // TensorFlow's own gradient leaves out the labels' share of the backprop output, so the graph
    // comparison holds the labels constant.
    GradientCheck.float32()
        .check(
            (tf, x) ->
                lossPlusBackprop(
                    tf, x.get(0), tf.dtypes.cast(constant(tf, labels), TFloat32.class)),
            logits);
  }

  private static Operand<?> lossPlusBackprop(Ops tf, Operand<?> logits, Operand<?> labels) {
    var ce = tf.nn.softmaxCrossEntropyWithLogits((Operand) logits, (Operand) labels);
    return tf.math.add(tf.reshape(ce.loss(), tf.constant(new long[] {-1, 1})), ce.backprop());
  }

  @Test
  void softmaxCrossEntropySecondOrder() {
    // Second order in the logits and the labels.
    check.checkSecondOrder(
        (tf, x) -> tf.nn.softmaxCrossEntropyWithLogits((Operand) x.get(0), (Operand) x.get(1)).loss(),
        random(44, -2, 2, 2, 4),
        distributions(45, 2, 4));
  }

  private static final int[] SPARSE_LABELS = {2, 0, 3};

  @Test
  void sparseSoftmaxCrossEntropyAgainstFiniteDifferences() {
    GradientCheck.float64()
        .withoutGraphOracle("TensorFlow's C++ registry has no SparseSoftmaxCrossEntropyWithLogits")
        .check(
            (tf, x) ->
                tf.nn.sparseSoftmaxCrossEntropyWithLogits(
                        (Operand) x.get(0), tf.constant(SPARSE_LABELS))
                    .loss(),
            random(46, -2, 2, 3, 4));
  }

  @Test
  void sparseSoftmaxCrossEntropyBackpropOutputAndSecondOrder() {
    GradientCheck noGraph =
        GradientCheck.float64()
            .withoutGraphOracle("TensorFlow's C++ registry has no SparseSoftmaxCrossEntropyWithLogits");
    GradientCheck.Fn withBackprop =
        (tf, x) -> {
          var ce =
              tf.nn.sparseSoftmaxCrossEntropyWithLogits((Operand) x.get(0), tf.constant(SPARSE_LABELS));
          return tf.math.add(tf.reshape(ce.loss(), tf.constant(new long[] {-1, 1})), ce.backprop());
        };
    noGraph.check(withBackprop, random(47, -2, 2, 3, 4));
    noGraph.checkSecondOrder(
        (tf, x) ->
            tf.nn.sparseSoftmaxCrossEntropyWithLogits((Operand) x.get(0), tf.constant(SPARSE_LABELS))
                .loss(),
        random(48, -2, 2, 3, 4));
  }

  @Test
  void sparseSoftmaxCrossEntropyEqualsDenseOneHotGraphGradient() {
    // float32: TensorFlow's C++ gradient of the dense op only builds for float32.
    GradientCheck.Input logits = random(49, -3, 3, 3, 4);
    float[] weights = {0.5f, 1.5f, 2.0f}; // per-example loss weights: the loss gradient is not ones
    double[] tape;
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> x = tf.dtypes.cast(constant(tf, logits), TFloat32.class);
      try (GradientTape t = new GradientTape(tf)) {
        t.watch(x);
        Operand<TFloat32> loss =
            tf.nn.sparseSoftmaxCrossEntropyWithLogits(x, tf.constant(SPARSE_LABELS)).loss();
        Operand<TFloat32> y = tf.sum(tf.math.mul(loss, tf.constant(weights)), tf.constant(0));
        tape = read(tf, t.gradient(y, x));
      }
    }
    double[] graph;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> x = tf.dtypes.cast(constant(tf, logits), TFloat32.class);
      Operand<TFloat32> oneHot =
          tf.oneHot(tf.constant(SPARSE_LABELS), tf.constant(4), tf.constant(1f), tf.constant(0f));
      Operand<TFloat32> loss = tf.nn.softmaxCrossEntropyWithLogits(x, oneHot).loss();
      Operand<TFloat32> y = tf.sum(tf.math.mul(loss, tf.constant(weights)), tf.constant(0));
      Output<?>[] grads = g.addGradients(y.asOutput(), new Output<?>[] {x.asOutput()});
      try (Result r = s.runner().fetch(tf.dtypes.cast((Operand) grads[0], TFloat64.class)).run()) {
        graph = read((TFloat64) r.get(0));
      }
    }
    for (int i = 0; i < graph.length; i++) {
      assertEquals(graph[i], tape[i], 1e-6, "logits gradient element " + i);
    }
  }

  // ---------------------------------------------------------------- convolution

  @Test
  void conv2dStridesAndPaddings() {
    for (long stride : new long[] {1, 2}) {
      for (String padding : new String[] {"SAME", "VALID"}) {
        check.check(
            (tf, x) ->
                tf.nn.conv2d(
                    (Operand) x.get(0), (Operand) x.get(1), List.of(1L, stride, stride, 1L), padding),
            random(50 + stride, -1, 1, 2, 5, 5, 3),
            random(60 + stride, -1, 1, 3, 3, 3, 2));
      }
    }
  }

  @Test
  void conv2dTransposeIsDifferentiable() {
    // Conv2DBackpropInput is Keras's Conv2DTranspose: differentiate it in its filter and input.
    check.check(
        (tf, x) ->
            tf.nn.conv2dBackpropInput(
                tf.constant(new int[] {1, 5, 5, 2}),
                (Operand) x.get(0),
                (Operand) x.get(1),
                List.of(1L, 2L, 2L, 1L),
                "SAME"),
        random(72, -1, 1, 3, 3, 2, 3),
        random(73, -1, 1, 1, 3, 3, 3));
  }

  @Test
  void conv2dBackpropFilterIsDifferentiable() {
    GradientCheck.float64()
        .withoutGraphOracle("TensorFlow's C++ registry has no Conv2DBackpropFilter gradient")
        .check(
        (tf, x) ->
            tf.nn.conv2dBackpropFilter(
                (Operand) x.get(0),
                tf.constant(new int[] {3, 3, 2, 3}),
                (Operand) x.get(1),
                List.of(1L, 2L, 2L, 1L),
                "VALID"),
        random(74, -1, 1, 1, 5, 5, 2),
        random(75, -1, 1, 1, 2, 2, 3));
  }

  @Test
  void conv2dSecondOrder() {
    // square(conv(x, k)): its input gradient depends on x and k (through Conv2DBackpropInput), its
    // filter gradient on both too (through Conv2DBackpropFilter).
    check.checkSecondOrder(
        (tf, x) ->
            tf.math.square(
                tf.nn.conv2d((Operand) x.get(0), (Operand) x.get(1), List.of(1L, 2L, 2L, 1L), "SAME")),
        random(76, -1, 1, 1, 4, 4, 2),
        random(77, -1, 1, 2, 2, 2, 2));
    check.checkSecondOrder(
        (tf, x) ->
            tf.math.square(
                tf.nn.conv2d((Operand) x.get(1), (Operand) x.get(0), List.of(1L, 1L, 1L, 1L), "VALID")),
        random(78, -1, 1, 2, 2, 2, 2),
        random(79, -1, 1, 1, 4, 4, 2));
  }

  // ---------------------------------------------------------------- pooling

  @Test
  void maxPool2x2Stride2() {
    check.check(
        (tf, x) -> maxPool(tf, x.get(0), 2, 2, "VALID"), distinct(80, 2, 4, 4, 3));
  }

  @Test
  void maxPool3x3Stride1Same() {
    check.check((tf, x) -> maxPool(tf, x.get(0), 3, 1, "SAME"), distinct(81, 1, 4, 4, 2));
  }

  @Test
  void maxPoolWithAttributesV1() {
    // The MaxPool op with window and strides as attributes (TensorFlow Java's maxPool builds
    // MaxPoolV2).
    check.check((tf, x) -> maxPoolV1(tf, x.get(0), 3, 1, "SAME"), distinct(82, 1, 4, 4, 2));
    check.check((tf, x) -> maxPoolV1(tf, x.get(0), 2, 2, "VALID"), distinct(88, 1, 4, 4, 2));
  }

  @Test
  void avgPool2x2Stride2() {
    check.check((tf, x) -> avgPool(tf, x.get(0), 2, 2, "VALID"), random(83, -1, 1, 2, 4, 4, 3));
  }

  @Test
  void avgPool3x3Stride1Same() {
    check.check((tf, x) -> avgPool(tf, x.get(0), 3, 1, "SAME"), random(84, -1, 1, 1, 4, 4, 2));
  }

  @Test
  void poolingSecondOrder() {
    // square(pool(x)): the gradient routes 2 * pool(x) back, through the backward kernels' own
    // gradients.
    check.checkSecondOrder(
        (tf, x) -> tf.math.square((Operand) maxPool(tf, x.get(0), 2, 2, "VALID")),
        distinct(85, 1, 4, 4, 2));
    check.checkSecondOrder(
        (tf, x) -> tf.math.square((Operand) maxPool(tf, x.get(0), 3, 1, "SAME")),
        distinct(86, 1, 3, 3, 2));
    check.checkSecondOrder(
        (tf, x) -> tf.math.square((Operand) maxPoolV1(tf, x.get(0), 3, 1, "SAME")),
        distinct(89, 1, 3, 3, 2));
    check.checkSecondOrder(
        (tf, x) -> tf.math.square((Operand) avgPool(tf, x.get(0), 3, 1, "SAME")),
        random(87, -1, 1, 1, 4, 4, 2));
  }

  // ---------------------------------------------------------------- non-differentiable ops

  @Test
  void randomAndTopKOpsAreDeclaredNonDifferentiable() {
    for (String type :
        List.of(
            "RandomUniform",
            "RandomStandardNormal",
            "TruncatedNormal",
            "StatelessRandomUniformV2",
            "StatelessRandomNormalV2",
            "StatelessTruncatedNormalV2",
            "RandomUniformInt",
            "Multinomial",
            "InTopKV2")) {
      assertTrue(Gradients.isNonDifferentiable(type), type + " should be non-differentiable");
    }
    for (String type : List.of("Relu", "Conv2D", "MaxPoolV2", "SparseSoftmaxCrossEntropyWithLogits")) {
      assertTrue(
          Gradients.isRegistered(type) && !Gradients.isNonDifferentiable(type),
          type + " should have a gradient");
    }
  }

  // ---------------------------------------------------------------- helpers

  private static Operand<?> maxPool(Ops tf, Operand<?> x, long size, long stride, String padding) {
    return tf.nn.maxPool(
        (Operand) x,
        tf.constant(new int[] {1, (int) size, (int) size, 1}),
        tf.constant(new int[] {1, (int) stride, (int) stride, 1}),
        padding,
        MaxPool.dataFormat("NHWC"));
  }

  /** The MaxPool op, window and strides as attributes, built by hand. */
  private static Operand<?> maxPoolV1(Ops tf, Operand<?> x, long size, long stride, String padding) {
    OperationBuilder b = tf.scope().opBuilder("MaxPool", "MaxPool");
    b.addInput(x.asOutput());
    b.setAttr("ksize", new long[] {1, size, size, 1});
    b.setAttr("strides", new long[] {1, stride, stride, 1});
    b.setAttr("padding", padding);
    return b.build().output(0);
  }

  private static Operand<?> avgPool(Ops tf, Operand<?> x, long size, long stride, String padding) {
    return tf.nn.avgPool(
        (Operand) x,
        List.of(1L, size, size, 1L),
        List.of(1L, stride, stride, 1L),
        padding,
        AvgPool.dataFormat("NHWC"));
  }

  /** Values with magnitude in [0.1, scale] and random sign: clear of a kink at zero. */
  private static GradientCheck.Input awayFromZero(long seed, double scale, long... shape) {
    GradientCheck.Input in = random(seed, 0.1, scale, shape);
    Random signs = new Random(seed + 1000);
    double[] v = in.values();
    for (int i = 0; i < v.length; i++) {
      if (signs.nextBoolean()) {
        v[i] = -v[i];
      }
    }
    return in;
  }

  /** Rows of positive values that sum to one: label distributions. */
  private static GradientCheck.Input distributions(long seed, int rows, int classes) {
    GradientCheck.Input in = random(seed, 0.1, 1, rows, classes);
    double[] v = in.values();
    for (int r = 0; r < rows; r++) {
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        sum += v[r * classes + c];
      }
      for (int c = 0; c < classes; c++) {
        v[r * classes + c] /= sum;
      }
    }
    return in;
  }

  /** A shuffled ladder of values 0.05 apart: no two tie within a pooling window. */
  private static GradientCheck.Input distinct(long seed, long... shape) {
    int n = (int) Shape.of(shape).size();
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = -1 + 0.05 * i;
    }
    Random r = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      double t = v[i];
      v[i] = v[j];
      v[j] = t;
    }
    return GradientCheck.Input.of(shape, v);
  }

  private static Operand<TFloat64> constant(Ops tf, GradientCheck.Input in) {
    return tf.constant(in.shape(), DataBuffers.of(in.values(), true, false));
  }

  private static double[] read(Ops tf, Operand<?> x) {
    Operand<TFloat64> d = tf.dtypes.cast((Operand) x, TFloat64.class);
    try (TFloat64 t = d.asTensor()) {
      return read(t);
    }
  }

  private static double[] read(TFloat64 t) {
    double[] v = new double[(int) t.shape().size()];
    t.copyTo(DataBuffers.of(v, false, false));
    return v;
  }
}
