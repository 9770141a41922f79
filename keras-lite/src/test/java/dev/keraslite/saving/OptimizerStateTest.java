package dev.keraslite.saving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.Variable;
import dev.keraslite.checkpoint.Checkpoint;
import dev.keraslite.layers.Dense;
import dev.keraslite.optimizers.Adam;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Model weights and optimizer state checkpointed together resume training exactly where it stopped. */
class OptimizerStateTest {
  @TempDir Path dir;

  private static void step(Ops tf, Dense dense, Adam adam, Operand<TFloat32> x, Operand<TFloat32> y) {
    try (GradientTape tape = new GradientTape(tf)) {
      Operand<TFloat32> loss = tf.math.mean(tf.math.square(tf.math.sub(dense.apply(tf, x), y)), tf.constant(new int[] {0, 1}));
      adam.applyGradients(tape.gradient(loss, dense.trainableVariables()), dense.trainableVariables());
    }
  }

  private static String values(List<Variable> vars) {
    return vars.toString();
  }

  @Test
  void savedAdamStateResumesBitForBit() throws Exception {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> x = tf.constant(new float[][] {{1, 2, 3}, {4, 5, 6}});
      Operand<TFloat32> y = tf.constant(new float[][] {{10}, {20}});
      Dense dense = new Dense(1);
      Adam adam = new Adam(0.05f);
      for (int i = 0; i < 3; i++) {
        step(tf, dense, adam, x, y);
      }
      List<Variable> state = new ArrayList<>(dense.variables());
      state.addAll(adam.variables());
      Checkpoint checkpoint = new Checkpoint(dense, adam);
      Path prefix = checkpoint.save(dir.resolve("ckpt"), 2);

      for (int i = 0; i < 2; i++) {
        step(tf, dense, adam, x, y);
      }
      String continued = values(state);

      assertEquals(2, checkpoint.restore(prefix));
      assertNotEquals(continued, values(state), "the restore went back in time");
      for (int i = 0; i < 2; i++) {
        step(tf, dense, adam, x, y);
      }
      // Same weights, moments and iteration count: the two continuations agree exactly.
      assertEquals(continued, values(state));
    }
  }
}
