package dev.keraslite.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.activations.Activations;
import dev.keraslite.checkpoint.Checkpoint;
import dev.keraslite.checkpoint.CheckpointManager;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Layer;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.optimizers.SGD;
import dev.keraslite.training.FitOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;

/** An interrupted fit resumed with BackupAndRestore gives the losses of an uninterrupted one. */
class BackupAndRestoreTest {
  @TempDir Path dir;

  private static final int EPOCHS = 5;

  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  private static Sequential model(int seed) {
    return new Sequential(
        Input.of(4),
        new Dense(16).activation(Activations.relu()).kernelInitializer(Initializers.glorotUniform(seed)),
        new Dense(3).kernelInitializer(Initializers.glorotUniform(seed + 1)));
  }

  private static FloatNdArray x() {
    Random r = new Random(5);
    FloatNdArray x = NdArrays.ofFloats(Shape.of(200, 4));
    for (int i = 0; i < 200; i++) {
      for (int j = 0; j < 4; j++) {
        x.setFloat(r.nextFloat(), i, j);
      }
    }
    return x;
  }

  private static IntNdArray y(FloatNdArray x) {
    IntNdArray y = NdArrays.ofInts(Shape.of(200));
    for (int i = 0; i < 200; i++) {
      y.setInt(x.getFloat(i, 0) > x.getFloat(i, 1) ? 0 : x.getFloat(i, 2) > 0.5f ? 1 : 2, i);
    }
    return y;
  }

  /** Thrown by the callback that "kills" the first run. */
  private static final class Interrupted extends RuntimeException {
    Interrupted() {
      super("interrupted at the start of epoch 3");
    }
  }

  private static List<Double> fit(int seed, Callback... callbacks) {
    try (Eager eager = Eager.create()) {
      Sequential m = model(seed);
      m.compile(eager.tf(), new Adam(0.01f), new SparseCategoricalCrossentropy(true));
      FloatNdArray x = x();
      return m.fit(
              x, y(x),
              FitOptions.epochs(EPOCHS).batchSize(20).shuffle(false).verbose(0).callbacks(callbacks))
          .history()
          .get("loss");
    }
  }

  @Test
  void aRunStoppedAfterEpochTwoResumesWithTheUninterruptedLosses() throws Exception {
    List<Double> uninterrupted = fit(1);
    assertEquals(EPOCHS, uninterrupted.size());

    String backup = dir.resolve("backup").toString();
    Callback killer =
        new Callback() {
          @Override
          public void onEpochBegin(int epoch, Map<String, Double> logs) {
            if (epoch == 2) {
              throw new Interrupted();
            }
          }
        };
    assertThrows(Interrupted.class, () -> fit(1, new BackupAndRestore(backup), killer));
    Path latest = CheckpointManager.latestCheckpoint(Path.of(backup));
    assertTrue(latest != null, "the backup of epoch 2 survives the failure");

    // Another process, another initialisation: everything must come from the backup.
    List<Double> resumed = fit(42, new BackupAndRestore(backup));
    assertEquals(EPOCHS - 2, resumed.size(), "epochs 3 to 5 ran: " + resumed);
    for (int i = 0; i < resumed.size(); i++) {
      assertEquals(uninterrupted.get(i + 2), resumed.get(i), 1e-6, "epoch " + (i + 3));
    }
    assertFalse(Files.exists(Path.of(backup)), "deleted after the successful end");
  }

  @Test
  void withoutABackupTrainingStartsAtTheFirstEpochAndKeepsItWhenAsked() throws Exception {
    String backup = dir.resolve("b").toString();
    List<Double> losses = fit(1, new BackupAndRestore(backup).deleteCheckpoint(false));
    assertEquals(EPOCHS, losses.size());
    Path latest = CheckpointManager.latestCheckpoint(Path.of(backup));
    assertEquals(Path.of(backup).resolve("ckpt-" + EPOCHS), latest);
    assertEquals(EPOCHS - 1, dev.keraslite.checkpoint.Checkpoint.readEpoch(latest));
  }

