package dev.keraslite.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.KerasLite;
import dev.keraslite.callbacks.History;
import dev.keraslite.layers.Dense;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.metrics.SparseCategoricalAccuracy;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@code predict(x)} and {@code evaluate(x, y)} take no {@code Ops}: a compiled model runs in its
 * compile context, a built one in its weights' context, and the results are the model's own outputs.
 */
class PredictWithoutOpsTest {
  private static final int N = 37;

  private static FloatNdArray features(long seed) {
    Random r = new Random(seed);
    float[] v = new float[N * 4];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return NdArrays.wrap(Shape.of(N, 4), DataBuffers.of(v, false, false));
  }

  /** The label is the larger of the first two features' index: learnable by the model. */
  private static IntNdArray labels(FloatNdArray x) {
    IntNdArray y = NdArrays.ofInts(Shape.of(N));
    for (int i = 0; i < N; i++) {
      y.setInt(x.getFloat(i, 0) > x.getFloat(i, 1) ? 0 : 1, i);
    }
    return y;
  }

  private static Sequential model() {
    return new Sequential(Input.of(4), new Dense(5), new Dense(2));
  }

  /** {@code model.apply(tf, x)} on the whole array, as host floats. */
  private static float[] applied(Ops tf, Model m, FloatNdArray x) {
    try (TFloat32 t = m.apply(tf, tf.constant(x)).asTensor()) {
      float[] out = new float[Math.toIntExact(t.shape().size())];
      t.copyTo(DataBuffers.of(out, false, false));
      return out;
    }
  }

  private static float[] flat(FloatNdArray a) {
    float[] out = new float[Math.toIntExact(a.shape().size())];
    a.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  @Test
  void predictOfANeverCompiledModelEqualsApply() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      KerasLite.setRandomSeed(11);
      Sequential m = model();
      IllegalStateException unbuilt = assertThrows(IllegalStateException.class, () -> m.predict(features(1)));
      assertTrue(unbuilt.getMessage().contains("'sequential") && unbuilt.getMessage().contains("build"),
          unbuilt.getMessage());
      m.build(tf, Shape.of(-1, 4));
      FloatNdArray x = features(1);
      FloatNdArray p = m.predict(x, 8); // 37 rows: a partial last batch
      assertEquals(Shape.of(N, 2), p.shape());
      assertArrayEquals(applied(tf, m, x), flat(p), 1e-5f);
      assertArrayEquals(flat(p), flat(m.predict(x)), 0f, "default batch size, same numbers");
      m.setRunEagerly(true);
      assertArrayEquals(flat(p), flat(m.predict(x, 8)), 1e-5f, "eager predict, same numbers");
    }
  }

  @Test
  void predictAndEvaluateOfACompiledModelNeedNoOps() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      KerasLite.setRandomSeed(12);
      FloatNdArray x = features(2);
      IntNdArray y = labels(x);
      Sequential m = model();
      SparseCategoricalAccuracy accuracy = new SparseCategoricalAccuracy();
      m.compile(tf, new Adam(1e-2f), new SparseCategoricalCrossentropy(true), accuracy);
      assertTrue(accuracy.built(), "compile builds the metric in the model's context");
      // Compiled but never fit or built: predict builds the model in the compile context.
      FloatNdArray before = m.predict(x, 16);
      assertArrayEquals(applied(tf, m, x), flat(before), 1e-5f);

      History h = m.fit(x, y, FitOptions.epochs(3).batchSize(8).verbose(0).shuffle(false));
      assertEquals(3, h.history().get("sparse_categorical_accuracy").size());
      FloatNdArray p = m.predict(x, 16);
      assertArrayEquals(applied(tf, m, x), flat(p), 1e-5f);

      // evaluate's accuracy, pass after pass (the metric is reset), is the accuracy of predict's
      // arg-max against the labels.
      int right = 0;
      for (int i = 0; i < N; i++) {
        int argMax = p.getFloat(i, 1) > p.getFloat(i, 0) ? 1 : 0;
        right += argMax == y.getInt(i) ? 1 : 0;
      }
      for (int pass = 0; pass < 2; pass++) {
        Map<String, Double> logs = m.evaluate(x, y, 10);
        assertEquals(right / (double) N, logs.get("sparse_categorical_accuracy"), 1e-6, "pass " + pass);
      }
    }
  }
}
