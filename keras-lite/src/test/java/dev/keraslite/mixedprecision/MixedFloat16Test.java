package dev.keraslite.mixedprecision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.KerasLite;
import dev.keraslite.activations.Activations;
import dev.keraslite.callbacks.History;
import dev.keraslite.datasets.FashionMnist;
import dev.keraslite.datasets.ImageData;
import dev.keraslite.datasets.LoadOptions;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Flatten;
import dev.keraslite.layers.Layer;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.optimizers.LossScaleOptimizer;
import dev.keraslite.optimizers.Optimizer;
import dev.keraslite.training.FitOptions;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.index.Indices;

/**
 * The {@code mixed_float16} policy with a {@link LossScaleOptimizer} (issue 19): products in
 * float16, float32 variables, loss and layer outputs; on Fashion-MNIST as accurate as float32.
 */
class MixedFloat16Test {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  @AfterEach
  void restoreGlobalPolicy() {
    DTypePolicy.setGlobalPolicy(DTypePolicy.FLOAT32);
  }

  /**
   * float32 {@code f} rounded to the nearest float16 (ties to even), for values in float16's
   * normal range (6.1e-5 to 65504 in magnitude), as a float32.
   */
  static float f16(float f) {
    int bits = Float.floatToRawIntBits(f);
    int rounding = 0xFFF + ((bits >>> 13) & 1);
    return Float.intBitsToFloat((bits + rounding) & 0xFFFFE000);
  }

  /**
   * A Dense layer without bias under mixed_float16 returns float32 values that are all float16
   * numbers (its product ran in float16 and was cast back), close to the float32 product; under
   * float32 the same product is not float16-rounded.
   */
  @Test
  void denseMultipliesInFloat16() {
    Random r = new Random(5);
    FloatNdArray x = NdArrays.ofFloats(Shape.of(16, 8));
    for (int i = 0; i < 16; i++) {
      for (int j = 0; j < 8; j++) {
        x.setFloat((0.05f + r.nextFloat()) * (r.nextBoolean() ? 1 : -1), i, j);
      }
    }
    float[][] outputs = new float[2][];
    for (int run = 0; run < 2; run++) {
      try (Eager eager = Eager.create()) {
        DTypePolicy.setGlobalPolicy(run == 0 ? "float32" : "mixed_float16");
        KerasLite.setRandomSeed(1);
        Sequential model = new Sequential(Input.of(8), new Dense(6).useBias(false));
        model.compile(eager.tf(), "sgd", "mse");
        FloatNdArray y = model.predict(x);
        outputs[run] = new float[16 * 6];
        for (int i = 0; i < 16; i++) {
          for (int j = 0; j < 6; j++) {
            outputs[run][i * 6 + j] = y.getFloat(i, j);
          }
        }
      }
    }
    int notHalf = 0;
    for (int k = 0; k < outputs[0].length; k++) {
      float f32 = outputs[0][k];
      float half = outputs[1][k];
      if (Math.abs(half) >= 1e-4f) {
        assertEquals(f16(half), half, 0f, "a float16 number: " + half);
      }
      assertEquals(f32, half, 4e-3f * Math.max(1f, Math.abs(f32)), "close to the float32 product");
      if (Math.abs(f32) >= 1e-4f && f16(f32) != f32) {
        notHalf++;
      }
    }
    assertTrue(notHalf > outputs[0].length / 2, "float32's products are not float16 numbers: " + notHalf);
  }

  /**
   * An MLP (Flatten, Dense 128 relu, Dense 10) trained with compiled fit on 15,000 Fashion-MNIST
   * images (300 steps of 50), in float32 with Adam and in mixed_float16 with a LossScaleOptimizer
   * around the same Adam, from the same initial weights: on 2,000 test images the mixed model's
   * accuracy is within 1 point of float32's, both above 0.78.
   */
  @Test
  void mixedFloat16TrainsFashionMnistAsWellAsFloat32() {
    ImageData<FloatNdArray> data = FashionMnist.load(new LoadOptions().offline(true));
    FloatNdArray xTrain = data.xTrain().slice(Indices.range(0, 15000));
    IntNdArray yTrain = data.yTrain().slice(Indices.range(0, 15000));
    FloatNdArray xTest = data.xTest().slice(Indices.range(0, 2000));
    IntNdArray yTest = data.yTest().slice(Indices.range(0, 2000));
    double[] accuracy = new double[2];
    for (int run = 0; run < 2; run++) {
      Layer.clearNameCounters();
      try (Eager eager = Eager.create()) {
        boolean mixed = run == 1;
        DTypePolicy.setGlobalPolicy(mixed ? "mixed_float16" : "float32");
        KerasLite.setRandomSeed(0);
        Sequential model =
            new Sequential(
                Input.of(28, 28), new Flatten(), new Dense(128).activation(Activations.relu()), new Dense(10));
        Optimizer optimizer = mixed ? new LossScaleOptimizer(new Adam(1e-3f)) : new Adam(1e-3f);
        model.compile(eager.tf(), optimizer, new SparseCategoricalCrossentropy(true), "accuracy");
        History h = model.fit(xTrain, yTrain, FitOptions.epochs(1).batchSize(50).verbose(0).seed(0));
        assertEquals(List.of(0L), h.skippedSteps(), "no guard skips under a LossScaleOptimizer");
        Map<String, Double> test = model.evaluate(xTest, yTest);
        accuracy[run] = test.get("accuracy");
        if (mixed) {
          LossScaleOptimizer lso = (LossScaleOptimizer) optimizer;
          long applied = readLong(lso);
          assertTrue(applied > 250 && applied <= 300, "applied steps " + applied);
          // Every skipped step halved the scale and 300 steps are too few to double it (2000).
          System.out.printf("MixedFloat16Test: %d of 300 steps applied, scale %s%n", applied, lso.scale());
          assertEquals(32768.0 / Math.pow(2, 300 - applied), lso.scale(), 0.0, "scale after " + (300 - applied) + " skips");
          assertNotEquals(DTypePolicy.FLOAT32, model.layers().get(1).dtypePolicy());
        }
      }
    }
    System.out.printf("MixedFloat16Test: test accuracy float32 %.4f, mixed_float16 %.4f%n", accuracy[0], accuracy[1]);
    assertTrue(accuracy[0] > 0.78, "float32 accuracy " + accuracy[0]);
    assertEquals(accuracy[0], accuracy[1], 0.01, "mixed_float16 within 1 point of float32");
  }

  private static long readLong(LossScaleOptimizer lso) {
    try (org.tensorflow.Tensor t = lso.iterations().value(lso.iterations().ops()).asTensor()) {
      return ((org.tensorflow.types.TInt64) t).getLong();
    }
  }
}
