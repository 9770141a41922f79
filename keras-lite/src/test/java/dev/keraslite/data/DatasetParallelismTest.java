package dev.keraslite.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;

/** {@link Dataset#prefetch} and {@link Dataset#map(java.util.function.Function, int)} (issue 13, item 7). */
class DatasetParallelismTest {
  private static final int N = 40;

  private static Dataset numbers() {
    FloatNdArray x = NdArrays.ofFloats(Shape.of(N, 2));
    for (int i = 0; i < N; i++) {
      x.setFloat(i, i, 0);
      x.setFloat(-i, i, 1);
    }
    return Dataset.of(x);
  }

  private static Element timesTen(Element e) {
    float[] v = e.x().clone();
    for (int i = 0; i < v.length; i++) {
      v[i] *= 10;
    }
    return e.withX(e.xShape(), v);
  }

  private static List<float[]> values(Dataset ds) {
    List<float[]> out = new ArrayList<>();
    for (Element e : ds.elements()) {
      out.add(e.x());
    }
    return out;
  }

  private static void assertSameElements(List<float[]> expected, List<float[]> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), 0f, "element " + i);
    }
  }

  @Test
  void prefetchGivesTheSameElementsInTheSameOrderEveryPass() {
    Dataset plain = numbers().shuffle(N, 7).map(DatasetParallelismTest::timesTen).batch(6);
    Dataset prefetched = numbers().shuffle(N, 7).map(DatasetParallelismTest::timesTen).batch(6).prefetch(2);
    assertEquals(plain.cardinality(), prefetched.cardinality());
    for (int pass = 0; pass < 3; pass++) { // a new shuffle order each pass, the same in both
      assertSameElements(values(plain), values(prefetched));
    }
    assertEquals(7, values(prefetched).size(), "40 samples in batches of 6");
  }

  @Test
  void prefetchRunsTheUpstreamAheadOnAnotherThreadWithinItsBuffer() throws Exception {
    AtomicInteger produced = new AtomicInteger();
    Set<Thread> mapThreads = ConcurrentHashMap.newKeySet();
    Dataset ds =
        numbers()
            .map(e -> {
              produced.incrementAndGet();
              mapThreads.add(Thread.currentThread());
              return e;
            })
            .prefetch(3);
    Iterator<Element> it = ds.elements().iterator();
    it.next();
    // The producer fills the buffer (3) and holds one more element waiting for room: 1 + 3 + 1.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (produced.get() < 5 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(200); // time to overrun the buffer, if it were unbounded
    assertEquals(5, produced.get(), "elements prepared while the consumer holds one");
    assertEquals(1, mapThreads.size());
    assertNotEquals(Thread.currentThread(), mapThreads.iterator().next());
  }

  @Test
  void whatTheUpstreamThrowsIsRethrownByTheIteration() {
    IllegalArgumentException bad = new IllegalArgumentException("sample 13 is bad");
    Dataset ds =
        numbers()
            .map(e -> {
              if (e.x()[0] == 13f) {
                throw bad;
              }
              return e;
            })
            .prefetch(2);
    Iterator<Element> it = ds.elements().iterator();
    for (int i = 0; i < 13; i++) {
      assertEquals(i, it.next().x()[0]);
    }
    IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, it::next);
    assertSame(bad, thrown);
    assertTrue(thrown.getSuppressed().length > 0, "the iterating thread's stack is attached");
  }

  @Test
  void anAbandonedPassStopsItsProducer() throws Exception {
    Dataset ds = numbers().repeat().prefetch(1);
    int before = threadsNamed("keras-lite-prefetch");
    Iterator<Element> it = ds.elements().iterator();
    it.next();
    assertEquals(before + 1, threadsNamed("keras-lite-prefetch"));
    it = null; // the pass is abandoned: an infinite upstream would otherwise keep its thread busy
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (threadsNamed("keras-lite-prefetch") > before && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(50);
    }
    assertEquals(before, threadsNamed("keras-lite-prefetch"), "producer threads left running");
  }

  private static int threadsNamed(String prefix) {
    int n = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith(prefix) && t.isAlive()) {
        n++;
      }
    }
    return n;
  }

  @Test
  void parallelMapKeepsTheOrderOfASequentialMap() {
    Dataset sequential = numbers().shuffle(N, 3).map(DatasetParallelismTest::timesTen).batch(4);
    Dataset parallel = numbers().shuffle(N, 3).map(DatasetParallelismTest::timesTen, 4).batch(4);
    Dataset autotuned = numbers().shuffle(N, 3).map(DatasetParallelismTest::timesTen, Dataset.AUTOTUNE).batch(4);
    List<float[]> expected = values(sequential); // the first pass of each: the same shuffle order
    assertSameElements(expected, values(parallel));
    assertSameElements(expected, values(autotuned));
  }

  /**
   * Two calls must be in flight at once: each waits at a barrier for the other. A sequential map
   * would leave the first call waiting alone until the barrier's timeout breaks it.
   */
  @Test
  void parallelMapRunsCallsConcurrently() {
    CyclicBarrier bothInFlight = new CyclicBarrier(2);
    Dataset ds =
        numbers()
            .take(4)
            .map(e -> {
              try {
                bothInFlight.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException | BrokenBarrierException | TimeoutException ex) {
                throw new IllegalStateException("calls did not overlap", ex);
              }
              return timesTen(e);
            }, 2);
    List<float[]> out = values(ds);
    assertEquals(4, out.size());
    assertArrayEquals(new float[] {30f, -30f}, out.get(3), 0f);
  }

  @Test
  void parallelMapRethrowsTheFunctionsExceptionAndRefusesBadArguments() {
    ArithmeticException bad = new ArithmeticException("no");
    Dataset ds = numbers().map(e -> {
      if (e.x()[0] == 5f) {
        throw bad;
      }
      return e;
    }, 3);
    assertSame(bad, assertThrows(ArithmeticException.class, () -> values(ds)));
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> numbers().map(e -> e, 0));
    assertTrue(zero.getMessage().contains("numParallelCalls must be at least 1 or AUTOTUNE, got 0"));
    assertThrows(IllegalArgumentException.class, () -> numbers().prefetch(0));
  }
}
