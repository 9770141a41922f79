package dev.keraslite.datasets;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads NumPy's {@code .npy} arrays (format versions 1 to 3) and {@code .npz} archives (a zip of
 * {@code .npy} files, stored or deflated), for integer arrays in C order. The header is a Python
 * dict literal, such as {@code {'descr': '|u1', 'fortran_order': False, 'shape': (60000, 28, 28),
 * }} padded with spaces and ended by a newline; the data follows it.
 */
final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR =
      Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
  private static final Pattern FORTRAN =
      Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");
  private static final Pattern DTYPE = Pattern.compile("([<>|=])([iu])([1248])");

  private Npy() {}

  /** An integer array as read: its shape, dtype and raw little- or big-endian data. */
  record Array(
      String source, long[] shape, boolean unsigned, int itemSize, ByteOrder order, byte[] data) {

    long count() {
      return data.length / itemSize;
    }

    /** The values as unsigned bytes, for {@code uint8} arrays such as images. */
    byte[] uint8() throws IOException {
      if (!unsigned || itemSize != 1) {
        throw new IOException(source + ": expected dtype uint8, found " + dtype());
      }
      return data;
    }

    /** The values as int32; any integer dtype whose values fit. */
    int[] int32() throws IOException {
      ByteBuffer buffer = ByteBuffer.wrap(data).order(order);
      int[] values = new int[Math.toIntExact(count())];
      for (int i = 0; i < values.length; i++) {
        long v;
        switch (itemSize) {
          case 1:
            v = unsigned ? buffer.get() & 0xFFL : buffer.get();
            break;
          case 2:
            v = unsigned ? buffer.getShort() & 0xFFFFL : buffer.getShort();
            break;
          case 4:
            v = unsigned ? buffer.getInt() & 0xFFFFFFFFL : buffer.getInt();
            break;
          default:
            v = buffer.getLong();
        }
        boolean beyondInt64 = unsigned && itemSize == 8 && v < 0;
        if (beyondInt64 || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
          String shown = beyondInt64 ? Long.toUnsignedString(v) : Long.toString(v);
          throw new IOException(
              source + ": value " + shown + " at index " + i + " does not fit int32");
        }
        values[i] = (int) v;
      }
      return values;
    }

    String dtype() {
      return (unsigned ? "uint" : "int") + (8 * itemSize);
    }
  }

  /** Reads the named arrays ({@code "x_train"} for entry {@code x_train.npy}) of an npz file. */
  static List<Array> readNpz(Path file, String... names) throws IOException {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      Array[] arrays = new Array[names.length];
      for (int i = 0; i < names.length; i++) {
        ZipEntry entry = zip.getEntry(names[i] + ".npy");
        if (entry == null) {
          throw new IOException(
              file + ": no array '" + names[i] + "' in the archive (it has " + entries(zip) + ")");
        }
        try (InputStream in = zip.getInputStream(entry)) {
          arrays[i] = read(file + "[" + entry.getName() + "]", in);
        } catch (ZipException e) {
          throw new IOException(file + ": corrupt entry " + entry.getName() + " (" + e + ")", e);
        }
      }
      return List.of(arrays);
    } catch (ZipException e) {
      throw new IOException(file + ": not a valid npz (zip) file (" + e.getMessage() + ")", e);
    }
  }

  private static List<String> entries(ZipFile zip) {
    List<String> names = new ArrayList<>();
    for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
      names.add(e.nextElement().getName());
    }
    return names;
  }

  /** Reads one {@code .npy} array; {@code source} names it in error messages. */
  static Array read(String source, InputStream stream) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    try {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IOException(source + ": not a .npy array (bad magic string)");
      }
      int major = in.readUnsignedByte();
      in.readUnsignedByte(); // minor version: no format difference
      int headerLength;
      if (major == 1) {
        headerLength = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
      } else if (major == 2 || major == 3) {
        headerLength = Integer.reverseBytes(in.readInt());
      } else {
        throw new IOException(source + ": unsupported .npy format version " + major);
      }
      if (headerLength < 0 || headerLength > 1 << 20) {
        throw new IOException(source + ": implausible header length " + headerLength);
      }
      byte[] headerBytes = new byte[headerLength];
      in.readFully(headerBytes);
      String header =
          new String(
              headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
      return body(source, header, in);
    } catch (EOFException e) {
      throw new IOException(source + ": truncated .npy header", e);
    }
  }

  private static Array body(String source, String header, DataInputStream in) throws IOException {
    String descr = group(source, DESCR, header, "descr");
    Matcher dtype = DTYPE.matcher(descr);
    if (!dtype.matches()) {
      throw new IOException(
          source + ": unsupported dtype '" + descr + "'; expected an integer dtype such as '|u1'");
    }
    if (group(source, FORTRAN, header, "fortran_order").equals("True")) {
      throw new IOException(source + ": Fortran-ordered arrays are not supported");
    }
    long[] shape = shape(source, group(source, SHAPE, header, "shape"));
    int itemSize = Integer.parseInt(dtype.group(3));
    long count = 1;
    for (long d : shape) {
      count = Math.multiplyExact(count, d);
    }
    long bytes = count * itemSize;
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new IOException(
          source + ": array of shape " + Arrays.toString(shape) + " is too large");
    }
    byte[] data = in.readNBytes((int) bytes);
    if (data.length < bytes) {
      throw new IOException(
          source
              + ": truncated: shape "
              + Arrays.toString(shape)
              + " needs "
              + bytes
              + " bytes of data but only "
              + data.length
              + " follow");
    }
    if (in.read() != -1) {
      throw new IOException(
          source + ": more data than its shape " + Arrays.toString(shape) + " declares");
    }
    ByteOrder order = dtype.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    return new Array(source, shape, dtype.group(2).equals("u"), itemSize, order, data);
  }

  private static String group(String source, Pattern pattern, String header, String key)
      throws IOException {
    Matcher m = pattern.matcher(header);
    if (!m.find()) {
      throw new IOException(
          source + ": the .npy header has no valid '" + key + "': " + header.trim());
    }
    return m.group(1);
  }

  private static long[] shape(String source, String tuple) throws IOException {
    String[] parts = tuple.split(",");
    long[] dims = new long[parts.length];
    int n = 0;
    for (String part : parts) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      try {
        dims[n] = Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
      } catch (NumberFormatException e) {
        throw new IOException(source + ": bad shape (" + tuple + ")", e);
      }
      if (dims[n] < 0) {
        throw new IOException(source + ": negative dimension in shape (" + tuple + ")");
      }
      n++;
    }
    return Arrays.copyOf(dims, n);
  }
}
