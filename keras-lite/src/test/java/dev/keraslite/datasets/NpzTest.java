package dev.keraslite.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keras's mnist.npz format, with .npy files written byte by byte from NumPy's format spec. */
class NpzTest {
  @TempDir Path tmp;

  private LoadOptions offline(Path path) {
    return new LoadOptions().path(path).kerasHome(tmp.resolve("keras")).offline(true);
  }

  @Test
  void readsKerasMnistNpzWithUint8OrInt64Labels() throws IOException {
    Path stored = Files.write(tmp.resolve("a.npz"), Fixtures.mnistNpz(3, false));
    LoaderSearchTest.assertFixture(Mnist.load(offline(stored)), 3);
    Path deflated = Files.write(tmp.resolve("b.npz"), Fixtures.mnistNpz(4, true));
    LoaderSearchTest.assertFixture(Mnist.load(offline(deflated)), 4);
  }

  @Test
  void readsEveryIntegerDtypeAndVersion2Headers() throws IOException {
    int[] values = {0, 7, 255, 65535};
    ByteBuffer big = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
    ByteBuffer little = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      big.putInt(v);
      little.putShort((short) v);
    }
    assertArrayEquals(values, read(Fixtures.npy("<u2", "(4,)", little.array())).int32());
    assertArrayEquals(values, read(Fixtures.npy(">i4", "(2, 2)", big.array())).int32());
    byte[] v2 =
        Fixtures.npy(
            2, "{'descr': '<i8', 'fortran_order': False, 'shape': (4,), }", Fixtures.int64(values));
    Npy.Array array = read(v2);
    assertArrayEquals(new long[] {4}, array.shape());
    assertArrayEquals(values, array.int32());
    byte[] signed = {(byte) -3, 5};
    assertArrayEquals(new int[] {-3, 5}, read(Fixtures.npy("|i1", "(2,)", signed)).int32());
    assertArrayEquals(new int[] {253, 5}, read(Fixtures.npy("|u1", "(2,)", signed)).int32());
  }

  private static Npy.Array read(byte[] npy) throws IOException {
    return Npy.read("test.npy", new ByteArrayInputStream(npy));
  }

  private String npzError(Map<String, byte[]> entries) throws IOException {
    Path file = Files.write(tmp.resolve("bad.npz"), Fixtures.npz(entries, true));
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Mnist.load(offline(file)));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    return e.getMessage();
  }

  private static Map<String, byte[]> validEntries() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("x_train.npy", Fixtures.npy("|u1", "(5, 28, 28)", Fixtures.pixels(1, 5)));
    entries.put("y_train.npy", Fixtures.npy("|u1", "(5,)", Fixtures.uint8(Fixtures.labels(1, 5))));
    entries.put("x_test.npy", Fixtures.npy("|u1", "(3, 28, 28)", Fixtures.pixels(2, 3)));
    entries.put("y_test.npy", Fixtures.npy("|u1", "(3,)", Fixtures.uint8(Fixtures.labels(2, 3))));
    return entries;
  }

  @Test
  void missingArray() throws IOException {
    Map<String, byte[]> entries = validEntries();
    entries.remove("y_test.npy");
    String message = npzError(entries);
    assertTrue(message.contains("no array 'y_test'"), message);
    assertTrue(message.contains("x_train.npy"), message);
  }

  @Test
  void floatLabelsAreRejected() throws IOException {
    Map<String, byte[]> entries = validEntries();
    entries.put("y_train.npy", Fixtures.npy("<f4", "(5,)", new byte[20]));
    String message = npzError(entries);
    assertTrue(message.contains("y_train.npy"), message);
    assertTrue(message.contains("unsupported dtype '<f4'"), message);
  }

  @Test
  void int64ImagesAreRejected() throws IOException {
    Map<String, byte[]> entries = validEntries();
    entries.put("x_test.npy", Fixtures.npy("<i8", "(3, 28, 28)", new byte[3 * 784 * 8]));
    String message = npzError(entries);
    assertTrue(message.contains("x_test.npy]: expected dtype uint8, found int64"), message);
  }

  @Test
  void fortranOrderIsRejected() throws IOException {
    Map<String, byte[]> entries = validEntries();
    entries.put(
        "x_train.npy",
        Fixtures.npy(
            1,
            "{'descr': '|u1', 'fortran_order': True, 'shape': (5, 28, 28), }",
            new byte[5 * 784]));
    assertTrue(npzError(entries).contains("Fortran-ordered"));
  }

  @Test
  void truncatedArray() throws IOException {
    Map<String, byte[]> entries = validEntries();
    entries.put("x_train.npy", Fixtures.npy("|u1", "(5, 28, 28)", new byte[4 * 784]));
    String message = npzError(entries);
    assertTrue(message.contains("x_train.npy]: truncated"), message);
    assertTrue(message.contains(5 * 784 + " bytes of data but only " + 4 * 784), message);
  }

  @Test
  void badMagicAndWrongShapes() throws IOException {
    Map<String, byte[]> entries = validEntries();
    entries.put("y_test.npy", "not numpy at all".getBytes());
    assertTrue(npzError(entries).contains("y_test.npy]: not a .npy array"));

    entries = validEntries();
    entries.put("x_test.npy", Fixtures.npy("|u1", "(3, 784)", Fixtures.pixels(2, 3)));
    String shape = npzError(entries);
    assertTrue(shape.contains("expected images of shape (N, 28, 28), found [3, 784]"), shape);

    entries = validEntries();
    entries.put("y_train.npy", Fixtures.npy("|u1", "(4,)", new byte[4]));
    String count = npzError(entries);
    assertTrue(count.contains("x_train.npy] has 5 images but"), count);
    assertTrue(count.contains("y_train.npy] has 4 labels"), count);
  }

  @Test
  void notAZipFile() throws IOException {
    Path file = Files.write(tmp.resolve("mnist.npz"), "plain text".getBytes());
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Mnist.load(offline(file)));
    assertTrue(e.getMessage().contains(file + ": not a valid npz (zip) file"), e.getMessage());
  }

  @Test
  void labelsOutsideInt32AreRejected() {
    byte[] value = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array();
    byte[] huge = Fixtures.npy("<i8", "(1,)", value);
    IOException e = assertThrows(IOException.class, () -> read(huge).int32());
    assertTrue(e.getMessage().contains("1099511627776") && e.getMessage().contains("int32"));
  }
}
