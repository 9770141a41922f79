package dev.keraslite.callbacks;

import static dev.keraslite.callbacks.TinyModel.logs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CSVLoggerTest {
  @TempDir Path dir;

  private static FakeTrainingContext context() {
    return new FakeTrainingContext(null, null, 2, 1, 0);
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  @Test
  void writesSortedKeysAndOneFlushedRowPerEpoch() throws IOException {
    Path file = dir.resolve("training.log");
    CSVLogger csv = new CSVLogger(file.toString());
    csv.setContext(context());
    csv.onTrainBegin(null);
    csv.onEpochEnd(0, logs("loss", 0.5, "accuracy", 0.75, "val_loss", 0.625, "val_accuracy", 0.7));
    // Flushed: readable before training ends.
    assertEquals(
        "epoch,accuracy,loss,val_accuracy,val_loss\r\n0,0.75,0.5,0.7,0.625\r\n", read(file));
    csv.onEpochEnd(1, logs("loss", 0.1 + 0.2, "accuracy", 1e-05, "val_loss", 0.25, "val_accuracy", 1.0));
    csv.onTrainEnd(null);
    assertEquals(
        "epoch,accuracy,loss,val_accuracy,val_loss\r\n"
            + "0,0.75,0.5,0.7,0.625\r\n"
            + "1,1e-05,0.30000000000000004,1.0,0.25\r\n",
        read(file));
  }

  @Test
  void withoutValidationTheHeaderStillNamesValColumnsFilledWithNA() throws IOException {
    // Keras 3 adds val_<key> for every key when the first epoch has none.
    Path file = dir.resolve("log.csv");
    CSVLogger csv = new CSVLogger(file).separator(";");
    csv.setContext(context());
    csv.onTrainBegin(null);
    csv.onEpochEnd(0, logs("loss", 2.0, "mae", 1.5));
    csv.onTrainEnd(null);
    assertEquals("epoch;loss;mae;val_loss;val_mae\r\n0;2.0;1.5;NA;NA\r\n", read(file));
  }

  @Test
  void appendContinuesAnExistingFileWithoutASecondHeader() throws IOException {
    Path file = dir.resolve("log.csv");
    CSVLogger first = new CSVLogger(file);
    first.setContext(context());
    first.onTrainBegin(null);
    first.onEpochEnd(0, logs("loss", 1.0, "val_loss", 2.0));
    first.onTrainEnd(null);

    CSVLogger again = new CSVLogger(file).append(true);
    again.setContext(context());
    again.onTrainBegin(null);
    again.onEpochEnd(0, logs("loss", 0.5, "val_loss", 1.5));
    again.onTrainEnd(null);
    assertEquals("epoch,loss,val_loss\r\n0,1.0,2.0\r\n0,0.5,1.5\r\n", read(file));

    // Without append the file starts over.
    CSVLogger fresh = new CSVLogger(file);
    fresh.setContext(context());
    fresh.onTrainBegin(null);
    fresh.onEpochEnd(0, logs("loss", 0.25, "val_loss", 0.75));
    fresh.onTrainEnd(null);
    assertEquals("epoch,loss,val_loss\r\n0,0.25,0.75\r\n", read(file));
  }

  @Test
  void appendToAMissingFileWritesTheHeader() throws IOException {
    Path file = dir.resolve("new.csv");
    CSVLogger csv = new CSVLogger(file).append(true);
    csv.setContext(context());
    csv.onTrainBegin(null);
    csv.onEpochEnd(0, logs("loss", 1.0, "val_loss", 2.0));
    csv.onTrainEnd(null);
    assertEquals("epoch,loss,val_loss\r\n0,1.0,2.0\r\n", read(file));
  }

  @Test
  void fieldsHoldingTheSeparatorAreQuoted() throws IOException {
    Path file = dir.resolve("q.csv");
    CSVLogger csv = new CSVLogger(file);
    csv.setContext(context());
    csv.onTrainBegin(null);
    csv.onEpochEnd(0, logs("loss", 1.0, "f1,macro", 0.5, "val_loss", 2.0));
    csv.onTrainEnd(null);
    assertEquals("epoch,\"f1,macro\",loss,val_loss\r\n0,0.5,1.0,2.0\r\n", read(file));
  }

  @Test
  void badSeparatorsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new CSVLogger("x.csv").separator(",,"));
    assertThrows(IllegalArgumentException.class, () -> new CSVLogger("x.csv").separator("\""));
  }
}
