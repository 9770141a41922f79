package dev.keraslite.layers;

import static dev.keraslite.layers.LayerTestHarness.assertClose;
import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.models.Input;
import dev.keraslite.models.Model;
import dev.keraslite.models.Sequential;
import dev.keraslite.saving.LayerRegistry;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Masks (Keras's {@code _keras_mask}): made by {@code Embedding(maskZero)} and {@code Masking},
 * passed on by the layers that support masking, and honoured by the recurrent layers. The oracle
 * is Keras's definition: a recurrent layer on padded sequences with a mask gives what it gives on
 * the same sequences without the padding.
 */
class MaskingTest {
  /** Two sequences of token ids: the first padded at the end, the second at the start. */
  private static final float[][] PADDED = {{3, 5, 2, 0, 0}, {0, 0, 7, 1, 4}};

  private static final float[][] UNPADDED = {{3, 5, 2}, {7, 1, 4}};

  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  private static boolean[] bools(Operand<TBool> mask) {
    boolean[][] m = StdArrays.array2dCopyOf(mask.asTensor());
    boolean[] flat = new boolean[m.length * m[0].length];
    for (int i = 0; i < m.length; i++) {
      System.arraycopy(m[i], 0, flat, i * m[0].length, m[0].length);
    }
    return flat;
  }

  private static float[] row(float[] all, int row, int width) {
    return Arrays.copyOfRange(all, row * width, (row + 1) * width);
  }

  @Test
  void embeddingMaskZeroMakesTheMaskAndLstmOnPaddedEqualsLstmOnUnpadded() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Embedding embedding = new Embedding(10, 3).maskZero(true);
      LSTM lstm = new LSTM(4);
      Operand<TFloat32> embedded = embedding.apply(tf, tf.constant(PADDED));
      assertArrayEquals(
          new boolean[] {true, true, true, false, false, false, false, true, true, true},
          bools(Layer.kerasMask(embedded)), "mask = ids != 0");
      float[] padded = values(lstm.apply(tf, embedded));
      for (int i = 0; i < 2; i++) {
        Operand<TFloat32> alone = embedding.apply(tf, tf.constant(new float[][] {UNPADDED[i]}));
        assertNull(Layer.kerasMask(tf.identity(alone)), "a new tensor carries no mask");
        assertClose(values(lstm.apply(tf, alone)), row(padded, i, 4), 1e-6, "sequence " + i);
      }
      // Without the mask the padding changes the result: the test above can fail.
      Embedding plain = new Embedding(10, 3);
      plain.apply(tf, tf.constant(PADDED));
      plain.setWeights(embedding.getWeights());
      float[] unmasked = values(lstm.apply(tf, plain.apply(tf, tf.constant(PADDED))));
      assertNull(Layer.kerasMask(plain.apply(tf, tf.constant(PADDED))), "no maskZero, no mask");
      assertFalse(Arrays.equals(unmasked, padded), "padding without a mask counts");
    }
  }

  @Test
  void maskedStepsRepeatThePreviousOutputAndKeepTheState() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Embedding embedding = new Embedding(10, 3).maskZero(true);
      GRU gru = new GRU(2).returnSequences(true).returnState(true);
      Operand<TFloat32> embedded = embedding.apply(tf, tf.constant(PADDED));
      List<Operand<TFloat32>> out = gru.applyOutputs(tf, List.of(embedded));
      float[] seq = values(out.get(0)); // [2, 5, 2]
      float[] state = values(out.get(1)); // [2, 2]
      // Keras: output at a masked step = previous output; zeros before the first real step.
      assertArrayEquals(row(seq, 2, 2), row(seq, 3, 2), "sequence 0, step 3 repeats step 2");
      assertArrayEquals(row(seq, 2, 2), row(seq, 4, 2), "sequence 0, step 4 repeats step 2");
      assertArrayEquals(new float[4], Arrays.copyOfRange(seq, 10, 14), "sequence 1, leading masked steps");
      assertArrayEquals(row(seq, 2, 2), row(state, 0, 2), "final state of sequence 0 = last real step");
      assertArrayEquals(row(seq, 9, 2), row(state, 1, 2), "final state of sequence 1");
      // The sequences carry the mask on; the state does not.
      assertArrayEquals(bools(Layer.kerasMask(embedded)), bools(Layer.kerasMask(out.get(0))), "output mask");
      assertNull(Layer.kerasMask(out.get(1)), "state mask");
      Operand<TFloat32> last = new GRU(2).apply(tf, embedded);
      assertNull(Layer.kerasMask(last), "a last output has no mask");
    }
  }

  @Test
  void goBackwardsReadsTheMaskBackwards() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Embedding embedding = new Embedding(10, 3).maskZero(true);
      SimpleRNN rnn = new SimpleRNN(3).goBackwards(true);
      float[] padded = values(rnn.apply(tf, embedding.apply(tf, tf.constant(PADDED))));
      for (int i = 0; i < 2; i++) {
        float[] alone = values(rnn.apply(tf, embedding.apply(tf, tf.constant(new float[][] {UNPADDED[i]}))));
        assertClose(alone, row(padded, i, 3), 1e-6, "backwards, sequence " + i);
      }
    }
  }

  @Test
  void bidirectionalHonoursTheMask() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Embedding embedding = new Embedding(10, 3).maskZero(true);
      Bidirectional bi = new Bidirectional(new LSTM(3));
      float[] padded = values(bi.apply(tf, embedding.apply(tf, tf.constant(PADDED))));
      for (int i = 0; i < 2; i++) {
        float[] alone = values(bi.apply(tf, embedding.apply(tf, tf.constant(new float[][] {UNPADDED[i]}))));
        assertClose(alone, row(padded, i, 6), 1e-6, "bidirectional, sequence " + i);
      }
      Bidirectional seq = new Bidirectional(new GRU(2).returnSequences(true));
      Operand<TFloat32> embedded = embedding.apply(tf, tf.constant(PADDED));
      Operand<TFloat32> out = seq.apply(tf, embedded);
      assertArrayEquals(bools(Layer.kerasMask(embedded)), bools(Layer.kerasMask(out)), "sequences keep the mask");
      // Keras 3's Bidirectional sets zero_output_for_mask: masked steps are zeros in both directions,
      // and the real steps are those of the unpadded sequence.
      float[] padSeq = values(out); // [2, 5, 4]
      int[] firstReal = {0, 2};
      for (int i = 0; i < 2; i++) {
        float[] alone = values(seq.apply(tf, embedding.apply(tf, tf.constant(new float[][] {UNPADDED[i]}))));
        for (int t = 0; t < 5; t++) {
          float[] step = row(padSeq, i * 5 + t, 4);
          int real = t - firstReal[i];
          if (real < 0 || real >= 3) {
            assertArrayEquals(new float[4], step, "sequence " + i + ", masked step " + t);
          } else {
            assertClose(row(alone, real, 4), step, 1e-6, "sequence " + i + ", step " + t);
          }
        }
      }
    }
  }

  @Test
  void maskingLayerThroughTheHarness() {
    float[] x = {
      0.5f, 0.5f, 1f, 2f, 0.5f, 0.5f,
      3f, 0.5f, 0.5f, 0.5f, 0.5f, -1f
    }; // [2, 3, 2]: masked steps (0,0), (0,2), (1,1)
    float[] expected = {0, 0, 1, 2, 0, 0, 3, 0.5f, 0, 0, 0.5f, -1};
    LayerTestHarness.of(() -> new Masking(0.5))
        .input(new long[] {2, 3, 2}, x)
        .expectOutputShape(2, 3, 2)
        .expectParams(0)
        .oracle((tf, in, w) -> tf.reshape(tf.constant(expected), tf.constant(new long[] {2, 3, 2})), 0)
        .run();
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> out =
          new Masking(0.5).apply(tf, tf.reshape(tf.constant(x), tf.constant(new long[] {2, 3, 2})));
      assertArrayEquals(new boolean[] {false, true, false, true, false, true}, bools(Layer.kerasMask(out)));
    }
  }

  @Test
  void maskingLayerBeforeAnLstmEqualsTheLstmOnUnpaddedSequences() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      float[][][] x = {{{1, 2}, {3, 4}, {0, 0}}, {{0, 0}, {5, -6}, {0, 7}}}; // (0, 7) is not all zero
      Masking masking = new Masking();
      LSTM lstm = new LSTM(3);
      float[] padded = values(lstm.apply(tf, masking.apply(tf, tf.constant(x))));
      float[] first = values(lstm.apply(tf, tf.constant(new float[][][] {{{1, 2}, {3, 4}}})));
      float[] second = values(lstm.apply(tf, tf.constant(new float[][][] {{{5, -6}, {0, 7}}})));
      assertClose(first, row(padded, 0, 3), 1e-6, "sequence 0");
      assertClose(second, row(padded, 1, 3), 1e-6, "sequence 1");
    }
  }

  @Test
  void theMaskFlowsThroughSequentialAndFunctionalModels() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Embedding embedding = new Embedding(10, 3).maskZero(true);
      Dropout dropout = new Dropout(0.5);
      LSTM lstm = new LSTM(4);
      Dense dense = new Dense(2);
      Sequential sequential = new Sequential(Input.of(5), embedding, dropout, lstm, dense);
      KerasTensor in = Input.of(5);
      Model functional = Model.of(in, dense.apply(lstm.apply(dropout.apply(embedding.apply(in)))));
      FloatNdArray batch = StdArrays.ndCopyOf(PADDED);
      sequential.build(tf);
      float[] bySequential = values(tf.constant(sequential.predict(batch, 2)));
      float[] byFunctional = values(functional.apply(tf, tf.constant(PADDED)));
      for (int i = 0; i < 2; i++) {
        Operand<TFloat32> one = tf.constant(new float[][] {UNPADDED[i]});
        float[] alone = values(dense.apply(tf, lstm.apply(tf, dropout.apply(tf, embedding.apply(tf, one)))));
        assertClose(alone, row(bySequential, i, 2), 1e-5, "Sequential, sequence " + i);
        assertClose(alone, row(byFunctional, i, 2), 1e-5, "functional, sequence " + i);
      }
    }
  }

  @Test
  void aLayerWithoutMaskSupportDropsTheMask() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> embedded = new Embedding(10, 3).maskZero(true).apply(tf, tf.constant(PADDED));
      Operand<TFloat32> conv = new Conv1D(3, 1).apply(tf, embedded);
      assertNull(Layer.kerasMask(conv), "Conv1D does not support masking (Keras 3: the mask is dropped)");
      assertTrue(new Dense(3).supportsMasking(), "Dense passes masks on, as in Keras 3");
      assertNull(Layer.kerasMask(new Flatten().apply(tf, embedded)), "Flatten drops it");
    }
  }

  @Test
  void aMaskOfTheWrongShapeIsRefusedNamingTheLayer() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> x = tf.zeros(tf.constant(new long[] {2, 5, 3}), TFloat32.class);
      Layer.setKerasMask(x, tf.constant(new boolean[][] {{true, true, true}, {true, false, true}}));
      LSTM lstm = new LSTM(4).name("encoder");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lstm.apply(tf, x));
      assertTrue(e.getMessage().contains("LSTM 'encoder'") && e.getMessage().contains("[2, 5]")
          && e.getMessage().contains("[2, 3]"), e.getMessage());
      Layer.setKerasMask(x, null);
      assertNull(Layer.kerasMask(x));
      assertEquals(Shape.of(2, 4), lstm.apply(tf, x).shape());
    }
  }

  @Test
  void configsCarryMaskValueAndMaskZero() {
    Masking masking = (Masking) LayerRegistry.create("Masking", null, new Masking(-1.5).getConfig());
    assertEquals(-1.5, masking.maskValue());
    assertEquals(-1.5, new Masking(-1.5).getConfig().get("mask_value"));
    Embedding embedding = Embedding.fromConfig(new Embedding(4, 2).maskZero(true).getConfig());
    assertTrue(embedding.maskZero());
    assertTrue(embedding.supportsMasking());
    assertFalse(new Embedding(4, 2).supportsMasking());
  }
}
