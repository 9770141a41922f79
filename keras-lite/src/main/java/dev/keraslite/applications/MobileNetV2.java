package dev.keraslite.applications;

import dev.keraslite.models.Input;
import dev.keraslite.models.Model;
import dev.keraslite.activations.Activation;
import dev.keraslite.activations.Activations;
import dev.keraslite.layers.Add;
import dev.keraslite.layers.BatchNormalization;
import dev.keraslite.layers.Conv2D;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.DepthwiseConv2D;
import dev.keraslite.layers.GlobalAveragePooling2D;
import dev.keraslite.layers.GlobalMaxPooling2D;
import dev.keraslite.layers.KerasTensor;
import dev.keraslite.layers.ReLU;
import dev.keraslite.layers.ZeroPadding2D;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * MobileNetV2 (Sandler et al., 2018), as Keras's {@code keras.applications.MobileNetV2}: a 3x3
 * stride-2 convolution, 17 inverted residual blocks (1x1 expansion, 3x3 depthwise convolution, 1x1
 * linear projection, a residual connection when shapes allow), a 1x1 convolution to 1280 channels
 * and, with the top, global average pooling and a dense classifier. Every layer carries Keras's name
 * ({@code Conv1}, {@code bn_Conv1}, {@code Conv1_relu}, {@code expanded_conv_depthwise}, {@code
 * block_1_expand}, ..., {@code out_relu}, {@code predictions}); batch normalizations use Keras's
 * {@code momentum=0.999, epsilon=1e-3}.
 *
 * <pre>{@code
 * Model model = MobileNetV2.builder().inputShape(96, 96, 3).alpha(0.35).classes(5).build();
 * }</pre>
 *
 * <p>Differences from Keras: {@code weights} is {@code null} (random initialization, the default
 * here, where Keras's default downloads ImageNet weights) or a path; {@code "imagenet"} and {@code
 * input_tensor} are not offered; images are channels last.
 */
public final class MobileNetV2 {
  /** Keras's smallest accepted image side. */
  static final int MIN_SIZE = 32;

  /** Keras's default image side when no input shape is given. */
  static final int DEFAULT_SIZE = 224;

  /** Keras's batch-normalization settings in this architecture. */
  static final double BN_MOMENTUM = 0.999;

  static final double BN_EPSILON = 1e-3;

  /** The 17 inverted residual blocks: {filters, stride, expansion}, in Keras's order. */
  private static final int[][] BLOCKS = {
    {16, 1, 1},
    {24, 2, 6}, {24, 1, 6},
    {32, 2, 6}, {32, 1, 6}, {32, 1, 6},
    {64, 2, 6}, {64, 1, 6}, {64, 1, 6}, {64, 1, 6},
    {96, 1, 6}, {96, 1, 6}, {96, 1, 6},
    {160, 2, 6}, {160, 1, 6}, {160, 1, 6},
    {320, 1, 6},
  };

  private MobileNetV2() {}

  /** The options, with Keras's defaults (except {@code weights}: none). */
  public static Builder builder() {
    return new Builder();
  }

  /** Keras's {@code MobileNetV2(...)} arguments. */
  public static final class Builder {
    private long[] inputShape;
    private double alpha = 1.0;
    private boolean includeTop = true;
    private Path weights;
    private String pooling;
    private int classes = 1000;
    private Activation classifierActivation = Activations.softmax();
    private String name;

    private Builder() {}

    /**
     * The image shape {@code (height, width, channels)}; {@code -1} for a side known only at run
     * time (without the top). Default: 224x224x3 with the top, {@code (-1, -1, 3)} without.
     */
    public Builder inputShape(long... inputShape) {
      this.inputShape = inputShape == null ? null : inputShape.clone();
      return this;
    }

    /**
     * The width multiplier (default 1.0): below 1 thins every layer, above 1 widens them (and the
     * last convolution).
     */
    public Builder alpha(double alpha) {
      this.alpha = alpha;
      return this;
    }

    /** Whether to end with global average pooling and the {@code predictions} layer (default true). */
    public Builder includeTop(boolean includeTop) {
      this.includeTop = includeTop;
      return this;
    }

