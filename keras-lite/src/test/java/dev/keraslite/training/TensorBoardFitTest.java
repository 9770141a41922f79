package dev.keraslite.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.models.Sequential;
import dev.keraslite.Variable;
import dev.keraslite.callbacks.History;
import dev.keraslite.callbacks.TensorBoard;
import dev.keraslite.layers.Layer;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.summary.EventFiles;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.HistogramProto;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.types.TFloat32;

/**
 * The TensorBoard callback on real fits, its event files read back with an independent TFRecord
 * reader: every epoch's loss and metric equal History's, histograms of every variable, the traced
 * graph, and the files of a run killed mid-epoch.
 */
class TensorBoardFitTest {
  private static final int EPOCHS = 3;
  /** 600 samples, 20% held out, batches of 50: 10 training steps per epoch. */
  private static final int STEPS = 10;

  @TempDir Path dir;

  private record Run(History history, Map<String, float[]> finalValues, List<String> variableTags) {}

  private static Run fit(boolean eagerly, TensorBoard tensorBoard) {
    Layer.clearNameCounters();
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential m = FitTest.model();
      m.compile(tf, new Adam(1e-2f), new SparseCategoricalCrossentropy(true), "accuracy");
      m.setRunEagerly(eagerly);
      FloatNdArray x = FitTest.features(600, 11);
      History h =
          m.fit(x, FitTest.labels(x),
              FitOptions.epochs(EPOCHS).batchSize(50).seed(3).validationSplit(0.2).verbose(0)
                  .callbacks(tensorBoard));
      Map<String, float[]> values = new LinkedHashMap<>();
      List<String> tags = new ArrayList<>();
      for (Variable v : m.variables()) {
        String path = v.name().substring(0, v.name().lastIndexOf(':'));
        tags.add(path + "/histogram");
        try (TFloat32 t = v.<TFloat32>value(tf).asTensor()) {
          float[] a = new float[(int) v.shape().size()];
          t.asRawTensor().data().asFloats().read(a);
          values.put(path + "/histogram", a);
        }
      }
      return new Run(h, values, tags);
    }
  }

  private static void assertSeries(List<Double> expected, List<double[]> actual, String what) {
    assertEquals(expected.size(), actual.size(), what + ": " + actual.size() + " events");
    for (int epoch = 0; epoch < expected.size(); epoch++) {
      assertEquals(epoch, actual.get(epoch)[0], what + " step");
      assertEquals(expected.get(epoch), actual.get(epoch)[1], 1e-6, what + " at epoch " + epoch);
    }
  }

  /** Epoch scalars in both files equal History; evaluation_*_vs_iterations at the iteration count. */
  private static void assertEpochScalars(Run run, Path logDir) {
    Map<String, List<Double>> h = run.history().history();
    EventFiles.Contents train = EventFiles.readDir(logDir.resolve("train"));
    EventFiles.Contents validation = EventFiles.readDir(logDir.resolve("validation"));
    assertSeries(h.get("loss"), train.scalars("epoch_loss"), "train epoch_loss");
    assertSeries(h.get("accuracy"), train.scalars("epoch_accuracy"), "train epoch_accuracy");
    assertSeries(h.get("val_loss"), validation.scalars("epoch_loss"), "validation epoch_loss");
    assertSeries(h.get("val_accuracy"), validation.scalars("epoch_accuracy"), "validation epoch_accuracy");
    assertSeries(List.of(0.01, 0.01, 0.01), train.scalars("epoch_learning_rate"), "epoch_learning_rate");
    assertTrue(train.scalars("epoch_val_loss").isEmpty(), "val_ metrics belong to the validation file");
    List<double[]> evaluation = validation.scalars("evaluation_loss_vs_iterations");
    assertEquals(EPOCHS, evaluation.size());
    for (int epoch = 0; epoch < EPOCHS; epoch++) {
      assertEquals((epoch + 1) * STEPS, evaluation.get(epoch)[0], "the optimizer's iterations");
      assertEquals(h.get("val_loss").get(epoch), evaluation.get(epoch)[1], 1e-6);
    }
    assertEquals(EPOCHS, validation.scalars("evaluation_accuracy_vs_iterations").size());
  }

  /** Histograms of every variable at the given epochs; the last one describes the final values. */
  private static void assertHistograms(Run run, Path logDir, List<Integer> epochs) {
    EventFiles.Contents train = EventFiles.readDir(logDir.resolve("train"));
    assertEquals(4, run.variableTags().size(), "two Dense layers: kernel and bias each");
    for (String tag : run.variableTags()) {
      List<Event> events = train.eventsTagged(tag);
      List<Integer> steps = events.stream().map(e -> (int) e.getStep()).toList();
      assertEquals(epochs, steps, tag);
      HistogramProto histo = events.get(events.size() - 1).getSummary().getValue(0).getHisto();
      float[] values = run.finalValues().get(tag);
      double min = Double.MAX_VALUE;
      double max = -Double.MAX_VALUE;
      double sum = 0;
      for (float v : values) {
        min = Math.min(min, v);
        max = Math.max(max, v);
        sum += v;
      }
      assertEquals(values.length, histo.getNum(), 0, tag);
      assertEquals(min, histo.getMin(), 1e-6, tag);
      assertEquals(max, histo.getMax(), 1e-6, tag);
      assertEquals(sum, histo.getSum(), 1e-4, tag);
    }
  }

  @Test
  void compiledFitWritesKerasLayoutEqualToHistoryWithHistogramsAndTheTrainGraph() throws Exception {
    Path logDir = dir.resolve("compiled");
    Run run = fit(false, new TensorBoard(logDir).histogramFreq(1));
    assertEpochScalars(run, logDir);
    assertHistograms(run, logDir, List.of(0, 1, 2));
    EventFiles.Contents train = EventFiles.readDir(logDir.resolve("train"));
    assertTrue(train.scalars("batch_loss").isEmpty(), "updateFreq=epoch writes no batch summaries");
    List<Event> graphs = train.graphs();
    assertEquals(1, graphs.size());
    GraphDef graph = GraphDef.parseFrom(graphs.get(0).getGraphDef());
    Set<String> ops = new HashSet<>();
    for (NodeDef n : graph.getNodeList()) {
      ops.add(n.getOp());
    }
    // The whole train step: forward pass, gradients, Adam's update.
    assertTrue(ops.containsAll(List.of("Placeholder", "MatMul", "ResourceApplyAdam")), ops.toString());
  }

  @Test
  void eagerFitWritesTheSameScalarsAndNoGraph() {
    Path logDir = dir.resolve("eager");
    Run run = fit(true, new TensorBoard(logDir).histogramFreq(2));
    assertEpochScalars(run, logDir);
    assertHistograms(run, logDir, List.of(0, 2));
    assertTrue(EventFiles.readDir(logDir.resolve("train")).graphs().isEmpty());
  }

  @Test
  void batchSummariesAtTheGlobalBatchNumber() {
    Path everyBatch = dir.resolve("batch");
    Run run = fit(false, new TensorBoard(everyBatch).updateFreq("batch").writeGraph(false));
    EventFiles.Contents train = EventFiles.readDir(everyBatch.resolve("train"));
    List<double[]> batchLoss = train.scalars("batch_loss");
    assertEquals(EPOCHS * STEPS, batchLoss.size());
    for (int i = 0; i < batchLoss.size(); i++) {
      assertEquals(i + 1, batchLoss.get(i)[0]);
    }
    // The last batch of an epoch logs the epoch's running average: the epoch's loss.
    for (int epoch = 0; epoch < EPOCHS; epoch++) {
      assertEquals(run.history().history().get("loss").get(epoch), batchLoss.get((epoch + 1) * STEPS - 1)[1], 1e-6);
    }
    assertTrue(train.graphs().isEmpty(), "writeGraph(false)");

    Path everyFourth = dir.resolve("every4");
    fit(false, new TensorBoard(everyFourth).updateFreq(4));
    List<Double> steps =
        EventFiles.readDir(everyFourth.resolve("train")).scalars("batch_accuracy").stream().map(s -> s[0]).toList();
    assertEquals(List.of(4.0, 8.0, 12.0, 16.0, 20.0, 24.0, 28.0), steps);
  }

  /**
   * A child JVM trains with TensorBoard and prints each epoch's loss; it is killed (SIGKILL) in the
   * middle of epoch 3. When the child reaches the middle of epoch 3, epochs 0 and 1 are on disk
   * already (each epoch end waits for the previous epoch's flush, as TensorBoard promises); the test
   * then waits for epoch 2's background flush, the last one before the kill. After the kill the file
   * reads back up to that flush, exactly: every finished epoch, nothing of the killed one, no
   * truncated record.
   */
  @Test
  void aRunKilledMidEpochLeavesEveryFinishedEpochReadable() throws Exception {
    Path logDir = dir.resolve("crashed");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
    String fastpath = System.getProperty("keraslite.fastpath");
    if (fastpath != null) {
      command.add("-Dkeraslite.fastpath=" + fastpath);
    }
    command.addAll(List.of(CrashingFit.class.getName(), logDir.toString()));
    File stderr = dir.resolve("child-stderr.txt").toFile();
    Process child = new ProcessBuilder(command).redirectError(stderr).start();
    Map<Integer, Double> printed = new LinkedHashMap<>();
    boolean midEpoch = false;
    int flushedBeforeLastEpochEnd;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        String[] f = line.split(" ");
        if (f[0].equals("EPOCH")) {
          printed.put(Integer.parseInt(f[1]), Double.parseDouble(f[2]));
        } else if (f[0].equals(CrashingFit.MID_EPOCH)) {
          midEpoch = true;
          break;
        }
      }
      assertTrue(midEpoch, "the child never reached epoch " + CrashingFit.KILLED_IN_EPOCH + "; stderr in " + stderr);
      Path trainDir = logDir.resolve("train");
      flushedBeforeLastEpochEnd = EventFiles.read(EventFiles.single(trainDir)).scalars("epoch_loss").size();
      assertTrue(
          flushedBeforeLastEpochEnd >= printed.size() - 1,
          flushedBeforeLastEpochEnd + " epochs on disk mid-epoch " + CrashingFit.KILLED_IN_EPOCH
              + ": the epochs before the last finished one must have been flushed");
      // The child sleeps mid-epoch and writes nothing more: wait for the last epoch's background flush.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (EventFiles.read(EventFiles.single(trainDir)).scalars("epoch_loss").size() < printed.size()
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no flush
      assertTrue(child.waitFor(60, TimeUnit.SECONDS));
    } finally {
      child.destroyForcibly();
    }
    assertEquals(137, child.exitValue(), "killed by SIGKILL");
    assertEquals(CrashingFit.KILLED_IN_EPOCH, printed.size());

    EventFiles.Contents train = EventFiles.read(EventFiles.single(logDir.resolve("train")));
    assertFalse(train.truncatedTail(), "the file ends at the last flushed record");
    List<double[]> loss = train.scalars("epoch_loss");
    assertEquals(printed.size(), loss.size(), "every finished epoch (all flushed), nothing of the killed one");
    for (int epoch = 0; epoch < loss.size(); epoch++) {
      assertEquals(epoch, loss.get(epoch)[0]);
      assertEquals(printed.get(epoch), loss.get(epoch)[1], 1e-6);
    }
    for (String tag :
        List.of(
            "sequential/dense/kernel/histogram", "sequential/dense/bias/histogram",
            "sequential/dense_1/kernel/histogram", "sequential/dense_1/bias/histogram")) {
      assertEquals(printed.size(), train.eventsTagged(tag).size(), tag);
    }
    System.out.println(
        "killed mid-epoch " + CrashingFit.KILLED_IN_EPOCH + ": " + flushedBeforeLastEpochEnd
            + " epochs on disk when it got there, " + loss.size() + " read back after the kill");
  }
}
