package dev.keraslite.saving;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Jazzer fuzz test of the weights-file reader: whatever the bytes, {@code WeightsFile.read} returns
 * or throws {@link IOException}; any other exception, an allocation beyond {@link AllocationLimit}
 * or a hang is a finding. {@code mvn test} runs the seeds in {@code
 * src/test/resources/dev/keraslite/saving/WeightsFileFuzzTestInputs/read/}; fuzz longer with
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -pl keras-lite test -Dtest='WeightsFileFuzzTest' -Djazzer.max_duration=10m
 * </pre>
 */
class WeightsFileFuzzTest {
  @FuzzTest(maxDuration = "5s")
  void read(byte[] data) throws IOException {
    Path file = Files.createTempFile("keraslite-fuzz", ".weights.bin");
    Files.write(file, data);
    try (AllocationLimit limit = AllocationLimit.forInput(data.length)) {
      WeightsFile.read(file);
    } catch (IOException documented) {
      // the documented refusal of a corrupt file
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