    /**
     * A Keras weights file to load by layer name, or {@code null} (default) for random
     * initialization.
     */
    public Builder weights(Path weights) {
      this.weights = weights;
      return this;
    }

    /** Without the top: {@code null} (default, 4D output), {@code "avg"} or {@code "max"}. */
    public Builder pooling(String pooling) {
      this.pooling = pooling;
      return this;
    }

    /** The number of classes of the top (default 1000). */
    public Builder classes(int classes) {
      this.classes = classes;
      return this;
    }

    /** The top's activation (default softmax); {@code null} gives logits. */
    public Builder classifierActivation(Activation activation) {
      this.classifierActivation = activation;
      return this;
    }

    /** The top's activation by Keras name ({@code "softmax"}, {@code "linear"}, ...). */
    public Builder classifierActivation(String activation) {
      this.classifierActivation = activation == null ? null : Activations.get(activation);
      return this;
    }

    /** The model's name (default Keras's {@code mobilenetv2_<alpha>_<rows>}). */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /**
     * The model, not yet built (its weights are created by {@code model.build(tf)} or the first
     * apply).
     *
     * @throws IllegalArgumentException for a bad shape, alpha, class count or pooling
     * @throws UnsupportedOperationException when {@code weights} is a path: keras-lite has no
     *     {@code Model.loadWeights} for Keras weights files yet
     */
    public Model build() {
      long[] shape = checkedInputShape();
      if (!(alpha > 0) || Double.isInfinite(alpha)) {
        throw new IllegalArgumentException("MobileNetV2: alpha must be positive, received " + alpha);
      }
      if (includeTop && classes <= 0) {
        throw new IllegalArgumentException(
            "MobileNetV2: classes must be a positive integer, received " + classes);
      }
      if (pooling != null && !pooling.equals("avg") && !pooling.equals("max")) {
        throw new IllegalArgumentException(
            "MobileNetV2: pooling must be null, 'avg' or 'max', received '" + pooling + "'");
      }
      if (weights != null) {
        throw new UnsupportedOperationException(
            "MobileNetV2: weights=" + weights + " needs Model.loadWeights for Keras weights files,"
                + " which keras-lite does not have yet; pass weights null (random initialization)");
      }
      KerasTensor input = Input.of(shape);
      KerasTensor x = stem(input);
      int channels = makeDivisible(32 * alpha);
      for (int id = 0; id < BLOCKS.length; id++) {
        int[] b = BLOCKS[id];
        x = invertedResidualBlock(x, channels, b[0], b[1], b[2], id);
        channels = makeDivisible((int) (b[0] * alpha));
      }
      // Keras: no alpha on the last convolution unless it widens the network.
      int lastFilters = alpha > 1.0 ? makeDivisible(1280 * alpha) : 1280;
      x = new Conv2D(lastFilters, 1).useBias(false).name("Conv_1").apply(x);
      x = batchNorm("Conv_1_bn").apply(x);
      x = relu6("out_relu").apply(x);
      if (includeTop) {
        x = new GlobalAveragePooling2D().apply(x);
        x = new Dense(classes).activation(classifierActivation).name("predictions").apply(x);
      } else if ("avg".equals(pooling)) {
        x = new GlobalAveragePooling2D().apply(x);
      } else if ("max".equals(pooling)) {
        x = new GlobalMaxPooling2D().apply(x);
      }
      String rows = shape[0] < 0 ? "None" : Long.toString(shape[0]);
      String modelName =
          name != null ? name : String.format(Locale.ROOT, "mobilenetv2_%.2f_%s", alpha, rows);
      return Model.of(input, x).name(modelName);
    }

    private long[] checkedInputShape() {
      if (inputShape == null) {
        return includeTop ? new long[] {DEFAULT_SIZE, DEFAULT_SIZE, 3} : new long[] {-1, -1, 3};
      }
      if (inputShape.length != 3) {
        throw new IllegalArgumentException(
            "MobileNetV2: inputShape must be 3 integers (height, width, channels), received "
                + Arrays.toString(inputShape));
      }
      if (inputShape[2] <= 0) {
        throw new IllegalArgumentException(
            "MobileNetV2: the channels of inputShape must be known and positive, received "
                + Arrays.toString(inputShape));
      }
      for (int i = 0; i < 2; i++) {
        if (inputShape[i] >= 0 && inputShape[i] < MIN_SIZE) {
          throw new IllegalArgumentException(
              "MobileNetV2: input size must be at least " + MIN_SIZE + "x" + MIN_SIZE
                  + ", received inputShape " + Arrays.toString(inputShape));
        }
        if (inputShape[i] < 0 && includeTop) {
          throw new IllegalArgumentException(
              "MobileNetV2: with includeTop, give a static inputShape, received "
                  + Arrays.toString(inputShape));
        }
      }
      return inputShape.clone();
    }

