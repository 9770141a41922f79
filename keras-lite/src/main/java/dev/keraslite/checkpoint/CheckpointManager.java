package dev.keraslite.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Numbered checkpoints in one directory, as {@code tf.train.CheckpointManager}: {@link #save} writes
 * {@code ckpt-1}, {@code ckpt-2}, ... and records them in the directory's {@code checkpoint} file
 * (TensorFlow's {@code CheckpointState}, text format), keeping the newest {@code maxToKeep}.
 *
 * <pre>{@code
 * CheckpointManager manager = new CheckpointManager(new Checkpoint(model, optimizer), dir, 3);
 * manager.save(epoch);
 * Path latest = CheckpointManager.latestCheckpoint(dir); // dir/ckpt-N, or null
 * }</pre>
 *
 * <p>The {@code checkpoint} file is replaced atomically after the new checkpoint is complete, so
 * {@link #latestCheckpoint(Path)} always names a checkpoint that loads, even if the saving process
 * was killed mid-write.
 */
public final class CheckpointManager {
  /** The state file TensorFlow's {@code tf.train.latest_checkpoint} reads. */
  public static final String STATE_FILE = "checkpoint";

  private static final Pattern ENTRY =
      Pattern.compile("^\\s*(model_checkpoint_path|all_model_checkpoint_paths)\\s*:\\s*\"(.*)\"\\s*$");

  private final Checkpoint checkpoint;
  private final Path directory;
  private final int maxToKeep;

  /**
   * @param maxToKeep how many checkpoints to keep (older ones are deleted), at least 1
   */
  public CheckpointManager(Checkpoint checkpoint, Path directory, int maxToKeep) {
    if (checkpoint == null || directory == null) {
      throw new IllegalArgumentException("CheckpointManager: checkpoint and directory are required");
    }
    if (maxToKeep < 1) {
      throw new IllegalArgumentException(
          "CheckpointManager: maxToKeep must be at least 1, received " + maxToKeep);
    }
    this.checkpoint = checkpoint;
    this.directory = directory;
    this.maxToKeep = maxToKeep;
  }

  /** The directory holding the checkpoints. */
  public Path directory() {
    return directory;
  }

  /**
   * Saves a new numbered checkpoint holding {@code epoch}, then records it as the latest and
   * deletes those beyond {@code maxToKeep}.
   *
   * @return the new checkpoint's prefix
   */
  public Path save(long epoch) throws IOException {
    Files.createDirectories(directory);
    List<String> kept = new ArrayList<>(recorded(directory));
    int next = 1;
    for (String name : kept) {
      Matcher m = Pattern.compile("ckpt-(\\d+)").matcher(name);
      if (m.matches()) {
        next = Math.max(next, Integer.parseInt(m.group(1)) + 1);
      }
    }
    String name = "ckpt-" + next;
    Path prefix = directory.resolve(name);
    checkpoint.save(prefix, epoch);
    kept.add(name);
    List<String> dropped = new ArrayList<>();
    while (kept.size() > maxToKeep) {
      dropped.add(kept.remove(0));
    }
    writeState(directory, kept);
    for (String old : dropped) {
      Checkpoint.delete(directory.resolve(old));
    }
    return prefix;
  }

  /** The newest checkpoint of this manager's directory, or null. */
  public Path latestCheckpoint() throws IOException {
    return latestCheckpoint(directory);
  }

  /** The checkpoints recorded in this manager's directory, oldest first. */
  public List<Path> checkpoints() throws IOException {
    List<Path> out = new ArrayList<>();
    for (String name : recorded(directory)) {
      out.add(directory.resolve(name));
    }
    return out;
  }

  /**
   * The prefix of the newest checkpoint recorded in {@code directory}'s {@code checkpoint} file
   * (TensorFlow's {@code tf.train.latest_checkpoint}), or null if there is none or its files are
   * gone.
   */
  public static Path latestCheckpoint(Path directory) throws IOException {
    Path state = directory.resolve(STATE_FILE);
    if (!Files.isRegularFile(state)) {
      return null;
    }
    String latest = null;
    for (String line : Files.readAllLines(state, StandardCharsets.UTF_8)) {
      Matcher m = ENTRY.matcher(line);
      if (m.matches() && m.group(1).equals("model_checkpoint_path")) {
        latest = m.group(2);
      }
    }
    if (latest == null) {
      return null;
    }
    Path prefix = directory.resolve(latest);
    return Checkpoint.exists(prefix) ? prefix : null;
  }

  private static List<String> recorded(Path directory) throws IOException {
    Path state = directory.resolve(STATE_FILE);
    List<String> out = new ArrayList<>();
    if (!Files.isRegularFile(state)) {
      return out;
    }
    for (String line : Files.readAllLines(state, StandardCharsets.UTF_8)) {
      Matcher m = ENTRY.matcher(line);
      if (m.matches() && m.group(1).equals("all_model_checkpoint_paths")) {
        out.add(m.group(2));
      }
    }
    return out;
  }

  /** Writes the {@code CheckpointState} text (newest last) to a temporary file, then renames it. */
  private static void writeState(Path directory, List<String> names) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("model_checkpoint_path: \"").append(names.get(names.size() - 1)).append("\"\n");
    for (String n : names) {
      sb.append("all_model_checkpoint_paths: \"").append(n).append("\"\n");
    }
    Path temp = directory.resolve("." + STATE_FILE + ".tmp-" + UUID.randomUUID());
    try {
      Files.writeString(temp, sb.toString(), StandardCharsets.UTF_8);
      Checkpoint.sync(temp);
      try {
        Files.move(
            temp,
            directory.resolve(STATE_FILE),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, directory.resolve(STATE_FILE), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
