package dev.keraslite.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.Variable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The eager core's bounded-memory guarantee (docs/ARCHITECTURE.md §1.4): a long training loop keeps resident
 * memory flat, because each step's values are freed when its tape closes rather than when the
 * garbage collector gets round to them.
 */
class EagerMemoryIT {
  private static final int STEPS = 20_000;
  private static final int BASELINE_STEP = 1_000;

  @Test
  void twentyThousandStepsKeepResidentMemoryFlat() throws IOException {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      // A small two-layer model fed a fresh 64 x 32 batch from Java each step, as a data loop does
      // (fresh constant values also exercise TensorFlow's per-value kernel cache, which keras-lite
      // clears now and then).
      java.util.Random random = new java.util.Random(1);
      float[][] batch = new float[64][32];
      Operand<TFloat32> y = normal(tf, 2, 64, 1);
      Variable w1 = new Variable(tf, "w1", tf.math.mul(normal(tf, 3, 32, 64), tf.constant(0.1f)), true);
      Variable b1 = new Variable(tf, "b1", tf.zeros(tf.constant(new int[] {64}), TFloat32.class), true);
      Variable w2 = new Variable(tf, "w2", tf.math.mul(normal(tf, 4, 64, 1), tf.constant(0.1f)), true);
      List<Variable> vars = List.of(w1, b1, w2);
      Operand<TFloat32> lr = tf.constant(0.01f);

      long baseline = 0;
      float firstLoss = 0;
      float lastLoss = 0;
      for (int step = 1; step <= STEPS; step++) {
        for (float[] row : batch) {
          for (int j = 0; j < row.length; j++) {
            row[j] = (float) random.nextGaussian();
          }
        }
        try (GradientTape tape = new GradientTape(tf)) {
          Operand<TFloat32> x = tf.constant(batch);
          Operand<TFloat32> h =
              tf.nn.relu(tf.math.add(tf.linalg.matMul(x, w1.value(tf)), b1.value(tf)));
          Operand<TFloat32> pred = tf.linalg.matMul(h, w2.value(tf));
          Operand<TFloat32> loss =
              tf.math.mean(tf.math.square(tf.math.sub(pred, y)), tf.constant(new int[] {0, 1}));
          List<Operand<?>> grads = tape.gradient(loss, vars);
          for (int i = 0; i < vars.size(); i++) {
            @SuppressWarnings("unchecked")
            Operand<TFloat32> g = (Operand<TFloat32>) grads.get(i);
            vars.get(i).assignSub(tf, tf.math.mul(lr, g));
          }
          if (step == 1) {
            firstLoss = loss.asTensor().getFloat();
          }
          if (step == STEPS) {
            lastLoss = loss.asTensor().getFloat();
          }
        }
        if (step == BASELINE_STEP) {
          baseline = residentBytes();
        }
      }
      long end = residentBytes();
      long growth = end - baseline;
      System.out.printf(
          "EagerMemoryIT: RSS after step %d: %.1f MB, after step %d: %.1f MB (growth %.1f MB, %.1f%%);"
              + " loss %.4f -> %.4f%n",
          BASELINE_STEP, baseline / 1e6, STEPS, end / 1e6, growth / 1e6, 100.0 * growth / baseline,
          firstLoss, lastLoss);
      assertTrue(lastLoss < firstLoss, "the model must actually train: " + firstLoss + " -> " + lastLoss);
      assertTrue(
          growth <= Math.max(0.10 * baseline, 50e6),
          "resident memory grew by " + growth / 1e6 + " MB from " + baseline / 1e6 + " MB");
    }
  }

  private static Operand<TFloat32> normal(Ops tf, long seed, int rows, int cols) {
    return tf.random.statelessRandomNormal(
        tf.constant(new int[] {rows, cols}), tf.constant(new long[] {seed, 0}), TFloat32.class);
  }

  /** VmRSS of this process, from /proc (Linux). */
  static long residentBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