    private KerasTensor stem(KerasTensor input) {
      KerasTensor x =
          new Conv2D(makeDivisible(32 * alpha), 3)
              .strides(2)
              .padding("same")
              .useBias(false)
              .name("Conv1")
              .apply(input);
      x = batchNorm("bn_Conv1").apply(x);
      return relu6("Conv1_relu").apply(x);
    }

    /**
     * Keras's {@code _inverted_res_block}: expansion (not in block 0, whose layers are prefixed
     * {@code expanded_conv_}), depthwise convolution (stride 2 after {@code correct_pad}'s zero
     * padding, valid; stride 1 same), linear projection, and an {@code Add} of the block's input
     * when the channels and the size stay.
     */
    private KerasTensor invertedResidualBlock(
        KerasTensor inputs, int inChannels, int filters, int stride, int expansion, int blockId) {
      int pointwiseFilters = makeDivisible((int) (filters * alpha));
      String prefix = "block_" + blockId + "_";
      KerasTensor x = inputs;
      if (blockId > 0) {
        x = new Conv2D((long) expansion * inChannels, 1)
                .padding("same")
                .useBias(false)
                .name(prefix + "expand")
                .apply(x);
        x = batchNorm(prefix + "expand_BN").apply(x);
        x = relu6(prefix + "expand_relu").apply(x);
      } else {
        prefix = "expanded_conv_";
      }
      if (stride == 2) {
        x = new ZeroPadding2D(correctPad(x)).name(prefix + "pad").apply(x);
      }
      x = new DepthwiseConv2D(3)
              .strides(stride)
              .useBias(false)
              .padding(stride == 1 ? "same" : "valid")
              .name(prefix + "depthwise")
              .apply(x);
      x = batchNorm(prefix + "depthwise_BN").apply(x);
      x = relu6(prefix + "depthwise_relu").apply(x);
      x = new Conv2D(pointwiseFilters, 1)
              .padding("same")
              .useBias(false)
              .name(prefix + "project")
              .apply(x);
      x = batchNorm(prefix + "project_BN").apply(x);
      if (inChannels == pointwiseFilters && stride == 1) {
        return new Add().name(prefix + "add").apply(inputs, x);
      }
      return x;
    }
  }

  /**
   * Keras's {@code _make_divisible(v, 8)}: {@code v} rounded to the nearest multiple of 8 (at
   * least 8), plus 8 if rounding lost more than 10%.
   */
  static int makeDivisible(double v) {
    int divisor = 8;
    int rounded = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
    if (rounded < 0.9 * v) {
      rounded += divisor;
    }
    return rounded;
  }

  /**
   * Keras's {@code imagenet_utils.correct_pad} for a 3x3 kernel: {@code ((1 - adjust, 1), (1 -
   * adjust, 1))}, where {@code adjust} is 1 for an even (or unknown) side, so that the stride-2
   * valid convolution that follows sees TensorFlow's "same" windows.
   */
  static int[][] correctPad(KerasTensor x) {
    long h = x.shape().get(1);
    long w = x.shape().get(2);
    int adjustH = h < 0 ? 1 : (int) (1 - h % 2);
    int adjustW = w < 0 ? 1 : (int) (1 - w % 2);
    return new int[][] {{1 - adjustH, 1}, {1 - adjustW, 1}};
  }

  private static BatchNormalization batchNorm(String name) {
    return new BatchNormalization().momentum(BN_MOMENTUM).epsilon(BN_EPSILON).name(name);
  }

  private static ReLU relu6(String name) {
    return new ReLU().maxValue(6.0).name(name);
  }
}
