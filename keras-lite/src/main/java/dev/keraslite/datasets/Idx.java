package dev.keraslite.datasets;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX files of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a big-endian
 * header (magic {@code 0x00000803} and count, rows, columns for images; {@code 0x00000801} and
 * count for labels) followed by unsigned bytes. Files whose name ends in {@code .gz} are gunzipped.
 * Every problem is reported as an {@link IOException} naming the file.
 */
final class Idx {
  static final int IMAGES_MAGIC = 0x00000803;
  static final int LABELS_MAGIC = 0x00000801;

  private Idx() {}

  /** The pixels of an images file, row-major {@code [count, rows, cols]}. */
  record Images(int count, int rows, int cols, byte[] pixels) {}

  static Images readImages(Path file) throws IOException {
    try (DataInputStream in = open(file)) {
      checkMagic(file, in, IMAGES_MAGIC, "images");
      int count = dimension(file, in, "image count");
      int rows = dimension(file, in, "row count");
      int cols = dimension(file, in, "column count");
      // Three header ints can multiply past a long (found by ReadersFuzzTest): saturate instead.
      long expected;
      try {
        expected = Math.multiplyExact(Math.multiplyExact((long) count, rows), cols);
      } catch (ArithmeticException overflow) {
        expected = Long.MAX_VALUE;
      }
      byte[] pixels = body(file, in, expected, count + " images of " + rows + "x" + cols);
      return new Images(count, rows, cols, pixels);
    }
  }

  /** The labels of a labels file, as unsigned values. */
  static int[] readLabels(Path file) throws IOException {
    try (DataInputStream in = open(file)) {
      checkMagic(file, in, LABELS_MAGIC, "labels");
      int count = dimension(file, in, "label count");
      byte[] bytes = body(file, in, count, count + " labels");
      int[] labels = new int[count];
      for (int i = 0; i < count; i++) {
        labels[i] = bytes[i] & 0xFF;
      }
      return labels;
    }
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream raw = Files.newInputStream(file);
    try {
      InputStream in = new BufferedInputStream(raw, 1 << 16);
      if (file.getFileName().toString().endsWith(".gz")) {
        in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
      }
      return new DataInputStream(in);
    } catch (ZipException | EOFException e) {
      raw.close();
      throw new IOException(file + ": not a valid gzip file (" + e.getMessage() + ")", e);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  private static void checkMagic(Path file, DataInputStream in, int expected, String kind)
      throws IOException {
    int magic = readInt(file, in, "header");
    if (magic != expected) {
      String hint = (magic >>> 16) == 0x1F8B ? " (it looks gzip-compressed: name it .gz)" : "";
      throw new IOException(
          String.format(
              "%s: bad magic number 0x%08X, expected 0x%08X for IDX %s%s",
              file, magic, expected, kind, hint));
    }
  }

  private static int dimension(Path file, DataInputStream in, String name) throws IOException {
    int value = readInt(file, in, "header");
    if (value < 0) {
      throw new IOException(file + ": negative " + name + " " + value + " in the header");
    }
    return value;
  }

  private static int readInt(Path file, DataInputStream in, String where) throws IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw new IOException(file + ": truncated " + where, e);
    } catch (ZipException e) {
      throw gzipProblem(file, e);
    }
  }

  /**
   * Reads everything after the header and checks it is exactly {@code expected} bytes. Reading what
   * is there, rather than allocating what the header claims, keeps a corrupt header from asking for
   * gigabytes.
   */
  private static byte[] body(Path file, DataInputStream in, long expected, String what)
      throws IOException {
    if (expected > Integer.MAX_VALUE - 8) {
      throw new IOException(file + ": header declares " + what + ", too large for one array");
    }
    byte[] data;
    try {
      data = in.readNBytes((int) expected);
    } catch (ZipException e) {
      throw gzipProblem(file, e);
    } catch (EOFException e) {
      throw new IOException(file + ": truncated gzip stream (" + e.getMessage() + ")", e);
    }
    if (data.length < expected) {
      throw new IOException(
          file
              + ": truncated: the header declares "
              + what
              + " ("
              + expected
              + " bytes of data) but only "
              + data.length
              + " bytes follow");
    }
    int extra;
    try {
      extra = in.read();
    } catch (ZipException e) {
      throw gzipProblem(file, e);
    } catch (EOFException e) {
      throw new IOException(file + ": truncated gzip stream (" + e.getMessage() + ")", e);
    }
    if (extra != -1) {
      throw new IOException(
          file
              + ": more data than the header declares ("
              + what
              + ", "
              + expected
              + " bytes); the header count is wrong");
    }
    return data;
  }

  private static IOException gzipProblem(Path file, ZipException e) {
    return new IOException(file + ": corrupt gzip data (" + e.getMessage() + ")", e);
  }
}
