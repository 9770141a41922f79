package dev.keraslite.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.KerasLite;
import dev.keraslite.Variable;
import dev.keraslite.callbacks.History;
import dev.keraslite.layers.BatchNormalization;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Layer;
import dev.keraslite.losses.MeanSquaredError;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code get_weights}/{@code set_weights} on models, and {@code Model.close()} (issue 13,
 * item 9).
 */
class ModelWeightsTest {
  private static final int N = 64;

  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  private static Sequential model() {
    return new Sequential(Input.of(3), new Dense(4), new BatchNormalization(), new Dense(2));
  }

  private static FloatNdArray random(long seed, long... shape) {
    Random r = new Random(seed);
    FloatNdArray a = NdArrays.ofFloats(Shape.of(shape));
    a.scalars().forEach(s -> s.setFloat(r.nextFloat() * 2 - 1));
    return a;
  }

  private static float[] flat(NdArray<?> a) {
    float[] out = new float[(int) a.shape().size()];
    ((FloatNdArray) a).copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  private static List<float[]> flat(List<NdArray<?>> arrays) {
    List<float[]> out = new ArrayList<>();
    arrays.forEach(a -> out.add(flat(a)));
    return out;
  }

  private static void assertSameValues(List<float[]> expected, List<float[]> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), 0f, "weight " + i);
    }
  }

  @Test
  void getWeightsListsEveryWeightInKerasOrderWithItsCurrentValue() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential m = model();
      assertTrue(new Dense(2).getWeights().isEmpty(), "Keras: get_weights() of an unbuilt layer is empty");
      m.build(tf, Shape.of(-1, 3));
      List<NdArray<?>> weights = m.getWeights();
      List<Shape> shapes = new ArrayList<>();
      weights.forEach(w -> shapes.add(w.shape()));
      // Keras's order: dense kernel, bias; gamma, beta, moving_mean, moving_variance; dense_1 kernel, bias.
      assertEquals(List.of(Shape.of(3, 4), Shape.of(4), Shape.of(4), Shape.of(4), Shape.of(4), Shape.of(4),
          Shape.of(4, 2), Shape.of(2)), shapes);
      List<String> names = m.variables().stream().map(Variable::name).toList();
      assertTrue(names.get(2).endsWith("gamma:0") && names.get(5).endsWith("moving_variance:0"), names.toString());
      for (int i = 0; i < weights.size(); i++) {
        try (TFloat32 t = (TFloat32) m.variables().get(i).value(tf).asTensor()) {
          float[] read = new float[(int) t.size()];
          t.copyTo(DataBuffers.of(read, false, false));
          assertArrayEquals(read, flat(weights.get(i)), 0f, names.get(i));
        }
      }
      assertArrayEquals(new float[] {1, 1, 1, 1}, flat(weights.get(5)), 0f, "a fresh moving variance");
    }
  }

  @Test
  void weightsOfATrainedModelMakeAFreshIdenticalModelPredictTheSame() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      KerasLite.setRandomSeed(3);
      FloatNdArray x = random(1, N, 3);
      FloatNdArray y = random(2, N, 2);
      Sequential trained = model();
      trained.compile(tf, new Adam(1e-2f), new MeanSquaredError());
      trained.fit(x, y, FitOptions.epochs(2).batchSize(16).verbose(0));
      float[] expected = flat(trained.predict(x, 32));

      Sequential fresh = model(); // other automatic names: dense_2, batch_normalization_1, dense_3
      fresh.build(tf, Shape.of(-1, 3));
      assertNotEquals(trained.variables().get(0).name(), fresh.variables().get(0).name());
      assertTrue(Math.abs(flat(fresh.predict(x, 32))[0] - expected[0]) > 1e-6, "the fresh model differs");
      fresh.setWeights(trained.getWeights());
      assertArrayEquals(expected, flat(fresh.predict(x, 32)), 0f);
    }
  }

  @Test
  void setWeightsOnADenseComputesWithTheGivenKernelAndBias() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Dense dense = new Dense(2);
      dense.apply(tf, tf.constant(new float[][] {{0f, 0f, 0f}}));
      FloatNdArray kernel = NdArrays.ofFloats(Shape.of(3, 2));
      kernel.set(NdArrays.vectorOf(1f, -1f), 0).set(NdArrays.vectorOf(2f, 0.5f), 1).set(NdArrays.vectorOf(0f, 3f), 2);
      dense.setWeights(List.of(kernel, NdArrays.vectorOf(0.25f, -0.5f)));
      try (TFloat32 out = (TFloat32) dense.apply(tf, tf.constant(new float[][] {{1f, 2f, 3f}})).asTensor()) {
        // x . W + b by hand: 1*1 + 2*2 + 3*0 + 0.25, 1*-1 + 2*0.5 + 3*3 - 0.5.
        assertEquals(5.25f, out.getFloat(0, 0), 0f);
        assertEquals(8.5f, out.getFloat(0, 1), 0f);
      }
    }
  }

  @Test
  void aWrongListIsRefusedNamingTheLayerAndChangesNoWeight() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential m = model();
      m.build(tf, Shape.of(-1, 3));
      List<float[]> before = flat(m.getWeights());
      List<NdArray<?>> tooFew = new ArrayList<>(m.getWeights());
      tooFew.remove(7);
      IllegalArgumentException count = assertThrows(IllegalArgumentException.class, () -> m.setWeights(tooFew));
      assertTrue(count.getMessage().startsWith("Sequential 'sequential'.setWeights: expected 8 values, received 7"),
          count.getMessage());
      assertTrue(count.getMessage().contains("dense_1/kernel:0 [4, 2]"), count.getMessage());

      List<NdArray<?>> wrongShape = new ArrayList<>(m.getWeights());
      wrongShape.set(7, NdArrays.vectorOf(9f, 9f, 9f)); // after valid ones: nothing may be assigned
      wrongShape.set(0, random(5, 3, 4));
      IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> m.setWeights(wrongShape));
      assertTrue(shape.getMessage().contains("expected shape [2], received shape [3]"), shape.getMessage());
      assertSameValues(before, flat(m.getWeights()));

      Dense unbuilt = new Dense(1);
      IllegalArgumentException notBuilt =
          assertThrows(IllegalArgumentException.class, () -> unbuilt.setWeights(List.of(random(1, 3, 1))));
      assertTrue(notBuilt.getMessage().contains("not built yet"), notBuilt.getMessage());
    }
  }

  /**
   * Closing releases the traced steps; the model trains on afterwards exactly as one never closed
   * (its variables and Adam's moments live in the eager context, so nothing is lost with the graphs).
   */
  @Test
  void closeReleasesTheCompiledStepsAndTrainingGoesOnAsIfNeverClosed() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      FloatNdArray x = random(1, N, 3);
      FloatNdArray y = random(2, N, 2);
      KerasLite.setRandomSeed(4);
      Sequential closed = model();
      Sequential open = model();
      closed.build(tf, Shape.of(-1, 3));
      open.build(tf, Shape.of(-1, 3));
      open.setWeights(closed.getWeights());
      closed.compile(tf, new Adam(1e-2f), new MeanSquaredError());
      open.compile(tf, new Adam(1e-2f), new MeanSquaredError());
      FitOptions options = FitOptions.epochs(1).batchSize(16).shuffle(false).verbose(0);

      closed.fit(x, y, options);
      open.fit(x, y, options);
      closed.close();
      closed.close(); // twice: nothing more
      History after = closed.fit(x, y, options);
      History reference = open.fit(x, y, options);
      assertEquals(reference.history().get("loss").get(0), after.history().get("loss").get(0), 1e-6);
      assertSameValues(flat(open.getWeights()), flat(closed.getWeights()));
      try (Sequential scoped = model()) {
        scoped.build(tf, Shape.of(-1, 3));
        scoped.predict(x, 32);
      }
    }
  }
}
