package dev.keraslite.models;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.Variable;
import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Layer;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The tutorial's first example (TUTORIAL.md E1): a Model subclass holding a zero-initialised Dense,
 * trained by plain gradient descent. The optimizer is written elsewhere, so the update is done by
 * hand with {@code assignSub(lr * grad)}.
 */
class LinearModelTest {
  static final float[][] X = {{1, 2, 3}, {4, 5, 6}};
  static final float[][] Y = {{10}, {20}};
  static final float LEARNING_RATE = 0.01f;

  /** The tutorial's model, written as the tutorial writes it. */
  static class Linear extends Model {
    Dense dense =
        new Dense(1)
            .activation("linear")
            .kernelInitializer(Initializers.zeros())
            .biasInitializer(Initializers.zeros());

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
      return dense.apply(tf, input);
    }
  }

  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  /** Trains for {@code steps} steps; returns kernel (3) then bias (1). */
  private static float[] train(Eager eager, Linear model, int steps) {
    Ops tf = eager.tf();
    Operand<TFloat32> x = tf.constant(X);
    Operand<TFloat32> y = tf.constant(Y);
    for (int step = 0; step < steps; step++) {
      try (GradientTape tape = new GradientTape(tf)) {
        Operand<TFloat32> yPred = model.apply(tf, x);
        Operand<TFloat32> loss = tf.math.mean(tf.math.square(tf.math.sub(yPred, y)), tf.constant(new int[] {0, 1}));
        List<Operand<?>> grads = tape.gradient(loss, model.variables());
        List<Variable> vars = model.variables();
        for (int i = 0; i < vars.size(); i++) {
          @SuppressWarnings("unchecked")
          Operand<TFloat32> g = (Operand<TFloat32>) grads.get(i);
          vars.get(i).assignSub(tf, tf.math.mul(tf.constant(LEARNING_RATE), g));
        }
      }
    }
    float[] kernel = values(model.dense.kernel().value(tf));
    float[] bias = values(model.dense.bias().value(tf));
    return new float[] {kernel[0], kernel[1], kernel[2], bias[0]};
  }

  /** The same gradient descent in double precision: the closed-form gradients X^T r and sum(r). */
  private static double[] reference(int steps) {
    double[] w = new double[3];
    double b = 0;
    for (int step = 0; step < steps; step++) {
      double[] r = new double[2];
      for (int n = 0; n < 2; n++) {
        r[n] = b - Y[n][0];
        for (int j = 0; j < 3; j++) {
          r[n] += X[n][j] * w[j];
        }
      }
      // d/dw mean(r^2) = (2/N) X^T r with N = 2.
      for (int j = 0; j < 3; j++) {
        w[j] -= LEARNING_RATE * (X[0][j] * r[0] + X[1][j] * r[1]);
      }
      b -= LEARNING_RATE * (r[0] + r[1]);
    }
    return new double[] {w[0], w[1], w[2], b};
  }

  @Test
  void hundredStepsReachTheTutorialValues() {
    try (Eager eager = Eager.create()) {
      float[] p = train(eager, new Linear(), 100);
      double[] published = {0.407845, 1.191065, 1.974286, 0.783221};
      double[] ref = reference(100);
      for (int i = 0; i < 4; i++) {
        assertEquals(published[i], p[i], 1e-4, "parameter " + i + " vs TUTORIAL.md");
        assertEquals(ref[i], p[i], 1e-4 * Math.abs(ref[i]) + 1e-6, "parameter " + i + " vs float64 GD");
      }
    }
  }

  @Test
  void oneStepGivesTheClosedFormUpdate() {
    try (Eager eager = Eager.create()) {
      Linear model = new Linear();
      float[] p = train(eager, model, 1);
      // Gradients at zero: w -(X^T y) = [-90, -120, -150], b -30.
      assertEquals(0.9, p[0], 1e-6);
      assertEquals(1.2, p[1], 1e-6);
      assertEquals(1.5, p[2], 1e-6);
      assertEquals(0.3, p[3], 1e-6);

      String kernel = model.variables().get(0).toString();
      assertTrue(kernel.startsWith("<Variable 'linear/dense/kernel:0' shape=(3, 1) dtype=float32, numpy=[["), kernel);
      double[] parsed = parseNumbers(kernel.substring(kernel.indexOf("numpy=")));
      assertEquals(3, parsed.length, kernel);
      assertEquals(0.9, parsed[0], 1e-6);
      assertEquals(1.2, parsed[1], 1e-6);
      assertEquals(1.5, parsed[2], 1e-6);
      String bias = model.variables().get(1).toString();
      assertTrue(bias.startsWith("<Variable 'linear/dense/bias:0' shape=(1,) dtype=float32, numpy=["), bias);
      assertEquals(0.3, parseNumbers(bias.substring(bias.indexOf("numpy=")))[0], 1e-6);
    }
  }

  @Test
  void variablesAreScopedByTheModelAndTheLayer() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Linear model = new Linear();
      assertEquals("linear", model.name());
      assertTrue(model.variables().isEmpty(), "weights exist only after the first apply");
      model.apply(tf, tf.constant(X));
      List<Variable> vars = model.variables();
      assertEquals(2, vars.size());
      assertEquals("linear/dense/kernel:0", vars.get(0).name());
      assertEquals("linear/dense/bias:0", vars.get(1).name());
      assertEquals(
          "<Variable 'linear/dense/kernel:0' shape=(3, 1) dtype=float32, numpy=[[0.0], [0.0], [0.0]]>",
          vars.get(0).toString());
      assertEquals("<Variable 'linear/dense/bias:0' shape=(1,) dtype=float32, numpy=[0.0]>", vars.get(1).toString());
      assertEquals(vars, model.trainableVariables());
      assertEquals(List.of(model.dense), model.layers());
    }
  }

  private static double[] parseNumbers(String text) {
    return java.util.Arrays.stream(text.replaceAll("[^0-9.eE+-]+", " ").trim().split(" "))
        .mapToDouble(Double::parseDouble)
        .toArray();
  }
}
