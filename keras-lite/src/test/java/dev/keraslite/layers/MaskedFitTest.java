package dev.keraslite.layers;

import static dev.keraslite.layers.LayerTestHarness.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.KerasLite;
import dev.keraslite.callbacks.History;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;

/**
 * {@code fit} on padded sequences: Embedding(maskZero) + LSTM learns a label set by the last real
 * token, which sits at a different position in every sequence, and the trained model gives a padded
 * sequence the prediction of the same sequence unpadded. Compiled and eager steps both.
 */
class MaskedFitTest {
  private static final int N = 256;
  private static final int T = 6;

  @Test
  void fitOnPaddedSequencesLearnsAndPaddingChangesNothing() {
    Random r = new Random(4);
    FloatNdArray x = NdArrays.ofFloats(Shape.of(N, T));
    IntNdArray y = NdArrays.ofInts(Shape.of(N));
    int[] lengths = new int[N];
    for (int i = 0; i < N; i++) {
      int len = 1 + r.nextInt(T);
      lengths[i] = len;
      int last = 0;
      for (int t = 0; t < len; t++) {
        last = 1 + r.nextInt(4);
        x.setFloat(last, i, t);
      }
      y.setInt(last > 2 ? 1 : 0, i);
    }
    for (boolean eagerly : new boolean[] {false, true}) {
      Layer.clearNameCounters();
      try (Eager eager = Eager.create()) {
        KerasLite.setRandomSeed(3);
        Embedding embedding = new Embedding(5, 4).maskZero(true);
        LSTM lstm = new LSTM(8);
        Dense head = new Dense(2);
        Sequential model = new Sequential(Input.of(T), embedding, lstm, head);
        model.compile(eager.tf(), new Adam(2e-2f), new SparseCategoricalCrossentropy(true), "accuracy");
        model.setRunEagerly(eagerly);
        History h = model.fit(x, y, FitOptions.epochs(15).batchSize(32).shuffle(false).verbose(0));
        List<Double> accuracy = h.history().get("accuracy");
        assertTrue(accuracy.get(accuracy.size() - 1) > 0.95, (eagerly ? "eager" : "compiled") + " accuracy " + accuracy);
        FloatNdArray predicted = model.predict(x.slice(org.tensorflow.ndarray.index.Indices.range(0, 8)), 8);
        for (int i = 0; i < 8; i++) {
          float[] ids = new float[lengths[i]];
          for (int t = 0; t < ids.length; t++) {
            ids[t] = x.getFloat(i, t);
          }
          var tf = eager.tf();
          float[] alone = LayerTestHarness.values(
              head.apply(tf, lstm.apply(tf, embedding.apply(tf, tf.constant(new float[][] {ids})))));
          float[] padded = {predicted.getFloat(i, 0), predicted.getFloat(i, 1)};
          assertClose(alone, padded, 1e-4, "sequence " + i + " of length " + ids.length);
        }
      }
    }
  }
}
