package dev.keraslite.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.EagerScope;
import dev.keraslite.GradientTape;
import dev.keraslite.callbacks.History;
import dev.keraslite.callbacks.TerminateOnNaN;
import dev.keraslite.data.Dataset;
import dev.keraslite.layers.Layer;
import dev.keraslite.models.Sequential;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The four defects of issue 17, each failing before its fix. */
class IssueSeventeenDefectsTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  // ---- 1. fit on empty data raises, as Keras does ----------------------------------------------

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void fitOnEmptyArraysRaises(boolean eagerly) {
    try (Eager eager = Eager.create()) {
      Sequential model = Fixtures.classifier(eager.tf(), eagerly);
      StateBits before = StateBits.of(model);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> model.fit(Fixtures.emptyX(), Fixtures.emptyY(), FitOptions.epochs(2).verbose(0)));
      assertTrue(e.getMessage().startsWith("fit: Unexpected result of `train_function` (Empty logs)"), e.getMessage());
      assertTrue(e.getMessage().contains("x has shape [0, 4]"), e.getMessage());
      before.assertSameAs(StateBits.of(model), "after the refused fit");
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void fitOnAnEmptyDatasetRaises(boolean eagerly) {
    try (Eager eager = Eager.create()) {
      Sequential model = Fixtures.classifier(eager.tf(), eagerly);
      Dataset empty = Dataset.of(Fixtures.emptyX(), Fixtures.emptyY()).batch(8);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> model.fit(empty, FitOptions.epochs(1).verbose(0)));
      assertTrue(e.getMessage().contains("Empty logs"), e.getMessage());
      assertTrue(e.getMessage().contains("no samples"), e.getMessage());
      IllegalArgumentException onEvaluate =
          assertThrows(IllegalArgumentException.class, () -> model.evaluate(empty));
      assertTrue(onEvaluate.getMessage().startsWith("evaluate: Unexpected result of `test_function`"), onEvaluate.getMessage());
    }
  }

  // ---- 2. a released value says so on every path ------------------------------------------------

  private static void assertReleasedMessage(IllegalStateException e) {
    String m = e.getMessage();
    assertTrue(m.contains("was released when its GradientTape or EagerScope closed"), m);
    assertTrue(m.contains("eager.keep(value)") && m.contains("Recording.keep(tf, value)"), m);
    assertTrue(m.contains("Read it before the tape or scope closes"), m);
    assertFalse(m.contains("session has been closed"), m);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aValueReadAfterItsTapeClosedSaysItWasReleased(boolean fastPath) {
    try (Eager eager = Eager.create(fastPath)) {
      Ops tf = eager.tf();
      Operand<TFloat32> x = tf.constant(3f);
      Operand<TFloat32> y;
      try (GradientTape tape = new GradientTape(tf)) {
        tape.watch(x);
        y = tf.math.square(x);
        tape.gradient(y, x); // the outermost tape releases its step's values at close
      }
      assertReleasedMessage(assertThrows(IllegalStateException.class, () -> y.asTensor().getFloat()));
      assertReleasedMessage(assertThrows(IllegalStateException.class, y::shape));
      assertReleasedMessage(assertThrows(IllegalStateException.class, () -> tf.math.add(y, x)));
      Operand<TFloat32> z;
      try (EagerScope scope = eager.scope()) {
        z = tf.math.mul(x, x);
      }
      assertReleasedMessage(assertThrows(IllegalStateException.class, () -> z.asTensor().getFloat()));
      assertReleasedMessage(assertThrows(IllegalStateException.class, () -> tf.concat(java.util.List.of(x, z), tf.constant(0))));
      // Kept values and values read inside stay usable; the session is fine.
      Operand<TFloat32> kept;
      try (EagerScope scope = eager.scope()) {
        kept = eager.keep(tf.math.mul(x, x));
      }
      assertEquals(9f, kept.asTensor().getFloat());
      assertEquals(12f, tf.math.add(kept, x).asTensor().getFloat());
    }
  }

  @Test
  void aClosedSessionStillSaysSo() {
    Eager eager = Eager.create();
    Ops tf = eager.tf();
    Operand<TFloat32> x = tf.math.add(tf.constant(1f), tf.constant(2f));
    eager.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.asTensor());
    assertTrue(e.getMessage().contains("session has been closed"), e.getMessage());
  }

  // ---- 3. NaN inputs -------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void nanFeaturesAreRefusedBeforeAnyUpdateNamingTheSample(boolean eagerly) {
    try (Eager eager = Eager.create()) {
      Sequential model = Fixtures.classifier(eager.tf(), eagerly);
      float[][] x = Fixtures.features(64);
      x[45][2] = Float.NaN;
      StateBits before = StateBits.of(model);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> model.fit(Fixtures.x(x), Fixtures.y(Fixtures.labels(64)), FitOptions.epochs(1).batchSize(8).verbose(0)));
      assertTrue(e.getMessage().contains("non-finite value (NaN) at sample 45 (element 2"), e.getMessage());
      before.assertSameAs(StateBits.of(model), "no update");
    }
  }

  /**
   * The ReLU model of the issue: NaN inputs leave its loss finite while the gradients are NaN. With
   * validation off, the guard still keeps the weights finite, counts the skips and TerminateOnNaN
   * stops.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void nanFeaturesPastValidationLeaveTheWeightsFiniteAndStopTerminateOnNaN(boolean eagerly) {
    try (Eager eager = Eager.create()) {
      Sequential model = Fixtures.classifier(eager.tf(), eagerly);
      float[][] x = Fixtures.features(64);
      for (int i = 16; i < 24; i++) {
        x[i][0] = Float.NaN; // the whole third batch
      }
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      History history =
          model.fit(
              Fixtures.x(x),
              Fixtures.y(Fixtures.labels(64)),
              FitOptions.epochs(1).batchSize(8).shuffle(false).verbose(0).validateInputs(false).nonFiniteGuard(true)
                  .callbacks(new TerminateOnNaN().output(new PrintStream(printed, true))));
      assertTrue(StateBits.of(model).allFinite(), "weights and optimizer state stay finite");
      assertEquals(2L, model.compiled().optimizer().iterations().<org.tensorflow.types.TInt64>value(eager.tf()).asTensor().getLong(),
          "two updates before the skipped third batch, then training stopped");
      assertTrue(printed.toString().startsWith("Batch 2: Invalid gradients (update skipped)"), printed.toString());
      assertTrue(history.skippedSteps().isEmpty(), "stopped mid-epoch: no epoch recorded");
    }
  }

  // ---- 4. a bad label in the fifth batch fails before the first update -------------------------

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aLabelOutOfRangeInTheFifthBatchFailsBeforeTheFirstUpdate(boolean eagerly) {
    try (Eager eager = Eager.create()) {
      Sequential model = Fixtures.classifier(eager.tf(), eagerly);
      int[] y = Fixtures.labels(64);
      y[37] = 3; // batch 4 (zero-based) of batches of 8; classes are 0..2
      StateBits before = StateBits.of(model);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> model.fit(Fixtures.x(Fixtures.features(64)), Fixtures.y(y), FitOptions.epochs(1).batchSize(8).shuffle(false).verbose(0)));
      assertTrue(e.getMessage().contains("label 3 at sample 37 is outside [0, 3)"), e.getMessage());
      before.assertSameAs(StateBits.of(model), "no update before the refusal");
      if (!model.compiled().optimizer().built()) {
        return; // not even the optimizer's state was created
      }
      assertEquals(0L, model.compiled().optimizer().iterations().<org.tensorflow.types.TInt64>value(eager.tf()).asTensor().getLong());
    }
  }
}
