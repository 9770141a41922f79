package dev.keraslite.activations;

import static dev.keraslite.layers.LayerTestHarness.assertClose;
import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keraslite.Eager;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.tensorflow.op.Ops;

/** Each activation against its formula in double precision, with Keras 3's default arguments. */
class ActivationsTest {
  static final float[] X = {-3f, -1.5f, -0.5f, -0.01f, 0f, 0.01f, 0.5f, 1.5f, 3f};
  static final double SELU_ALPHA = 1.6732632423543772848170429916717;
  static final double SELU_SCALE = 1.0507009873554804934193349852946;

  /** erf by its Maclaurin series, exact to double precision for |x| <= 3. */
  static double erf(double x) {
    double term = x;
    double sum = x;
    for (int n = 1; n < 200; n++) {
      term *= -x * x / n;
      sum += term / (2 * n + 1);
    }
    return 2 / Math.sqrt(Math.PI) * sum;
  }

  private static void check(Activation activation, DoubleUnaryOperator formula, double tol) {
    double[] expected = new double[X.length];
    for (int i = 0; i < X.length; i++) {
      expected[i] = formula.applyAsDouble(X[i]);
    }
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      assertClose(expected, values(activation.apply(tf, tf.constant(X))), tol, activation.toString());
    }
  }

  @Test
  void elementWiseActivationsMatchTheirFormulas() {
    check(Activations.linear(), x -> x, 0);
    check(Activations.relu(), x -> Math.max(0, x), 0);
    check(Activations.sigmoid(), x -> 1 / (1 + Math.exp(-x)), 1e-6);
    check(Activations.tanh(), Math::tanh, 1e-6);
    check(Activations.softplus(), x -> Math.log1p(Math.exp(x)), 1e-6);
    check(Activations.elu(), x -> x > 0 ? x : Math.expm1(x), 1e-6);
    check(Activations.elu(0.5f), x -> x > 0 ? x : 0.5 * Math.expm1(x), 1e-6);
    check(Activations.selu(), x -> SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)), 1e-6);
  }

  @Test
  void kerasThreeDefaults() {
    // leaky_relu: negative_slope 0.2 in Keras 3's activation (the LeakyReLU layer uses 0.3).
    check(Activations.leakyRelu(), x -> x >= 0 ? x : 0.2 * x, 1e-7);
    check(Activations.leakyRelu(0.1f), x -> x >= 0 ? x : 0.1 * x, 1e-7);
    // gelu: approximate=false, the exact erf form.
    check(Activations.gelu(), x -> 0.5 * x * (1 + erf(x / Math.sqrt(2))), 1e-6);
    check(
        Activations.gelu(true),
        x -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
        1e-6);
    // The two forms differ (by up to ~1e-3 here), so the default really is the exact one.
    double exact = 0.5 * -1.5 * (1 + erf(-1.5 / Math.sqrt(2)));
    double approx = 0.5 * -1.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (-1.5 + 0.044715 * -3.375)));
    assertEquals(true, Math.abs(exact - approx) > 1e-4);
  }

  @Test
  void softmaxNormalisesTheLastAxisByDefault() {
    float[][] x = {{1, 2, 3}, {-1, 0, 5}};
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      double[] expected = new double[6];
      for (int r = 0; r < 2; r++) {
        double sum = 0;
        for (float v : x[r]) {
          sum += Math.exp(v);
        }
        for (int c = 0; c < 3; c++) {
          expected[r * 3 + c] = Math.exp(x[r][c]) / sum;
        }
      }
      assertClose(expected, values(Activations.softmax().apply(tf, tf.constant(x))), 1e-6, "softmax");
      assertClose(expected, values(Activations.get("softmax").apply(tf, tf.constant(x))), 1e-6, "softmax by name");
      double[] byColumn = new double[6];
      for (int c = 0; c < 3; c++) {
        double sum = Math.exp(x[0][c]) + Math.exp(x[1][c]);
        byColumn[c] = Math.exp(x[0][c]) / sum;
        byColumn[3 + c] = Math.exp(x[1][c]) / sum;
      }
      assertClose(byColumn, values(Activations.softmax(0).apply(tf, tf.constant(x))), 1e-6, "softmax(axis=0)");
      assertThrows(IllegalArgumentException.class, () -> Activations.softmax(2).apply(tf, tf.constant(x)));
    }
  }

  @Test
  void lookupByKerasName() {
    check(Activations.get("leaky_relu"), x -> x >= 0 ? x : 0.2 * x, 1e-7);
    check(Activations.get("relu"), x -> Math.max(0, x), 0);
    check(Activations.get(null), x -> x, 0);
    assertEquals("gelu", Activations.get("gelu").toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activations.get("rleu"));
    assertEquals(
        "Unknown activation 'rleu'; valid: elu, gelu, hard_sigmoid, leaky_relu, linear,"
            + " relu, selu, sigmoid, silu, softmax, softplus, softsign, swish, tanh",
        e.getMessage());
  }
}
