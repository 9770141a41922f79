package dev.keraslite.callbacks;

import dev.keraslite.EagerScope;
import dev.keraslite.Variable;
import dev.keraslite.optimizers.Optimizer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * Writes TensorBoard logs of a {@code fit}, as Keras's {@code TensorBoard} callback, with TensorFlow's
 * own summary ops (see {@link dev.keraslite.summary.SummaryWriter}).
 *
 * <pre>{@code
 * model.fit(x, y, FitOptions.epochs(5).callbacks(new TensorBoard("logs/fit").histogramFreq(1)));
 * // then: tensorboard --logdir logs/fit
 * }</pre>
 *
 * <p>The layout and tags are Keras's: {@code <logDir>/train} holds {@code epoch_loss}, {@code
 * epoch_<metric>} and {@code epoch_learning_rate} at each epoch, the weight histograms ({@code
 * <variable path>/histogram}, such as {@code sequential/dense/kernel/histogram}) every {@link
 * #histogramFreq(int) histogramFreq} epochs, the traced train step's graph (compiled {@code fit} only:
 * an eager step has no graph) and, unless {@code updateFreq} is {@code "epoch"}, {@code batch_<metric>}
 * every N batches at the global batch number; {@code <logDir>/validation} holds the validation
 * {@code epoch_<metric>} values (without the {@code val_} prefix) and {@code
 * evaluation_<metric>_vs_iterations} at the optimizer's iteration count.
 *
 * <p>The files are written by TensorFlow's summary ops ({@link dev.keraslite.summary.SummaryWriter})
 * on a background thread, so training does not wait for the disk; {@code fit} returns once they are
 * complete. Unlike Keras, which leaves writes to TensorFlow's two-minute flush, both files are flushed
 * after every epoch: a run that crashes keeps every epoch but (at most) the last finished one.
 */
public class TensorBoard extends Callback {
  /** Keras's default {@code log_dir}. */
  public static final String DEFAULT_LOG_DIR = "logs";

  private final Path logDir;
  private int updateFreq; // 0 for "epoch"
  private int histogramFreq;
  private boolean writeGraph = true;

  private SummaryQueue writers;
  private long globalTrainBatch;
  private boolean shouldWriteTrainGraph;

  /** Logs to {@value #DEFAULT_LOG_DIR}, Keras's default. */
  public TensorBoard() {
    this(DEFAULT_LOG_DIR);
  }

  /** Logs to {@code logDir}. */
  public TensorBoard(String logDir) {
    this(logDir == null ? null : Path.of(logDir));
  }

  /** Logs to {@code logDir} (its {@code train} and {@code validation} subdirectories). */
  public TensorBoard(Path logDir) {
    if (logDir == null) {
      throw new IllegalArgumentException("TensorBoard: the log directory is null");
    }
    this.logDir = logDir;
  }

  /**
   * When to write the training metrics besides each epoch end (Keras's {@code update_freq}): {@code
   * "epoch"} (the default: only at epoch ends) or {@code "batch"} (after every batch).
   */
  public TensorBoard updateFreq(String updateFreq) {
    if ("epoch".equals(updateFreq)) {
      this.updateFreq = 0;
    } else if ("batch".equals(updateFreq)) {
      this.updateFreq = 1;
    } else {
      throw new IllegalArgumentException(
          "TensorBoard: updateFreq must be \"epoch\", \"batch\" or a number of batches, received "
              + (updateFreq == null ? "null" : "\"" + updateFreq + "\""));
    }
    return this;
  }

  /** Writes the training metrics every {@code batches} batches (Keras's integer {@code update_freq}). */
  public TensorBoard updateFreq(int batches) {
    if (batches < 1) {
      throw new IllegalArgumentException(
          "TensorBoard: updateFreq must be a positive number of batches, received " + batches);
    }
    this.updateFreq = batches;
    return this;
  }

  /** Writes weight histograms every {@code epochs} epochs; 0 (the default) writes none. */
  public TensorBoard histogramFreq(int epochs) {
    if (epochs < 0) {
      throw new IllegalArgumentException(
          "TensorBoard: histogramFreq must be 0 or more epochs, received " + epochs);
    }
    this.histogramFreq = epochs;
    return this;
  }

  /** Whether to write the traced train step's graph (Keras's {@code write_graph}, default true). */
  public TensorBoard writeGraph(boolean writeGraph) {
    this.writeGraph = writeGraph;
    return this;
  }

  /** The directory holding {@code train} and {@code validation}. */
  public Path logDir() {
    return logDir;
  }

  /** The batch interval of the training metrics, or {@code "epoch"}. */
  public String updateFreq() {
    return updateFreq == 0 ? "epoch" : Integer.toString(updateFreq);
  }

  /** Epochs between weight histograms; 0 for none. */
  public int histogramFreq() {
    return histogramFreq;
  }

  /** Whether the traced train step's graph is written. */
  public boolean writeGraph() {
    return writeGraph;
  }

