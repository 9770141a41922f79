package dev.keraslite.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Checks the tape's input gradient of an element-wise layer against central finite differences of
 * the layer's own output, one element at a time, at inputs the test chooses away from kinks.
 */
final class ElementwiseGradientCheck {
  private ElementwiseGradientCheck() {}

  static void check(Layer layer, float[] x, double eps, double tol) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Shape shape = Shape.of(1, x.length);
      Operand<TFloat32> xt = tf.constant(shape, DataBuffers.of(x));
      float[] grad;
      try (GradientTape tape = new GradientTape(tf)) {
        tape.watch(xt);
        Operand<TFloat32> loss = tf.sum(layer.apply(tf, xt), tf.constant(new int[] {0, 1}));
        @SuppressWarnings("unchecked")
        Operand<TFloat32> g = (Operand<TFloat32>) tape.gradient(loss, List.of((Object) xt)).get(0);
        grad = LayerTestHarness.values(g);
      }
      for (int i = 0; i < x.length; i++) {
        float[] plus = x.clone();
        float[] minus = x.clone();
        plus[i] += (float) eps;
        minus[i] -= (float) eps;
        double fd =
            (LayerTestHarness.values(layer.apply(tf, tf.constant(shape, DataBuffers.of(plus))))[i]
                    - LayerTestHarness.values(layer.apply(tf, tf.constant(shape, DataBuffers.of(minus))))[i])
                / (2 * eps);
        assertEquals(fd, grad[i], tol, layer + ": d y[" + i + "] / d x[" + i + "] at x = " + x[i]);
      }
    }
  }
}
