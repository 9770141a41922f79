package dev.keraslite.saving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.Variable;
import dev.keraslite.checkpoint.Checkpoint;
import dev.keraslite.checkpoint.CheckpointManager;
import dev.keraslite.layers.Dense;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.types.TFloat32;

/**
 * Checkpoints survive a killed writer: a child JVM saving in a loop ({@link CheckpointWriterChild})
 * is killed (destroyForcibly: SIGKILL on Linux) at a random moment of its save loop, 20 times, each
 * child continuing from what the previous one left; after each kill the latest recorded checkpoint
 * loads and holds one consistent save (every weight equal to its epoch). Every fourth child is
 * killed only after it reported a completed save, so that the checkpoints move forward whatever a
 * save costs on a loaded machine.
 *
 * <p>Starting a JVM and TensorFlow takes seconds, so the next children are started (and wait,
 * TensorFlow loaded) while the current one saves: the test's time is about 20 save runs plus a few
 * start-ups, not 20 start-ups.
 */
class AtomicSaveTest {
  @TempDir Path dir;

  private static final int KILLS = 20;
  private static final int AHEAD = 3;

  static Sequential model() {
    return new Sequential(Input.of(64), new Dense(256), new Dense(256), new Dense(10));
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES) // a safety net; measured 187 s on a heavily loaded machine
  void theLastCompleteCheckpointAlwaysLoadsAfterKillMinus9() throws Exception {
    long start = System.nanoTime();
    Random random = new Random(12345);
    Path ckpts = dir.resolve("ckpts");
    long lastEpoch = -1;
    int progressed = 0;
    Deque<Process> waiting = new ArrayDeque<>();
    try (Eager eager = Eager.create()) {
      Sequential reader = model();
      reader.build(eager.tf());
      for (int i = 0; i < KILLS; i++) {
        while (waiting.size() < Math.min(AHEAD, KILLS - i)) {
          waiting.add(child(ckpts));
        }
        Process p = waiting.poll();
        BufferedReader out =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("READY", out.readLine(), "child " + i + " started");
        OutputStream in = p.getOutputStream();
        in.write("GO\n".getBytes(StandardCharsets.US_ASCII));
        in.flush();
        if (i % 4 == 0) {
          // Every fourth child completes a save before its random moment, however long a save
          // takes on a loaded machine (the test once saw no save complete within 450 ms, 20 times).
          String line;
          do {
            line = out.readLine();
          } while (line != null && !line.startsWith("SAVED"));
          assertTrue(line != null, "child " + i + " saved before it died on its own");
        }
        Thread.sleep(50 + random.nextInt(400)); // a random moment of the save loop
        p.destroyForcibly();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        p.getInputStream().close();
        in.close();

        Path latest = CheckpointManager.latestCheckpoint(ckpts);
        if (latest == null) {
          continue; // killed before its first save completed
        }
        long epoch = new Checkpoint(reader, null).restore(latest);
        assertTrue(epoch >= lastEpoch, "epochs only move forward: " + epoch + " after " + lastEpoch);
        if (epoch > lastEpoch) {
          progressed++;
        }
        lastEpoch = epoch;
        for (Variable v : reader.variables()) {
          try (TFloat32 t = (TFloat32) v.value(v.ops()).asTensor()) {
            float[] values = new float[(int) t.shape().size()];
            t.asRawTensor().data().asFloats().read(values);
            for (float x : values) {
              assertEquals((float) epoch, x, "kill " + i + ": " + v.name() + " of " + latest);
            }
          }
        }
      }
    } finally {
      waiting.forEach(Process::destroyForcibly);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "AtomicSaveTest: %d kills in %.1f s, last epoch %d, %d kills after new saves%n",
        KILLS, seconds, lastEpoch, progressed);
    assertTrue(lastEpoch >= 0, "at least one checkpoint completed");
    assertTrue(progressed >= KILLS / 4, "every fourth child saved before dying: " + progressed);
  }

  private static Process child(Path dir) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(
            java.toString(),
            // Start-up, not steady speed, is what these short-lived JVMs spend their time on.
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            CheckpointWriterChild.class.getName(),
            dir.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }
}
