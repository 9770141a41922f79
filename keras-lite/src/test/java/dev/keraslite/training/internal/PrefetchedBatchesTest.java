package dev.keraslite.training.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.data.Batch;
import dev.keraslite.data.Dataset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;

/** {@link PrefetchedBatches}: fit's batches of arrays, made ahead on a background thread. */
class PrefetchedBatchesTest {

  /** Ten samples {i, 10 + i}, labelled i, in batches of three (the last of one). */
  private static Dataset numbered() {
    float[][] x = new float[10][];
    int[] y = new int[10];
    for (int i = 0; i < 10; i++) {
      x[i] = new float[] {i, 10 + i};
      y[i] = i;
    }
    return Dataset.of(x, y).shuffle(10, 7L).batch(3);
  }

  private static float[] values(Batch batch) {
    TFloat32 x = batch.x();
    float[] out = new float[(int) x.shape().size()];
    x.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(out, false, false));
    return out;
  }

  @Test
  void aPassGivesTheSourcesBatchesInOrderPassAfterPass() {
    // Two datasets alike: each pass reshuffles, so pass k of one is compared with pass k of the other.
    Dataset data = numbered();
    PrefetchedBatches prefetching = new PrefetchedBatches(numbered(), 2);
    for (int pass = 0; pass < 2; pass++) {
      List<float[]> expected = new ArrayList<>();
      for (Batch b : data) {
        try (b) {
          expected.add(values(b));
        }
      }
      List<float[]> prefetched = new ArrayList<>();
      try (PrefetchedBatches.Pass it = prefetching.iterator()) {
        while (it.hasNext()) {
          try (Batch b = it.next()) {
            prefetched.add(values(b));
          }
        }
        assertFalse(it.hasNext(), "the end stays the end");
      }
      assertEquals(4, prefetched.size());
      for (int i = 0; i < expected.size(); i++) {
        assertArrayEquals(expected.get(i), prefetched.get(i), "batch " + i + " of pass " + pass);
      }
    }
  }

  @Test
  void closingAPassEarlyStopsItsThreadAndFreesTheBatchesNotTaken() throws Exception {
    List<Batch> made = new ArrayList<>();
    Iterable<Batch> recorded =
        () -> {
          Iterator<Batch> in = numbered().iterator();
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return in.hasNext();
            }

            @Override
            public Batch next() {
              Batch b = in.next();
              synchronized (made) {
                made.add(b);
              }
              return b;
            }
          };
        };
    PrefetchedBatches.Pass it = new PrefetchedBatches(recorded, 2).iterator();
    Batch taken = it.next();
    // Wait until the producer has filled the queue (it blocks there: 1 taken + 2 queued + 1 held).
    for (int i = 0; i < 200 && made.size() < 3; i++) {
      Thread.sleep(5);
    }
    it.close();
    assertTrue(made.size() >= 3 && made.size() <= 4, "made ahead: " + made.size());
    for (Batch b : made) {
      if (b != taken) {
        assertThrows(IllegalStateException.class, b::x, "a batch made but not taken is closed");
      }
    }
    assertEquals(3, taken.size(), "the batch taken stays the caller's");
    taken.close();
    assertTrue(
        Thread.getAllStackTraces().keySet().stream()
            .noneMatch(t -> t.getName().equals("keras-lite-fit-prefetch") && t.isAlive()),
        "no producer thread left");
  }

  @Test
  void aFailureWhileMakingABatchIsRethrownWhereTheBatchWouldBe() {
    IllegalArgumentException bad = new IllegalArgumentException("bad data in batch 2");
    AtomicInteger served = new AtomicInteger();
    Iterable<Batch> failing =
        () -> {
          Iterator<Batch> in = numbered().iterator();
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return true;
            }

            @Override
            public Batch next() {
              if (served.getAndIncrement() == 2) {
                throw bad;
              }
              return in.next();
            }
          };
        };
    try (PrefetchedBatches.Pass it = new PrefetchedBatches(failing, 4).iterator()) {
      it.next().close();
      it.next().close();
      IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, it::hasNext);
      assertSame(bad, thrown, "the same exception, with its message");
      assertFalse(it.hasNext(), "the pass ends with the failure");
    }
  }
}
