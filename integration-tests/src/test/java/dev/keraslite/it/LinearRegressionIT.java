package dev.keraslite.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.samples.LinearRegression;
import org.junit.jupiter.api.Test;

/** Example 1 (model class) against the closed-form values of TUTORIAL.md §3. */
class LinearRegressionIT {
  @Test
  void afterOneStep() {
    LinearRegression.Result r = LinearRegression.run(1);
    assertArrayEquals(new float[] {0.9f, 1.2f, 1.5f}, r.kernel(), 1e-6f);
    assertEquals(0.3f, r.bias(), 1e-6f);
  }

  @Test
  void afterHundredSteps() {
    LinearRegression.Result r = LinearRegression.run(100);
    assertArrayEquals(new float[] {0.407845f, 1.191065f, 1.974286f}, r.kernel(), 1e-4f);
    assertEquals(0.783221f, r.bias(), 1e-4f);
    assertTrue(r.printed().startsWith("[<Variable 'linear/dense/kernel:0' shape=(3, 1) dtype=float32, numpy=[[0.40784"), r.printed());
    assertTrue(r.printed().contains("<Variable 'linear/dense/bias:0' shape=(1,) dtype=float32, numpy=[0.78322"), r.printed());
  }
}
