package dev.keraslite.saving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.models.Input;
import dev.keraslite.models.Model;
import dev.keraslite.models.Sequential;
import dev.keraslite.layers.Dense;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.op.Ops;

/**
 * Keras's safe_mode and damaged files: each bad file raises a clear exception and leaves the target
 * model's weights bit-identical.
 */
class SavingSafetyTest {
  @TempDir Path dir;

  private static Sequential mlp(long hidden) {
    return new Sequential(Input.of(4), new Dense(hidden), new Dense(2));
  }

  private static void assertUnchanged(List<float[]> before, Model model) {
    SavingRoundTripTest.assertBitwiseEqual(before, SavingRoundTripTest.values(model.variables()));
  }

  /** A .keras archive holding the given entries. */
  private Path archive(String name, Map<String, byte[]> entries) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return file;
  }

  @Test
  void lambdaLayerInAKerasFileIsRefusedAndRunsNothing() {
    Path file = KerasFixtures.file("lambda/sequential_lambda.h5");
    try (Eager eager = Eager.create()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Model.load(eager.tf(), file));
      assertTrue(e.getMessage().contains("Lambda"), e.getMessage());
      assertTrue(e.getMessage().contains("runs no code"), e.getMessage());
      assertTrue(e.getMessage().contains("safe_mode"), e.getMessage());
    }
  }

  @Test
  void customObjectsInAKeras3ConfigAreRefused() throws Exception {
    String config =
        "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": ["
            + "{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 4], \"name\": \"in\"}},"
            + "{\"module\": \"my_pkg\", \"class_name\": \"Dense\", \"registered_name\": \"Custom>Dense\","
            + " \"config\": {\"name\": \"d\", \"units\": 2}}]}}";
    Path file = archive("custom.keras", Map.of("config.json", config.getBytes(StandardCharsets.UTF_8), "model.weights.h5", new byte[0]));
    try (Eager eager = Eager.create()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Model.load(eager.tf(), file));
      assertTrue(e.getMessage().contains("custom object ('Custom>Dense')"), e.getMessage());
    }
  }

  @Test
  void unknownLayerInConfigNamesItAndListsTheKnownOnes() throws Exception {
    String config =
        "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": ["
            + "{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 4, 4, 4, 1]}},"
            + "{\"class_name\": \"Conv3D\", \"config\": {\"name\": \"c3\", \"filters\": 2}}]}}";
    Path file = archive("unknown.keras", Map.of("config.json", config.getBytes(StandardCharsets.UTF_8), "model.weights.h5", new byte[0]));
    try (Eager eager = Eager.create()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Model.load(eager.tf(), file));
      assertTrue(e.getMessage().contains("Unknown layer class 'Conv3D' (layer 'c3')"), e.getMessage());
      assertTrue(e.getMessage().contains("Known layers: "), e.getMessage());
      assertTrue(e.getMessage().contains("Dense"), e.getMessage());
    }
  }

  @Test
  void zipEntryEscapingTheArchiveIsRefused() throws Exception {
    Path good = dir.resolve("good.keras");
    try (Eager eager = Eager.create()) {
      Sequential model = mlp(3);
      model.build(eager.tf());
      model.save(good);
    }
    Map<String, byte[]> entries = new java.util.LinkedHashMap<>(Saving.readArchive(good, Saving.DEFAULT_MAX_BYTES));
    entries.put("../../outside.txt", "x".getBytes(StandardCharsets.UTF_8));
    Path evil = archive("evil.keras", entries);
    try (Eager eager = Eager.create()) {
      Sequential target = mlp(3);
      target.build(eager.tf());
      List<float[]> before = SavingRoundTripTest.values(target.variables());
      IOException e = assertThrows(IOException.class, () -> Model.load(eager.tf(), evil));
      assertTrue(e.getMessage().contains("'../../outside.txt' escapes the archive"), e.getMessage());
      IOException e2 = assertThrows(IOException.class, () -> target.loadWeights(evil));
      assertTrue(e2.getMessage().contains("escapes"), e2.getMessage());
      assertUnchanged(before, target);
    }
    assertFalse(Files.exists(dir.getParent().resolve("outside.txt")));
  }

  @Test
  void fileOverTheSizeLimitIsRefusedBeforeReading() throws Exception {
    Path file = dir.resolve("m.keras");
    try (Eager eager = Eager.create()) {
      Sequential model = mlp(3);
      model.build(eager.tf());
      model.save(file);
      long size = Files.size(file);
      IOException e = assertThrows(IOException.class, () -> Saving.loadModel(eager.tf(), file, size - 1));
      assertTrue(e.getMessage().contains("over the limit of " + (size - 1) + " bytes"), e.getMessage());
      // The same limit bounds what the archive's entries inflate to (a zip bomb).
      IOException e2 = assertThrows(IOException.class, () -> Saving.readArchive(file, 100));
      assertTrue(e2.getMessage().contains("inflates past the limit of 100 bytes"), e2.getMessage());
    }
  }

  @Test
  void truncatedAndCorruptFilesRaiseClearErrorsAndLeaveWeightsAlone() throws Exception {
    Path keras = dir.resolve("m.keras");
    Path weights = dir.resolve("m.weights.h5");
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential model = mlp(3);
      model.build(tf);
      SavingRoundTripTest.randomize(tf, model, 11);
      model.save(keras);
      model.saveWeights(weights);

      Sequential target = mlp(3);
      target.build(tf);
      List<float[]> before = SavingRoundTripTest.values(target.variables());

      byte[] zip = Files.readAllBytes(keras);
      Path truncatedZip = dir.resolve("truncated.keras");
      Files.write(truncatedZip, Arrays.copyOf(zip, zip.length / 2));
      IOException e1 = assertThrows(IOException.class, () -> Model.load(tf, truncatedZip));
      assertTrue(e1.getMessage().contains("truncated or corrupt"), e1.getMessage());
      assertThrows(IOException.class, () -> target.loadWeights(truncatedZip));

      byte[] h5 = Files.readAllBytes(weights);
      Path truncatedH5 = dir.resolve("truncated.weights.h5");
      Files.write(truncatedH5, Arrays.copyOf(h5, h5.length / 2));
      IOException e2 = assertThrows(IOException.class, () -> target.loadWeights(truncatedH5));
      assertTrue(e2.getMessage().contains("truncated or corrupt"), e2.getMessage());

      byte[] legacy = Files.readAllBytes(KerasFixtures.file("activations/Softmax_0_model.h5"));
      Path truncatedLegacy = dir.resolve("truncated_model.h5");
      Files.write(truncatedLegacy, Arrays.copyOf(legacy, 3000));
      IOException e3 = assertThrows(IOException.class, () -> Model.load(tf, truncatedLegacy));
      assertTrue(e3.getMessage().contains("truncated or corrupt"), e3.getMessage());

      Path garbage = dir.resolve("garbage.keras");
      Files.write(garbage, "not a model at all".getBytes(StandardCharsets.UTF_8));
      IOException e4 = assertThrows(IOException.class, () -> Model.load(tf, garbage));
      assertTrue(e4.getMessage().contains("neither a Keras 3 .keras archive"), e4.getMessage());

      assertUnchanged(before, target);
    }
  }

  @Test
  void wrongShapeWeightsNameTheLayerAndChangeNothing() throws Exception {
    Path file = dir.resolve("small.weights.h5");
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential source = mlp(3);
      source.build(tf);
      source.saveWeights(file);

      // Same classes, so the paths match; the first Dense's kernel is [4, 5] here, [4, 3] in the file.
      Sequential target = mlp(5);
      target.build(tf);
      SavingRoundTripTest.randomize(tf, target, 12);
      List<float[]> before = SavingRoundTripTest.values(target.variables());
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> target.loadWeights(file));
      assertTrue(e.getMessage().contains("has shape [4, 5]"), e.getMessage());
      assertTrue(e.getMessage().contains("holds shape [4, 3]"), e.getMessage());
      assertTrue(e.getMessage().contains(target.layers().get(0).name()), e.getMessage());
      assertUnchanged(before, target);

      // skipMismatch loads what fits and reports the rest.
      List<String> skipped = target.loadWeights(file, false, true);
      assertEquals(2, skipped.size(), skipped.toString());
    }
  }

  @Test
  void legacyWeightsLoadByNameAndSkipMismatch() throws Exception {
    Path file = KerasFixtures.file("activations/Softmax_0_model.h5");
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Model keras = Model.load(tf, file);
      // A model with the file's layer name 'dense' and one of its own that the file lacks.
      Sequential target =
          new Sequential(Input.of(16), new Dense(32).name("dense"), new Dense(3).name("extra"));
      target.build(tf);
      List<float[]> extraBefore = SavingRoundTripTest.values(target.layers().get(1).variables());
      assertTrue(target.loadWeights(file, true, false).isEmpty());
      SavingRoundTripTest.assertBitwiseEqual(
          SavingRoundTripTest.values(keras.layers().get(0).variables()),
          SavingRoundTripTest.values(target.layers().get(0).variables()));
      SavingRoundTripTest.assertBitwiseEqual(
          extraBefore, SavingRoundTripTest.values(target.layers().get(1).variables()));

      // By order, the file's one weighted layer does not cover the model's two.
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> target.loadWeights(file));
      assertTrue(e.getMessage().contains("2 layers with weights"), e.getMessage());

      Sequential wrong = new Sequential(Input.of(16), new Dense(8).name("dense"));
      wrong.build(tf);
      List<float[]> before = SavingRoundTripTest.values(wrong.variables());
      IllegalArgumentException e2 =
          assertThrows(IllegalArgumentException.class, () -> wrong.loadWeights(file, true, false));
      assertTrue(e2.getMessage().contains("has shape [16, 8]"), e2.getMessage());
      assertUnchanged(before, wrong);
      assertEquals(1, wrong.loadWeights(file, true, true).size());
      assertUnchanged(before, wrong);
    }
  }
}
