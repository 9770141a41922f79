package dev.keraslite.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.callbacks.History;
import dev.keraslite.data.Dataset;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Dense;
import dev.keraslite.losses.MeanSquaredError;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.ndarray.ByteNdArray;
import org.tensorflow.ndarray.DoubleNdArray;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.LongNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt64;

/**
 * {@code fit}'s arguments as Keras takes them: features of any numeric dtype cast to float32,
 * int64 labels, {@code sampleWeight} and {@code classWeight} (checked against the loss and the SGD
 * step computed by hand on the host), {@code validationData} as arrays or a batched or unbatched
 * dataset (checked against {@code evaluate}), and {@code stepsPerEpoch} over a repeating dataset.
 */
class FitArgumentsTest {
  private static final float LR = 0.1f;
  private static final float[] KERNEL = {0.5f, -0.3f};
  private static final float BIAS = 0.1f;
  private static final float[][] X = {
    {1f, 2f}, {0.5f, -1f}, {-1.5f, 0.25f}, {2f, 1f}, {0f, -0.5f}, {1.25f, 0.75f}, {-0.5f, 1.5f},
    {0.75f, -2f}
  };
  private static final float[] Y = {1f, 0f, 1f, 0f, 1f, 1f, 0f, 1f};

  /** Input 2, Dense 1 with known weights; SGD(0.1) and mean squared error. */
  private static Sequential linear(Ops tf, boolean eagerly) {
    Sequential model =
        new Sequential(
            Input.of(2),
            new Dense(1)
                .kernelInitializer(Initializers.constant(new float[][] {{KERNEL[0]}, {KERNEL[1]}}))
                .biasInitializer(Initializers.constant(BIAS)));
    model.build(tf);
    model.compile(tf, new SGD(LR), new MeanSquaredError());
    model.setRunEagerly(eagerly);
    return model;
  }

  /** {kernel0, kernel1, bias} of the linear model. */
  private static float[] weights(Sequential model) {
    FloatNdArray k = (FloatNdArray) model.variables().get(0).numpy();
    FloatNdArray b = (FloatNdArray) model.variables().get(1).numpy();
    return new float[] {k.getFloat(0, 0), k.getFloat(1, 0), b.getFloat(0)};
  }

  /**
   * The oracle: over samples {@code rows} with weights {@code w}, Keras's weighted MSE (sum of
   * w_i r_i^2 over the batch size) and one SGD step on it, r_i = x_i.k + b - y_i. Returns {loss,
   * k0', k1', b'}.
   */
  private static double[] handStep(float[] params, int[] rows, double[] w) {
    double loss = 0;
    double[] grad = new double[3];
    int n = rows.length;
    for (int j = 0; j < n; j++) {
      float[] x = X[rows[j]];
      double r = x[0] * params[0] + x[1] * params[1] + params[2] - Y[rows[j]];
      loss += w[j] * r * r / n;
      grad[0] += 2 * w[j] * r * x[0] / n;
      grad[1] += 2 * w[j] * r * x[1] / n;
      grad[2] += 2 * w[j] * r / n;
    }
    return new double[] {
      loss, params[0] - LR * grad[0], params[1] - LR * grad[1], params[2] - LR * grad[2]
    };
  }

  /** The weighted MSE of samples {@code rows} at {@code params}. */
  private static double handLoss(float[] params, int[] rows, double[] w) {
    return handStep(params, rows, w)[0];
  }

  private static int[] range(int from, int to) {
    int[] r = new int[to - from];
    for (int i = from; i < to; i++) {
      r[i - from] = i;
    }
    return r;
  }

  private static FloatNdArray x(int n) {
    float[][] rows = new float[n][];
    System.arraycopy(X, 0, rows, 0, n);
    return StdArrays.ndCopyOf(rows);
  }

  private static FloatNdArray y(int n) {
    float[] v = new float[n];
    System.arraycopy(Y, 0, v, 0, n);
    return NdArrays.vectorOf(v);
  }

