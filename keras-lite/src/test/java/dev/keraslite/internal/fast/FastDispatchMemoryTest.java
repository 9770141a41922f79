package dev.keraslite.internal.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.EagerScope;
import dev.keraslite.GradientTape;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A million fast-path ops, released per iteration by scopes and tapes, leave resident memory flat:
 * every output handle is freed, and nothing else accumulates per op.
 */
class FastDispatchMemoryTest {
  private static final int SIDE = 32; // a leaked 32x32 float output would cost 4 KB per op

  private static long residentKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  /** Ten ops in a scope. */
  private static void scopedIteration(Eager eager, Operand<TFloat32> x) {
    Ops tf = eager.tf();
    try (EagerScope scope = eager.scope()) {
      Operand<TFloat32> y = tf.linalg.matMul(x, x);
      y = tf.math.add(y, x);
      y = tf.nn.relu(y);
      y = tf.math.mul(y, x);
      y = tf.math.sub(y, x);
      y = tf.math.square(y);
      y = tf.math.neg(y);
      y = tf.concat(java.util.List.of(y, x), tf.constant(0)); // + Const
      tf.reduceSum(y, tf.constant(0));
    }
  }

  /** A forward pass and its gradient under a tape (about twenty ops). */
  private static void tapedIteration(Eager eager, Operand<TFloat32> x) {
    Ops tf = eager.tf();
    try (GradientTape tape = new GradientTape(tf)) {
      tape.watch(x);
      Operand<TFloat32> y = tf.nn.relu(tf.math.mul(tf.linalg.matMul(x, x), x));
      Operand<TFloat32> loss = tf.math.mean(tf.math.square(y), tf.constant(new int[] {0, 1}));
      tape.gradient(loss, x);
    }
  }

  @Test
  void millionOpsKeepResidentMemoryFlat() throws IOException {
    try (Eager eager = Eager.create(true)) {
      EagerDispatcher dispatcher = FastAndSlow.dispatcher(eager);
      float[][] values = new float[SIDE][SIDE];
      for (int i = 0; i < SIDE; i++) {
        values[i][i] = 0.5f;
        values[i][(i + 1) % SIDE] = 0.25f;
      }
      Operand<TFloat32> x = eager.keep(eager.tf().constant(values));

      // Warm-up: the JIT, TensorFlow's allocator and kernel caches, the reused ops, and the JVM
      // touching the heap it has committed (in a long test run that alone adds hundreds of MB of
      // resident memory): until resident memory stops growing, within bounds.
      long previous = residentKb();
      for (int round = 0; round < 30; round++) {
        for (int i = 0; i < 1_000; i++) {
          scopedIteration(eager, x);
          tapedIteration(eager, x);
        }
        touchCommittedHeap();
        long now = residentKb();
        if (round >= 4 && now - previous < 2 * 1024) {
          break;
        }
        previous = now;
      }
      long start = dispatcher.fastOpCount();
      int liveAtStart = dispatcher.liveNativeObjects();
      long rssAtStart = residentKb();
      long heapAtStart = committedHeapKb();
      long worstGrowth = 0;
      int iterations = 0;
      while (dispatcher.fastOpCount() - start < 1_000_000) {
        scopedIteration(eager, x);
        tapedIteration(eager, x);
        if (++iterations % 2_000 == 0) {
          worstGrowth = Math.max(worstGrowth, nativeGrowthKb(rssAtStart, heapAtStart));
        }
      }
      long ops = dispatcher.fastOpCount() - start;
      long rssAtEnd = residentKb();
      long heapAtEnd = committedHeapKb();
      worstGrowth = Math.max(worstGrowth, nativeGrowthKb(rssAtStart, heapAtStart));
      System.out.printf(
          "FastDispatchMemoryTest: %d fast ops (%d fallbacks) in %d iterations; VmRSS after warm-up"
              + " %d MB, at end %d MB; Java heap committed %d MB -> %d MB; largest growth of VmRSS"
              + " beyond the heap's %d MB; live native objects %d -> %d%n",
          ops,
          dispatcher.javaOpCount(),
          iterations,
          rssAtStart / 1024,
          rssAtEnd / 1024,
          heapAtStart / 1024,
          heapAtEnd / 1024,
          worstGrowth / 1024,
          liveAtStart,
          dispatcher.liveNativeObjects());
      assertEquals(0, dispatcher.javaOpCount(), "every op must have taken the fast path");
      // The Java heap may legitimately grow (the JVM sizes it to the garbage rate); what must stay
      // flat is everything else, native memory above all. A leaked output would cost 4 KB per op.
      assertTrue(worstGrowth < 50 * 1024, "resident memory beyond the heap grew by " + worstGrowth / 1024 + " MB");
      // Every value was released: only the reused ops (one per type) can have been added.
      assertTrue(dispatcher.liveNativeObjects() - liveAtStart <= 5, "live native objects grew");
    }
  }

  /**
   * Allocates short-lived garbage worth twice the committed heap, in arrays small enough for the
   * young generation, so the collector has cycled through (and the OS made resident) every heap
   * region it had committed; otherwise that happens during the measurement and looks like growth.
   */
  private static void touchCommittedHeap() {
    long bytes = 2 * committedHeapKb() * 1024;
    long sink = 0;
    for (long done = 0; done < bytes; done += 64 * 1024) {
      byte[] garbage = new byte[64 * 1024];
      garbage[(int) (done % garbage.length)] = 1;
      sink += garbage.length;
    }
    if (sink < 0) {
      throw new AssertionError();
    }
  }

  private static long committedHeapKb() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / 1024;
  }

  /** Growth of resident memory since the start, less the growth of the committed Java heap. */
  private static long nativeGrowthKb(long rssAtStart, long heapAtStart) throws IOException {
    return residentKb() - rssAtStart - Math.max(0, committedHeapKb() - heapAtStart);
  }
}
