package dev.keraslite.datasets;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Small MNIST-format files written by hand from the IDX and NPY specifications, independent of the
 * code under test. Dataset number {@code m} has labels {@code (m + i) % 10} and pixels {@link
 * #pixel}, so a loaded array shows which file it came from.
 */
final class Fixtures {
  static final int TRAIN = 5;
  static final int TEST = 3;

  private Fixtures() {}

  static int label(int marker, int index) {
    return (marker + index) % 10;
  }

  static int pixel(int marker, int index, int offset) {
    return (marker * 31 + index * 7 + offset * 3) % 256;
  }

  static byte[] pixels(int marker, int count) {
    byte[] pixels = new byte[count * 784];
    for (int i = 0; i < count; i++) {
      for (int p = 0; p < 784; p++) {
        pixels[i * 784 + p] = (byte) pixel(marker, i, p);
      }
    }
    return pixels;
  }

  static int[] labels(int marker, int count) {
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = label(marker, i);
    }
    return labels;
  }

  /** An IDX images file: magic 0x803, count, rows, cols (big-endian), then the pixels. */
  static byte[] idxImages(int declaredCount, int rows, int cols, byte[] pixels) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(0x00000803);
      out.writeInt(declaredCount);
      out.writeInt(rows);
      out.writeInt(cols);
      out.write(pixels);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** An IDX labels file: magic 0x801, count (big-endian), then one byte per label. */
  static byte[] idxLabels(int declaredCount, int[] labels) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(0x00000801);
      out.writeInt(declaredCount);
      for (int label : labels) {
        out.writeByte(label);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The four files of dataset {@code marker}, by file name, gzipped or not. */
  static Map<String, byte[]> idxFiles(int marker, boolean gz) {
    Map<String, byte[]> plain =
        Map.of(
            "train-images-idx3-ubyte", idxImages(TRAIN, 28, 28, pixels(marker, TRAIN)),
            "train-labels-idx1-ubyte", idxLabels(TRAIN, labels(marker, TRAIN)),
            "t10k-images-idx3-ubyte", idxImages(TEST, 28, 28, pixels(marker + 50, TEST)),
            "t10k-labels-idx1-ubyte", idxLabels(TEST, labels(marker + 50, TEST)));
    if (!gz) {
      return plain;
    }
    Map<String, byte[]> zipped = new java.util.HashMap<>();
    plain.forEach((name, data) -> zipped.put(name + ".gz", gzip(data)));
    return zipped;
  }

  /** Writes dataset {@code marker}'s four IDX files into {@code dir}. */
  static Path writeIdx(Path dir, int marker, boolean gz) throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, byte[]> file : idxFiles(marker, gz).entrySet()) {
      Files.write(dir.resolve(file.getKey()), file.getValue());
    }
    return dir;
  }

  /** A version 1.0 {@code .npy} file: magic, version, little-endian header length, dict, data. */
  static byte[] npy(String descr, String shape, byte[] data) {
    return npy(
        1, "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }", data);
  }

  /** A {@code .npy} file with a given header dict, padded with spaces to 64 bytes as numpy does. */
  static byte[] npy(int major, String dict, byte[] data) {
    int prefix = 6 + 2 + (major == 1 ? 2 : 4);
    int padded = ((prefix + dict.length() + 1 + 63) / 64) * 64;
    String header = dict + " ".repeat(padded - prefix - dict.length() - 1) + "\n";
    ByteBuffer out = ByteBuffer.allocate(padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
    out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII));
    out.put((byte) major).put((byte) 0);
    if (major == 1) {
      out.putShort((short) header.length());
    } else {
      out.putInt(header.length());
    }
    out.put(header.getBytes(StandardCharsets.US_ASCII)).put(data);
    return out.array();
  }

  /** Little-endian int64 values, numpy's {@code '<i8'}. */
  static byte[] int64(int[] values) {
    ByteBuffer out = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      out.putLong(v);
    }
    return out.array();
  }

  static byte[] uint8(int[] values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  /**
   * An npz archive of the given {@code .npy} entries; {@code stored} as np.savez, else deflated.
   */
  static byte[] npz(Map<String, byte[]> entries, boolean stored) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipEntry entry = new ZipEntry(e.getKey());
        if (stored) {
          CRC32 crc = new CRC32();
          crc.update(e.getValue());
          entry.setMethod(ZipEntry.STORED);
          entry.setSize(e.getValue().length);
          entry.setCrc(crc.getValue());
        }
        zip.putNextEntry(entry);
        zip.write(e.getValue());
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Keras's mnist.npz layout for dataset {@code marker}: uint8 images, labels as given dtype. */
  static byte[] mnistNpz(int marker, boolean int64Labels) {
    return npz(
        Map.of(
            "x_train.npy", npy("|u1", "(" + TRAIN + ", 28, 28)", pixels(marker, TRAIN)),
            "y_train.npy", labelsNpy(labels(marker, TRAIN), int64Labels),
            "x_test.npy", npy("|u1", "(" + TEST + ", 28, 28)", pixels(marker + 50, TEST)),
            "y_test.npy", labelsNpy(labels(marker + 50, TEST), int64Labels)),
        !int64Labels);
  }

  private static byte[] labelsNpy(int[] labels, boolean int64) {
    return int64
        ? npy("<i8", "(" + labels.length + ",)", int64(labels))
        : npy("|u1", "(" + labels.length + ",)", uint8(labels));
  }

  static String sha256(byte[] data) {
    return hex("SHA-256", data);
  }

  static String md5(byte[] data) {
    return hex("MD5", data);
  }

  private static String hex(String algorithm, byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
