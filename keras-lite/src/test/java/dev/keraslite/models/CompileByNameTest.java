package dev.keraslite.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.KerasLite;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Layer;
import dev.keraslite.losses.Huber;
import dev.keraslite.losses.MeanSquaredError;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.metrics.AUC;
import dev.keraslite.metrics.Metric;
import dev.keraslite.metrics.Metrics;
import dev.keraslite.metrics.SparseCategoricalAccuracy;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.optimizers.RMSprop;
import dev.keraslite.optimizers.SGD;
import dev.keraslite.training.FitOptions;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;

/**
 * Issue 13, item 3: {@code compile} takes the optimizer, the loss and the metrics by Keras name, by
 * object, or mixed; a model compiled by names trains exactly as the one compiled with the objects
 * those names stand for.
 */
class CompileByNameTest {
  private static final int N = 48;

  private static FloatNdArray features() {
    FloatNdArray x = NdArrays.ofFloats(Shape.of(N, 3));
    Random r = new Random(5);
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < 3; j++) {
        x.setFloat(r.nextFloat() * 2 - 1, i, j);
      }
    }
    return x;
  }

  private static FloatNdArray targets(FloatNdArray x) {
    FloatNdArray y = NdArrays.ofFloats(Shape.of(N, 1));
    for (int i = 0; i < N; i++) {
      y.setFloat(2 * x.getFloat(i, 0) - x.getFloat(i, 1) + 0.5f * x.getFloat(i, 2) + 0.3f, i, 0);
    }
    return y;
  }

  /** Trains a fresh seeded regression model compiled by {@code compile}; returns its final evaluation. */
  private static Map<String, Double> trained(BiConsumer<Sequential, Ops> compile) {
    Layer.clearNameCounters();
    KerasLite.setRandomSeed(21);
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential model = new Sequential(Input.of(3), new Dense(8).activation("tanh"), new Dense(1));
      compile.accept(model, tf);
      FloatNdArray x = features();
      FloatNdArray y = targets(x);
      model.fit(x, y, FitOptions.epochs(3).batchSize(8).verbose(0).seed(4));
      return model.evaluate(x, y);
    }
  }

  @Test
  void byNamesTrainsAsByObjects() {
    Map<String, Double> byNames = trained((m, tf) -> m.compile(tf, "rmsprop", "mse", "mae"));
    Map<String, Double> byObjects =
        trained((m, tf) -> m.compile(tf, new RMSprop(), new MeanSquaredError(), Metrics.get("mean_absolute_error")));
    assertEquals(byObjects, byNames);
    assertEquals(List.of("loss", "mean_absolute_error"), List.copyOf(byNames.keySet()));
    Map<String, Double> mixedLoss = trained((m, tf) -> m.compile(tf, new RMSprop(), "mean_squared_error", "mae"));
    Map<String, Double> mixedOptimizer = trained((m, tf) -> m.compile(tf, "RMSprop", new MeanSquaredError(), "mae"));
    assertEquals(byNames, mixedLoss);
    assertEquals(byNames, mixedOptimizer);
    // A different optimizer by name trains differently: the name was not ignored.
    assertNotEquals(byNames, trained((m, tf) -> m.compile(tf, "sgd", "mse", "mae")));
  }

  @Test
  void namesResolveToKerasClassesWithKerasDefaults() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential model = new Sequential(Input.of(3), new Dense(3));
      model.compile(tf, "adam", "sparse_categorical_crossentropy", "acc", Metrics.get("auc"));
      assertInstanceOf(Adam.class, model.compiled().optimizer());
      assertEquals(1e-3f, ((Adam) model.compiled().optimizer()).learningRate());
      assertInstanceOf(SparseCategoricalCrossentropy.class, model.compiled().loss());
      List<Metric> metrics = model.compiled().metrics();
      // Keras: "acc" with a sparse categorical loss is sparse categorical accuracy.
      // The first is the loss tracker, then the compiled metrics in order.
      assertEquals(3, metrics.size(), metrics.toString());
      assertEquals("loss", metrics.get(0).name());
      assertInstanceOf(SparseCategoricalAccuracy.class, metrics.get(1));
      assertInstanceOf(AUC.class, metrics.get(2));
      model.compile(tf, "sgd", new Huber());
      assertInstanceOf(SGD.class, model.compiled().optimizer());
      assertInstanceOf(Huber.class, model.compiled().loss());
    }
  }

  @Test
  void anUnknownNameInCompileListsTheValidOnes() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential model = new Sequential(Input.of(3), new Dense(1));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> model.compile(tf, new Adam(), "msee"));
      assertTrue(e.getMessage().startsWith("Unknown loss 'msee'; valid: BCE,"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> model.compile(tf, "adamm", new MeanSquaredError()));
      assertEquals(
          "Unknown optimizer 'adamm'; valid: adadelta, adagrad, adam, adamax, adamw, nadam, rmsprop, sgd",
          e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> model.compile(tf, "adam", "mse", "maee"));
      assertTrue(e.getMessage().startsWith("Unknown metric 'maee'; valid: AUC,"), e.getMessage());
    }
  }
}
