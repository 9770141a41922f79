package dev.keraslite.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.ByteNdArray;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.Shape;

/** Where the loaders look, in which order, and what they return, on small files written here. */
class LoaderSearchTest {
  @TempDir Path tmp;

  /** Offline options whose every location is under the temp directory. */
  private LoadOptions options() {
    return new LoadOptions()
        .kerasHome(tmp.resolve("keras"))
        .systemDatasets(tmp.resolve("system"))
        .offline(true);
  }

  static void assertFixture(ImageData<FloatNdArray> data, int marker) {
    assertImages(data.xTrain(), data.yTrain(), marker, Fixtures.TRAIN);
    assertImages(data.xTest(), data.yTest(), marker + 50, Fixtures.TEST);
  }

  private static void assertImages(FloatNdArray x, IntNdArray y, int marker, int count) {
    assertEquals(Shape.of(count, 28, 28), x.shape());
    assertEquals(Shape.of(count), y.shape());
    for (int i = 0; i < count; i++) {
      assertEquals(Fixtures.label(marker, i), y.getInt(i), "label " + i + " of dataset " + marker);
      for (int r = 0; r < 28; r++) {
        for (int c = 0; c < 28; c++) {
          float expected = Fixtures.pixel(marker, i, r * 28 + c) / 255f;
          assertEquals(expected, x.getFloat(i, r, c), 0f, "pixel " + i + "," + r + "," + c);
        }
      }
    }
  }

  @Test
  void userPathComesBeforeKerasHomeWhichComesBeforeTheSystemDirectory() throws IOException {
    Path user = Fixtures.writeIdx(tmp.resolve("user"), 1, true);
    Path keras = Fixtures.writeIdx(tmp.resolve("keras/datasets/fashion-mnist"), 2, true);
    Fixtures.writeIdx(tmp.resolve("system/fashion-mnist"), 3, true);

    assertFixture(FashionMnist.load(options().path(user)), 1);
    assertFixture(FashionMnist.load(options()), 2);
    Files.delete(keras.resolve("t10k-labels-idx1-ubyte.gz"));
    assertFixture(FashionMnist.load(options()), 3);
    assertFixture(FashionMnist.load(options().path(tmp.resolve("nowhere"))), 3);
  }

  @Test
  void anIncompleteDirectoryIsSkipped() throws IOException {
    Path user = Fixtures.writeIdx(tmp.resolve("user"), 1, true);
    Files.delete(user.resolve("train-images-idx3-ubyte.gz"));
    Fixtures.writeIdx(tmp.resolve("keras/datasets/fashion-mnist"), 2, true);
    assertFixture(FashionMnist.load(options().path(user)), 2);
  }

  @Test
  void uncompressedAndMixedFilesAreRead() throws IOException {
    Path plain = Fixtures.writeIdx(tmp.resolve("plain"), 4, false);
    assertFixture(FashionMnist.load(options().path(plain)), 4);
    Files.write(
        plain.resolve("t10k-images-idx3-ubyte.gz"),
        Fixtures.idxFiles(4, true).get("t10k-images-idx3-ubyte.gz"));
    Files.delete(plain.resolve("t10k-images-idx3-ubyte"));
    assertFixture(FashionMnist.load(options().path(plain)), 4);
  }

