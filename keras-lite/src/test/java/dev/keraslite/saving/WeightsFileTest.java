package dev.keraslite.saving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.Variable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;

class WeightsFileTest {
  @TempDir Path dir;

  @Test
  void roundTripRestoresEveryDtypeIntoFreshVariablesWithTheSameNames() throws IOException {
    Path file = dir.resolve("model.weights.bin");
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      List<Variable> saved =
          List.of(
              Values.floats(tf, "dense/kernel:0", Shape.of(2, 3), 1.5f, -2f, 3.25f, 0f, 1e-8f, -7f),
              Values.floats(tf, "dense/bias:0", Shape.of(3), 0.1f, 0.2f, 0.3f),
              Values.doubles(tf, "scale:0", Shape.of(), Math.PI),
              Values.longs(tf, "adam/iteration:0", Shape.of(), 1234567890123L),
              Values.bools(tf, "mask:0", Shape.of(4), true, false, false, true));
      WeightsFile.save(file, saved);

      // Fresh variables, created in another order with other values.
      Variable mask = Values.bools(tf, "mask:0", Shape.of(4), false, false, false, false);
      Variable bias = Values.floats(tf, "dense/bias:0", Shape.of(3), 0, 0, 0);
      Variable kernel = Values.floats(tf, "dense/kernel:0", Shape.of(2, 3), 0, 0, 0, 0, 0, 0);
      Variable scale = Values.doubles(tf, "scale:0", Shape.of(), 0);
      Variable iterations = Values.longs(tf, "adam/iteration:0", Shape.of(), 0);
      WeightsFile.load(file, List.of(mask, bias, kernel, scale, iterations));

      assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 0f, 1e-8f, -7f}, Values.floatsOf(kernel));
      assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f}, Values.floatsOf(bias));
      assertArrayEquals(new double[] {Math.PI}, Values.doublesOf(scale));
      assertArrayEquals(new long[] {1234567890123L}, Values.longsOf(iterations));
      assertArrayEquals(new boolean[] {true, false, false, true}, Values.boolsOf(mask));
      assertEquals(
          List.of("dense/kernel:0", "dense/bias:0", "scale:0", "adam/iteration:0", "mask:0"),
          WeightsFile.names(file));
    }
  }

  @Test
  void fileLayoutIsTheDocumentedOne() throws IOException {
    Path file = dir.resolve("layout.bin");
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      WeightsFile.save(
          file,
          List.of(
              Values.floats(tf, "k:0", Shape.of(2, 1), 1f, -0.5f),
              Values.longs(tf, "n:0", Shape.of(), 7L)));
    }
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[8];
    b.get(magic);
    assertEquals("KLWEIGHT", new String(magic, StandardCharsets.US_ASCII));
    assertEquals(1, b.getInt()); // version
    assertEquals(2, b.getInt()); // count
    // k:0, float32 (DataType 1), shape [2, 1], 8 bytes
    assertEquals(3, b.getInt());
    byte[] name = new byte[3];
    b.get(name);
    assertEquals("k:0", new String(name, StandardCharsets.UTF_8));
    assertEquals(1, b.getInt());
    assertEquals(2, b.getInt());
    assertEquals(2L, b.getLong());
    assertEquals(1L, b.getLong());
    assertEquals(8L, b.getLong());
    assertEquals(1f, b.getFloat());
    assertEquals(-0.5f, b.getFloat());
    // n:0, int64 (DataType 9), scalar, 8 bytes
    assertEquals(3, b.getInt());
    b.get(name);
    assertEquals("n:0", new String(name, StandardCharsets.UTF_8));
    assertEquals(9, b.getInt());
    assertEquals(0, b.getInt());
    assertEquals(8L, b.getLong());
    assertEquals(7L, b.getLong());
    // CRC-32 of everything before it, then the end of the file.
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, b.position());
    assertEquals((int) crc.getValue(), b.getInt());
    assertEquals(bytes.length, b.position());
  }

  @Test
  void aFailedWriteKeepsThePreviousFileAndLeavesNoTemporaryFile() throws IOException {
    Path file = dir.resolve("ckpt.bin");
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable v = Values.floats(tf, "w:0", Shape.of(64), new float[64]);
      WeightsFile.save(file, List.of(v));
      byte[] before = Files.readAllBytes(file);

      Values.setFloats(tf, v, filled(64, 3f));
      // The disk "fails" after 40 bytes of the new file.
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  WeightsFile.write(
                      file, VariableValues.read(List.of(v), "test"), out -> failingAfter(out, 40)));
      assertEquals("disk full", e.getMessage());
      assertArrayEquals(before, Files.readAllBytes(file));
      assertEquals(List.of(file), listDir());

      // A successful save replaces the file and leaves nothing else behind.
      WeightsFile.save(file, List.of(v));
      assertEquals(List.of(file), listDir());
      Variable fresh = Values.floats(tf, "w:0", Shape.of(64), new float[64]);
      WeightsFile.load(file, List.of(fresh));
      assertArrayEquals(filled(64, 3f), Values.floatsOf(fresh));
    }
  }

  @Test
  void mismatchedShapeDtypeOrNamesFailNamingTheVariableAndChangeNothing() throws IOException {
    Path file = dir.resolve("w.bin");
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      WeightsFile.save(
          file,
          List.of(
              Values.floats(tf, "a:0", Shape.of(3, 2), 1, 2, 3, 4, 5, 6),
              Values.floats(tf, "b:0", Shape.of(2), 7, 8)));

      Variable a = Values.floats(tf, "a:0", Shape.of(2, 3), 0, 0, 0, 0, 0, 0);
      Variable b = Values.floats(tf, "b:0", Shape.of(2), -1, -1);
      IllegalArgumentException shape =
          assertThrows(IllegalArgumentException.class, () -> WeightsFile.load(file, List.of(a, b)));
      assertTrue(
          shape.getMessage().contains("variable 'a:0': expected shape [2, 3], found [3, 2] in the file"),
          shape.getMessage());
      assertTrue(shape.getMessage().contains("no variable was changed"), shape.getMessage());
      // b matched, but a failed: b keeps its value too.
      assertArrayEquals(new float[] {-1, -1}, Values.floatsOf(b));
      assertArrayEquals(new float[6], Values.floatsOf(a));

      Variable a64 = Values.doubles(tf, "a:0", Shape.of(3, 2), 0, 0, 0, 0, 0, 0);
      IllegalArgumentException dtype =
          assertThrows(
              IllegalArgumentException.class, () -> WeightsFile.load(file, List.of(a64, b)));
      assertTrue(
          dtype.getMessage().contains("variable 'a:0': expected dtype float64, found float32 in the file"),
          dtype.getMessage());
      assertArrayEquals(new double[6], Values.doublesOf(a64));

      Variable c = Values.floats(tf, "c:0", Shape.of(2), 0, 0);
      IllegalArgumentException names =
          assertThrows(IllegalArgumentException.class, () -> WeightsFile.load(file, List.of(b, c)));
      assertTrue(
          names.getMessage().contains("variable 'c:0' has no entry in the file"), names.getMessage());
      assertTrue(
          names.getMessage().contains("the file's entry 'a:0' matches none of the variables"),
          names.getMessage());
      assertArrayEquals(new float[] {-1, -1}, Values.floatsOf(b));
    }
  }

  @Test
  void corruptTruncatedAndForeignFilesAreRefusedWithoutChangingVariables() throws IOException {
    Path file = dir.resolve("w.bin");
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      WeightsFile.save(file, List.of(Values.floats(tf, "a:0", Shape.of(4), 1, 2, 3, 4)));
      byte[] good = Files.readAllBytes(file);
      Variable a = Values.floats(tf, "a:0", Shape.of(4), 9, 9, 9, 9);

      byte[] flipped = good.clone();
      flipped[good.length - 8] ^= 0x40; // inside the data
      Files.write(file, flipped);
      IOException crc = assertThrows(IOException.class, () -> WeightsFile.load(file, List.of(a)));
      assertTrue(crc.getMessage().contains("CRC-32 checksum does not match"), crc.getMessage());

      Files.write(file, java.util.Arrays.copyOf(good, good.length - 10));
      IOException truncated =
          assertThrows(IOException.class, () -> WeightsFile.load(file, List.of(a)));
      assertTrue(truncated.getMessage().contains("is truncated"), truncated.getMessage());

      Files.write(file, "name,value\na,1\n".getBytes(StandardCharsets.UTF_8));
      IOException foreign =
          assertThrows(IOException.class, () -> WeightsFile.load(file, List.of(a)));
      assertTrue(
          foreign.getMessage().contains("is not a keras-lite weights file"), foreign.getMessage());

      assertArrayEquals(new float[] {9, 9, 9, 9}, Values.floatsOf(a));
    }
  }

  @Test
  void duplicateNamesAreRefusedOnSave() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable x = Values.floats(tf, "x:0", Shape.of(1), 1);
      Variable y = Values.floats(tf, "x:0", Shape.of(1), 2);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> WeightsFile.save(dir.resolve("d.bin"), List.of(x, y)));
      assertTrue(e.getMessage().contains("two variables are named 'x:0'"), e.getMessage());
      assertTrue(Files.notExists(dir.resolve("d.bin")));
    }
  }

  private List<Path> listDir() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  private static float[] filled(int n, float value) {
    float[] out = new float[n];
    java.util.Arrays.fill(out, value);
    return out;
  }

  private static OutputStream failingAfter(OutputStream out, int limit) {
    return new FilterOutputStream(out) {
      private int written;

      @Override
      public void write(int b) throws IOException {
        if (++written > limit) {
          throw new IOException("disk full");
        }
        super.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        for (int i = 0; i < len; i++) {
          write(b[off + i]);
        }
      }
    };
  }
}