  private static FloatNdArray vector(double... values) {
    float[] v = new float[values.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) values[i];
    }
    return NdArrays.vectorOf(v);
  }

  private static void assertStep(double[] expected, float[] actual, History history) {
    assertEquals(expected[0], history.history().get("loss").get(0), 1e-5, "first step's loss");
    for (int i = 0; i < 3; i++) {
      assertEquals(expected[i + 1], actual[i], 1e-5, "weight " + i + " after one SGD step");
    }
  }

  private static FitOptions oneBatch(int n) {
    return FitOptions.epochs(1).batchSize(n).shuffle(false).verbose(0);
  }

  @ParameterizedTest(name = "eagerly={0}")
  @ValueSource(booleans = {false, true})
  void sampleWeightScalesEachSamplesLossAsKeras(boolean eagerly) {
    double[] w = {1, 0.5, 2, 0, 3, 1.5};
    try (Eager eager = Eager.create()) {
      Sequential model = linear(eager.tf(), eagerly);
      History h = model.fit(x(6), y(6), oneBatch(6).sampleWeight(vector(w)));
      assertStep(handStep(new float[] {KERNEL[0], KERNEL[1], BIAS}, range(0, 6), w), weights(model), h);
    }
  }

  @Test
  void aSampleKeepsItsWeightThroughTheShuffle() {
    // Batches of one, shuffled: only sample 3 has a non-zero weight, so the only update is its own
    // (SGD without momentum does nothing on a zero gradient), whichever step it comes in.
    double[] w = {0, 0, 0, 2, 0, 0};
    try (Eager eager = Eager.create()) {
      Sequential model = linear(eager.tf(), false);
      model.fit(x(6), y(6), FitOptions.epochs(1).batchSize(1).seed(7).verbose(0).sampleWeight(vector(w)));
      double[] expected = handStep(new float[] {KERNEL[0], KERNEL[1], BIAS}, new int[] {3}, new double[] {2});
      float[] actual = weights(model);
      for (int i = 0; i < 3; i++) {
        assertEquals(expected[i + 1], actual[i], 1e-6, "weight " + i);
      }
    }
  }

  @ParameterizedTest(name = "eagerly={0}")
  @ValueSource(booleans = {false, true})
  void classWeightWeighsEachSampleByItsLabel(boolean eagerly) {
    Map<Integer, Float> classWeight = Map.of(0, 0.25f, 1, 3f);
    double[] w = new double[6];
    for (int i = 0; i < 6; i++) {
      w[i] = classWeight.get((int) Y[i]);
    }
    try (Eager eager = Eager.create()) {
      Sequential model = linear(eager.tf(), eagerly);
      History h = model.fit(x(6), y(6), oneBatch(6).classWeight(classWeight));
      assertStep(handStep(new float[] {KERNEL[0], KERNEL[1], BIAS}, range(0, 6), w), weights(model), h);
    }
  }

  @Test
  void classWeightAndSampleWeightMultiply() {
    Map<Integer, Float> classWeight = Map.of(0, 0.25f, 1, 3f);
    double[] sw = {1, 0.5, 2, 0, 3, 1.5};
    double[] w = new double[6];
    for (int i = 0; i < 6; i++) {
      w[i] = classWeight.get((int) Y[i]) * sw[i];
    }
    try (Eager eager = Eager.create()) {
      Sequential model = linear(eager.tf(), false);
      History h = model.fit(x(6), y(6), oneBatch(6).classWeight(classWeight).sampleWeight(vector(sw)));
      assertStep(handStep(new float[] {KERNEL[0], KERNEL[1], BIAS}, range(0, 6), w), weights(model), h);
    }
  }

  @Test
  void validationSplitKeepsTheHeldOutSamplesWeights() {
    // 8 samples, 0.25 held out: 6 train in one batch, then the 2 last are evaluated with weights.
    double[] w = {1, 0.5, 2, 0, 3, 1.5, 4, 0.5};
    try (Eager eager = Eager.create()) {
      Sequential model = linear(eager.tf(), false);
      History h =
          model.fit(x(8), y(8), oneBatch(6).validationSplit(0.25).sampleWeight(vector(w)));
      double[] step =
          handStep(new float[] {KERNEL[0], KERNEL[1], BIAS}, range(0, 6), new double[] {1, 0.5, 2, 0, 3, 1.5});
      float[] after = {(float) step[1], (float) step[2], (float) step[3]};
      assertEquals(
          handLoss(after, range(6, 8), new double[] {4, 0.5}),
          h.history().get("val_loss").get(0),
          1e-5,
          "val_loss: weighted MSE of the held-out samples after the step");
    }
  }

  @Test
  void float64AndInt64InputsTrainAsTheirFloat32AndInt32Values() {
    int n = 24;
    float[][] features = Fixtures.features(n);
    int[] labels = Fixtures.labels(n);
    DoubleNdArray x64 = NdArrays.ofDoubles(Shape.of(n, Fixtures.FEATURES));
    LongNdArray y64 = NdArrays.ofLongs(Shape.of(n));
    for (int i = 0; i < n; i++) {
      y64.setLong(labels[i], i);
      for (int j = 0; j < Fixtures.FEATURES; j++) {
        x64.setDouble(features[i][j], i, j);
      }
    }
    FitOptions options = FitOptions.epochs(2).batchSize(8).shuffle(false).verbose(0);
    StateBits reference;
    Map<String, Double> referenceEval;
    FloatNdArray referencePredictions;
    try (Eager eager = Eager.create()) {
      Sequential model = Fixtures.classifier(eager.tf(), false);
      model.fit(Fixtures.x(features), Fixtures.y(labels), options);
      reference = StateBits.of(model);
      referenceEval = model.evaluate(Fixtures.x(features), Fixtures.y(labels));
      referencePredictions = model.predict(Fixtures.x(features), 8);
    }
    try (Eager eager = Eager.create()) {
      Sequential model = Fixtures.classifier(eager.tf(), false);
      model.fit(x64, y64, options);
      // The same bits, variable by variable (the names differ by the models' automatic numbers).
      reference.assertSameAs(
          new StateBits(reference.names(), StateBits.of(model).bytes()), "float64 x and int64 y");
      assertEquals(referenceEval, model.evaluate(x64, y64));
      assertEquals(referencePredictions, model.predict(x64, 8));
    }
  }

  @Test
  void uint8FeaturesAreReadUnsignedAndUnscaled() {
    // 200 is a uint8 value: as a Java byte it is -56, which a signed read would feed the model.
    int n = 6;
    ByteNdArray pixels = NdArrays.ofBytes(Shape.of(n, 2));
    float[][] asFloats = new float[n][2];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 2; j++) {
        int v = (i * 97 + j * 55 + 3) % 256;
        pixels.setByte((byte) v, i, j);
        asFloats[i][j] = v;
      }
    }
    try (Eager eager = Eager.create()) {
      Sequential model = linear(eager.tf(), false);
      FloatNdArray predicted = model.predict(pixels, 4);
      for (int i = 0; i < n; i++) {
        double expected = asFloats[i][0] * KERNEL[0] + asFloats[i][1] * KERNEL[1] + BIAS;
        assertEquals(expected, predicted.getFloat(i, 0), 1e-3, "sample " + i);
      }
      assertEquals(model.evaluate(StdArrays.ndCopyOf(asFloats), y(n)), model.evaluate(pixels, y(n)));
    }
  }

  @Test
  void int64LabelsOutsideInt32AreRefusedBeforeAnyUpdate() {
    LongNdArray y = NdArrays.ofLongs(Shape.of(8));
    y.setLong(1L << 33, 5);
    try (Eager eager = Eager.create()) {
      Sequential model = Fixtures.classifier(eager.tf(), false);
      StateBits before = StateBits.of(model);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> model.fit(Fixtures.x(Fixtures.features(8)), y, FitOptions.epochs(1).verbose(0)));
      assertTrue(e.getMessage().contains("8589934592 at sample 5"), e.getMessage());
      assertTrue(e.getMessage().contains("int32 range"), e.getMessage());
      before.assertSameAs(StateBits.of(model), "refused");
    }
  }

  @Test
  void badSampleWeightsAreRefused() {
    try (Eager eager = Eager.create()) {
      Sequential model = linear(eager.tf(), false);
      StateBits before = StateBits.of(model);
      IllegalArgumentException length =
          assertThrows(
              IllegalArgumentException.class,
              () -> model.fit(x(6), y(6), oneBatch(6).sampleWeight(vector(1, 2, 3))));
      assertTrue(length.getMessage().contains("shape [6], received shape [3]"), length.getMessage());
      IllegalArgumentException nan =
          assertThrows(
              IllegalArgumentException.class,
              () -> model.fit(x(6), y(6), oneBatch(6).sampleWeight(vector(1, 1, Double.NaN, 1, 1, 1))));
      assertTrue(nan.getMessage().contains("non-finite value (NaN) at sample 2"), nan.getMessage());
      IllegalArgumentException dataset =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  model.fit(
                      Dataset.of(x(6), y(6)).batch(2), oneBatch(6).sampleWeight(vector(1, 1, 1, 1, 1, 1))));
      assertTrue(dataset.getMessage().contains("only supported with array inputs"), dataset.getMessage());
      before.assertSameAs(StateBits.of(model), "refused");
    }
  }

  @ParameterizedTest(name = "eagerly={0}")
  @ValueSource(booleans = {false, true})
  void validationDataAsArraysOrDatasetsGivesEvaluatesLoss(boolean eagerly) {
    FloatNdArray xv = x(8).slice(org.tensorflow.ndarray.index.Indices.range(5, 8));
    FloatNdArray yv = y(8).slice(org.tensorflow.ndarray.index.Indices.range(5, 8));
    DoubleNdArray xv64 = NdArrays.ofDoubles(xv.shape());
    xv.scalars().forEachIndexed((idx, s) -> xv64.setDouble(s.getFloat(), idx));
    List<FitOptions> ways =
        List.of(
            oneBatch(5).validationData(xv, yv),
            oneBatch(5).validationData(xv64, yv),
            oneBatch(5).validationData(Dataset.of(xv, yv)), // unbatched: batched with 5
            oneBatch(5).validationData(Dataset.of(xv, yv).batch(2)));
    for (FitOptions options : ways) {
      try (Eager eager = Eager.create()) {
        Sequential model = linear(eager.tf(), eagerly);
        History h = model.fit(x(5), y(5), options);
        double expected = model.evaluate(xv, yv).get("loss");
        double[] step =
            handStep(new float[] {KERNEL[0], KERNEL[1], BIAS}, range(0, 5), new double[] {1, 1, 1, 1, 1});
        float[] after = {(float) step[1], (float) step[2], (float) step[3]};
        assertEquals(handLoss(after, range(5, 8), new double[] {1, 1, 1}), expected, 1e-5);
        assertEquals(expected, h.history().get("val_loss").get(0), 1e-6);
      }
    }
  }

  private static long iterations(Sequential model, Ops tf) {
    return model.compiled().optimizer().iterations().<TInt64>value(tf).asTensor().getLong();
  }

  @Test
  void stepsPerEpochContinuesOnePassOverARepeatingDataset() {
    // 10 samples in batches of 4: batches start at samples 0, 4, 8, then again 0, 4, 8, ...
    List<Float> batchStarts = new ArrayList<>();
    float[][] features = new float[10][2];
    for (int i = 0; i < 10; i++) {
      features[i][0] = i;
    }
    Dataset data =
        Dataset.of(StdArrays.ndCopyOf(features), NdArrays.vectorOf(new float[10]))
            .batch(4)
            .map(e -> {
              batchStarts.add(e.x()[0]);
              return e;
            })
            .repeat();
    try (Eager eager = Eager.create()) {
      Sequential model = linear(eager.tf(), false);
      History h = model.fit(data, FitOptions.epochs(3).stepsPerEpoch(2).verbose(0));
      assertEquals(3, h.history().get("loss").size());
      assertEquals(6, iterations(model, eager.tf()), "2 steps in each of 3 epochs");
      // Keras's epoch iterator goes on where the last epoch stopped; a restart would give 0, 4, 0, 4.
      assertEquals(List.of(0f, 4f, 8f, 0f, 4f, 8f), batchStarts.subList(0, 6));
    }
  }

  @Test
  void stepsPerEpochStopsWhenFiniteDataRunsOut() {
    Dataset data = Dataset.of(x(8), y(8)).batch(3); // 3 batches
    try (Eager eager = Eager.create()) {
      Sequential model = linear(eager.tf(), false);
      History h = model.fit(data, FitOptions.epochs(4).stepsPerEpoch(2).verbose(0));
      assertEquals(3, iterations(model, eager.tf()), "the data holds 3 batches");
      assertEquals(2, h.history().get("loss").size(), "a full epoch, a short one, then stopped");
    }
  }

  @Test
  void anInfiniteDatasetNeedsStepsPerEpoch() {
    try (Eager eager = Eager.create()) {
      Sequential model = linear(eager.tf(), false);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> model.fit(Dataset.of(x(8), y(8)).batch(4).repeat(), FitOptions.epochs(1).verbose(0)));
      assertTrue(e.getMessage().contains("stepsPerEpoch"), e.getMessage());
    }
  }

  @Test
  void anUnbatchedTrainingDatasetIsBatchedWithTheBatchSize() {
    try (Eager eager = Eager.create()) {
      Sequential model = linear(eager.tf(), false);
      History h = model.fit(Dataset.of(x(6), y(6)), oneBatch(6));
      assertEquals(1, iterations(model, eager.tf()), "one batch of 6");
      assertStep(
          handStep(new float[] {KERNEL[0], KERNEL[1], BIAS}, range(0, 6), new double[] {1, 1, 1, 1, 1, 1}),
          weights(model),
          h);
    }
  }

  @Test
  void float64TargetsAreCastToFloat32() {
    DoubleNdArray y64 = NdArrays.ofDoubles(Shape.of(6));
    for (int i = 0; i < 6; i++) {
      y64.setDouble(Y[i], i);
    }
    try (Eager eager = Eager.create()) {
      Sequential model = linear(eager.tf(), false);
      History h = model.fit(x(6), y64, oneBatch(6));
      assertStep(
          handStep(new float[] {KERNEL[0], KERNEL[1], BIAS}, range(0, 6), new double[] {1, 1, 1, 1, 1, 1}),
          weights(model),
          h);
    }
  }
}
