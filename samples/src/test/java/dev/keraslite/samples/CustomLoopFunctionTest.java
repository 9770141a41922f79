package dev.keraslite.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The tutorial's MLP custom loop gives the same numbers with its train step traced by {@code
 * eager.function} ({@code --function}) as eagerly, from the same seed: same batches, same initial
 * weights, same Adam updates (up to float rounding of a different kernel order).
 */
class CustomLoopFunctionTest {
  @Test
  void mlpCustomLoopWithFunctionMatchesEager() {
    CustomLoop.Result eager = MlpCustomLoop.run(300, 0, 7, false);
    CustomLoop.Result traced = MlpCustomLoop.run(300, 0, 7, true);
    assertEquals(eager.dataset(), traced.dataset());
    assertEquals(eager.lastLoss(), traced.lastLoss(), 1e-3f * Math.max(1f, eager.lastLoss()));
    assertEquals(eager.testAccuracy(), traced.testAccuracy(), 0.002f);
    // 300 steps of Adam learn something: the comparison is not between two untrained models.
    assertTrue(eager.testAccuracy() > 0.5f, "accuracy " + eager.testAccuracy());
  }
}
