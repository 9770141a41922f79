package dev.keraslite.datasets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keraslite.saving.AllocationLimit;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Jazzer fuzz tests of the dataset readers (IDX, IDX.gz, .npy, .npz): whatever the bytes, a reader
 * either returns or throws {@link IOException} (its documented failure); any other exception, an
 * {@code OutOfMemoryError}, an allocation beyond {@link AllocationLimit} or a hang is a finding.
 *
 * <p>{@code mvn test} runs each target on its seeds in {@code
 * src/test/resources/dev/keraslite/datasets/ReadersFuzzTestInputs/<method>/} (regression mode, a few
 * seconds). To fuzz one target for longer (one target per run):
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -pl keras-lite test -Dtest='ReadersFuzzTest#idxImages' -Djazzer.max_duration=10m
 * </pre>
 */
class ReadersFuzzTest {
  private static Path scratch(String suffix, byte[] data) throws IOException {
    Path file = Files.createTempFile("keraslite-fuzz", suffix);
    Files.write(file, data);
    return file;
  }

  private static void idx(byte[] data, String suffix, boolean images) throws IOException {
    Path file = scratch(suffix, data);
    try (AllocationLimit limit = AllocationLimit.forInput(data.length)) {
      if (images) {
        Idx.readImages(file);
      } else {
        Idx.readLabels(file);
      }
    } catch (IOException documented) {
      // the reader's documented refusal of a corrupt file
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @FuzzTest(maxDuration = "5s")
  void idxImages(byte[] data) throws IOException {
    idx(data, "-idx3-ubyte", true);
  }

  @FuzzTest(maxDuration = "5s")
  void idxLabels(byte[] data) throws IOException {
    idx(data, "-idx1-ubyte", false);
  }

  @FuzzTest(maxDuration = "5s")
  void idxGzip(byte[] data) throws IOException {
    idx(data, "-idx1-ubyte.gz", false);
  }

  @FuzzTest(maxDuration = "5s")
  void npy(byte[] data) {
    try (AllocationLimit limit = AllocationLimit.forInput(data.length)) {
      Npy.read("fuzz.npy", new ByteArrayInputStream(data));
    } catch (IOException documented) {
      // documented
    }
  }

  @FuzzTest(maxDuration = "5s")
  void npz(byte[] data) throws IOException {
    Path file = scratch(".npz", data);
    try (AllocationLimit limit = AllocationLimit.forInput(data.length)) {
      Npy.readNpz(file, "x_train", "y_train");
    } catch (IOException documented) {
      // documented
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
