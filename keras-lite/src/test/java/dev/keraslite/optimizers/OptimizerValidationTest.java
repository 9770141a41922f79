package dev.keraslite.optimizers;

import static dev.keraslite.optimizers.OptimizerUpdatesTest.B0;
import static dev.keraslite.optimizers.OptimizerUpdatesTest.B_NAME;
import static dev.keraslite.optimizers.OptimizerUpdatesTest.W0;
import static dev.keraslite.optimizers.OptimizerUpdatesTest.W_NAME;
import static dev.keraslite.optimizers.OptimizerUpdatesTest.asFloats;
import static dev.keraslite.optimizers.OptimizerUpdatesTest.asMatrix;
import static dev.keraslite.optimizers.OptimizerUpdatesTest.gradB;
import static dev.keraslite.optimizers.OptimizerUpdatesTest.gradW;
import static dev.keraslite.optimizers.OptimizerUpdatesTest.names;
import static dev.keraslite.optimizers.TestValues.assertClose;
import static dev.keraslite.optimizers.TestValues.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.Variable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;

/**
 * Bad input fails with a clear message and changes nothing: variables, slots and iterations keep
 * the values of the last good step. Null gradients are skipped with a warning.
 */
class OptimizerValidationTest {

  /** One good Adam step on w and b, then {@code bad}; asserts the failure and unchanged state. */
  private static void assertRejected(
      Class<? extends RuntimeException> expected, String fragment, BadCall bad) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable w = new Variable(tf, W_NAME, tf.constant(asMatrix(W0)), true);
      Variable b = new Variable(tf, B_NAME, tf.constant(asFloats(B0)), true);
      Adam adam = new Adam(0.1f);
      adam.applyGradients(
          List.of(tf.constant(asMatrix(gradW(0))), tf.constant(asFloats(gradB(0)))), List.of(w, b));
      List<double[]> before = snapshot(tf, adam, w, b);
      List<String> namesBefore = names(adam);

      RuntimeException e = assertThrows(expected, () -> bad.call(tf, adam, w, b).execute());
      assertTrue(
          e.getMessage().contains(fragment),
          "message '" + e.getMessage() + "' should contain '" + fragment + "'");

