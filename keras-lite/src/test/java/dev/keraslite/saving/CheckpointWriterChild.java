package dev.keraslite.saving;

import dev.keraslite.Eager;
import dev.keraslite.Variable;
import dev.keraslite.checkpoint.Checkpoint;
import dev.keraslite.checkpoint.CheckpointManager;
import java.nio.file.Path;
import java.util.Arrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;

/**
 * The process AtomicSaveTest kills: saves numbered checkpoints into a directory as fast as it can,
 * checkpoint {@code k} holding every weight equal to {@code k} and epoch {@code k}, continuing after
 * the latest checkpoint a killed predecessor left. Prints {@code READY} once TensorFlow is loaded,
 * then waits for a line {@code GO} on its standard input before it looks for that checkpoint (the
 * test starts the next child while the current one is still saving), and prints {@code SAVED k}
 * after each checkpoint it completes.
 */
public final class CheckpointWriterChild {
  private CheckpointWriterChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      var model = AtomicSaveTest.model();
      model.build(tf);
      CheckpointManager manager = new CheckpointManager(new Checkpoint(model, null), dir, 3);
      System.out.println("READY");
      System.out.flush();
      var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
      if (!"GO".equals(in.readLine())) {
        return;
      }
      Path latest = manager.latestCheckpoint();
      long k = latest == null ? 0 : Checkpoint.readEpoch(latest) + 1;
      while (true) {
        for (Variable v : model.variables()) {
          float[] values = new float[(int) v.shape().size()];
          Arrays.fill(values, k);
          v.assign(tf, tf.constant(v.shape(), DataBuffers.of(values)));
        }
        manager.save(k);
        System.out.println("SAVED " + k);
        System.out.flush();
        k++;
      }
    }
  }
}
