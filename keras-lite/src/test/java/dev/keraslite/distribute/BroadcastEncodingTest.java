package dev.keraslite.distribute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The chief's integers travel through a float32 sum as three parts; each part must be an integer
 * a float holds exactly (below 2^24), and the parts must give the value back, sign included. The
 * sum itself runs between real workers in MultiWorkerIT.
 */
class BroadcastEncodingTest {
  @Test
  void everyLongSurvivesTheFloatParts() {
    long[] values = {0, 1, -1, 2, 1L << 24, (1L << 24) - 1, 1L << 48, 123_456_789_012_345L,
        Long.MAX_VALUE, Long.MIN_VALUE, Integer.MIN_VALUE, System.nanoTime()};
    for (long v : values) {
      long[] parts = MultiWorkerStrategy.split(v);
      assertEquals(3, parts.length);
      for (long p : parts) {
        assertTrue(p >= 0 && p < (1L << 24), v + " has part " + p);
        assertEquals(p, (long) (float) p, "a float holds " + p + " exactly");
      }
      assertEquals(v, MultiWorkerStrategy.join(
          (long) (float) parts[0], (long) (float) parts[1], (long) (float) parts[2]));
    }
  }

  @Test
  void aSingleWorkerBroadcastsToItself() {
    MultiWorkerStrategy alone =
        MultiWorkerStrategy.of(TfConfig.parse(null), MultiWorkerStrategy.DEFAULT_TIMEOUT);
    assertEquals(-1L, alone.broadcastFromChief(-1L));
    assertEquals(Long.MIN_VALUE, alone.broadcastFromChief(Long.MIN_VALUE));
  }
}
