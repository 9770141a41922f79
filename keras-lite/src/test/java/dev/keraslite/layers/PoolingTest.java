package dev.keraslite.layers;

import static dev.keraslite.layers.LayerTestHarness.assertClose;
import static dev.keraslite.layers.LayerTestHarness.assertShape;
import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.models.Input;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class PoolingTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  // ---- max pooling --------------------------------------------------------------------------

  @Test
  void maxPoolingDefaultsToTwoByTwoWindowsWithStrideTwo() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(MaxPooling2D::new)
            .input(2, 6, 5, 3)
            .expectOutputShape(2, 3, 2, 3)
            .expectParams(0)
            .checkInputGradient()
            .run();
    MaxPooling2D pool = (MaxPooling2D) r.layer();
    assertArrayEquals(new int[] {2, 2}, pool.poolSize());
    assertArrayEquals(new int[] {2, 2}, pool.strides());
    assertEquals("valid", pool.padding());
    double[] expected = pool(r.inputs().get(0), new int[] {2, 6, 5, 3}, new int[] {2, 2}, new int[] {2, 2}, false, true);
    assertClose(expected, r.output(), 0, "2x2 max pooling");
  }

  @Test
  void maxPoolingWithSamePaddingAndOverlappingWindowsMatchesTheReference() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new MaxPooling2D(new int[] {3, 2}).strides(2).padding("same"))
            .input(1, 7, 5, 2)
            .expectOutputShape(1, 4, 3, 2)
            .expectParams(0)
            .run();
    double[] expected = pool(r.inputs().get(0), new int[] {1, 7, 5, 2}, new int[] {3, 2}, new int[] {2, 2}, true, true);
    assertClose(expected, r.output(), 0, "3x2 same max pooling");
  }

  @Test
  void maxPoolingSendsTheGradientToEachWindowsMaximum() {
    float[] x = randomValues(16, 21);
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> input = tf.constant(Shape.of(1, 4, 4, 1), DataBuffers.of(x));
      MaxPooling2D pool = new MaxPooling2D(2).strides(1);
      float[] grad;
      try (GradientTape tape = new GradientTape(tf)) {
        tape.watch(input);
        Operand<TFloat32> y = pool.apply(tf, input);
        Operand<TFloat32> sum = tf.sum(y, tf.constant(new int[] {0, 1, 2, 3}));
        grad = values(tape.gradient(sum, input));
      }
      // d sum(y) / dx = how many windows x is the maximum of (random values: no ties).
      float[] expected = new float[16];
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          int best = -1;
          for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
              int k = (i + a) * 4 + j + b;
              if (best < 0 || x[k] > x[best]) {
                best = k;
              }
            }
          }
          expected[best] += 1;
        }
      }
      assertArrayEquals(expected, grad);
    }
  }

  @Test
  void maxPool2DIsKerasAliasOfMaxPooling2D() {
    MaxPool2D pool = new MaxPool2D(new int[] {2, 2}).strides(2);
    assertEquals("max_pooling2d", pool.name());
    assertEquals("MaxPooling2D", pool.typeName());
    assertEquals("max_pooling2d_1", new MaxPooling2D().name());
    // The tutorial CNN: 28x28x32 -> 14x14x32.
    assertShape(Shape.of(-1, 14, 14, 32), pool.apply(Input.of(28, 28, 32)).shape(), "MaxPool2D on the tutorial's feature maps");
  }

  // ---- average pooling ----------------------------------------------------------------------

  @Test
  void averagePoolingMatchesTheReference() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new AveragePooling2D(new int[] {2, 3}))
            .input(2, 5, 7, 3)
            .expectOutputShape(2, 2, 2, 3)
            .expectParams(0)
            .checkInputGradient()
            .run();
    double[] expected = pool(r.inputs().get(0), new int[] {2, 5, 7, 3}, new int[] {2, 3}, new int[] {2, 3}, false, false);
    assertClose(expected, r.output(), 1e-6, "2x3 average pooling");
  }

  @Test
  void sameAveragePoolingAveragesOnlyPositionsInsideTheImage() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new AveragePooling2D(3).strides(new int[] {2, 1}).padding("same"))
            .input(1, 5, 4, 2)
            .expectOutputShape(1, 3, 4, 2)
            .expectParams(0)
            .run();
    double[] expected = pool(r.inputs().get(0), new int[] {1, 5, 4, 2}, new int[] {3, 3}, new int[] {2, 1}, true, false);
    assertClose(expected, r.output(), 1e-6, "3x3 same average pooling");
  }

  /**
   * Pooling in double precision with TensorFlow's padding rule; padded positions are skipped (never
   * the maximum, not counted in the average).
   */
  static double[] pool(float[] x, int[] xs, int[] window, int[] strides, boolean same, boolean max) {
    int n = xs[0];
    int h = xs[1];
    int w = xs[2];
    int c = xs[3];
    int oh = same ? (h + strides[0] - 1) / strides[0] : (h - window[0]) / strides[0] + 1;
    int ow = same ? (w + strides[1] - 1) / strides[1] : (w - window[1]) / strides[1] + 1;
    int padTop = same ? Math.max((oh - 1) * strides[0] + window[0] - h, 0) / 2 : 0;
    int padLeft = same ? Math.max((ow - 1) * strides[1] + window[1] - w, 0) / 2 : 0;
    double[] out = new double[n * oh * ow * c];
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          for (int ch = 0; ch < c; ch++) {
            double acc = max ? Double.NEGATIVE_INFINITY : 0;
            int count = 0;
            for (int a = 0; a < window[0]; a++) {
              for (int d = 0; d < window[1]; d++) {
                int y = i * strides[0] + a - padTop;
                int xx = j * strides[1] + d - padLeft;
                if (y < 0 || y >= h || xx < 0 || xx >= w) {
                  continue;
                }
                double v = x[((b * h + y) * w + xx) * c + ch];
                acc = max ? Math.max(acc, v) : acc + v;
                count++;
              }
            }
            out[((b * oh + i) * ow + j) * c + ch] = max ? acc : acc / count;
          }
        }
      }
    }
    return out;
  }

  // ---- global pooling -----------------------------------------------------------------------

  @Test
  void globalAveragePoolingAveragesEachChannelOverTheImage() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(GlobalAveragePooling2D::new)
            .input(2, 3, 4, 5)
            .expectOutputShape(2, 5)
            .expectParams(0)
            .checkInputGradient()
            .run();
    assertClose(global(r.inputs().get(0), 2, 12, 5, false), r.output(), 1e-6, "global average pooling");
    LayerTestHarness.of(() -> new GlobalAveragePooling2D().keepdims(true))
        .input(2, 3, 4, 5)
        .expectOutputShape(2, 1, 1, 5)
        .oracle((tf, x, w) -> tf.math.mean(x.get(0), tf.constant(new int[] {1, 2}), org.tensorflow.op.math.Mean.keepDims(true)), 1e-6)
        .run();
  }

  @Test
  void globalMaxPoolingTakesEachChannelsMaximum() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(GlobalMaxPooling2D::new)
            .input(2, 3, 4, 5)
            .expectOutputShape(2, 5)
            .expectParams(0)
            .checkInputGradient()
            .run();
    assertClose(global(r.inputs().get(0), 2, 12, 5, true), r.output(), 0, "global max pooling");
  }

  private static double[] global(float[] x, int n, int positions, int c, boolean max) {
    double[] out = new double[n * c];
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        double acc = max ? Double.NEGATIVE_INFINITY : 0;
        for (int p = 0; p < positions; p++) {
          double v = x[(b * positions + p) * c + ch];
          acc = max ? Math.max(acc, v) : acc + v;
        }
        out[b * c + ch] = max ? acc : acc / positions;
      }
    }
    return out;
  }

  // ---- bad input and lifecycle --------------------------------------------------------------

  @Test
  void poolingRefusesNonImagesAndTooSmallImages() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new MaxPooling2D().apply(Input.of(10, 3)));
    assertEquals("MaxPooling2D 'max_pooling2d': expected input of rank 4, received shape [None, 10, 3].", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new AveragePooling2D(3).apply(Input.of(2, 8, 1)));
    assertTrue(e.getMessage().contains("expected images of at least 3x3 for a 3x3 window with valid padding"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new GlobalAveragePooling2D().apply(Input.of(4)));
    assertTrue(e.getMessage().contains("expected input of rank 4"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new MaxPooling2D(0));
    assertThrows(IllegalArgumentException.class, () -> new MaxPooling2D().padding("full"));
  }

  @Test
  void configurationAfterBuildIsRefused() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      MaxPooling2D pool = new MaxPooling2D();
      pool.apply(tf, tf.zeros(tf.constant(new long[] {1, 4, 4, 1}), TFloat32.class));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.strides(1));
      assertTrue(e.getMessage().contains("cannot change strides after the layer is built"), e.getMessage());
      assertThrows(IllegalStateException.class, () -> pool.padding("same"));
      GlobalAveragePooling2D global = new GlobalAveragePooling2D();
      global.apply(tf, tf.zeros(tf.constant(new long[] {1, 4, 4, 1}), TFloat32.class));
      assertThrows(IllegalStateException.class, () -> global.keepdims(true));
    }
  }

  private static float[] randomValues(int n, long seed) {
    Random random = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = random.nextFloat() * 2 - 1;
    }
    return v;
  }
}
