package dev.keraslite.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import dev.keraslite.activations.Activations;
import dev.keraslite.callbacks.History;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Conv1D;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.GlobalAveragePooling1D;
import dev.keraslite.layers.Layer;
import dev.keraslite.layers.LeakyReLU;
import dev.keraslite.layers.MaxPooling1D;
import dev.keraslite.layers.SimpleRNN;
import dev.keraslite.layers.ZeroPadding1D;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.optimizers.Adam;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;

/**
 * Models of the sequence layers train with {@code fit}: the compiled step gives the eager step's
 * losses batch by batch, and the loss falls on a learnable task (is the first channel's sum
 * positive?).
 */
class SequenceLayersFitTest {
  private static final int STEPS = 12;

  private static FloatNdArray features(int n, long seed) {
    Random r = new Random(seed);
    FloatNdArray x = NdArrays.ofFloats(Shape.of(n, STEPS, 2));
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < STEPS; t++) {
        x.setFloat(r.nextFloat() * 2 - 1, i, t, 0);
        x.setFloat(r.nextFloat() * 2 - 1, i, t, 1);
      }
    }
    return x;
  }

  private static IntNdArray labels(FloatNdArray x) {
    int n = (int) x.shape().get(0);
    IntNdArray y = NdArrays.ofInts(Shape.of(n));
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int t = 0; t < STEPS; t++) {
        s += x.getFloat(i, t, 0);
      }
      y.setInt(s > 0 ? 1 : 0, i);
    }
    return y;
  }

  private static Sequential convRnn() {
    return new Sequential(
        Input.of(STEPS, 2),
        new ZeroPadding1D(1),
        new Conv1D(6, 3).padding("causal").dilationRate(2).kernelInitializer(Initializers.glorotUniform(1)),
        new LeakyReLU(),
        new MaxPooling1D(2),
        new SimpleRNN(8).kernelInitializer(Initializers.glorotUniform(2))
            .recurrentInitializer(Initializers.orthogonal(1.0, 3)),
        new Dense(2).kernelInitializer(Initializers.glorotUniform(4)));
  }

  private static Sequential convPool() {
    return new Sequential(
        Input.of(2, STEPS),
        new Conv1D(4, 3).dataFormat("channels_first").padding("same").activation(Activations.relu())
            .kernelInitializer(Initializers.glorotUniform(5)),
        new GlobalAveragePooling1D().dataFormat("channels_first"),
        new Dense(2).kernelInitializer(Initializers.glorotUniform(6)));
  }

  private static List<Double> firstLosses(boolean eagerly) {
    Layer.clearNameCounters();
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential m = convRnn();
      m.compile(tf, new Adam(1e-2f), new SparseCategoricalCrossentropy(true));
      m.setRunEagerly(eagerly);
      FloatNdArray x = features(160, 3);
      FitTest.LossPerBatch perBatch = new FitTest.LossPerBatch();
      m.fit(x, labels(x), FitOptions.epochs(1).batchSize(16).shuffle(false).verbose(0).callbacks(perBatch));
      return perBatch.losses;
    }
  }

  @Test
  void compiledAndEagerFitAgreeStepByStep() {
    List<Double> compiled = firstLosses(false);
    List<Double> eager = firstLosses(true);
    assertEquals(10, compiled.size());
    for (int i = 0; i < 10; i++) {
      assertEquals(eager.get(i), compiled.get(i), 1e-5, "batch " + i);
    }
  }

  @Test
  void convRnnAndChannelsFirstConvModelsLearn() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential m = convRnn();
      m.compile(tf, new Adam(1e-2f), new SparseCategoricalCrossentropy(true));
      FloatNdArray x = features(512, 7);
      History h = m.fit(x, labels(x), FitOptions.epochs(4).batchSize(32).seed(1).verbose(0));
      List<Double> loss = h.history().get("loss");
      assertTrue(loss.get(3) < loss.get(0), "conv + rnn loss falls: " + loss);

      // The channels_first model reads [batch, channels, steps]: transpose the same data.
      FloatNdArray xf = NdArrays.ofFloats(Shape.of(512, 2, STEPS));
      for (int i = 0; i < 512; i++) {
        for (int t = 0; t < STEPS; t++) {
          xf.setFloat(x.getFloat(i, t, 0), i, 0, t);
          xf.setFloat(x.getFloat(i, t, 1), i, 1, t);
        }
      }
      Sequential p = convPool();
      p.compile(tf, new Adam(1e-2f), new SparseCategoricalCrossentropy(true));
      List<Double> ploss =
          p.fit(xf, labels(x), FitOptions.epochs(4).batchSize(32).seed(1).verbose(0)).history().get("loss");
      assertTrue(ploss.get(3) < ploss.get(0), "channels_first conv loss falls: " + ploss);
    }
  }
}
