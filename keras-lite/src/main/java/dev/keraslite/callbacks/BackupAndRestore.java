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
 *
 * <p><b>Several workers</b> (a model compiled in a {@code MultiWorkerStrategy}'s scope): give every
 * worker the same {@code backupDir}. Only the chief reads, writes and deletes it; the others
 * never touch it, so a directory shared by all workers sees one writer, and the chief's directory
 * is the only one that must survive a restart. When a restarted cluster's {@code fit} begins, the
 * chief's epoch is broadcast, so every worker resumes at the same epoch whatever its own copy of
 * the directory holds, and {@code fit} then copies the chief's restored weights and optimizer state
 * to the other workers before the first step. Resuming needs every worker restarted: a worker
 * that joins a running cluster alone is not supported.
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
    boolean chief = context().isChief();
    Path latest;
    long completed; // the last completed epoch (0-based), -1 for none
    try {
      latest = chief ? CheckpointManager.latestCheckpoint(backupDir) : null;
      completed = latest == null ? -1 : Checkpoint.readEpoch(latest);
    } catch (IOException e) {
      throw new UncheckedIOException(NAME + ": cannot read the backup in " + backupDir, e);
    }
    if (context().numWorkers() > 1) {
      // Every worker calls this collective, the chief with its answer: the workers must run the
      // same epochs, and only the chief's directory counts (the others' may be stale or absent).
      completed = context().broadcastFromChief(completed);
    }
    if (completed < 0) {
      return;
    }
    context().setInitialEpoch(Math.toIntExact(completed + 1));
    if (!chief) {
      return; // fit gives this worker the chief's restored state before the first step
    }
    pendingRestore = latest;
    if (!context().model().variables().isEmpty()) {
      restore();
    }
    // Otherwise the model is built by the first batch: restore just before its step.
  }

  @Override
  public void onTrainBatchBegin(int batch, Map<String, Double> logs) {
    if (pendingRestore != null) {
      restore();
    }
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    if (!context().isChief()) {
      return; // the chief writes the one backup; the others' state is the same
    }
    try {
      new CheckpointManager(checkpoint(), backupDir, 1).save(epoch);
    } catch (IOException e) {
      throw new UncheckedIOException(NAME + ": cannot back up to " + backupDir, e);
    }
  }

  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    // Not on the other workers: two processes deleting one shared directory fail on each other's
    // deletions.
    if (deleteCheckpoint && context().isChief() && Files.exists(backupDir)) {
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
