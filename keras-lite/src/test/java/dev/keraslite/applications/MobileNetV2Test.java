package dev.keraslite.applications;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.models.Model;
import dev.keraslite.Variable;
import dev.keraslite.layers.BatchNormalization;
import dev.keraslite.layers.DepthwiseConv2D;
import dev.keraslite.layers.Layer;
import dev.keraslite.layers.ReLU;
import dev.keraslite.layers.internal.Shapes;
import dev.keraslite.layers.ZeroPadding2D;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;

/**
 * MobileNetV2's architecture against Keras's. Build only (no step): weights are created, never run.
 *
 * <p>References: Keras's {@code keras/src/applications/mobilenet_v2.py} (keras-team/keras, commit
 * 3422977a5e38fb2f7709aaa9a08e47f0c43d0f60), read for the layer names, their order (the order the
 * code creates them, which is the order Keras's functional summary lists them) and the arithmetic
 * of the widths; and the summary Keras prints for {@code MobileNetV2()} at 224x224x3, alpha 1.0,
 * 1000 classes, quoted in issue 16 and in many public notebooks: "Total params: 3,538,984,
 * Trainable params: 3,504,872, Non-trainable params: 34,112".
 */
class MobileNetV2Test {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  @Test
  void keras224ModelHasKerasParameterCountsNamesAndShapes() {
    try (Eager eager = Eager.create()) {
      Model model = MobileNetV2.builder().inputShape(224, 224, 3).alpha(1.0).classes(1000).build();
      model.build(eager.tf());
      long[] counts = counts(model);
      assertEquals(3_538_984L, counts[0], "total");
      assertEquals(3_504_872L, counts[1], "trainable");
      assertEquals(34_112L, counts[2], "non-trainable");
      // Keras: len(model.weights) 262, len(model.trainable_weights) 158.
      assertEquals(262, model.variables().size());
      assertEquals(158, model.trainableVariables().size());
      assertEquals("mobilenetv2_1.00_224", model.name());

      List<String> names = new ArrayList<>();
      for (Layer l : model.layers()) {
        names.add(l.name());
      }
      assertEquals(kerasLayerNames(true), names);

      StringBuilder printed = new StringBuilder();
      String summary = model.summary(printed::append);
      int at = -1;
      for (String name : names) {
        int next = summary.indexOf(name + " (", at + 1);
        assertTrue(next > at, "summary lists " + name + " after the layer before it");
        at = next;
      }
      assertTrue(summary.contains("Total params: 3,538,984"), summary);
      assertTrue(summary.contains("Trainable params: 3,504,872"), summary);
      assertTrue(summary.contains("Non-trainable params: 34,112"), summary);

      assertShape(Shape.of(-1, 112, 112, 32), model.getLayer("Conv1_relu"));
      assertShape(Shape.of(-1, 113, 113, 96), model.getLayer("block_1_pad"));
      assertShape(Shape.of(-1, 56, 56, 96), model.getLayer("block_1_depthwise"));
      assertShape(Shape.of(-1, 7, 7, 320), model.getLayer("block_16_project_BN"));
      assertShape(Shape.of(-1, 7, 7, 1280), model.getLayer("out_relu"));
      assertShape(Shape.of(-1, 1280), model.getLayer("global_average_pooling2d"));
      assertShape(Shape.of(-1, 1000), model.getLayer("predictions"));
      // Keras's kernel names, so that weights match by name.
      List<String> weights = names(model);
      assertEquals("mobilenetv2_1.00_224/Conv1/kernel:0", weights.get(0));
      assertTrue(weights.contains("mobilenetv2_1.00_224/block_3_depthwise/kernel:0"));
      assertTrue(weights.contains("mobilenetv2_1.00_224/bn_Conv1/moving_variance:0"));
      assertEquals("mobilenetv2_1.00_224/predictions/bias:0", weights.get(weights.size() - 1));

      for (Layer l : model.layers()) {
        if (l instanceof BatchNormalization bn) {
          assertEquals(0.999, bn.momentum(), l.name());
          assertEquals(1e-3, bn.epsilon(), l.name());
        }
        if (l instanceof ReLU relu) {
          assertEquals(6.0, relu.maxValue(), l.name());
        }
        if (l instanceof DepthwiseConv2D dw) {
          assertEquals(dw.strides()[0] == 1 ? "same" : "valid", dw.padding(), l.name());
        }
      }
      // correct_pad on the even sides 112, 56, 28, 14: ((0, 1), (0, 1)).
      for (String pad : List.of("block_1_pad", "block_3_pad", "block_6_pad", "block_13_pad")) {
        assertEquals(
            Arrays.deepToString(new int[][] {{0, 1}, {0, 1}}),
            Arrays.deepToString(((ZeroPadding2D) model.getLayer(pad)).padding()), pad);
      }
    }
  }