  @Test
  void channelAxisAndRawPixels() throws IOException {
    Path user = Fixtures.writeIdx(tmp.resolve("user"), 5, true);
    ImageData<FloatNdArray> channels = FashionMnist.load(options().path(user).channelAxis(true));
    assertEquals(Shape.of(Fixtures.TRAIN, 28, 28, 1), channels.xTrain().shape());
    assertEquals(Shape.of(Fixtures.TEST, 28, 28, 1), channels.xTest().shape());
    assertEquals(Fixtures.pixel(5, 2, 28 * 3 + 4) / 255f, channels.xTrain().getFloat(2, 3, 4, 0));

    ImageData<ByteNdArray> raw = FashionMnist.loadRaw(options().path(user));
    assertEquals(Shape.of(Fixtures.TRAIN, 28, 28), raw.xTrain().shape());
    for (int i = 0; i < Fixtures.TEST; i++) {
      for (int p = 0; p < 784; p++) {
        assertEquals(Fixtures.pixel(55, i, p), raw.xTest().getByte(i, p / 28, p % 28) & 0xFF);
      }
    }
    assertEquals(Fixtures.label(5, 1), raw.yTrain().getInt(1));
    assertEquals(
        Shape.of(Fixtures.TRAIN, 28, 28, 1),
        FashionMnist.loadRaw(options().path(user).channelAxis(true)).xTrain().shape());
  }

  @Test
  void notFoundListsEverySearchedPlaceAndWhereToPutTheFiles() throws IOException {
    Path user = Fixtures.writeIdx(tmp.resolve("user"), 1, true);
    Files.delete(user.resolve("train-labels-idx1-ubyte.gz"));
    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> FashionMnist.load(options().path(user)));
    String message = e.getMessage();
    assertTrue(message.contains("Fashion-MNIST not found"), message);
    assertTrue(message.contains("downloads are disabled"), message);
    assertTrue(message.contains(user + ": missing train-labels-idx1-ubyte[.gz]"), message);
    assertTrue(message.contains(tmp.resolve("keras/datasets/fashion-mnist") + ": does not exist"));
    assertTrue(message.contains(tmp.resolve("system/fashion-mnist") + ": does not exist"), message);
    assertTrue(message.contains("apt-get install dataset-fashion-mnist"), message);
    assertTrue(message.contains("train-images-idx3-ubyte.gz"), message);
  }

  @Test
  void mnistPrefersNpzThenIdxInKerasHome() throws IOException {
    Path datasets = Files.createDirectories(tmp.resolve("keras/datasets"));
    Files.write(datasets.resolve("mnist.npz"), Fixtures.mnistNpz(2, false));
    Fixtures.writeIdx(datasets.resolve("mnist"), 3, true);
    Path userNpz = Files.write(tmp.resolve("mine.npz"), Fixtures.mnistNpz(1, true));
    Path userDir = Fixtures.writeIdx(tmp.resolve("userdir"), 4, false);

    assertFixture(Mnist.load(options().path(userNpz)), 1);
    assertFixture(Mnist.load(options().path(userDir)), 4);
    assertFixture(Mnist.load(options()), 2);
    Files.delete(datasets.resolve("mnist.npz"));
    assertFixture(Mnist.load(options()), 3);
    Files.write(userDir.resolve("mnist.npz"), Fixtures.mnistNpz(6, false));
    assertFixture(Mnist.load(options().path(userDir)), 6);
  }

  @Test
  void mnistNotFoundNamesTheNpzAndIdxPlaces() {
    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> Mnist.load(options().path(tmp.resolve("missing"))));
    String message = e.getMessage();
    assertTrue(message.contains("MNIST not found and downloads are disabled"), message);
    assertTrue(message.contains(tmp.resolve("missing") + ": does not exist"), message);
    assertTrue(message.contains(tmp.resolve("keras/datasets/mnist.npz") + ": does not exist"));
    assertTrue(message.contains(tmp.resolve("keras/datasets/mnist") + ": does not exist"));
    assertTrue(message.contains("Put Keras's mnist.npz in " + tmp.resolve("keras/datasets")));
  }

  @Test
  void kerasHomeDefaultsToTheEnvironmentOrTheHomeDirectory() {
    String env = System.getenv("KERAS_HOME");
    Path expected =
        env != null && !env.isBlank()
            ? Path.of(env)
            : Path.of(System.getProperty("user.home"), ".keras");
    assertEquals(expected, KerasFiles.kerasHome());
    assertEquals(expected, new LoadOptions().kerasHome());
  }
}
