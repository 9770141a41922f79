package dev.keraslite.saving;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keraslite.Eager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Jazzer fuzz test of the Keras file reader ({@code Model.load} of a legacy {@code .h5} model):
 * whatever the bytes, loading returns a model or throws {@link IOException} or {@link
 * IllegalArgumentException} (a config keras-lite refuses); any other exception, an allocation beyond
 * {@link AllocationLimit} or a hang is a finding. {@code mvn test} runs the seeds in {@code
 * src/test/resources/dev/keraslite/saving/KerasFilesFuzzTestInputs/legacyH5Model/}; fuzz longer with
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -pl keras-lite test -Dtest='KerasFilesFuzzTest' -Djazzer.max_duration=10m
 * </pre>
 */
class KerasFilesFuzzTest {
  private static final Eager EAGER = Eager.create();

  static {
    // One load outside any limit, so that one-time initialisation (class loading, the layer
    // registry, TensorFlow's op registry) is not counted against the first input.
    try (var seed =
        KerasFilesFuzzTest.class.getResourceAsStream(
            "KerasFilesFuzzTestInputs/legacyH5Model/relu_model")) {
      Path file = Files.createTempFile("keraslite-fuzz-warmup", ".h5");
      Files.write(file, seed.readAllBytes());
      Saving.loadModel(EAGER.tf(), file);
      Files.delete(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "5s")
  void legacyH5Model(byte[] data) throws IOException {
    Path file = Files.createTempFile("keraslite-fuzz", ".h5");
    Files.write(file, data);
    try (AllocationLimit limit = AllocationLimit.forInput(data.length)) {
      Saving.loadModel(EAGER.tf(), file);
    } catch (IOException | IllegalArgumentException documented) {
      // the documented refusals of a corrupt file or an unsupported config
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