  @Test
  void widthMultipliersGiveTheCountsDerivedFromKerasCode() {
    // alpha -> {total, trainable, non-trainable}, each from derive() below; the comments give what
    // the same arithmetic gives when run by hand (a Python transcription of mobilenet_v2.py's
    // width rules): 0.35 -> 1,691,208; 0.5 -> 1,987,224; 0.75 -> 2,663,064; 1.3 -> 5,431,048.
    assertEquals(List.of(1_691_208L, 1_677_128L, 14_080L), derive(0.35, 1000, true));
    assertEquals(List.of(1_987_224L, 1_968_680L, 18_544L), derive(0.5, 1000, true));
    assertEquals(List.of(2_663_064L, 2_636_424L, 26_640L), derive(0.75, 1000, true));
    assertEquals(List.of(3_538_984L, 3_504_872L, 34_112L), derive(1.0, 1000, true));
    assertEquals(List.of(5_431_048L, 5_386_792L, 44_256L), derive(1.3, 1000, true));
    for (double alpha : new double[] {0.35, 0.5, 0.75, 1.3}) {
      try (Eager eager = Eager.create()) {
        Model model = MobileNetV2.builder().inputShape(224, 224, 3).alpha(alpha).build();
        model.build(eager.tf());
        long[] c = counts(model);
        assertEquals(derive(alpha, 1000, true), List.of(c[0], c[1], c[2]), "alpha " + alpha);
      }
    }
  }

  @Test
  void withoutTopPoolingAndUnknownSides() {
    try (Eager eager = Eager.create()) {
      Model noTop = MobileNetV2.builder().inputShape(96, 96, 3).alpha(0.35).includeTop(false).build();
      noTop.build(eager.tf());
      assertEquals("mobilenetv2_0.35_96", noTop.name());
      long[] c = counts(noTop);
      assertEquals(derive(0.35, 0, false), List.of(c[0], c[1], c[2]));
      assertShape(Shape.of(-1, 3, 3, 1280), noTop.getLayer("out_relu"));
      assertEquals("out_relu", noTop.layers().get(noTop.layers().size() - 1).name());
      assertEquals(kerasLayerNames(false), names(noTop.layers()));
    }
    Model avg = MobileNetV2.builder().includeTop(false).pooling("avg").build();
    assertEquals("mobilenetv2_1.00_None", avg.name());
    assertEquals("global_average_pooling2d", avg.layers().get(avg.layers().size() - 1).name());
    assertShape(Shape.of(-1, 1280), avg.getLayer("global_average_pooling2d"));
    assertShape(Shape.of(-1, -1, -1, 1280), avg.getLayer("out_relu"));
    Model max = MobileNetV2.builder().includeTop(false).pooling("max").build();
    assertEquals("global_max_pooling2d", max.layers().get(max.layers().size() - 1).name());
    // Unknown sides: correct_pad takes them as even, ((0, 1), (0, 1)).
    assertEquals(
        Arrays.deepToString(new int[][] {{0, 1}, {0, 1}}),
        Arrays.deepToString(((ZeroPadding2D) max.getLayer("block_1_pad")).padding()));
    // An odd side pads one row on both sides: ((1, 1), ...) at 33 -> Conv1 gives 17.
    Model odd = MobileNetV2.builder().inputShape(33, 40, 3).includeTop(false).build();
    assertEquals(
        Arrays.deepToString(new int[][] {{1, 1}, {0, 1}}),
        Arrays.deepToString(((ZeroPadding2D) odd.getLayer("block_1_pad")).padding()));
  }

