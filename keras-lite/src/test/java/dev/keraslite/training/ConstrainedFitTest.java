package dev.keraslite.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.constraints.MaxNorm;
import dev.keraslite.constraints.NonNeg;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Layer;
import dev.keraslite.losses.MeanSquaredError;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.SGD;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;

/**
 * fit applies the layers' constraints after each optimizer update, eagerly and compiled: one SGD
 * step on a linear model with a max-norm kernel and a non-negative bias, against the same step and
 * projection worked out by hand in double precision.
 */
class ConstrainedFitTest {
  private static final float[][] X = {{1f, -2f, 0.5f}, {0.3f, 0.8f, -1.2f}, {-0.7f, 0.1f, 2f}, {1.5f, 1f, -0.4f}};
  private static final float[][] Y = {{0.5f, -1f}, {1f, 0.2f}, {-0.3f, 0.7f}, {0f, 1.1f}};
  private static final float[][] KERNEL = {{0.4f, -0.6f}, {0.1f, 0.9f}, {-0.8f, 0.3f}};
  private static final float[] BIAS = {-0.4f, 0.3f};
  private static final double LR = 0.5;
  private static final double MAX_NORM = 0.5;

  private record Run(float[][] kernel, float[] bias) {}

  private static Run oneStep(boolean eagerly, int steps) {
    Layer.clearNameCounters();
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Dense dense =
          new Dense(2)
              .kernelInitializer(Initializers.constant(KERNEL))
              .biasInitializer(Initializers.constant(BIAS))
              .kernelConstraint(new MaxNorm(MAX_NORM))
              .biasConstraint(new NonNeg());
      Sequential m = new Sequential(Input.of(3), dense);
      m.compile(tf, new SGD((float) LR), new MeanSquaredError());
      m.setRunEagerly(eagerly);
      FloatNdArray x = StdArrays.ndCopyOf(X);
      FloatNdArray y = StdArrays.ndCopyOf(Y);
      m.fit(x, y, FitOptions.epochs(steps).batchSize(4).shuffle(false).verbose(0));
      return new Run(
          StdArrays.array2dCopyOf((FloatNdArray) dense.kernel().value(tf).asTensor()),
          StdArrays.array1dCopyOf((FloatNdArray) dense.bias().value(tf).asTensor()));
    }
  }

  /** The SGD step on the mean squared error, then Keras's MaxNorm on the columns and NonNeg. */
  private static Run reference() {
    int n = X.length;
    double[][] g = new double[n][2];
    for (int s = 0; s < n; s++) {
      for (int u = 0; u < 2; u++) {
        double out = BIAS[u];
        for (int i = 0; i < 3; i++) {
          out += (double) X[s][i] * KERNEL[i][u];
        }
        g[s][u] = 2 * (out - Y[s][u]) / (n * 2);
      }
    }
    float[][] kernel = new float[3][2];
    float[] bias = new float[2];
    boolean normActive = false;
    boolean signActive = false;
    for (int u = 0; u < 2; u++) {
      double[] column = new double[3];
      double sq = 0;
      for (int i = 0; i < 3; i++) {
        double d = 0;
        for (int s = 0; s < n; s++) {
          d += X[s][i] * g[s][u];
        }
        column[i] = KERNEL[i][u] - LR * d;
        sq += column[i] * column[i];
      }
      double norm = Math.sqrt(sq);
      normActive |= norm > MAX_NORM;
      for (int i = 0; i < 3; i++) {
        kernel[i][u] = (float) (column[i] * Math.min(norm, MAX_NORM) / (1e-7 + norm));
      }
      double db = 0;
      for (int s = 0; s < n; s++) {
        db += g[s][u];
      }
      double b = BIAS[u] - LR * db;
      signActive |= b < 0;
      bias[u] = (float) Math.max(b, 0);
    }
    // The case must exercise both constraints, or it could not tell them from no constraint.
    assertTrue(normActive && signActive, "the unconstrained step breaks both constraints");
    return new Run(kernel, bias);
  }

  private static void assertSame(Run expected, Run actual, String what) {
    for (int i = 0; i < 3; i++) {
      for (int u = 0; u < 2; u++) {
        assertEquals(expected.kernel()[i][u], actual.kernel()[i][u], 1e-5, what + ": kernel[" + i + "][" + u + "]");
      }
    }
    for (int u = 0; u < 2; u++) {
      assertEquals(expected.bias()[u], actual.bias()[u], 1e-5, what + ": bias[" + u + "]");
    }
  }

  private static void assertConstraintsHold(Run run, String what) {
    for (int u = 0; u < 2; u++) {
      double sq = 0;
      for (int i = 0; i < 3; i++) {
        sq += (double) run.kernel()[i][u] * run.kernel()[i][u];
      }
      assertTrue(Math.sqrt(sq) <= MAX_NORM + 1e-6, what + ": column " + u + " norm " + Math.sqrt(sq));
      assertTrue(run.bias()[u] >= 0, what + ": bias " + u + " = " + run.bias()[u]);
    }
  }

  @Test
  void eagerStepProjectsTheUpdatedWeights() {
    Run run = oneStep(true, 1);
    assertSame(reference(), run, "eager");
    assertConstraintsHold(run, "eager");
  }

  @Test
  void compiledStepProjectsTheUpdatedWeights() {
    Run run = oneStep(false, 1);
    assertSame(reference(), run, "compiled");
    assertConstraintsHold(run, "compiled");
  }

  @Test
  void eagerAndCompiledAgreeOverSeveralStepsAndTheConstraintsHold() {
    Run eager = oneStep(true, 5);
    Run compiled = oneStep(false, 5);
    assertSame(eager, compiled, "5 steps, eager vs compiled");
    assertConstraintsHold(eager, "eager");
    assertConstraintsHold(compiled, "compiled");
  }
}
