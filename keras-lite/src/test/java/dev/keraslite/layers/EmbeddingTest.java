package dev.keraslite.layers;

import static dev.keraslite.layers.LayerTestHarness.assertShape;
import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.models.Input;
import dev.keraslite.initializers.Initializers;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

class EmbeddingTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  @Test
  void floatIndicesPickRowsOfTheTable() {
    float[] ids = {3, 0, 7, 3, 9, 3};
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new Embedding(10, 4))
            .input(new long[] {2, 3}, ids)
            .expectOutputShape(2, 3, 4)
            .expectWeight("embeddings", 10, 4)
            .expectParams(40)
            // Independent route: one-hot rows times the table.
            .oracle(
                (tf, x, w) ->
                    tf.reshape(
                        tf.linalg.matMul(
                            tf.oneHot(
                                tf.reshape(tf.dtypes.cast(x.get(0), TInt32.class), tf.constant(new int[] {-1})),
                                tf.constant(10), tf.constant(1f), tf.constant(0f)),
                            w.get(0)),
                        tf.constant(new int[] {2, 3, 4})),
                1e-6)
            .learningRate(0.5)
            .run();
    float[] table = r.weights().get(0);
    float[] expected = new float[ids.length * 4];
    for (int i = 0; i < ids.length; i++) {
      System.arraycopy(table, (int) ids[i] * 4, expected, i * 4, 4);
    }
    assertArrayEquals(expected, r.output());
    // Keras 3's default "uniform": U[-0.05, 0.05).
    for (float v : table) {
      assertTrue(v >= -0.05f && v < 0.05f, "embedding value " + v);
    }
  }

  @Test
  void integerIndicesOfAnyRankAreLookedUp() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Embedding embedding = new Embedding(5, 2).embeddingsInitializer(Initializers.randomNormal(0, 1, 9));
      Operand<TInt32> ids = tf.constant(new int[][][] {{{4, 1}}, {{0, 4}}});
      Operand<TFloat32> y = embedding.lookup(tf, ids);
      assertShape(Shape.of(2, 1, 2, 2), y.shape(), "rank-3 indices");
      float[] table = values(embedding.embeddings().value(tf));
      int[] flat = {4, 1, 0, 4};
      float[] expected = new float[8];
      for (int i = 0; i < 4; i++) {
        System.arraycopy(table, flat[i] * 2, expected, i * 2, 2);
      }
      assertArrayEquals(expected, values(y));

      Operand<TInt64> longIds = tf.constant(new long[] {2});
      assertArrayEquals(Arrays.copyOfRange(table, 4, 6), values(embedding.lookup(tf, longIds)));
      // Float indices through apply are truncated as Keras's cast to int32.
      assertArrayEquals(Arrays.copyOfRange(table, 6, 8), values(embedding.apply(tf, tf.constant(new float[] {3.7f}))));
      assertEquals(1, embedding.variables().size());
    }
  }

  @Test
  void gradientsAccumulateOnTheRowsThatWereLookedUp() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Embedding embedding = new Embedding(6, 3);
      int[] ids = {1, 4, 1, 1, 5};
      float[] upstream = new float[ids.length * 3];
      for (int i = 0; i < upstream.length; i++) {
        upstream[i] = i * 0.5f - 3;
      }
      float[] grad;
      try (GradientTape tape = new GradientTape(tf)) {
        Operand<TFloat32> y = embedding.lookup(tf, tf.constant(ids));
        Operand<TFloat32> loss =
            tf.sum(tf.math.mul(y, tf.constant(Shape.of(ids.length, 3), DataBuffers.of(upstream))), tf.constant(new int[] {0, 1}));
        @SuppressWarnings("unchecked")
        Operand<TFloat32> g = (Operand<TFloat32>) tape.gradient(loss, embedding.embeddings());
        grad = values(tf.reshape(g, tf.constant(new int[] {6, 3})));
      }
      float[] expected = new float[18];
      for (int i = 0; i < ids.length; i++) {
        for (int j = 0; j < 3; j++) {
          expected[ids[i] * 3 + j] += upstream[i * 3 + j];
        }
      }
      assertArrayEquals(expected, grad, 1e-6f);
    }
  }

  @Test
  void symbolicShapesAndBadArguments() {
    Embedding embedding = new Embedding(100, 8);
    assertShape(Shape.of(-1, 5, 8), embedding.apply(Input.of(5)).shape(), "symbolic output");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Embedding(0, 3));
    assertEquals("Embedding: inputDim and outputDim must be positive integers, received inputDim=0, outputDim=3", e.getMessage());
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      embedding.lookup(tf, tf.constant(new int[] {1}));
      IllegalStateException late =
          assertThrows(IllegalStateException.class, () -> embedding.embeddingsInitializer(Initializers.zeros()));
      assertTrue(late.getMessage().contains("cannot change embeddingsInitializer after the layer is built"), late.getMessage());
    }
  }
}
