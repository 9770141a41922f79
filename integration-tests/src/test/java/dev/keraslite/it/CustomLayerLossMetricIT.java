package dev.keraslite.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keraslite.samples.CustomLayerLossMetric;
import org.junit.jupiter.api.Test;

/** Examples 10-12 against the Adam(0.01) reference values of TUTORIAL.md §3. */
class CustomLayerLossMetricIT {
  @Test
  void firstAdamStepMovesEveryParameterByTheLearningRate() {
    CustomLayerLossMetric.Result r = CustomLayerLossMetric.run(1);
    assertArrayEquals(new float[] {0.01f, 0.01f, 0.01f}, r.w(), 1e-6f);
    assertEquals(0.01f, r.b(), 1e-6f);
    assertEquals(250f, r.lastLoss(), 1e-3f); // the loss of the zero model: mean(10^2, 20^2)
  }

  @Test
  void hundredAdamSteps() {
    CustomLayerLossMetric.Result r = CustomLayerLossMetric.run(100);
    assertArrayEquals(new float[] {0.83141f, 0.833086f, 0.834087f}, r.w(), 1e-4f);
    assertEquals(0.838057f, r.b(), 1e-4f);
    assertEquals(31.6934f, r.lastLoss(), 1e-3f);
    assertEquals(0.75f, r.accuracy(), 0f);
  }
}
