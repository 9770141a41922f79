package dev.keraslite.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keraslite.samples.ManualLinearRegression;
import org.junit.jupiter.api.Test;

/** The tape example against the closed-form values of TUTORIAL.md §3. */
class ManualLinearRegressionIT {
  @Test
  void oneStepOfGradientDescent() {
    // Step-1 gradients are a: [-90, -120, -150], b: -30 (initial loss 250), times lr 0.01.
    ManualLinearRegression.Result r = ManualLinearRegression.run(1);
    assertArrayEquals(new float[] {0.9f, 1.2f, 1.5f}, r.a(), 1e-6f);
    assertEquals(0.3f, r.b(), 1e-6f);
    assertEquals(250f, r.lastLoss(), 1e-4f);
  }

  @Test
  void hundredSteps() {
    // float64 reference: a = [0.4078446, 1.1910652, 1.9742857], b = 0.7832206, loss in tape 0.1529088.
    ManualLinearRegression.Result r = ManualLinearRegression.run(100);
    assertArrayEquals(new float[] {0.407845f, 1.191065f, 1.974286f}, r.a(), 1e-4f);
    assertEquals(0.783221f, r.b(), 1e-4f);
    assertEquals(0.152909f, r.lastLoss(), 1e-4f);
  }
}
