package dev.keraslite.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import dev.keraslite.callbacks.History;
import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Layer;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.optimizers.Adam;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;

class FitTest {
  /** A separable 3-class problem: the class is the index of the largest of 3 features. */
  static FloatNdArray features(int n, long seed) {
    Random r = new Random(seed);
    FloatNdArray x = NdArrays.ofFloats(Shape.of(n, 4));
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 4; j++) {
        x.setFloat(r.nextFloat(), i, j);
      }
    }
    return x;
  }

  static IntNdArray labels(FloatNdArray x) {
    int n = (int) x.shape().get(0);
    IntNdArray y = NdArrays.ofInts(Shape.of(n));
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int j = 1; j < 3; j++) {
        if (x.getFloat(i, j) > x.getFloat(i, best)) {
          best = j;
        }
      }
      y.setInt(best, i);
    }
    return y;
  }

  static Sequential model() {
    return new Sequential(
        Input.of(4),
        new Dense(16).activation(Activations.relu()).kernelInitializer(Initializers.glorotUniform(1)),
        new Dense(3).kernelInitializer(Initializers.glorotUniform(2)));
  }

  private static List<Double> firstLosses(boolean eagerly) {
    Layer.clearNameCounters();
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential m = model();
      m.compile(tf, new Adam(1e-2f), new SparseCategoricalCrossentropy(true), "accuracy");
      m.setRunEagerly(eagerly);
      FloatNdArray x = features(640, 3);
      LossPerBatch perBatch = new LossPerBatch();
      m.fit(x, labels(x), FitOptions.epochs(1).batchSize(32).shuffle(false).verbose(0).callbacks(perBatch));
      return perBatch.losses;
    }
  }

  @Test
  void compiledAndEagerFitAgreeStepByStep() {
    List<Double> compiled = firstLosses(false);
    List<Double> eager = firstLosses(true);
    assertEquals(20, compiled.size());
    for (int i = 0; i < 20; i++) {
      assertEquals(eager.get(i), compiled.get(i), 1e-5, "batch " + i);
    }
  }

  @Test
  void learnsASeparableProblemAndEvaluates() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential m = model();
      m.compile(tf, new Adam(1e-2f), new SparseCategoricalCrossentropy(true), "accuracy");
      FloatNdArray x = features(2000, 4);
      History h = m.fit(x, labels(x), FitOptions.epochs(5).batchSize(50).seed(7).validationSplit(0.2).verbose(0));
      List<Double> loss = h.history().get("loss");
      assertEquals(5, loss.size());
      assertTrue(loss.get(4) < loss.get(0), "loss falls: " + loss);
      assertTrue(h.history().get("val_accuracy").get(4) > 0.9, h.history().toString());
      FloatNdArray xt = features(500, 5);
      Map<String, Double> result = m.evaluate(xt, labels(xt));
      assertTrue(result.get("accuracy") > 0.9, result.toString());
      FloatNdArray p = m.predict(features(10001, 6), 64);
      assertEquals(Shape.of(10001, 3), p.shape());
    }
  }

  @Test
  void fitBeforeCompileSaysSo() {
    try (Eager eager = Eager.create()) {
      Sequential m = model();
      FloatNdArray x = features(10, 1);
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> m.fit(x, labels(x), 1, 5));
      assertTrue(e.getMessage().contains("compile"), e.getMessage());
    }
  }

  @Test
  void mismatchedLengthsFailBeforeTraining() {
    try (Eager eager = Eager.create()) {
      Sequential m = model();
      m.compile(eager.tf(), new Adam(1e-2f), new SparseCategoricalCrossentropy(true));
      FloatNdArray x = features(10, 1);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> m.fit(x, labels(features(9, 1)), 1, 5));
      assertTrue(e.getMessage().contains("10 samples") && e.getMessage().contains("9"), e.getMessage());
    }
  }

  @Test
  void wrongInputShapeFailsBeforeTrainingAndLeavesWeightsUnchanged() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential m = model(); // Input.of(4): built for 4 features
      m.compile(tf, new Adam(1e-2f), new SparseCategoricalCrossentropy(true));
      String before = m.variables().toString();
      FloatNdArray wide = NdArrays.ofFloats(Shape.of(20, 5));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> m.fit(wide, NdArrays.ofInts(Shape.of(20)), 1, 5));
      assertTrue(
          e.getMessage().contains("expected input of shape [None, 4], received shape [None, 5]"),
          e.getMessage());
      assertEquals(before, m.variables().toString(), "weights unchanged");
    }
  }

  /** Records each batch's loss (the running mean turned back into per-batch values is not needed: compare running means). */
  static final class LossPerBatch extends dev.keraslite.callbacks.Callback {
    final java.util.List<Double> losses = new java.util.ArrayList<>();

    @Override
    public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
      losses.add(logs.get("loss"));
    }
  }
}
