package dev.keraslite.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keraslite.activations.Activations;
import org.junit.jupiter.api.Test;

/** Activation and Softmax layers against element-wise formulas evaluated in double precision. */
class ActivationLayersTest {
  @Test
  void reluLayerByName() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new Activation("relu"))
            .input(3, 4)
            .expectOutputShape(3, 4)
            .expectParams(0)
            .checkInputGradient()
            .run();
    float[] x = r.inputs().get(0);
    double[] expected = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      expected[i] = Math.max(0, x[i]);
    }
    LayerTestHarness.assertClose(expected, r.output(), 0, "relu");
  }

  @Test
  void tanhLayerFromAnActivation() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new Activation(Activations.tanh())).input(2, 5).expectOutputShape(2, 5).run();
    float[] x = r.inputs().get(0);
    double[] expected = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      expected[i] = Math.tanh(x[i]);
    }
    LayerTestHarness.assertClose(expected, r.output(), 1e-6, "tanh");
  }

  @Test
  void softmaxOverTheLastAxis() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(Softmax::new).input(3, 4).expectOutputShape(3, 4).run();
    LayerTestHarness.assertClose(softmax(r.inputs().get(0), 3, 4, 1), r.output(), 1e-6, "softmax(axis=-1)");
  }

  @Test
  void softmaxOverTheMiddleAxis() {
    // Shape [2, 3, 4], normalised over axis 1: groups of 3 values with stride 4.
    LayerTestHarness.Result r =
        LayerTestHarness.of(() -> new Softmax(1)).input(2, 3, 4).expectOutputShape(2, 3, 4).run();
    LayerTestHarness.assertClose(softmax(r.inputs().get(0), 2, 3, 4), r.output(), 1e-6, "softmax(axis=1)");
  }

  @Test
  void softmaxDefaultsToTheLastAxis() {
    assertEquals(-1, new Softmax().axis());
  }

  /** Softmax of an [outer, n, inner] array over its middle axis. */
  static double[] softmax(float[] x, int outer, int n, int inner) {
    double[] out = new double[x.length];
    for (int o = 0; o < outer; o++) {
      for (int in = 0; in < inner; in++) {
        double sum = 0;
        for (int k = 0; k < n; k++) {
          sum += Math.exp(x[(o * n + k) * inner + in]);
        }
        for (int k = 0; k < n; k++) {
          int idx = (o * n + k) * inner + in;
          out[idx] = Math.exp(x[idx]) / sum;
        }
      }
    }
    return out;
  }
}
