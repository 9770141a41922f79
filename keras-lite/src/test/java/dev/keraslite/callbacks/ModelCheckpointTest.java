package dev.keraslite.callbacks;

import static dev.keraslite.callbacks.TinyModel.logs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Variable;
import dev.keraslite.checkpoint.Checkpoint;
import dev.keraslite.optimizers.SGD;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCheckpointTest {
  @TempDir Path dir;

  /** Epoch e trains the weights to e + 1, then ends with {@code epochLogs.get(e)}. */
  private static void fit(TinyModel model, ModelCheckpoint cb, List<Map<String, Double>> epochLogs) {
    ScriptedFit.run(
        cb,
        new FakeTrainingContext(model.dense, new SGD(), epochLogs.size(), 1, 0),
        epochLogs,
        epoch -> model.fill(epoch + 1));
  }

  private List<String> files() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  /** The values of a checkpoint, read back into a fresh Dense(2) (whose weights start elsewhere). */
  private static List<float[]> restored(Path prefix) throws IOException {
    try (TinyModel fresh = new TinyModel()) {
      fresh.fill(-7f);
      new Checkpoint(fresh.dense, null).restore(prefix);
      return List.of(TinyModel.read(fresh.kernel()), TinyModel.read(fresh.bias()));
    }
  }

  /** The index and data file of each checkpoint prefix, as a directory listing shows them. */
  private static List<String> checkpointFiles(String... prefixes) {
    List<String> out = new ArrayList<>();
    for (String p : prefixes) {
      out.add(p + ".data-00000-of-00001");
      out.add(p + ".index");
    }
    return out;
  }

  @Test
  void savesEveryEpochUnderTheFormattedName() throws IOException {
    try (TinyModel model = new TinyModel()) {
      ModelCheckpoint cb =
          new ModelCheckpoint(dir.resolve("ckpt/w-{epoch:02d}-{val_loss:.2f}").toString());
      fit(model, cb, List.of(
          logs("loss", 1.0, "val_loss", 0.5), logs("loss", 0.9, "val_loss", 0.6),
          logs("loss", 0.8, "val_loss", 0.4)));
      List<String> prefixes = List.of("ckpt/w-01-0.50", "ckpt/w-02-0.60", "ckpt/w-03-0.40");
      assertEquals(checkpointFiles(prefixes.toArray(new String[0])), files());
      // Each checkpoint holds the weights of its epoch.
      for (int epoch = 1; epoch <= 3; epoch++) {
        List<float[]> fresh = restored(dir.resolve(prefixes.get(epoch - 1)));
        assertArrayEquals(TinyModel.filled(model.kernel(), epoch), fresh.get(0));
        assertArrayEquals(TinyModel.filled(model.bias(), epoch), fresh.get(1));
      }
    }
  }

  @Test
  void saveBestOnlyWritesOnlyImprovingEpochs() throws IOException {
    try (TinyModel model = new TinyModel()) {
      ModelCheckpoint cb =
          new ModelCheckpoint(dir.resolve("best-{epoch}").toString()).saveBestOnly(true);
      fit(model, cb, List.of(
          logs("val_loss", 0.5), logs("val_loss", 0.6), logs("val_loss", 0.4), logs("val_loss", 0.45)));
      assertEquals(checkpointFiles("best-1", "best-3"), files());
      assertEquals(0.4, cb.best());
      List<float[]> fresh = restored(dir.resolve("best-3"));
      assertArrayEquals(TinyModel.filled(model.kernel(), 3f), fresh.get(0));
      assertArrayEquals(TinyModel.filled(model.bias(), 3f), fresh.get(1));
    }
  }

  @Test
  void aFixedNameIsOverwrittenByEachBetterModel() throws IOException {
    try (TinyModel model = new TinyModel()) {
      Path file = dir.resolve("best");
      ModelCheckpoint cb =
          new ModelCheckpoint(file.toString()).monitor("val_accuracy").saveBestOnly(true);
      fit(model, cb, List.of(
          logs("val_accuracy", 0.5), logs("val_accuracy", 0.8), logs("val_accuracy", 0.7)));
      List<float[]> fresh = restored(file);
      // Accuracy is maximized: epoch 2 (weights 2.0) is the best, epoch 3 did not overwrite it.
      assertArrayEquals(TinyModel.filled(model.kernel(), 2f), fresh.get(0));
      assertEquals(checkpointFiles("best"), files());
    }
  }

  @Test
  void initialValueThresholdMustBeBeaten() throws IOException {
    try (TinyModel model = new TinyModel()) {
      ModelCheckpoint cb =
          new ModelCheckpoint(dir.resolve("t-{epoch}").toString())
              .saveBestOnly(true)
              .initialValueThreshold(0.45);
      fit(model, cb, List.of(logs("val_loss", 0.5), logs("val_loss", 0.4)));
      assertEquals(checkpointFiles("t-2"), files());
    }
  }

  @Test
  void saveFreqInBatchesNamesTheBatch() throws IOException {
    try (TinyModel model = new TinyModel()) {
      ModelCheckpoint cb =
          new ModelCheckpoint(dir.resolve("e{epoch}-b{batch}").toString()).saveFreq(3);
      cb.setContext(new FakeTrainingContext(model.dense, new SGD(), 2, 4, 0));
      cb.onTrainBegin(null);
      for (int epoch = 0; epoch < 2; epoch++) {
        cb.onEpochBegin(epoch, null);
        for (int batch = 0; batch < 4; batch++) {
          cb.onTrainBatchEnd(batch, logs("loss", 1.0));
        }
        cb.onEpochEnd(epoch, logs("loss", 1.0));
      }
      cb.onTrainEnd(null);
      // Batches 3 and 6 of 8: epoch 1 batch 3, epoch 2 batch 2.
      assertEquals(checkpointFiles("e1-b3", "e2-b2"), files());
    }
  }

  @Test
  void verboseMessagesAsKeras() {
    try (TinyModel model = new TinyModel()) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      Path file = dir.resolve("m.bin");
      ModelCheckpoint cb =
          new ModelCheckpoint(file.toString())
              .saveBestOnly(true)
              .verbose(1)
              .output(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      fit(model, cb, List.of(logs("val_loss", 0.5), logs("val_loss", 0.6)));
      assertEquals(
          "\nEpoch 1: val_loss improved from None to 0.50000, saving model to " + file + "\n"
              + "\nEpoch 1: finished saving model to " + file + "\n"
              + "\nEpoch 2: val_loss did not improve from 0.50000\n",
          bytes.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void aPlaceholderMissingFromTheLogsFailsNamingIt() {
    try (TinyModel model = new TinyModel()) {
      ModelCheckpoint cb = new ModelCheckpoint(dir.resolve("w-{val_acc:.3f}.bin").toString());
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> fit(model, cb, List.of(logs("loss", 1.0, "val_loss", 0.5))));
      assertTrue(e.getMessage().contains("no value named 'val_acc'"), e.getMessage());
      assertTrue(e.getMessage().contains("available: loss, val_loss, epoch"), e.getMessage());
    }
  }

  @Test
  void badArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ModelCheckpoint("w-{epoch:>3}.bin"));
    assertThrows(IllegalArgumentException.class, () -> new ModelCheckpoint("w.bin").saveFreq(0));
    for (String keras : List.of("m.keras", "w-{epoch}.weights.h5", "legacy.h5")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> new ModelCheckpoint(keras));
      assertTrue(e.getMessage().contains("model.save"), e.getMessage());
      assertTrue(e.getMessage().contains("checkpoint prefix"), e.getMessage());
    }
  }
}
