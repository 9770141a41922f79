package dev.keraslite.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.KerasLite;
import dev.keraslite.samples.MobileNetV2Flowers;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Example 5 on real data, as the main job runs it: MobileNetV2 (alpha 1.0, weights none) trained
 * from scratch with compiled fit on Fashion-MNIST resized to 32x32x3, evaluated on the 10,000 test
 * images in inference mode (moving batch-normalization statistics). Issue 16's floor: 0.80.
 */
class MobileNetV2FlowersIT {
  @Test
  void reachesTheFloorWithTheMainJobsSettings() {
    // The main job starts every example from the global seed 0; without it the initial weights are
    // a fresh draw and one epoch ends anywhere between 0.79 and 0.84 (CI saw 0.7866 once).
    KerasLite.setRandomSeed(0);
    long t0 = System.nanoTime();
    MobileNetV2Flowers.Result r =
        MobileNetV2Flowers.run(MobileNetV2Flowers.EPOCHS, MobileNetV2Flowers.TRAIN_SAMPLES, 2, 0);
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("MobileNetV2FlowersIT: %s %s in %.1f s%n", r.test(), r.history().history(), seconds);
    List<Double> accuracy = r.history().history().get("sparse_categorical_accuracy");
    assertEquals(MobileNetV2Flowers.EPOCHS, accuracy.size());
    assertEquals(10000L, Math.round(r.testSamples()));
    assertTrue(r.testAccuracy() >= 0.80, "test accuracy " + r.testAccuracy() + " below 0.80: " + r.test());
  }
}
