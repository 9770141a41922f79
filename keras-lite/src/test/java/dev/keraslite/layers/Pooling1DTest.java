package dev.keraslite.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class Pooling1DTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  /**
   * The plain-Java oracle: each window of {@code pool} steps starting at {@code o * stride -
   * before}, positions outside the input ignored (so "same" averages over the real positions and
   * padded positions never win the max), as TensorFlow's pooling ops define it.
   */
  static double[] pool1d(
      float[] x, int batch, int steps, int channels, boolean channelsFirst, int pool, int stride,
      boolean same, boolean max) {
    int out = same ? (steps + stride - 1) / stride : (steps - pool) / stride + 1;
    int before = same ? Math.max((out - 1) * stride + pool - steps, 0) / 2 : 0;
    double[] y = new double[batch * out * channels];
    for (int b = 0; b < batch; b++) {
      for (int o = 0; o < out; o++) {
        for (int c = 0; c < channels; c++) {
          double acc = max ? Double.NEGATIVE_INFINITY : 0;
          int n = 0;
          for (int t = 0; t < pool; t++) {
            int i = o * stride - before + t;
            if (i < 0 || i >= steps) {
              continue;
            }
            float v = channelsFirst ? x[(b * channels + c) * steps + i] : x[(b * steps + i) * channels + c];
            acc = max ? Math.max(acc, v) : acc + v;
            n++;
          }
          int idx = channelsFirst ? (b * channels + c) * out + o : (b * out + o) * channels + c;
          y[idx] = max ? acc : acc / n;
        }
      }
    }
    return y;
  }

  private static LayerTestHarness.Oracle oracle(
      int batch, int steps, int channels, boolean channelsFirst, int pool, int stride, boolean same, boolean max) {
    return (tf, xs, w) -> {
      double[] y = pool1d(LayerTestHarness.values(xs.get(0)), batch, steps, channels, channelsFirst, pool, stride, same, max);
      float[] f = new float[y.length];
      for (int i = 0; i < y.length; i++) {
        f[i] = (float) y[i];
      }
      return tf.constant(f);
    };
  }

  @Test
  void maxPoolingDefaultsToWindowsOfTwoWithStrideTwo() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(MaxPooling1D::new)
            .input(2, 7, 3)
            .expectOutputShape(2, 3, 3)
            .expectParams(0)
            .oracle(oracle(2, 7, 3, false, 2, 2, false, true), 0)
            .checkInputGradient()
            .run();
    MaxPooling1D pool = (MaxPooling1D) r.layer();
    assertEquals(2, pool.poolSize());
    assertEquals(2, pool.strides());
    assertEquals("valid", pool.padding());
    assertEquals("channels_last", pool.dataFormat());
  }

  @Test
  void maxPoolingSamePaddingOverlappingWindowsChannelsFirst() {
    LayerTestHarness.of(() -> new MaxPooling1D(3).strides(2).padding("same").dataFormat("channels_first"))
        .input(2, 3, 8)
        .expectOutputShape(2, 3, 4)
        .oracle(oracle(2, 8, 3, true, 3, 2, true, true), 0)
        .checkInputGradient()
        .run();
  }

  @Test
  void averagePoolingValidAndSame() {
    LayerTestHarness.of(() -> new AveragePooling1D(3).strides(1))
        .input(2, 6, 2)
        .expectOutputShape(2, 4, 2)
        .oracle(oracle(2, 6, 2, false, 3, 1, false, false), 1e-6)
        .checkInputGradient()
        .run();
    // Same padding: the edge windows average only the positions inside the input.
    LayerTestHarness.of(() -> new AveragePooling1D(4).strides(3).padding("same"))
        .input(1, 8, 3)
        .expectOutputShape(1, 3, 3)
        .oracle(oracle(1, 8, 3, false, 4, 3, true, false), 1e-6)
        .run();
    LayerTestHarness.of(() -> new AveragePooling1D().dataFormat("channels_first"))
        .input(2, 3, 5)
        .expectOutputShape(2, 3, 2)
        .oracle(oracle(2, 5, 3, true, 2, 2, false, false), 1e-6)
        .checkInputGradient()
        .run();
  }

  @Test
  void badInputAndOptions() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      MaxPooling1D pool = new MaxPooling1D(4).name("mp");
      IllegalArgumentException shortInput =
          assertThrows(IllegalArgumentException.class, () -> pool.apply(tf, tf.zeros(tf.constant(new long[] {2, 3, 5}), TFloat32.class)));
      assertEquals("MaxPooling1D 'mp': expected sequences of at least 4 steps (axis 1) for a window of 4 with valid"
          + " padding, received shape [2, 3, 5].", shortInput.getMessage());
      IllegalArgumentException rank =
          assertThrows(IllegalArgumentException.class, () -> new AveragePooling1D().name("ap").apply(tf, tf.zeros(tf.constant(new long[] {2, 3, 5, 1}), TFloat32.class)));
      assertTrue(rank.getMessage().startsWith("AveragePooling1D 'ap'") && rank.getMessage().contains("[2, 3, 5, 1]"), rank.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> new MaxPooling1D(0));
    assertThrows(IllegalArgumentException.class, () -> new MaxPooling1D().strides(0));
    assertThrows(IllegalArgumentException.class, () -> new AveragePooling1D().padding("causal"));
    assertThrows(IllegalArgumentException.class, () -> new AveragePooling1D().dataFormat("nwc"));
  }

  @Test
  void configUsesKeras3KeysAndRoundTrips() {
    Map<String, Object> c = new MaxPooling1D(3).name("max_pooling1d_2").padding("same").getConfig();
    assertEquals(List.of("name", "trainable", "dtype", "pool_size", "padding", "strides", "data_format"),
        new ArrayList<>(c.keySet()));
    assertEquals(List.of(3), c.get("pool_size"));
    assertEquals(List.of(3), c.get("strides"));
    assertEquals("same", c.get("padding"));
    assertEquals("channels_last", c.get("data_format"));
    assertEquals(c, MaxPooling1D.fromConfig(c).getConfig());

    Map<String, Object> avg = new AveragePooling1D(2).strides(1).dataFormat("channels_first").getConfig();
    assertEquals(avg, AveragePooling1D.fromConfig(avg).getConfig());

    // tf.keras 2 writes integers in lists and strides null for the default.
    Map<String, Object> keras2 = new LinkedHashMap<>();
    keras2.put("name", "average_pooling1d_1");
    keras2.put("pool_size", List.of(4));
    keras2.put("strides", null);
    keras2.put("padding", "valid");
    AveragePooling1D loaded = AveragePooling1D.fromConfig(keras2);
    assertEquals(4, loaded.poolSize());
    assertEquals(4, loaded.strides());
    assertEquals("average_pooling1d_1", loaded.name());
    assertEquals(2, MaxPooling1D.fromConfig(Map.of()).poolSize());
  }

  /**
   * Both max-pooling layers build TensorFlow's {@code MaxPool} (window and strides as attributes),
   * which oneDNN runs, and not {@code MaxPoolV2}, which TensorFlow's oneDNN rewrite leaves to Eigen.
   */
  @Test
  void maxPoolingBuildsMaxPoolNotMaxPoolV2() {
    for (Layer layer : List.of(new MaxPooling1D(2), new MaxPooling2D(2))) {
      try (org.tensorflow.Graph g = new org.tensorflow.Graph()) {
        Ops tf = Ops.create(g);
        org.tensorflow.ndarray.Shape shape =
            layer instanceof MaxPooling1D
                ? org.tensorflow.ndarray.Shape.of(-1, 8, 3)
                : org.tensorflow.ndarray.Shape.of(-1, 8, 8, 3);
        layer.apply(tf, tf.placeholder(TFloat32.class, org.tensorflow.op.core.Placeholder.shape(shape)));
        List<String> types = new ArrayList<>();
        g.operations().forEachRemaining(op -> types.add(op.type()));
        String name = layer.getClass().getSimpleName();
        assertTrue(types.contains("MaxPool"), name + ": " + types);
        assertTrue(!types.contains("MaxPoolV2"), name + ": " + types);
      }
    }
  }
}
