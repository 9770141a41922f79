package dev.keraslite.layers;

import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.activations.Activations;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;

/**
 * Keras 3's layer defaults, pinned. (Initializer and activation defaults are pinned in their own
 * packages' tests.)
 */
class KerasDefaultsTest {
  @Test
  void denseIsLinearWithAGlorotUniformKernelAndAZeroBias() {
    Dense dense = new Dense(500);
    assertNull(dense.activation(), "activation=None: linear");
    assertTrue(dense.useBias());
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      dense.build(tf, Shape.of(-1, 300));
      assertEquals("[300, 500]", dense.kernel().shape().toString(), "kernel [inputDim, units]");
      assertEquals("[500]", dense.bias().shape().toString());
      float[] kernel = values(dense.kernel().value(tf));
      double limit = Math.sqrt(6.0 / (300 + 500));
      double max = 0;
      double sq = 0;
      for (float w : kernel) {
        max = Math.max(max, Math.abs(w));
        sq += (double) w * w;
      }
      assertTrue(max <= limit * (1 + 1e-6) && max >= 0.99 * limit, "glorot_uniform limit " + limit + ", max " + max);
      double std = Math.sqrt(sq / kernel.length);
      assertEquals(limit / Math.sqrt(3), std, 5 / Math.sqrt(2.0 * kernel.length) * limit / Math.sqrt(3));
      assertArrayEquals(new float[500], values(dense.bias().value(tf)), "zeros bias");
      // Linear: negative outputs survive (a relu default would clip them).
      float[] y = values(dense.apply(tf, tf.constant(new float[][] {new float[300]})));
      assertArrayEquals(new float[500], y);
      float[] ones = new float[300];
      java.util.Arrays.fill(ones, 1f);
      float min = 0;
      for (float v : values(dense.apply(tf, tf.constant(new float[][] {ones})))) {
        min = Math.min(min, v);
      }
      assertTrue(min < 0, "linear activation keeps negative outputs");
    }
  }

  @Test
  void axesAndRates() {
    assertEquals(-1, new Softmax().axis());
    assertEquals(-1, new Concatenate().axis());
    assertEquals(0.5, new Dropout(0.5).rate());
    assertEquals("leaky_relu", Activations.leakyRelu().toString());
    assertEquals(0.2f, Activations.LEAKY_RELU_NEGATIVE_SLOPE);
  }
}