  @Test
  void badArgumentsAreRefusedClearly() {
    assertEquals(
        "MobileNetV2: input size must be at least 32x32, received inputShape [31, 64, 3]",
        assertThrows(IllegalArgumentException.class, () -> MobileNetV2.builder().inputShape(31, 64, 3).build())
            .getMessage());
    assertEquals(
        "MobileNetV2: inputShape must be 3 integers (height, width, channels), received [64, 64]",
        assertThrows(IllegalArgumentException.class, () -> MobileNetV2.builder().inputShape(64, 64).build())
            .getMessage());
    assertEquals(
        "MobileNetV2: with includeTop, give a static inputShape, received [-1, -1, 3]",
        assertThrows(IllegalArgumentException.class, () -> MobileNetV2.builder().inputShape(-1, -1, 3).build())
            .getMessage());
    assertEquals(
        "MobileNetV2: alpha must be positive, received 0.0",
        assertThrows(IllegalArgumentException.class, () -> MobileNetV2.builder().alpha(0).build()).getMessage());
    assertEquals(
        "MobileNetV2: classes must be a positive integer, received 0",
        assertThrows(IllegalArgumentException.class, () -> MobileNetV2.builder().classes(0).build()).getMessage());
    assertEquals(
        "MobileNetV2: pooling must be null, 'avg' or 'max', received 'sum'",
        assertThrows(
                IllegalArgumentException.class,
                () -> MobileNetV2.builder().includeTop(false).pooling("sum").build())
            .getMessage());
    UnsupportedOperationException e =
        assertThrows(
            UnsupportedOperationException.class,
            () -> MobileNetV2.builder().weights(Path.of("mobilenet_v2.weights.h5")).build());
    assertTrue(e.getMessage().contains("Model.loadWeights"), e.getMessage());
  }

  @Test
  void makeDivisibleFollowsKeras() {
    // _make_divisible(v, 8) by hand: max(8, int(v + 4) // 8 * 8), plus 8 when that lost > 10%.
    // 11.2 -> int(15.2) // 8 * 8 = 8, below 0.9 * 11.2 = 10.08, so 16.
    assertEquals(16, MobileNetV2.makeDivisible(32 * 0.35));
    assertEquals(16, MobileNetV2.makeDivisible(16 * 0.75 + 0.0)); // 12 -> 16
    assertEquals(16, MobileNetV2.makeDivisible(32 * 0.5));
    assertEquals(40, MobileNetV2.makeDivisible(41.6)); // 32 * 1.3
    assertEquals(1664, MobileNetV2.makeDivisible(1280 * 1.3));
    assertEquals(8, MobileNetV2.makeDivisible(5)); // int(16 * 0.35)
  }

  // ---- the independent derivations ----------------------------------------------------------

  /**
   * Keras's layer names in the order {@code mobilenet_v2.py} creates them: the input, the stem,
   * block 0 ({@code expanded_conv_}: no expansion), blocks 1-16 (expansion, a pad before each
   * stride-2 depthwise convolution in blocks 1, 3, 6, 13, an add where the block keeps its width
   * and stride: 2, 4, 5, 7, 8, 9, 11, 12, 14, 15), the last convolution, and the top.
   */
  static List<String> kerasLayerNames(boolean top) {
    List<String> n = new ArrayList<>(List.of("input_layer", "Conv1", "bn_Conv1", "Conv1_relu"));
    List<Integer> padded = List.of(1, 3, 6, 13);
    List<Integer> added = List.of(2, 4, 5, 7, 8, 9, 11, 12, 14, 15);
    for (int id = 0; id <= 16; id++) {
      String p = id == 0 ? "expanded_conv_" : "block_" + id + "_";
      if (id > 0) {
        n.addAll(List.of(p + "expand", p + "expand_BN", p + "expand_relu"));
      }
      if (padded.contains(id)) {
        n.add(p + "pad");
      }
      n.addAll(List.of(p + "depthwise", p + "depthwise_BN", p + "depthwise_relu", p + "project", p + "project_BN"));
      if (added.contains(id)) {
        n.add(p + "add");
      }
    }
    n.addAll(List.of("Conv_1", "Conv_1_bn", "out_relu"));
    if (top) {
      n.addAll(List.of("global_average_pooling2d", "predictions"));
    }
    return n;
  }