  @Override
  public void onTrainBegin(Map<String, Double> logs) {
    if (writers != null) {
      closeWriters(); // a previous fit that ended with an exception left its files open
    }
    writers = new SummaryQueue(logDir);
    globalTrainBatch = 0;
    shouldWriteTrainGraph = writeGraph;
  }

  @Override
  public void onTrainBatchBegin(int batch, Map<String, Double> logs) {
    globalTrainBatch++;
  }

  @Override
  public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
    if (shouldWriteTrainGraph) {
      // As in Keras: after the first batch, once the train step has been traced.
      shouldWriteTrainGraph = false;
      GraphDef graph = context().trainGraph();
      if (graph != null) {
        writers().graph(SummaryQueue.TRAIN, graph, 0);
      }
    }
    if (updateFreq > 0 && globalTrainBatch % updateFreq == 0 && logs != null) {
      for (Map.Entry<String, Double> e : logs.entrySet()) {
        writers().scalar(SummaryQueue.TRAIN, "batch_" + e.getKey(), e.getValue(), globalTrainBatch);
      }
    }
  }

  @Override
  public void onTestEnd(Map<String, Double> logs) {
    Optimizer optimizer = context().optimizer();
    if (optimizer == null || !optimizer.built() || logs == null) {
      return;
    }
    long iterations = readLong(optimizer.iterations());
    for (Map.Entry<String, Double> e : logs.entrySet()) {
      writers().scalar(
          SummaryQueue.VALIDATION, "evaluation_" + e.getKey() + "_vs_iterations", e.getValue(), iterations);
    }
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    Map<String, Double> train = new LinkedHashMap<>();
    Map<String, Double> validation = new LinkedHashMap<>();
    if (logs != null) {
      for (Map.Entry<String, Double> e : logs.entrySet()) {
        if (e.getKey().startsWith("val_")) {
          validation.put(e.getKey().substring(4), e.getValue());
        } else {
          train.put(e.getKey(), e.getValue());
        }
      }
    }
    Optimizer optimizer = context().optimizer();
    if (optimizer != null && !train.containsKey("learning_rate")) {
      train.put("learning_rate", (double) optimizer.learningRate());
    }
    for (Map.Entry<String, Double> e : train.entrySet()) {
      writers().scalar(SummaryQueue.TRAIN, "epoch_" + e.getKey(), e.getValue(), epoch);
    }
    for (Map.Entry<String, Double> e : validation.entrySet()) {
      writers().scalar(SummaryQueue.VALIDATION, "epoch_" + e.getKey(), e.getValue(), epoch);
    }
    if (histogramFreq > 0 && epoch % histogramFreq == 0) {
      writeHistograms(epoch);
    }
    writers().flush();
  }

  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    closeWriters();
  }

  /**
   * Closes the event files, waiting until they are complete on disk (the loop does at the end of
   * {@code fit}); a later fit opens new ones.
   */
  public void closeWriters() {
    if (writers != null) {
      SummaryQueue closing = writers;
      writers = null;
      closing.close();
    }
  }

  /** One histogram per model variable (layers' weights, frozen ones and moving statistics too). */
  private void writeHistograms(int epoch) {
    for (Variable v : context().model().variables()) {
      if (!TNumber.class.isAssignableFrom(v.type())) {
        continue;
      }
      writers().histogram(SummaryQueue.TRAIN, histogramTag(v), read(v), epoch);
    }
  }

  /**
   * A host copy of the variable's value as float32 (the writer thread must not touch the model's
   * context). Between epochs the variables hold their current values in the model's eager context.
   */
  private static float[] read(Variable v) {
    Ops tf = v.ops();
    try (EagerScope scope = EagerScope.open(tf)) {
      Operand<? extends TType> value = v.value(tf);
      @SuppressWarnings("unchecked")
      Operand<TFloat32> floats =
          v.type() == TFloat32.class
              ? (Operand<TFloat32>) value
              : tf.dtypes.cast((Operand<? extends TNumber>) value, TFloat32.class);
      float[] out = new float[Math.toIntExact(v.shape().size())];
      try (TFloat32 t = floats.asTensor()) {
        t.asRawTensor().data().asFloats().read(out);
      }
      return out;
    }
  }

  /** Keras 3's variable path ({@code sequential/dense/kernel}) plus Keras's {@code /histogram}. */
  static String histogramTag(Variable v) {
    String name = v.name();
    int colon = name.lastIndexOf(':');
    return (colon > 0 ? name.substring(0, colon) : name) + "/histogram";
  }

  private static long readLong(Variable v) {
    Ops tf = v.ops();
    try (EagerScope scope = EagerScope.open(tf);
        Tensor t = v.value(tf).asTensor()) {
      return ((TInt64) t).getLong();
    }
  }

  private SummaryQueue writers() {
    if (writers == null) {
      throw new IllegalStateException("TensorBoard: onTrainBegin was not called (the callback runs inside fit)");
    }
    return writers;
  }

  @Override
  public String toString() {
    return "TensorBoard(logDir=" + logDir + ", updateFreq=" + updateFreq() + ", histogramFreq="
        + histogramFreq + ", writeGraph=" + writeGraph + ")";
  }
}
