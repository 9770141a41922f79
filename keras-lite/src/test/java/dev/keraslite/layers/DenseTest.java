package dev.keraslite.layers;

import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializers;
import org.junit.jupiter.api.Test;

class DenseTest {
  @Test
  void reluDenseMatchesMatMulPlusBiasPlusRelu() {
    LayerTestHarness.of(
            () ->
                new Dense(4)
                    .activation(Activations.relu())
                    .kernelInitializer(Initializers.glorotUniform(3))
                    .biasInitializer(Initializers.randomUniform(-0.5, 0.5, 4)))
        .input(5, 3)
        .expectOutputShape(5, 4)
        .expectWeight("kernel", 3, 4)
        .expectWeight("bias", 4)
        .expectParams(16)
        .oracle(
            (tf, x, w) -> tf.nn.relu(tf.math.add(tf.linalg.matMul(x.get(0), w.get(0)), w.get(1))),
            1e-6)
        .checkInputGradient()
        .run();
  }

  @Test
  void linearDenseWithoutBiasHasOnlyAKernel() {
    LayerTestHarness.of(() -> new Dense(2).useBias(false).kernelInitializer(Initializers.glorotUniform(5)))
        .input(4, 3)
        .expectOutputShape(4, 2)
        .expectWeight("kernel", 3, 2)
        .expectParams(6)
        .oracle((tf, x, w) -> tf.linalg.matMul(x.get(0), w.get(0)), 1e-6)
        .run();
  }

  @Test
  void rankThreeInputIsTransformedOnItsLastAxis() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(
                () ->
                    new Dense(4)
                        .kernelInitializer(Initializers.glorotUniform(7))
                        .biasInitializer(Initializers.randomNormal(0, 1, 8)))
            .input(2, 5, 3)
            .expectOutputShape(2, 5, 4)
            .expectWeight("kernel", 3, 4)
            .expectWeight("bias", 4)
            .expectParams(16)
            .run();
    // out[b, t, u] = sum_i x[b, t, i] * kernel[i, u] + bias[u], in double precision.
    float[] x = r.inputs().get(0);
    float[] kernel = r.weights().get(0);
    float[] bias = r.weights().get(1);
    double[] expected = new double[2 * 5 * 4];
    for (int bt = 0; bt < 10; bt++) {
      for (int u = 0; u < 4; u++) {
        double s = bias[u];
        for (int i = 0; i < 3; i++) {
          s += (double) x[bt * 3 + i] * kernel[i * 4 + u];
        }
        expected[bt * 4 + u] = s;
      }
    }
    LayerTestHarness.assertClose(expected, r.output(), 1e-5, "rank-3 Dense");
  }

  @Test
  void weightsAskedForBeforeTheFirstApplyAreRefusedNamingTheLayer() {
    Dense dense = new Dense(3).name("probe");
    IllegalStateException e =
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, dense::kernel);
    org.junit.jupiter.api.Assertions.assertEquals(
        "Dense 'probe': the kernel is created on the first apply(); the layer is not built yet",
        e.getMessage());
    BatchNormalization bn = new BatchNormalization().name("bn");
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, bn::movingMean);
    org.junit.jupiter.api.Assertions.assertEquals(
        "BatchNormalization 'bn': moving_mean is created on the first apply(); the layer is not built yet",
        e.getMessage());
  }
}
