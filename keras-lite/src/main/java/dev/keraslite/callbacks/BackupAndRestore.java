package dev.keraslite.callbacks;

import dev.keraslite.checkpoint.Checkpoint;
import dev.keraslite.checkpoint.CheckpointManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Lets an interrupted {@code fit} resume where it stopped, as Keras 3's {@code BackupAndRestore}:
 * after every epoch it backs up the model's variables, the optimizer's state and the epoch to
 * {@code backupDir} (a TensorFlow checkpoint, see {@link CheckpointManager}); a later {@code fit}
 * with the same directory restores them and starts at the epoch after the last completed one. The
 * backup is deleted when a {@code fit} ends normally (unless {@link #deleteCheckpoint(boolean)
 * deleteCheckpoint(false)}); a run that dies or throws keeps it.
 *
 * <pre>{@code
 * model.fit(x, y, FitOptions.epochs(10).callbacks(new BackupAndRestore("/tmp/backup")));
 * // killed during epoch 5; run again with the same code: it resumes at epoch 5
 * }</pre>
 *
 * <p>Backups are written atomically, so a process killed while saving resumes from the previous
 * complete backup. With shuffled data, a resumed run sees the same batches as an uninterrupted one
 * only if each epoch's order does not depend on earlier epochs.
 */
public class BackupAndRestore extends Callback {
  private static final String NAME = "BackupAndRestore";

  private final Path backupDir;
  private boolean deleteCheckpoint = true;
  private Path pendingRestore;

  /** Backs up to {@code backupDir} (created if missing). */
  public BackupAndRestore(String backupDir) {
    if (backupDir == null || backupDir.isEmpty()) {
      throw new IllegalArgumentException(NAME + ": backupDir must not be empty");
    }
    this.backupDir = Path.of(backupDir);
  }

  /** Whether to delete the backup when {@code fit} ends normally (default true, as in Keras). */
  public BackupAndRestore deleteCheckpoint(boolean deleteCheckpoint) {
    this.deleteCheckpoint = deleteCheckpoint;
    return this;
  }

  /** The backup directory. */
  public Path backupDir() {
    return backupDir;
  }

  @Override
  public void onTrainBegin(Map<String, Double> logs) {
    pendingRestore = null;
    try {
      Path latest = CheckpointManager.latestCheckpoint(backupDir);
      if (latest == null) {
        return;
      }
      long epoch = Checkpoint.readEpoch(latest);
      context().setInitialEpoch(Math.toIntExact(epoch + 1));
      pendingRestore = latest;
      if (!context().model().variables().isEmpty()) {
        restore();
      }
      // Otherwise the model is built by the first batch: restore just before its step.
    } catch (IOException e) {
      throw new UncheckedIOException(NAME + ": cannot read the backup in " + backupDir, e);
    }
  }

  @Override
  public void onTrainBatchBegin(int batch, Map<String, Double> logs) {
    if (pendingRestore != null) {
      restore();
    }
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    try {
      new CheckpointManager(checkpoint(), backupDir, 1).save(epoch);
    } catch (IOException e) {
      throw new UncheckedIOException(NAME + ": cannot back up to " + backupDir, e);
    }
  }

  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    if (deleteCheckpoint && Files.exists(backupDir)) {
      try (Stream<Path> walk = Files.walk(backupDir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(NAME + ": cannot delete the backup " + backupDir, e);
      }
    }
  }

  private void restore() {
    try {
      checkpoint().restore(pendingRestore);
    } catch (IOException e) {
      throw new UncheckedIOException(NAME + ": cannot restore " + pendingRestore, e);
    }
    pendingRestore = null;
  }

  private Checkpoint checkpoint() {
    return new Checkpoint(context().model(), context().optimizer());
  }
}
