package dev.keraslite.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;

/** Bad arguments fail with messages naming the loss, the expected and the received value. */
@SuppressWarnings({"unchecked", "rawtypes"})
class LossErrorsTest {
  private Eager eager;
  private Ops tf;

  @BeforeEach
  void open() {
    eager = Eager.create();
    tf = eager.tf();
  }

  @AfterEach
  void close() {
    eager.close();
  }

  private static void assertMessage(IllegalArgumentException e, String... fragments) {
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "'" + f + "' missing from: " + e.getMessage());
    }
  }

  @Test
  void mismatchedShapes() {
    Operand<TFloat32> yTrue = tf.constant(new float[][] {{1, 2, 3}, {4, 5, 6}});
    Operand<TFloat32> yPred = tf.constant(new float[][] {{1, 2, 3, 4}, {4, 5, 6, 7}});
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new MeanSquaredError().apply(tf, yTrue, yPred));
    assertMessage(e, "'mean_squared_error'", "[2, 4]", "[2, 3]");
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new CategoricalCrossentropy().apply(tf, yTrue, yPred));
    assertMessage(e, "'categorical_crossentropy'", "[2, 4]", "[2, 3]");
  }

  @Test
  void trailingDimensionOfOneIsAligned() {
    Operand<TFloat32> column = tf.constant(new float[][] {{1}, {2}});
    Operand<TFloat32> vector = tf.constant(new float[] {1.5f, 1f});
    float loss = new MeanSquaredError().apply(tf, column, vector).asTensor().getFloat();
    assertEquals((0.25f + 1f) / 2, loss, 1e-6);
  }

  @Test
  void sparseLabelsMustDropTheClassAxis() {
    Operand<TFloat32> probs = tf.constant(new float[][] {{0.2f, 0.8f}, {0.6f, 0.4f}});
    Operand<TInt32> threeLabels = tf.constant(new int[] {0, 1, 1});
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new SparseCategoricalCrossentropy().apply(tf, threeLabels, probs));
    assertMessage(e, "'sparse_categorical_crossentropy'", "expected y_true of shape [2]", "[3]");
    Operand<TInt32> oneHotShaped = tf.constant(new int[][] {{0, 1}, {1, 0}});
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new SparseCategoricalCrossentropy().apply(tf, oneHotShaped, probs));
    assertMessage(e, "[2, 2]");
  }

  @Test
  void wrongDtypes() {
    Operand<TFloat32> yTrue = tf.constant(new float[] {1, 2});
    // float64 predictions (a float64 model's) are cast to float32; half precision is refused.
    Operand doubles = tf.constant(new double[] {1.5, 2});
    assertEquals(
        0.25f, ((TFloat32) new MeanAbsoluteError().apply(tf, yTrue, (Operand<TFloat32>) doubles).asTensor()).getFloat());
    Operand halves = tf.dtypes.cast(tf.constant(new float[] {1, 2}), org.tensorflow.types.TFloat16.class);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new MeanAbsoluteError().apply(tf, yTrue, (Operand<TFloat32>) halves));
    assertMessage(e, "'mean_absolute_error'", "y_pred of dtype float32", "float16");
    Operand strings = tf.constant(org.tensorflow.ndarray.NdArrays.vectorOfObjects("a", "b"));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new MeanAbsoluteError().apply(tf, strings, yTrue));
    assertMessage(e, "y_true of a number dtype", "string");
    Operand bools = tf.constant(new boolean[] {true, false});
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new MeanAbsoluteError().apply(tf, yTrue, yTrue, bools));
    assertMessage(e, "sample_weight of a number dtype", "bool");
    assertInstanceOf(TFloat64.class, doubles.asTensor());
  }

  @Test
  void sampleWeightsThatDoNotBroadcast() {
    Operand<TFloat32> y = tf.constant(new float[][] {{1, 2}, {3, 4}});
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new MeanSquaredError().apply(tf, y, y, tf.constant(new float[] {1, 2, 3})));
    assertMessage(e, "'mean_squared_error'", "sample_weight of shape [3]", "[2]");
  }

  @Test
  void badConfiguration() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new BinaryCrossentropy(false, 1.5f));
    assertMessage(e, "label_smoothing must be in [0, 1]", "1.5");
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new CategoricalCrossentropy(false, -0.1f));
    assertMessage(e, "categorical_crossentropy");
    e = assertThrows(IllegalArgumentException.class, () -> Reduction.fromKerasName("average"));
    assertMessage(e, "sum_over_batch_size", "average");
    assertEquals(Reduction.NONE, Reduction.fromKerasName(null));
    assertEquals(Reduction.MEAN_WITH_SAMPLE_WEIGHT, Reduction.fromKerasName("mean_with_sample_weight"));
  }

  @Test
  void lossesByKerasName() {
    assertInstanceOf(SparseCategoricalCrossentropy.class, Losses.get("sparse_categorical_crossentropy"));
    assertInstanceOf(MeanSquaredError.class, Losses.get("mse"));
    assertInstanceOf(MeanSquaredError.class, Losses.get("MSE"));
    assertInstanceOf(MeanAbsoluteError.class, Losses.get("mae"));
    assertInstanceOf(CategoricalCrossentropy.class, Losses.get("categorical_crossentropy"));
    assertInstanceOf(BinaryCrossentropy.class, Losses.get("binary_crossentropy"));
    assertInstanceOf(KLDivergence.class, Losses.get("kld"));
    assertInstanceOf(Huber.class, Losses.get("Huber"));
    assertEquals("mean_squared_error", Losses.get("mse").name());
    assertEquals("huber_loss", Losses.get("huber").name());
    assertEquals(Reduction.SUM_OVER_BATCH_SIZE, Losses.get("binary_crossentropy").reduction());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Losses.get("sparse_crossentropy"));
    assertMessage(e, "Unknown loss 'sparse_crossentropy'; valid: ", "sparse_categorical_crossentropy");
  }
}
