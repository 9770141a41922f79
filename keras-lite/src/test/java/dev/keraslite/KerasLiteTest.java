package dev.keraslite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Dropout;
import dev.keraslite.layers.Layer;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class KerasLiteTest {
  /** Which of the three random choices the model leaves to the global seed. */
  private enum Unseeded {
    INITIALIZERS,
    DROPOUT,
    SHUFFLE
  }

  @Test
  void anUnseededInitializerDrawsItsSeedPairFromTheGlobalSequence() {
    KerasLite.setRandomSeed(1234);
    // Oracle: TensorFlow's stateless uniform op called directly with the pair a SplittableRandom
    // seeded the same way hands out, scaled to Glorot's limit sqrt(6 / (fanIn + fanOut)).
    SplittableRandom expectedSeeds = new SplittableRandom(1234);
    long[] pair = {expectedSeeds.nextLong(), expectedSeeds.nextLong()};
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      float[] drawn = values(Initializers.glorotUniform().apply(tf, Shape.of(3, 5)));
      double limit = Math.sqrt(6.0 / (3 + 5));
      float[] unit = values(tf.random.statelessRandomUniform(
          tf.constant(new long[] {3, 5}), tf.constant(pair), TFloat32.class));
      float[] expected = new float[unit.length];
      for (int i = 0; i < unit.length; i++) {
        expected[i] = (float) (unit[i] * (float) (2 * limit)) + (float) -limit;
      }
      assertArrayEquals(expected, drawn, 1e-6f);
      assertEquals(1234L, KerasLite.randomSeed().getAsLong());
    }
  }

  @Test
  void theGlobalSeedMakesInitialWeightsDropoutMasksAndShufflesReproducible() {
    for (Unseeded which : Unseeded.values()) {
      List<float[]> first = trainedWeights(which, 5);
      List<float[]> again = trainedWeights(which, 5);
      List<float[]> other = trainedWeights(which, 6);
      for (int i = 0; i < first.size(); i++) {
        assertArrayEquals(first.get(i), again.get(i), which + ": same seed, weight " + i + " bitwise equal");
      }
      boolean differs = false;
      for (int i = 0; i < first.size(); i++) {
        differs |= !Arrays.equals(first.get(i), other.get(i));
      }
      assertFalse(!differs, which + ": another global seed gives other weights");
    }
  }

  @Test
  void drawSeedFollowsTheSequenceOfTheLastSeedSet() {
    KerasLite.setRandomSeed(99);
    long a = KerasLite.drawSeed();
    long b = KerasLite.drawSeed();
    KerasLite.setRandomSeed(99);
    assertEquals(a, KerasLite.drawSeed());
    assertEquals(b, KerasLite.drawSeed());
    SplittableRandom oracle = new SplittableRandom(99);
    assertEquals(oracle.nextLong(), a);
    assertEquals(oracle.nextLong(), b);
  }

  /**
   * Trains a small Dense/Dropout/Dense model for two epochs after {@code setRandomSeed(seed)}, with
   * only {@code which} left unseeded (the other two get fixed explicit seeds), and returns its
   * weights.
   */
  private static List<float[]> trainedWeights(Unseeded which, long seed) {
    Layer.clearNameCounters();
    KerasLite.setRandomSeed(seed);
    boolean initializers = which == Unseeded.INITIALIZERS;
    Dense hidden = new Dense(16).activation(Activations.relu());
    Dense out = new Dense(3);
    if (!initializers) {
      hidden.kernelInitializer(Initializers.glorotUniform(1));
      out.kernelInitializer(Initializers.glorotUniform(2));
    }
    Dropout dropout = new Dropout(0.5);
    if (which != Unseeded.DROPOUT) {
      dropout.seed(3);
    }
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential model = new Sequential(Input.of(4), hidden, dropout, out);
      model.compile(tf, new Adam(1e-2f), new SparseCategoricalCrossentropy(true), "accuracy");
      FloatNdArray x = NdArrays.ofFloats(Shape.of(64, 4));
      IntNdArray y = NdArrays.ofInts(Shape.of(64));
      Random data = new Random(17);
      for (int i = 0; i < 64; i++) {
        for (int j = 0; j < 4; j++) {
          x.setFloat(data.nextFloat(), i, j);
        }
        y.setInt(data.nextInt(3), i);
      }
      FitOptions options = FitOptions.epochs(2).batchSize(8).verbose(0);
      if (which != Unseeded.SHUFFLE) {
        options.seed(4);
      }
      model.fit(x, y, options);
      List<float[]> weights = new ArrayList<>();
      for (Variable v : model.variables()) {
        weights.add(values(v.value(tf)));
      }
      return weights;
    }
  }

  private static float[] values(Operand<TFloat32> x) {
    TFloat32 t = x.asTensor();
    FloatDataBuffer buffer = DataBuffers.ofFloats(t.shape().size());
    t.copyTo(buffer);
    float[] out = new float[(int) t.shape().size()];
    buffer.read(out);
    return out;
  }
}
