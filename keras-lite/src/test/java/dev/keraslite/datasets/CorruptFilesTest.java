package dev.keraslite.datasets;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corrupt IDX files give an UncheckedIOException naming the file and the problem. */
class CorruptFilesTest {
  @TempDir Path tmp;

  /** Writes a valid dataset, replaces one file with {@code bytes}, and returns the load error. */
  private String errorWith(String fileName, byte[] bytes) throws IOException {
    Path dir = Fixtures.writeIdx(tmp.resolve("data"), 1, true);
    Files.deleteIfExists(dir.resolve(fileName.endsWith(".gz") ? fileName : fileName + ".gz"));
    Files.write(dir.resolve(fileName), bytes);
    LoadOptions options =
        new LoadOptions()
            .path(dir)
            .kerasHome(tmp.resolve("keras"))
            .systemDatasets(tmp.resolve("system"))
            .offline(true);
    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> FashionMnist.load(options));
    String message = e.getMessage();
    assertTrue(message.contains(dir.resolve(fileName).toString()), message);
    return message;
  }

  private static void assertContains(String message, String... fragments) {
    for (String fragment : fragments) {
      assertTrue(message.contains(fragment), "expected '" + fragment + "' in: " + message);
    }
  }

  @Test
  void badMagicNumber() throws IOException {
    byte[] labelsAsImages = Fixtures.idxLabels(Fixtures.TRAIN, Fixtures.labels(1, Fixtures.TRAIN));
    String message = errorWith("train-images-idx3-ubyte.gz", Fixtures.gzip(labelsAsImages));
    assertContains(message, "bad magic number 0x00000801, expected 0x00000803");
  }

  @Test
  void gzippedContentUnderAPlainName() throws IOException {
    byte[] gz = Fixtures.gzip(Fixtures.idxLabels(3, new int[] {1, 2, 3}));
    String message = errorWith("t10k-labels-idx1-ubyte", gz);
    assertContains(message, "bad magic number 0x1F8B", "expected 0x00000801", "name it .gz");
  }

  @Test
  void truncatedImageData() throws IOException {
    byte[] pixels = Arrays.copyOf(Fixtures.pixels(1, Fixtures.TRAIN), 4 * 784 + 100);
    String message =
        errorWith(
            "train-images-idx3-ubyte.gz", Fixtures.gzip(Fixtures.idxImages(5, 28, 28, pixels)));
    assertContains(
        message,
        "truncated",
        "5 images of 28x28",
        (5 * 784) + " bytes",
        (4 * 784 + 100) + " bytes follow");
  }

  @Test
  void truncatedHeader() throws IOException {
    String message = errorWith("t10k-labels-idx1-ubyte", new byte[] {0, 0, 8, 1, 0, 0});
    assertContains(message, "truncated header");
  }

  @Test
  void moreDataThanTheHeaderDeclares() throws IOException {
    byte[] labels = Fixtures.idxLabels(2, Fixtures.labels(1, Fixtures.TRAIN));
    String message = errorWith("train-labels-idx1-ubyte.gz", Fixtures.gzip(labels));
    assertContains(message, "more data than the header declares", "2 labels");
  }

  @Test
  void imageAndLabelCountsDisagree() throws IOException {
    byte[] labels = Fixtures.idxLabels(4, Fixtures.labels(1, 4));
    Path dir = tmp.resolve("data");
    String message = errorWith("train-labels-idx1-ubyte.gz", Fixtures.gzip(labels));
    assertContains(
        message, dir.resolve("train-images-idx3-ubyte.gz") + " has 5 images but ", "has 4 labels");
  }

  @Test
  void imagesOfTheWrongSize() throws IOException {
    byte[] images = Fixtures.idxImages(5, 27, 28, new byte[5 * 27 * 28]);
    String message = errorWith("train-images-idx3-ubyte.gz", Fixtures.gzip(images));
    assertContains(message, "expected 28x28 images, found 27x28");
  }

  @Test
  void notGzipAtAll() throws IOException {
    String message = errorWith("t10k-images-idx3-ubyte.gz", "hello, world".getBytes());
    assertContains(message, "not a valid gzip file");
  }

  @Test
  void truncatedGzipStream() throws IOException {
    byte[] gz = Fixtures.gzip(Fixtures.idxImages(3, 28, 28, Fixtures.pixels(51, 3)));
    String message = errorWith("t10k-images-idx3-ubyte.gz", Arrays.copyOf(gz, gz.length / 2));
    assertContains(message, "truncated");
  }

  @Test
  void gzipChecksumMismatch() throws IOException {
    byte[] gz = Fixtures.gzip(Fixtures.idxImages(3, 28, 28, Fixtures.pixels(51, 3)));
    // The trailer's CRC-32 (bytes -8..-5) no longer matches the data.
    gz[gz.length - 8] ^= 0x5A;
    String message = errorWith("t10k-images-idx3-ubyte.gz", gz);
    assertContains(message, "corrupt gzip data");
  }
}
