package dev.keraslite.layers;

import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class DropoutTest {
  @Test
  void inferencePassesTheInputThrough() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new Dropout(0.5)).input(4, 6).expectOutputShape(4, 6).expectParams(0).run();
    assertArrayEquals(r.inputs().get(0), r.output());
  }

  @Test
  void trainingZeroesOrScalesEachElement() {
    double rate = 0.25;
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new Dropout(rate).seed(11))
            .input(8, 16)
            .training(true)
            .expectOutputShape(8, 16)
            .checkInputGradient()
            .run();
    float scale = (float) (1 / (1 - rate));
    float[] x = r.inputs().get(0);
    int zeros = 0;
    for (int i = 0; i < x.length; i++) {
      float y = r.output()[i];
      if (y == 0) {
        zeros++;
      } else {
        assertEquals(x[i] * scale, y, 0f, "kept elements are scaled by 1/(1-rate), element " + i);
      }
    }
    assertTrue(zeros > 0 && zeros < x.length, "some elements dropped, some kept: " + zeros);
  }

  @Test
  void theDropFractionIsTheRate() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> ones = tf.fill(tf.constant(new long[] {1000, 100}), tf.constant(1f));
      float[] y = values(new Dropout(0.3).apply(tf, ones, true));
      long zeros = 0;
      double sum = 0;
      for (float v : y) {
        if (v == 0) {
          zeros++;
        } else {
          assertEquals((float) (1 / 0.7), v, 0f);
        }
        sum += v;
      }
      // 100,000 Bernoulli(0.3) draws: the standard deviation of the fraction is 0.00145.
      assertEquals(0.3, zeros / 1e5, 0.01);
      assertEquals(1.0, sum / 1e5, 0.02, "inverted dropout keeps the expected value");
    }
  }

  private static float[][] twoMasks(Dropout dropout) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> ones = tf.fill(tf.constant(new long[] {20, 50}), tf.constant(1f));
      return new float[][] {values(dropout.apply(tf, ones, true)), values(dropout.apply(tf, ones, true))};
    }
  }

  @Test
  void aSeedGivesAReproducibleSequenceOfMasks() {
    float[][] first = twoMasks(new Dropout(0.5).seed(42));
    float[][] second = twoMasks(new Dropout(0.5).seed(42));
    assertArrayEquals(first[0], second[0], "same seed, fresh context: same first mask");
    assertArrayEquals(first[1], second[1], "same seed, fresh context: same second mask");
    assertFalse(Arrays.equals(first[0], first[1]), "successive applies draw new masks");
    assertFalse(Arrays.equals(first[0], twoMasks(new Dropout(0.5).seed(43))[0]), "another seed, another mask");
  }

  @Test
  void unseededMasksDifferBetweenRuns() {
    assertFalse(Arrays.equals(twoMasks(new Dropout(0.5))[0], twoMasks(new Dropout(0.5))[0]));
  }

  @Test
  void rateZeroAndOneAndNoiseShape() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      float[] data = new float[24];
      for (int i = 0; i < data.length; i++) {
        data[i] = i + 1;
      }
      Operand<TFloat32> x = tf.constant(Shape.of(4, 6), DataBuffers.of(data));
      assertArrayEquals(data, values(new Dropout(0).apply(tf, x, true)));
      assertArrayEquals(new float[24], values(new Dropout(1).apply(tf, x, true)));
      // noiseShape (-1, 1): one decision per row, shared by its 6 columns.
      float[] y = values(new Dropout(0.5).noiseShape(-1, 1).seed(3).apply(tf, x, true));
      for (int row = 0; row < 4; row++) {
        boolean dropped = y[row * 6] == 0;
        for (int c = 0; c < 6; c++) {
          assertEquals(dropped ? 0f : data[row * 6 + c] * 2f, y[row * 6 + c], 0f);
        }
      }
    }
  }

  @Test
  void rateOutsideZeroOneIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5));
    assertEquals("Dropout: rate must be in [0, 1], received 1.5", e.getMessage());
  }
}
