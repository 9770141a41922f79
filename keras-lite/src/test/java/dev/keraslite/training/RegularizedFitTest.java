package dev.keraslite.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keraslite.Eager;
import dev.keraslite.callbacks.Callback;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Layer;
import dev.keraslite.losses.MeanSquaredError;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.SGD;
import dev.keraslite.regularizers.L1;
import dev.keraslite.regularizers.L2;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * fit and evaluate add the layers' regularization losses to the compiled loss, eagerly and compiled:
 * one SGD step on a regularized linear model against the same step worked out by hand in double
 * precision (loss, penalties and their gradients written out; no keras-lite op involved).
 */
class RegularizedFitTest {
  private static final float[][] X = {{1f, -2f, 0.5f}, {0.3f, 0.8f, -1.2f}, {-0.7f, 0.1f, 2f}, {1.5f, 1f, -0.4f}};
  private static final float[][] Y = {{0.5f, -1f}, {1f, 0.2f}, {-0.3f, 0.7f}, {0f, 1.1f}};
  private static final float[][] KERNEL = {{0.4f, -0.6f}, {0.1f, 0.9f}, {-0.8f, 0.3f}};
  private static final float[] BIAS = {0.25f, -0.15f};
  private static final double L2_KERNEL = 0.1;
  private static final double L1_BIAS = 0.05;
  private static final double L2_ACTIVITY = 0.01;
  private static final double LR = 0.1;

  /** The model's loss, weights after one step, and evaluate's loss after it. */
  private record Run(double stepLoss, float[][] kernel, float[] bias, double evalLoss, int losses) {}

  private static Run oneStep(boolean eagerly, boolean activity) {
    Layer.clearNameCounters();
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Dense dense =
          new Dense(2)
              .kernelInitializer(Initializers.constant(KERNEL))
              .biasInitializer(Initializers.constant(BIAS))
              .kernelRegularizer(new L2(L2_KERNEL))
              .biasRegularizer(new L1(L1_BIAS));
      if (activity) {
        dense.activityRegularizer(new L2(L2_ACTIVITY));
      }
      Sequential m = new Sequential(Input.of(3), dense);
      m.compile(tf, new SGD((float) LR), new MeanSquaredError());
      m.setRunEagerly(eagerly);
      FloatNdArray x = StdArrays.ndCopyOf(X);
      FloatNdArray y = StdArrays.ndCopyOf(Y);
      List<Double> losses = new ArrayList<>();
      Callback perBatch =
          new Callback() {
            @Override
            public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
              losses.add(logs.get("loss"));
            }
          };
      m.fit(x, y, FitOptions.epochs(1).batchSize(4).shuffle(false).verbose(0).callbacks(perBatch));
      assertEquals(1, losses.size());
      float[][] kernel = StdArrays.array2dCopyOf(values(dense.kernel().value(tf)));
      float[] bias = StdArrays.array1dCopyOf(values(dense.bias().value(tf)));
      double evalLoss = m.evaluate(x, y).get("loss");
      return new Run(losses.get(0), kernel, bias, evalLoss, m.losses().size());
    }
  }

  private static FloatNdArray values(Operand<TFloat32> v) {
    return v.asTensor();
  }

  /** Loss and gradients of the regularized linear model, in double precision. */
  private static final class Reference {
    double loss;
    final double[][] dKernel = new double[3][2];
    final double[] dBias = new double[2];

    Reference(float[][] kernel, float[] bias, boolean activity) {
      int n = X.length;
      double mse = 0;
      double activityPenalty = 0;
      double[][] g = new double[n][2];
      for (int s = 0; s < n; s++) {
        for (int u = 0; u < 2; u++) {
          double out = bias[u];
          for (int i = 0; i < 3; i++) {
            out += (double) X[s][i] * kernel[i][u];
          }
          double r = out - Y[s][u];
          mse += r * r / (n * 2);
          g[s][u] = 2 * r / (n * 2);
          if (activity) {
            // Keras 3 adds regularizer(output) as is (no division by the batch size).
            activityPenalty += L2_ACTIVITY * out * out;
            g[s][u] += 2 * L2_ACTIVITY * out;
          }
        }
      }
      double kernelPenalty = 0;
      for (int i = 0; i < 3; i++) {
        for (int u = 0; u < 2; u++) {
          kernelPenalty += L2_KERNEL * kernel[i][u] * kernel[i][u];
          double d = 2 * L2_KERNEL * kernel[i][u];
          for (int s = 0; s < n; s++) {
            d += X[s][i] * g[s][u];
          }
          dKernel[i][u] = d;
        }
      }
      double biasPenalty = 0;
      for (int u = 0; u < 2; u++) {
        biasPenalty += L1_BIAS * Math.abs(bias[u]);
        double d = L1_BIAS * Math.signum(bias[u]);
        for (int s = 0; s < n; s++) {
          d += g[s][u];
        }
        dBias[u] = d;
      }
      loss = mse + kernelPenalty + biasPenalty + activityPenalty;
    }
  }

  private static void assertMatchesHandWorkedStep(Run run, boolean activity, String what) {
    Reference before = new Reference(KERNEL, BIAS, activity);
    assertEquals(before.loss, run.stepLoss(), 1e-5, what + ": the step's loss includes the penalties");
    float[][] kernel = new float[3][2];
    float[] bias = new float[2];
    for (int i = 0; i < 3; i++) {
      for (int u = 0; u < 2; u++) {
        kernel[i][u] = (float) (KERNEL[i][u] - LR * before.dKernel[i][u]);
        assertEquals(kernel[i][u], run.kernel()[i][u], 1e-5, what + ": kernel[" + i + "][" + u + "]");
      }
    }
    for (int u = 0; u < 2; u++) {
      bias[u] = (float) (BIAS[u] - LR * before.dBias[u]);
      assertEquals(bias[u], run.bias()[u], 1e-5, what + ": bias[" + u + "]");
    }
    Reference after = new Reference(kernel, bias, activity);
    assertEquals(after.loss, run.evalLoss(), 1e-5, what + ": evaluate's loss includes the penalties");
  }

  @Test
  void weightPenaltiesEnterTheLossAndTheGradientsEagerly() {
    Run run = oneStep(true, false);
    assertMatchesHandWorkedStep(run, false, "eager");
    assertEquals(2, run.losses(), "model.losses(): the kernel's and the bias's penalties");
  }

  @Test
  void weightPenaltiesEnterTheLossAndTheGradientsCompiled() {
    assertMatchesHandWorkedStep(oneStep(false, false), false, "compiled");
  }

  @Test
  void activityPenaltyOfTheForwardPassIsAddedToo() {
    Run eager = oneStep(true, true);
    Run compiled = oneStep(false, true);
    assertMatchesHandWorkedStep(eager, true, "eager");
    assertMatchesHandWorkedStep(compiled, true, "compiled");
    for (int i = 0; i < 3; i++) {
      for (int u = 0; u < 2; u++) {
        assertEquals(eager.kernel()[i][u], compiled.kernel()[i][u], 1e-5, "eager vs compiled");
      }
    }
  }
}