  /**
   * {total, trainable, non-trainable} parameters for a 3-channel input, from the widths
   * mobilenet_v2.py computes: stem {@code _make_divisible(32 * alpha, 8)} filters of 3x3x3; block
   * {@code i} with input width {@code c}, {@code expansion * c} expanded channels (not block 0),
   * 3x3 depthwise kernels, {@code _make_divisible(int(filters * alpha), 8)} projected channels; the
   * last convolution {@code 1280} wide ({@code _make_divisible(1280 * alpha, 8)} when alpha > 1);
   * every convolution without bias; each batch normalization 2 trainable (gamma, beta) and 2
   * non-trainable (moving mean, variance) per channel; the top a dense layer with bias.
   */
  static List<Long> derive(double alpha, int classes, boolean top) {
    int[][] blocks = {
      {16, 1}, {24, 6}, {24, 6}, {32, 6}, {32, 6}, {32, 6}, {64, 6}, {64, 6}, {64, 6}, {64, 6},
      {96, 6}, {96, 6}, {96, 6}, {160, 6}, {160, 6}, {160, 6}, {320, 6}
    };
    long trainable = 0;
    long frozen = 0;
    long c = divisible(32 * alpha);
    trainable += 3 * 3 * 3 * c + 2 * c;
    frozen += 2 * c;
    for (int i = 0; i < blocks.length; i++) {
      long x = c;
      if (i > 0) {
        x = blocks[i][1] * c;
        trainable += c * x + 2 * x;
        frozen += 2 * x;
      }
      trainable += 9 * x + 2 * x;
      frozen += 2 * x;
      long out = divisible((int) (blocks[i][0] * alpha));
      trainable += x * out + 2 * out;
      frozen += 2 * out;
      c = out;
    }
    long last = alpha > 1.0 ? divisible(1280 * alpha) : 1280;
    trainable += c * last + 2 * last;
    frozen += 2 * last;
    if (top) {
      trainable += last * classes + classes;
    }
    return List.of(trainable + frozen, trainable, frozen);
  }

  /** _make_divisible(v, 8), written again here from the Python source rather than reused. */
  private static long divisible(double v) {
    long r = Math.max(8, (long) Math.floor((long) (v + 4) / 8.0) * 8);
    return r < 0.9 * v ? r + 8 : r;
  }

  private static long[] counts(Model model) {
    long total = 0;
    long trainable = 0;
    for (Variable v : model.variables()) {
      total += v.shape().size();
    }
    for (Variable v : model.trainableVariables()) {
      trainable += v.shape().size();
    }
    assertEquals(total, model.countParams());
    return new long[] {total, trainable, total - trainable};
  }

  private static List<String> names(Model model) {
    List<String> out = new ArrayList<>();
    for (Variable v : model.variables()) {
      out.add(v.name());
    }
    return out;
  }

  private static List<String> names(List<Layer> layers) {
    List<String> out = new ArrayList<>();
    for (Layer l : layers) {
      out.add(l.name());
    }
    return out;
  }

  private static void assertShape(Shape expected, Layer layer) {
    Shape actual = layer.outputShape().orElseThrow();
    assertTrue(Shapes.same(expected, actual), layer.name() + ": expected " + expected + ", got " + actual);
  }
}