      List<double[]> after = snapshot(tf, adam, w, b);
      for (int i = 0; i < before.size(); i++) {
        assertClose("state " + i + " after the rejected call", before.get(i), after.get(i), 0);
      }
      assertEquals(namesBefore, names(adam), "no state was added");
      assertEquals(1L, (long) read(tf, adam.iterations())[0]);
    }
  }

  private interface BadCall {
    Executable call(Ops tf, Optimizer optimizer, Variable w, Variable b);
  }

  private static List<double[]> snapshot(Ops tf, Optimizer opt, Variable w, Variable b) {
    List<double[]> out = new ArrayList<>();
    out.add(read(tf, w));
    out.add(read(tf, b));
    for (Variable v : opt.variables()) {
      out.add(read(tf, v));
    }
    return out;
  }

  @Test
  void gradientShapeMismatchNamesTheVariableAndBothShapes() {
    assertRejected(
        IllegalArgumentException.class,
        "the gradient of variable 'model/dense/kernel:0' has shape [3, 2], expected shape [2, 3]",
        (tf, opt, w, b) ->
            () ->
                opt.applyGradients(
                    List.of(tf.constant(new float[3][2]), tf.constant(asFloats(gradB(1)))),
                    List.of(w, b)));
  }

  @Test
  void badSecondGradientLeavesTheFirstVariableUntouched() {
    // The first pair is valid: nothing may be applied before the second is checked.
    assertRejected(
        IllegalArgumentException.class,
        "'model/dense/bias:0' has shape [4], expected shape [3]",
        (tf, opt, w, b) ->
            () ->
                opt.applyGradients(
                    List.of(tf.constant(asMatrix(gradW(1))), tf.constant(new float[4])),
                    List.of(w, b)));
  }

  @Test
  void gradientDtypeMismatch() {
    assertRejected(
        IllegalArgumentException.class,
        "the gradient of variable 'model/dense/bias:0' has dtype float64, expected float32",
        (tf, opt, w, b) ->
            () ->
                opt.applyGradients(
                    List.of(tf.constant(asMatrix(gradW(1))), tf.constant(new double[3])),
                    List.of(w, b)));
  }

  @Test
  void sizeMismatch() {
    assertRejected(
        IllegalArgumentException.class,
        "received 1 gradients for 2 variables",
        (tf, opt, w, b) ->
            () -> opt.applyGradients(List.of(tf.constant(asMatrix(gradW(1)))), List.of(w, b)));
  }

  @Test
  void allGradientsNull() {
    assertRejected(
        IllegalArgumentException.class,
        "no gradients provided for any variable: [model/dense/kernel:0, model/dense/bias:0]",
        (tf, opt, w, b) -> () -> opt.applyGradients(Arrays.asList(null, null), List.of(w, b)));
  }

  @Test
  void negativeLearningRateIsRejectedBySetLearningRate() {
    assertRejected(
        IllegalArgumentException.class,
        "the learning rate must be a finite number >= 0, received -0.1",
        (tf, opt, w, b) -> () -> opt.setLearningRate(-0.1f));
  }

  @Test
  void configurationAfterBuildIsALifecycleError() {
    assertRejected(
        IllegalStateException.class,
        "set clipnorm before the first build() or applyGradients()",
        (tf, opt, w, b) -> () -> opt.clipnorm(1f));
  }

  @Test
  void negativeLearningRateIsRejectedByEveryConstructor() {
    List<Executable> constructors =
        List.of(
            () -> new SGD(-1f),
            () -> new Adam(-1f),
            () -> new AdamW(-1f),
            () -> new RMSprop(-1f),
            () -> new Adagrad(-1f),
            () -> new Adadelta(-1f),
            () -> new Adamax(-1f),
            () -> new Nadam(-1f),
            () -> new SGD(Float.NaN));
    for (Executable c : constructors) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c);
      assertTrue(
          e.getMessage().contains("the learning rate must be a finite number >= 0"),
          e.getMessage());
    }
  }

  @Test
  void badHyperparameters() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new SGD(0.1f).momentum(1.5f));
    assertTrue(
        e.getMessage().contains("SGD: momentum must be in [0.0, 1.0], received 1.5"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Adam().beta1(-0.1f));
    assertTrue(e.getMessage().contains("adam: beta1 must be in [0.0, 1.0]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new SGD().clipnorm(1f).clipvalue(1f));
    assertTrue(
        e.getMessage().contains("only one of clipnorm, clipvalue and globalClipnorm can be set"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new SGD().globalClipnorm(-2f));
    assertTrue(
        e.getMessage().contains("globalClipnorm must be a finite number >= 0"), e.getMessage());
  }

  @Test
  void scheduledLearningRateIsNotSettable() {
    SGD sgd = new SGD(new ExponentialDecay(0.1f, 10, 0.9f));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> sgd.setLearningRate(0.1f));
    assertTrue(e.getMessage().contains("LearningRateSchedule"), e.getMessage());
  }

  @Test
  void stateReadersBeforeBuildAreLifecycleErrors() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> new Adam().iterations());
    assertTrue(e.getMessage().contains("not built yet"), e.getMessage());
  }

  @Test
  void nullGradientsAreSkippedWithAWarningNamingTheVariables() {
    List<LogRecord> records = new ArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            records.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger logger = Logger.getLogger(Optimizer.class.getName());
    logger.addHandler(handler);
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable w = new Variable(tf, W_NAME, tf.constant(asMatrix(W0)), true);
      Variable b = new Variable(tf, B_NAME, tf.constant(asFloats(B0)), true);
      SGD sgd = new SGD(0.1f).momentum(0.5f);
      List<Operand<?>> grads = Arrays.asList(null, tf.constant(asFloats(gradB(0))));
      sgd.applyGradients(grads, List.of(w, b));

      assertClose("kernel without gradient", W0, read(tf, w), 1e-7);
      double[] expectedB = B0.clone();
      for (int i = 0; i < 3; i++) {
        expectedB[i] -= (double) 0.1f * gradB(0)[i];
      }
      assertClose("bias", expectedB, read(tf, b), 1e-6);
      assertEquals(1L, (long) read(tf, sgd.iterations())[0]);
      // As in Keras, the variable without a gradient was built all the same.
      assertTrue(sgd.slot(w, "momentum") != null);
    } finally {
      logger.removeHandler(handler);
    }
    assertEquals(1, records.size(), "one warning");
    String message = records.get(0).getMessage();
    assertTrue(
        message.contains("gradients do not exist for variables [model/dense/kernel:0]"), message);
  }
}
