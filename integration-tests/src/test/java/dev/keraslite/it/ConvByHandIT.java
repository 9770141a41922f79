package dev.keraslite.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.keraslite.samples.ConvByHand;
import org.junit.jupiter.api.Test;

/** Example 6: the tutorial's printed feature maps (recomputed by hand in TUTORIAL.md). */
class ConvByHandIT {
  @Test
  void validPaddingStrideOne() {
    float[][] expected = {
      {6, 5, -2, 1, 2}, {3, 0, 3, 2, -2}, {4, 2, -1, 0, 0}, {2, 1, 2, -1, -3}, {1, 1, 1, 3, 1}
    };
    float[][] map = ConvByHand.featureMap(1);
    for (int i = 0; i < 5; i++) {
      assertArrayEquals(expected[i], map[i], 1e-6f, "row " + i);
    }
  }

  @Test
  void strideTwo() {
    float[][] expected = {{6, -2, 2}, {4, -1, 0}, {1, 1, 1}};
    float[][] map = ConvByHand.featureMap(2);
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(expected[i], map[i], 1e-6f, "row " + i);
    }
  }
}
