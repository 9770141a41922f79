package dev.keraslite.callbacks;

import dev.keraslite.checkpoint.Checkpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Saves the training state during training, as Keras's {@code ModelCheckpoint}: a TensorFlow
 * checkpoint ({@link Checkpoint}: {@code <path>.index} and {@code <path>.data-00000-of-00001}) of
 * the model's variables and, unless {@link #saveWeightsOnly(boolean) saveWeightsOnly}, the
 * optimizer's slots and iteration count and the epoch, after every epoch or every {@code saveFreq}
 * batches. Each checkpoint is written atomically.
 *
 * <pre>{@code
 * new ModelCheckpoint("ckpt/epoch-{epoch:02d}-{val_loss:.2f}")
 *     .monitor("val_loss")
 *     .saveBestOnly(true)
 * }</pre>
 *
 * <p>Keras file names ({@code .keras}, {@code .weights.h5}, {@code .h5}) are refused for now: those
 * files are written by {@code model.save} / {@code model.saveWeights}; give a checkpoint prefix
 * without those extensions.
 *
 * <p>The file path may hold Python-style placeholders, filled as Keras fills them: {@code {epoch}}
 * is the one-based epoch, {@code {batch}} the one-based batch (when saving every N batches), and
 * any log key such as {@code {val_loss}}, each with an optional format spec ({@code {epoch:02d}},
 * {@code {val_loss:.2f}}, {@code {loss:.3e}}). Missing directories are created.
 *
 * <p>With {@code saveBestOnly}, a file is written only when the monitored metric improves on the
 * best value so far (or on {@code initialValueThreshold}); a missing metric saves anyway, with a
 * warning (java.util.logging), as Keras does. The best value carries over between fits of the same
 * instance, as in Keras.
 */
public class ModelCheckpoint extends Callback {
  private static final Logger LOG = Logger.getLogger(ModelCheckpoint.class.getName());
  private static final String NAME = "ModelCheckpoint";

  private final PathTemplate filepath;
  private String monitor = "val_loss";
  private int verbose;
  private boolean saveBestOnly;
  private boolean saveWeightsOnly;
  private String mode = "auto";
  private int saveFreq; // 0: "epoch"
  private PrintStream out = System.out;

  private Boolean maximize; // resolved at the first comparison
  private Double best;
  private int currentEpoch;
  private int batchesSinceLastSave;
  private int lastBatchSeen = -1;

  /**
   * Saves to {@code filepath}, a path with optional placeholders.
   *
   * @throws IllegalArgumentException for unbalanced braces or an unsupported format spec
   */
  public ModelCheckpoint(String filepath) {
    if (filepath == null || filepath.isEmpty()) {
      throw new IllegalArgumentException(NAME + ": filepath must not be empty");
    }
    for (String ext : new String[] {".keras", ".weights.h5", ".h5"}) {
      if (filepath.endsWith(ext)) {
        throw new IllegalArgumentException(
            NAME + ": filepath '" + filepath + "' names a Keras '" + ext + "' file, which this"
                + " callback does not write yet (Keras files come from model.save and"
                + " model.saveWeights); give a TensorFlow checkpoint prefix without that extension,"
                + " such as 'ckpt/epoch-{epoch:02d}' (see dev.keraslite.checkpoint.Checkpoint)");
      }
    }
    this.filepath = new PathTemplate(filepath);
  }

  /** Quantity to monitor for {@code saveBestOnly} (default {@code "val_loss"}). */
  public ModelCheckpoint monitor(String monitor) {
    this.monitor = Monitor.checkMonitor(NAME, monitor);
    maximize = null;
    return this;
  }

  /** 0 (default): silent; 1: prints when it saves or skips. */
  public ModelCheckpoint verbose(int verbose) {
    this.verbose = verbose;
    return this;
  }

  /** Whether to save only when the monitored metric improves (default false). */
  public ModelCheckpoint saveBestOnly(boolean saveBestOnly) {
    this.saveBestOnly = saveBestOnly;
    return this;
  }

  /**
   * Whether to save only the model's variables (true), or also the optimizer's state and the epoch
   * (false, the default, as Keras's {@code save_weights_only=False}).
   */
  public ModelCheckpoint saveWeightsOnly(boolean saveWeightsOnly) {
    this.saveWeightsOnly = saveWeightsOnly;
    return this;
  }

  /** {@code "auto"} (default), {@code "min"} or {@code "max"}, as {@link EarlyStopping#mode}. */
  public ModelCheckpoint mode(String mode) {
    this.mode = Monitor.checkMode(NAME, mode);
    maximize = null;
    return this;
  }

  /** Saves after every epoch (the default, Keras's {@code save_freq="epoch"}). */
  public ModelCheckpoint saveFreqEpoch() {
    this.saveFreq = 0;
    return this;
  }

