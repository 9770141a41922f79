package dev.keraslite.autodiff;

import org.tensorflow.types.TInt64;

import dev.keraslite.internal.fast.KeptConstants;
import dev.keraslite.internal.fast.FastShape;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Sum;
import org.tensorflow.op.data.LeakyReluGrad;
import org.tensorflow.op.nn.BiasAddGrad;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;

/**
 * Gradients of neural-network ops: activations, bias, softmax and cross-entropy, convolution and
 * pooling, with TensorFlow's semantics ({@code python/ops/nn_grad.py}).
 *
 * <p>Activations use TensorFlow's fused backward kernels ({@code ReluGrad}, {@code SigmoidGrad},
 * ...): one native op per gradient instead of a chain of element-wise ops, which matters when each
 * eager op costs tens of microseconds. The gradients of those kernels are registered too, so second
 * derivatives flow through them.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
final class NnGradients {
  /** The attributes that convolutions and their two backward ops share. */
  private static final String[] CONV_ATTRS = {
    "strides", "padding", "explicit_paddings", "use_cudnn_on_gpu", "data_format", "dilations"
  };

  /** The attributes that depthwise convolutions and their two backward ops share. */
  private static final String[] DEPTHWISE_ATTRS = {
    "strides", "padding", "explicit_paddings", "data_format", "dilations"
  };

  /** The attributes that pooling ops and their backward ops share. */
  private static final String[] POOL_ATTRS = {
    "ksize", "strides", "padding", "explicit_paddings", "data_format"
  };

  /** MaxPoolGradGrad's attributes: it has no explicit padding. */
  private static final String[] POOL_GRAD_GRAD_ATTRS = {"ksize", "strides", "padding", "data_format"};

  private NnGradients() {}

  static void registerAll() {
    registerBias();
    registerActivations();
    registerActivationSecondOrder();
    registerSoftmax();
    registerConvolution();
    registerDepthwiseConvolution();
    registerPooling();
    Gradients.registerNonDifferentiable(
        // Random numbers: TensorFlow's random_ops.py and stateless_random_ops.py.
        "RandomUniform",
        "RandomUniformInt",
        "RandomStandardNormal",
        "TruncatedNormal",
        "ParameterizedTruncatedNormal",
        "RandomShuffle",
        "Multinomial",
        "StatelessRandomUniform",
        "StatelessRandomUniformInt",
        "StatelessRandomNormal",
        "StatelessTruncatedNormal",
        "StatelessMultinomial",
        "StatelessRandomUniformV2",
        "StatelessRandomUniformIntV2",
        "StatelessRandomUniformFullIntV2",
        "StatelessRandomNormalV2",
        "StatelessTruncatedNormalV2",
        // Boolean answers: nothing flows back into the predictions.
        "InTopK",
        "InTopKV2");
  }

  private static void registerBias() {
    Gradients.register(
        "BiasAdd",
        (tf, op, g) ->
            List.of(
                g.get(0),
                tf.nn.biasAddGrad(
                    (Operand) g.get(0), BiasAddGrad.dataFormat(op.attrString("data_format", "NHWC")))));
    // BiasAddGrad sums over every axis but the channel axis: its gradient spreads the channel
    // values back over those axes.
    Gradients.register(
        "BiasAddGrad",
        (tf, op, g) -> {
          Operand<?> backprop = op.input(0);
          Operand grad = g.get(0);
          if (op.attrString("data_format", "NHWC").equals("NCHW")) {
            int rank = staticRank(op, backprop);
            long[] channelShape = new long[rank - 1];
            Arrays.fill(channelShape, 1);
            channelShape[0] = -1;
            grad = tf.reshape(grad, tf.constant(channelShape));
          }
          return List.of(tf.broadcastTo(grad, tf.shape(backprop)));
        });
  }

  private static void registerActivations() {
    Gradients.register(
        "Relu", (tf, op, g) -> List.of(tf.nn.reluGrad((Operand) g.get(0), (Operand) op.output(0))));
    Gradients.register(
        "Relu6", (tf, op, g) -> List.of(tf.nn.relu6Grad((Operand) g.get(0), (Operand) op.output(0))));
    Gradients.register(
        "Elu", (tf, op, g) -> List.of(tf.nn.eluGrad((Operand) g.get(0), (Operand) op.output(0))));
    Gradients.register(
        "Selu", (tf, op, g) -> List.of(tf.nn.seluGrad((Operand) g.get(0), (Operand) op.output(0))));
    Gradients.register(
        "LeakyRelu",
        (tf, op, g) -> List.of(leakyReluGrad(tf, op, (Operand) g.get(0), (Operand) op.input(0))));
    Gradients.register(
        "Sigmoid",
        (tf, op, g) -> List.of(tf.math.sigmoidGrad((Operand) op.output(0), (Operand) g.get(0))));
    Gradients.register(
        "Tanh", (tf, op, g) -> List.of(tf.math.tanhGrad((Operand) op.output(0), (Operand) g.get(0))));
    Gradients.register(
        "Softplus",
        (tf, op, g) -> List.of(tf.math.softplusGrad((Operand) g.get(0), (Operand) op.input(0))));
    Gradients.register(
        "Softsign",
        (tf, op, g) -> List.of(tf.nn.softsignGrad((Operand) g.get(0), (Operand) op.input(0))));
  }

  /**
   * Gradients of the fused backward kernels, for second derivatives. Each kernel is linear in the
   * incoming gradient, so the gradient with respect to it is the same kernel applied to the new
   * incoming gradient.
   */
  private static void registerActivationSecondOrder() {
    // Piecewise-linear activations: the slope does not move with the features.
    Gradients.register(
        "ReluGrad",
        (tf, op, g) ->
            List.of(
                tf.nn.reluGrad((Operand) g.get(0), (Operand) op.input(1)),
                tf.zerosLike(op.input(1))));
    Gradients.register(
        "Relu6Grad",
        (tf, op, g) ->
            List.of(
                tf.nn.relu6Grad((Operand) g.get(0), (Operand) op.input(1)),
                tf.zerosLike(op.input(1))));
    Gradients.register(
        "LeakyReluGrad",
        (tf, op, g) ->
            List.of(
                leakyReluGrad(tf, op, (Operand) g.get(0), (Operand) op.input(1)),
                tf.zerosLike(op.input(1))));
    // EluGrad(dy, y) = dy * (y + 1) where y < 0, else dy; SeluGrad(dy, y) = dy * (y + scale *
    // alpha) where y < 0, else dy * scale. Both have slope dy in y on the negative side.
    GradientFunction eluLike =
        (tf, op, g) -> {
          Operand grad = g.get(0);
          Operand dy = op.input(0);
          Operand y = op.input(1);
          Operand backprop =
              op.type().equals("EluGrad") ? tf.nn.eluGrad(grad, y) : tf.nn.seluGrad(grad, y);
          Operand negative = tf.math.less(y, (Operand) scalarLike(tf, 0, y));
          return List.of(backprop, tf.select(negative, tf.math.mul(grad, dy), tf.zerosLike(y)));
        };
    Gradients.register("EluGrad", eluLike);
    Gradients.register("SeluGrad", eluLike);
    // SigmoidGrad(y, dy) = dy * y * (1 - y).
    Gradients.register(
        "SigmoidGrad",
        (tf, op, g) -> {
          Operand grad = g.get(0);
          Operand y = op.input(0);
          Operand dy = op.input(1);
          Operand gradDy = tf.math.mul(grad, dy);
          Operand oneMinusTwoY =
              tf.math.sub(scalarLike(tf, 1, y), tf.math.mul(scalarLike(tf, 2, y), y));
          return List.of(tf.math.mul(gradDy, oneMinusTwoY), tf.math.sigmoidGrad(y, grad));
        });
    // TanhGrad(y, dy) = dy * (1 - y^2).
    Gradients.register(
        "TanhGrad",
        (tf, op, g) -> {
          Operand grad = g.get(0);
          Operand y = op.input(0);
          Operand dy = op.input(1);
          Operand dY = tf.math.mul(tf.math.mul(grad, dy), tf.math.mul(scalarLike(tf, -2, y), y));
          return List.of(dY, tf.math.tanhGrad(y, grad));
        });
    // SoftplusGrad(dy, x) = dy * sigmoid(x); the derivative of sigmoid(x) is SigmoidGrad's job.
    Gradients.register(
        "SoftplusGrad",
        (tf, op, g) -> {
          Operand grad = g.get(0);
          Operand dy = op.input(0);
          Operand x = op.input(1);
          return List.of(
              tf.math.softplusGrad(grad, x),
              tf.math.sigmoidGrad(tf.math.sigmoid(x), tf.math.mul(grad, dy)));
        });
  }

  private static void registerSoftmax() {
    // dx = (g - sum(g * s)) * s, the Jacobian of softmax (diag(s) - s s^T) applied to g.
    Gradients.register(
        "Softmax", (tf, op, g) -> List.of(softmaxBackprop(tf, g.get(0), op.output(0))));
    // dx = g - sum(g) * softmax, where softmax = exp(log_softmax).
    Gradients.register(
        "LogSoftmax",
        (tf, op, g) -> {
          Operand grad = g.get(0);
          Operand softmax = tf.math.exp((Operand) op.output(0));
          return List.of(tf.math.sub(grad, tf.math.mul(sumLastAxis(tf, grad), softmax)));
        });
    Gradients.register(
        "SoftmaxCrossEntropyWithLogits",
        (tf, op, g) -> {
          Operand logits = op.input(0);
          Operand labels = op.input(1);
          Operand lossGrad = perExample(tf, g.get(0));
          Operand backpropGrad = g.get(1);
          Operand logitsGrad = crossEntropyLogitsGradient(tf, op, lossGrad, backpropGrad);
          // d loss / d labels = -log_softmax(logits), per example.
          Operand labelsGrad = tf.math.mul(lossGrad, tf.math.neg(tf.nn.logSoftmax(logits)));
          if (!isZeros(tf, backpropGrad)) {
            // backprop = softmax - labels. TensorFlow (Python and C++) leaves this term out, which
            // makes its labels gradient wrong whenever the backprop output reaches the target.
            labelsGrad = tf.math.sub(labelsGrad, backpropGrad);
          }
          // The kernel broadcasts labels against logits: undo it.
          return List.of(
              Broadcasting.reduceTo(tf, logitsGrad, logits),
              Broadcasting.reduceTo(tf, labelsGrad, labels));
        });
    // TensorFlow's C++ graph gradients lack this op (docs/ARCHITECTURE.md §1.8). Unlike TensorFlow's Python
    // gradient, which blocks second derivatives through the backprop output, this one lets them
    // flow: that output is softmax(logits) - one_hot(labels), whose Jacobian is softmax's.
    Gradients.register(
        "SparseSoftmaxCrossEntropyWithLogits",
        (tf, op, g) ->
            Arrays.asList(
                crossEntropyLogitsGradient(tf, op, perExample(tf, g.get(0)), g.get(1)), null));
  }

  /**
   * The logits gradient shared by both cross-entropy ops, whose outputs are the per-example loss
   * and its gradient (backprop, {@code softmax - labels}). The loss gradient is the recorded
   * backprop scaled per example; a gradient flowing into the backprop output itself (second
   * derivatives) goes through softmax's Jacobian.
   */
  private static Operand<?> crossEntropyLogitsGradient(
      Ops tf, RecordedOp op, Operand lossGrad, Operand<?> backpropGrad) {
    Operand grad = tf.math.mul(lossGrad, (Operand) op.output(1));
    if (!isZeros(tf, backpropGrad)) {
      Operand softmax = tf.nn.softmax((Operand) op.input(0));
      grad = tf.math.add(grad, softmaxBackprop(tf, backpropGrad, softmax));
    }
    return grad;
  }

  private static void registerConvolution() {
    Gradients.register(
        "Conv2D",
        (tf, op, g) -> {
          Operand<?> input = op.input(0);
          Operand<?> filter = op.input(1);
          // Both shapes from one op: eager ops cost tens of microseconds each.
          List<Output<TInt32>> shapes = tf.shapeN(List.of(input, filter)).output();
          // A first layer's input needs no gradient: skip a whole transposed convolution.
          return Arrays.asList(
              op.needsGradient(0)
                  ? (faultyEagerBackpropInput(tf, op, filter)
                      ? inputGradientByConvolution(tf, op, filter, g.get(0))
                      : build(tf, "Conv2DBackpropInput", op, CONV_ATTRS, shapes.get(0), filter, g.get(0)))
                  : null,
              op.needsGradient(1)
                  ? build(tf, "Conv2DBackpropFilter", op, CONV_ATTRS, input, shapes.get(1), g.get(0))
                  : null);
        });
    // Conv2DBackpropInput(sizes, filter, dy) is the transposed convolution (Conv2DTranspose): it
    // is linear in filter and dy.
    Gradients.register(
        "Conv2DBackpropInput",
        (tf, op, g) -> {
          Operand<?> filter = op.input(1);
          Operand<?> dy = op.input(2);
          return Arrays.asList(
              null,
              build(tf, "Conv2DBackpropFilter", op, CONV_ATTRS, g.get(0), tf.shape(filter), dy),
              build(tf, "Conv2D", op, CONV_ATTRS, g.get(0), filter));
        });
    Gradients.register(
        "Conv2DBackpropFilter",
        (tf, op, g) -> {
          Operand<?> input = op.input(0);
          Operand<?> dy = op.input(2);
          return Arrays.asList(
              build(tf, "Conv2DBackpropInput", op, CONV_ATTRS, tf.shape(input), g.get(0), dy),
              null,
              build(tf, "Conv2D", op, CONV_ATTRS, input, g.get(0)));
        });
  }

  /**
   * Whether TensorFlow 2.18's eager float32 {@code Conv2DBackpropInput} (oneDNN's, the CPU default)
   * would compute this Conv2D's input gradient wrongly: it does for one input channel, one filter
   * and strides above 1 (kernel 3, strides 2: off by 0.111 on values up to 0.371; kernel 2, strides
   * 2: 0.112 on 0.148; right in a graph, in float64, and with two filters or strides 1;
   * Conv2DSingleChannelGradientTest). There the gradient is computed as an ordinary convolution.
   */
  static boolean faultyEagerBackpropInput(Ops tf, RecordedOp op, Operand<?> filter) {
    if (!tf.scope().env().isEager()) {
      return false;
    }
    long[] strides = op.attrLongs("strides", new long[] {1, 1, 1, 1});
    Shape k = FastShape.of(filter);
    Shape in = FastShape.of(op.input(0));
    return (strides[1] > 1 || strides[2] > 1) && k.get(2) == 1 && k.get(3) == 1
        && in.numDimensions() == 4 && in.get(1) > 0 && in.get(2) > 0
        && "NHWC".equals(op.attrString("data_format", "NHWC"));
  }

  /**
   * Conv2D's input gradient as a stride-1 convolution: the output gradient spread out with {@code
   * stride - 1} zeros after each pixel, padded by {@code kernel - 1} on both sides, correlated
   * with the kernel turned by 180 degrees and its channels swapped, then cut to the input's rows
   * and columns from the forward pass's top/left padding on. That is {@code dx[i] = sum_p dy[p]
   * K[i + pad - p * stride]}, the sum {@code Conv2DBackpropInput} computes.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Operand<?> inputGradientByConvolution(
      Ops tf, RecordedOp op, Operand<?> filter, Operand<?> dy) {
    long[] strides = op.attrLongs("strides", new long[] {1, 1, 1, 1});
    Shape k = FastShape.of(filter);
    Shape in = FastShape.of(op.input(0));
    Shape out = FastShape.of(dy);
    boolean same = "SAME".equals(op.attrString("padding", "VALID"));
    long[] padBefore = new long[2];
    for (int axis = 0; axis < 2; axis++) {
      long total = Math.max((out.get(1 + axis) - 1) * strides[1 + axis] + k.get(axis) - in.get(1 + axis), 0);
      padBefore[axis] = same ? total / 2 : 0;
    }
    Operand<TInt64> batch =
        tf.slice(tf.shape(dy, TInt64.class), tf.constant(new long[] {0}), tf.constant(new long[] {1}));
    long oh = out.get(1);
    long ow = out.get(2);
    long channels = out.get(3);
    Operand zero = tf.dtypes.cast(tf.constant(0f), (Class) dy.type());
    Operand<TInt64> one = tf.constant(new long[] {1});
    Operand spread =
        tf.pad(
            (Operand) tf.reshape(
                dy,
                tf.concat(
                    List.of(batch, tf.constant(new long[] {oh}), one, tf.constant(new long[] {ow}), one,
                        tf.constant(new long[] {channels})),
                    tf.constant(0))),
            tf.constant(new long[][] {{0, 0}, {0, 0}, {0, strides[1] - 1}, {0, 0}, {0, strides[2] - 1}, {0, 0}}),
            zero);
    spread =
        tf.reshape(
            spread,
            tf.concat(
                List.of(batch, tf.constant(new long[] {oh * strides[1], ow * strides[2], channels})),
                tf.constant(0)));
    Operand padded =
        tf.pad(
            spread,
            tf.constant(new long[][] {{0, 0}, {k.get(0) - 1, k.get(0) - 1}, {k.get(1) - 1, k.get(1) - 1}, {0, 0}}),
            zero);
    // [kh, kw, in, out] turned by 180 degrees, in and out swapped: from dy's channels to the input's.
    Operand turned =
        tf.reverse(
            (Operand) tf.linalg.transpose((Operand) filter, tf.constant(new int[] {0, 1, 3, 2})),
            tf.constant(new int[] {0, 1}));
    Operand full = tf.nn.conv2d(padded, turned, List.of(1L, 1L, 1L, 1L), "VALID");
    return tf.slice(
        full,
        tf.constant(new long[] {0, padBefore[0], padBefore[1], 0}),
        tf.constant(new long[] {-1, in.get(1), in.get(2), -1}));
  }

  /**
   * The depthwise convolution (Keras's {@code DepthwiseConv2D}, MobileNet's building block) and its
   * backward ops, which TensorFlow's C++ gradient registry lacks. As for {@code Conv2D}: the input
   * gradient is {@code DepthwiseConv2dNativeBackpropInput}, the filter gradient {@code
   * DepthwiseConv2dNativeBackpropFilter}; each backward op is linear in its two tensor inputs, and
   * its gradients are the other backward op and the forward op ({@code nn_grad.py}).
   */
  private static void registerDepthwiseConvolution() {
    Gradients.register(
        "DepthwiseConv2dNative",
        (tf, op, g) -> {
          Operand<?> input = op.input(0);
          Operand<?> filter = op.input(1);
          List<Output<TInt32>> shapes = tf.shapeN(List.of(input, filter)).output();
          return Arrays.asList(
              op.needsGradient(0)
                  ? build(
                      tf, "DepthwiseConv2dNativeBackpropInput", op, DEPTHWISE_ATTRS, shapes.get(0), filter,
                      g.get(0))
                  : null,
              op.needsGradient(1)
                  ? build(
                      tf, "DepthwiseConv2dNativeBackpropFilter", op, DEPTHWISE_ATTRS, input, shapes.get(1),
                      g.get(0))
                  : null);
        });
    Gradients.register(
        "DepthwiseConv2dNativeBackpropInput",
        (tf, op, g) -> {
          Operand<?> filter = op.input(1);
          Operand<?> dy = op.input(2);
          return Arrays.asList(
              null,
              build(
                  tf, "DepthwiseConv2dNativeBackpropFilter", op, DEPTHWISE_ATTRS, g.get(0), tf.shape(filter),
                  dy),
              build(tf, "DepthwiseConv2dNative", op, DEPTHWISE_ATTRS, g.get(0), filter));
        });
    Gradients.register(
        "DepthwiseConv2dNativeBackpropFilter",
        (tf, op, g) -> {
          Operand<?> input = op.input(0);
          Operand<?> dy = op.input(2);
          return Arrays.asList(
              build(
                  tf, "DepthwiseConv2dNativeBackpropInput", op, DEPTHWISE_ATTRS, tf.shape(input), g.get(0),
                  dy),
              null,
              build(tf, "DepthwiseConv2dNative", op, DEPTHWISE_ATTRS, input, g.get(0)));
        });
  }

  private static void registerPooling() {
    Gradients.register(
        "AvgPool",
        (tf, op, g) ->
            List.of(build(tf, "AvgPoolGrad", op, POOL_ATTRS, tf.shape(op.input(0)), g.get(0))));
    // AvgPoolGrad is linear in its gradient input: averaging again is its transpose.
    Gradients.register(
        "AvgPoolGrad",
        (tf, op, g) -> Arrays.asList(null, build(tf, "AvgPool", op, POOL_ATTRS, g.get(0))));
    // MaxPool routes each output's gradient to the input that won its window; the backward kernel
    // finds the winners again from the original input and output.
    Gradients.register(
        "MaxPool",
        (tf, op, g) ->
            List.of(build(tf, "MaxPoolGrad", op, POOL_ATTRS, op.input(0), op.output(0), g.get(0))));
    // tf.nn.maxPool in TensorFlow Java builds MaxPoolV2, with window and strides as tensors.
    Gradients.register(
        "MaxPoolV2",
        (tf, op, g) ->
            Arrays.asList(
                build(
                    tf,
                    "MaxPoolGradV2",
                    op,
                    POOL_ATTRS,
                    op.input(0),
                    op.output(0),
                    g.get(0),
                    op.input(1),
                    op.input(2)),
                null,
                null));
    // The backward kernels only route their gradient input: zero slope in the pooled values.
    Gradients.register(
        "MaxPoolGrad",
        (tf, op, g) ->
            List.of(
                tf.zerosLike(op.input(0)),
                tf.zerosLike(op.input(1)),
                build(tf, "MaxPoolGradGrad", op, POOL_GRAD_GRAD_ATTRS, op.input(0), op.input(1), g.get(0))));
    Gradients.register(
        "MaxPoolGradV2",
        (tf, op, g) ->
            Arrays.asList(
                tf.zerosLike(op.input(0)),
                tf.zerosLike(op.input(1)),
                build(
                    tf,
                    "MaxPoolGradGradV2",
                    op,
                    POOL_GRAD_GRAD_ATTRS,
                    op.input(0),
                    op.input(1),
                    g.get(0),
                    op.input(3),
                    op.input(4)),
                null,
                null));
  }

  /** {@code (g - sum(g * softmax, -1)) * softmax}: softmax's Jacobian applied to {@code g}. */
  private static Operand<?> softmaxBackprop(Ops tf, Operand g, Operand softmax) {
    Operand dot = sumLastAxis(tf, tf.math.mul(g, softmax));
    return tf.math.mul(tf.math.sub(g, dot), softmax);
  }

  /** The per-example loss gradient {@code [batch]} as {@code [batch, 1]}, to scale class rows. */
  private static Operand<?> perExample(Ops tf, Operand<?> lossGrad) {
    return tf.reshape(lossGrad, KeptConstants.ints(tf, -1, 1));
  }

  private static Operand<?> sumLastAxis(Ops tf, Operand x) {
    return tf.sum(x, KeptConstants.scalar(tf, TInt32.class, -1), Sum.keepDims(true));
  }

  private static Operand<?> leakyReluGrad(Ops tf, RecordedOp op, Operand grad, Operand features) {
    return tf.data.leakyReluGrad(grad, features, LeakyReluGrad.alpha(op.attrFloat("alpha", 0.2f)));
  }

  /**
   * Whether {@code g} is the zeros the tape supplies for an output that did not reach the target:
   * a {@code ZerosLike} (in graphs) or a kept zero constant (eager). Either is zero whoever built it,
   * so skipping work for it is always exact.
   */
  private static boolean isZeros(Ops tf, Operand<?> g) {
    return g.asOutput().op().type().equals("ZerosLike") || KeptConstants.isZeros(tf, g);
  }

  /** A scalar of {@code x}'s dtype, as one constant op for the float types. */
  private static Operand<?> scalarLike(Ops tf, double value, Operand<?> x) {
    if (x.type() == TFloat32.class || x.type() == TFloat64.class) {
      return KeptConstants.scalar(tf, (Class) x.type(), value);
    }
    return tf.dtypes.cast(tf.constant(value), (Class) x.type());
  }

  private static int staticRank(RecordedOp op, Operand<?> x) {
    Shape s = FastShape.of(x);
    if (s.isUnknown()) {
      throw new IllegalStateException(
          "The gradient of " + op + " needs the rank of its input, which is unknown");
    }
    return s.numDimensions();
  }

  /**
   * Builds op {@code type} on {@code inputs}, with the attributes named in {@code attrNames} copied
   * from {@code forward} where it set them (unset ones keep their defaults, which agree across a
   * convolution or pooling op and its backward ops). One builder serves every backward op of a
   * family, so a forward op's padding, dilations or data format always reach its gradient.
   */
  private static Operand<?> build(
      Ops tf, String type, RecordedOp forward, String[] attrNames, Operand<?>... inputs) {
    OperationBuilder b = tf.scope().opBuilder(type, type);
    for (Operand<?> in : inputs) {
      b.addInput(in.asOutput());
    }
    for (String name : attrNames) {
      Object value = forward.attr(name);
      if (value == null) {
        continue;
      }
      if (value instanceof long[]) {
        b.setAttr(name, (long[]) value);
      } else if (value instanceof String) {
        b.setAttr(name, (String) value);
      } else if (value instanceof byte[]) {
        b.setAttr(name, (byte[]) value);
      } else if (value instanceof Boolean) {
        b.setAttr(name, (Boolean) value);
      } else if (value instanceof Long) {
        b.setAttr(name, (Long) value);
      } else {
        throw new IllegalStateException(
            "The gradient of " + forward + " cannot copy attribute '" + name + "' of type "
                + value.getClass().getName());
      }
    }
    return b.build().output(0);
  }
}
