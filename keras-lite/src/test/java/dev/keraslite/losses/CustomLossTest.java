package dev.keraslite.losses;

import static dev.keraslite.losses.TestTensors.assertClose;
import static dev.keraslite.losses.TestTensors.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keraslite.Eager;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The tutorial's custom loss (E11), written by subclassing {@link Loss}, against the built-in. */
class CustomLossTest {
  /** {@code tf.reduce_mean(tf.square(y_pred - y_true))}, as the tutorial's {@code call}. */
  static class MeanSquaredError extends Loss {
    @Override
    public Operand<TFloat32> call(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
      Operand<TFloat32> squared = tf.math.square(tf.math.sub(yPred, yTrue));
      return tf.math.mean(squared, tf.range(tf.constant(0), tf.rank(squared), tf.constant(1)));
    }
  }

  @Test
  void namedAfterItsClassLikeKeras() {
    assertEquals("mean_squared_error", new MeanSquaredError().name());
    assertEquals(Reduction.SUM_OVER_BATCH_SIZE, new MeanSquaredError().reduction());
  }

  @Test
  void equalsTheBuiltInOnTheTutorialsData() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> y = tf.constant(new float[][] {{10f}, {20f}});
      // The linear model's first prediction (zero weights) and its prediction after one SGD step.
      Operand<TFloat32> zeros = tf.constant(new float[][] {{0f}, {0f}});
      Operand<TFloat32> afterOneStep = tf.constant(new float[][] {{8.1f}, {18.9f}});
      Loss custom = new MeanSquaredError();
      Loss builtIn = new dev.keraslite.losses.MeanSquaredError();
      assertClose(250.0, scalar(custom.apply(tf, y, zeros)), "custom, initial loss");
      assertClose(250.0, scalar(builtIn.apply(tf, y, zeros)), "built-in, initial loss");
      double expected = ((10 - 8.1f) * (10 - 8.1f) + (20 - 18.9f) * (20 - 18.9f)) / 2;
      assertClose(expected, scalar(custom.apply(tf, y, afterOneStep)), "custom after one step");
      assertClose(expected, scalar(builtIn.apply(tf, y, afterOneStep)), "built-in after one step");

      float[][] t = {{1f, 2f, 3f}, {-1f, 0.5f, 2f}};
      float[][] p = {{1.5f, 1f, 3.5f}, {0f, 0.5f, -1f}};
      assertEquals(
          scalar(builtIn.apply(tf, tf.constant(t), tf.constant(p))),
          scalar(custom.apply(tf, tf.constant(t), tf.constant(p))),
          1e-6);
    }
  }

  @Test
  void aScalarCustomLossScalesByTheMeanWeightAsInKeras() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> y = tf.constant(new float[][] {{10f}, {20f}});
      Operand<TFloat32> zeros = tf.constant(new float[][] {{0f}, {0f}});
      // Keras multiplies the scalar by each weight and averages: 250 * mean(0.5, 1.5).
      assertClose(
          250.0,
          scalar(new MeanSquaredError().apply(tf, y, zeros, tf.constant(new float[] {0.5f, 1.5f}))),
          "weighted scalar loss");
    }
  }
}