  /**
   * Saves every {@code batches} training batches instead of every epoch (Keras's integer {@code
   * save_freq}); the monitored value is then the batch logs' running average.
   */
  public ModelCheckpoint saveFreq(int batches) {
    if (batches <= 0) {
      throw new IllegalArgumentException(
          NAME + ": saveFreq must be a positive number of batches, received " + batches);
    }
    this.saveFreq = batches;
    return this;
  }

  /**
   * The value the monitored metric must beat for the first save with {@code saveBestOnly} (Keras's
   * {@code initial_value_threshold}; default none).
   */
  public ModelCheckpoint initialValueThreshold(Double threshold) {
    if (threshold != null && Double.isNaN(threshold)) {
      throw new IllegalArgumentException(NAME + ": initialValueThreshold must not be NaN");
    }
    this.best = threshold;
    return this;
  }

  /** Where verbose messages go (default {@code System.out}). */
  public ModelCheckpoint output(PrintStream out) {
    if (out == null) {
      throw new IllegalArgumentException(NAME + ": the output stream is null");
    }
    this.out = out;
    return this;
  }

  public String filepath() {
    return filepath.toString();
  }

  public String monitor() {
    return monitor;
  }

  public boolean saveBestOnly() {
    return saveBestOnly;
  }

  public String mode() {
    return mode;
  }

  /** The best monitored value saved so far, or null. */
  public Double best() {
    return best;
  }

  @Override
  public void onTrainBegin(Map<String, Double> logs) {
    if (saveBestOnly) {
      // Fail before the first epoch rather than after it.
      maximize = Monitor.maximizes(NAME, monitor, mode);
    }
    batchesSinceLastSave = 0;
    lastBatchSeen = -1;
  }

  @Override
  public void onEpochBegin(int epoch, Map<String, Double> logs) {
    currentEpoch = epoch;
  }

  @Override
  public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
    if (saveFreq == 0) {
      return;
    }
    // A batch index not above the last one starts a new epoch.
    int added = lastBatchSeen < 0 || batch <= lastBatchSeen ? batch + 1 : batch - lastBatchSeen;
    batchesSinceLastSave += added;
    lastBatchSeen = batch;
    if (batchesSinceLastSave >= saveFreq) {
      batchesSinceLastSave = 0;
      save(currentEpoch, batch, logs);
    }
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    if (saveFreq == 0) {
      save(epoch, -1, logs);
    }
  }

  private void save(int epoch, int batch, Map<String, Double> logs) {
    Map<String, Double> values = logs == null ? Map.of() : logs;
    Path path = Path.of(filePath(epoch, batch, values));
    if (!shouldSave(epoch, values, path)) {
      return;
    }
    if (Files.isDirectory(path)) {
      throw new IllegalArgumentException(
          "Please specify a non-directory filepath for ModelCheckpoint. Filepath used is an"
              + " existing directory: " + path);
    }
    try {
      Path dir = path.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      new Checkpoint(context().model(), saveWeightsOnly ? null : context().optimizer())
          .save(path, epoch);
    } catch (IOException e) {
      throw new UncheckedIOException(NAME + ": cannot save weights to " + path, e);
    }
    if (verbose > 0) {
      out.println();
      out.println("Epoch " + (epoch + 1) + ": finished saving model to " + path);
    }
  }

  private String filePath(int epoch, int batch, Map<String, Double> logs) {
    Map<String, Object> values = new LinkedHashMap<>(logs);
    values.put("epoch", epoch + 1);
    if (batch >= 0 && !logs.containsKey("batch")) {
      values.put("batch", batch + 1);
    }
    return filepath.format(values);
  }

  private boolean shouldSave(int epoch, Map<String, Double> logs, Path path) {
    if (!saveBestOnly) {
      if (verbose > 0) {
        out.println();
        out.println("Epoch " + (epoch + 1) + ": saving model to " + path);
      }
      return true;
    }
    Double current = logs.get(monitor);
    if (current == null) {
      LOG.warning("Can save best model only with " + monitor + " available.");
      return true;
    }
    if (maximize == null) {
      maximize = Monitor.maximizes(NAME, monitor, mode);
    }
    String bestString = best == null ? "None" : PythonFormat.fixed(best, 5);
    if (Monitor.improves(maximize, 0, current, best)) {
      if (verbose > 0) {
        out.println();
        out.println(
            "Epoch " + (epoch + 1) + ": " + monitor + " improved from " + bestString + " to "
                + PythonFormat.fixed(current, 5) + ", saving model to " + path);
      }
      best = current;
      return true;
    }
    if (verbose > 0) {
      out.println();
      out.println("Epoch " + (epoch + 1) + ": " + monitor + " did not improve from " + bestString);
    }
    return false;
  }
}