  // ---- under a MultiWorkerStrategy: the context says which worker this is -------------------

  /** A backup of {@code model} with every weight {@code value}, as epoch {@code epoch}'s. */
  private static void backUp(TinyModel model, Path dir, float value, long epoch) throws Exception {
    model.fill(value);
    new CheckpointManager(new Checkpoint(model.dense, null), dir, 1).save(epoch);
  }

  private static FakeTrainingContext worker(TinyModel model, boolean chief, Long chiefValue) {
    FakeTrainingContext c = new FakeTrainingContext(model.dense, new SGD(), 5, 4, 0);
    c.workers = 2;
    c.chief = chief;
    c.chiefValue = chiefValue;
    return c;
  }

  @Test
  void aWorkerOtherThanTheChiefNeitherWritesNorDeletesTheBackup() throws Exception {
    Path backup = dir.resolve("shared");
    try (TinyModel model = new TinyModel()) {
      BackupAndRestore cb = new BackupAndRestore(backup.toString());
      FakeTrainingContext c = worker(model, false, -1L);
      cb.setContext(c);
      cb.onTrainBegin(Map.of());
      assertEquals(List.of(-1L), c.broadcasts, "it takes part in the broadcast of the epoch");
      assertEquals(-1, c.initialEpoch, "the chief has no backup: start at the first epoch");
      cb.onEpochEnd(0, Map.of("loss", 1.0));
      assertFalse(Files.exists(backup), "only the chief writes the backup");

      backUp(model, backup, 7f, 0); // what the chief wrote into the shared directory
      cb.onTrainEnd(Map.of());
      assertTrue(CheckpointManager.latestCheckpoint(backup) != null, "only the chief deletes it");
    }
  }

  @Test
  void aWorkerResumesAtTheChiefsEpochWhateverItsOwnDirectoryHolds() throws Exception {
    Path own = dir.resolve("own");
    try (TinyModel model = new TinyModel()) {
      backUp(model, own, 3f, 3); // a stale backup in this worker's directory: epoch 4 done
      model.fill(5f);

      BackupAndRestore cb = new BackupAndRestore(own.toString());
      FakeTrainingContext c = worker(model, false, 1L); // the chief finished epoch 2
      cb.setContext(c);
      cb.onTrainBegin(Map.of());
      assertEquals(2, c.initialEpoch, "the chief's epoch, not the local backup's");
      assertArrayEquals(TinyModel.filled(model.kernel(), 5f), TinyModel.read(model.kernel()),
          "the state comes from the chief's broadcast in fit, not from the local files");

      FakeTrainingContext fresh = worker(model, false, -1L); // the chief has no backup
      cb.setContext(fresh);
      cb.onTrainBegin(Map.of());
      assertEquals(-1, fresh.initialEpoch);
    }
  }

  @Test
  void theChiefBroadcastsItsEpochRestoresWritesAndDeletes() throws Exception {
    Path backup = dir.resolve("chief");
    try (TinyModel model = new TinyModel()) {
      backUp(model, backup, 2f, 2);
      model.fill(9f);

      BackupAndRestore cb = new BackupAndRestore(backup.toString());
      FakeTrainingContext c = worker(model, true, null);
      cb.setContext(c);
      cb.onTrainBegin(Map.of());
      assertEquals(List.of(2L), c.broadcasts, "the chief sends its last completed epoch");
      assertEquals(3, c.initialEpoch);
      assertArrayEquals(TinyModel.filled(model.kernel(), 2f), TinyModel.read(model.kernel()));

      model.fill(4f);
      cb.onEpochEnd(3, Map.of("loss", 1.0));
      Path latest = CheckpointManager.latestCheckpoint(backup);
      assertEquals(3, Checkpoint.readEpoch(latest));
      cb.onTrainEnd(Map.of());
      assertFalse(Files.exists(backup), "the chief deletes the backup after a normal end");
    }
  }
}
