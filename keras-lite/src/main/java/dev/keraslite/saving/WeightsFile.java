package dev.keraslite.saving;

import dev.keraslite.Variable;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * Saves the values of a list of variables to one file and loads them back by name: keras-lite's
 * weights file, the counterpart of Keras's {@code model.save_weights} / {@code load_weights}.
 *
 * <pre>{@code
 * WeightsFile.save(Path.of("model.weights.bin"), model.variables());
 * WeightsFile.load(Path.of("model.weights.bin"), otherModel.variables()); // same names, shapes, dtypes
 * }</pre>
 *
 * <h2>Format (version 1)</h2>
 *
 * All integers are little-endian; {@code int32} and {@code int64} are two's complement.
 *
 * <pre>
 * magic     8 bytes   ASCII "KLWEIGHT"
 * version   int32     1
 * count     int32     number of variables
 * count times, in the order the variables were given to save:
 *   nameLen int32     length in bytes of the name
 *   name    nameLen   the variable's name in UTF-8, such as "dense/kernel:0"
 *   dtype   int32     TensorFlow's DataType number (1 float32, 2 float64, 3 int32, 9 int64,
 *                     10 bool, 19 float16, 14 bfloat16, ...)
 *   rank    int32     number of dimensions (0 for a scalar)
 *   dims    rank x int64
 *   length  int64     length in bytes of the data (elements x bytes per element)
 *   data    length    the elements in row-major order, each little-endian
 * crc32     int32     CRC-32 (java.util.zip.CRC32) of every byte before it
 * </pre>
 *
 * <p><b>Writing</b> goes to a temporary file next to the target, which is synced to disk and then
 * renamed over the target in one atomic step: a crash or an error mid-write leaves any previous
 * file intact and no partial file under the target name.
 *
 * <p><b>Loading</b> reads and checks the whole file first (magic, version, structure, checksum),
 * then matches its entries to the variables by name and checks that every variable has an entry,
 * every entry has a variable, and dtypes and shapes agree. Only then are values assigned, so a
 * failed load leaves every variable unchanged. Variables must live in an eager context and have
 * unique names.
 */
public final class WeightsFile {
  static final byte[] MAGIC = "KLWEIGHT".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  // Bounds that only a corrupt or foreign file exceeds; they keep a bad length from allocating.
  private static final int MAX_NAME_BYTES = 1 << 16;
  private static final int MAX_RANK = 254;

  private WeightsFile() {}

  /**
   * Writes the current values of {@code variables} to {@code path}, replacing any file there
   * atomically. The parent directory must exist.
   *
   * @throws IllegalArgumentException for a null variable, duplicate names or string variables
   * @throws IllegalStateException for variables of a graph
   * @throws IOException if the file cannot be written; a previous file at {@code path} is kept
   */
  public static void save(Path path, List<Variable> variables) throws IOException {
    write(path, VariableValues.read(variables, "WeightsFile.save"), UnaryOperator.identity());
  }

  /**
   * Assigns to each of {@code variables} the value stored under its name in {@code path}.
   *
   * @throws IllegalArgumentException naming each variable whose entry is missing or has another
   *     dtype or shape, and each entry with no variable; no variable is changed
   * @throws IOException if the file cannot be read or is not a valid weights file; no variable is
   *     changed
   */
  public static void load(Path path, List<Variable> variables) throws IOException {
    VariableValues.checkVariables(variables, "WeightsFile.load");
    List<WeightValue> stored = read(path);
    VariableValues.assign(variables, match(path, stored, variables));
  }

  /** The names stored in {@code path}, in file order. */
  public static List<String> names(Path path) throws IOException {
    List<String> names = new ArrayList<>();
    for (WeightValue v : read(path)) {
      names.add(v.name());
    }
    return names;
  }

  // ---- matching ----------------------------------------------------------------------------

  private static List<WeightValue> match(
      Path path, List<WeightValue> stored, List<Variable> variables) {
    Map<String, WeightValue> byName = new LinkedHashMap<>();
    for (WeightValue v : stored) {
      byName.put(v.name(), v);
    }
    List<String> problems = new ArrayList<>();
    List<WeightValue> ordered = new ArrayList<>(variables.size());
    Set<String> wanted = new HashSet<>();
    for (Variable v : variables) {
      wanted.add(v.name());
      WeightValue found = byName.get(v.name());
      ordered.add(found);
      if (found == null) {
        problems.add("variable '" + v.name() + "' has no entry in the file");
        continue;
      }
      if (found.dtype() != v.dataType()) {
        problems.add(
            "variable '" + v.name() + "': expected dtype " + WeightValue.dtypeName(v.dataType())
                + ", found " + WeightValue.dtypeName(found.dtype()) + " in the file");
      }
      if (!found.shape().equals(v.shape())) {
        problems.add(
            "variable '" + v.name() + "': expected shape " + WeightValue.shapeString(v.shape())
                + ", found " + WeightValue.shapeString(found.shape()) + " in the file");
      }
    }
    for (String name : byName.keySet()) {
      if (!wanted.contains(name)) {
        problems.add("the file's entry '" + name + "' matches none of the variables being loaded");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot load weights file " + path + " into " + variables.size() + " variables (no"
              + " variable was changed): " + String.join("; ", problems) + ".");
    }
    return ordered;
  }

  // ---- writing -----------------------------------------------------------------------------

  /**
   * Writes {@code values} atomically; {@code wrap} lets tests interpose on the stream (to simulate a
   * failing disk).
   */
  static void write(Path path, List<WeightValue> values, UnaryOperator<OutputStream> wrap)
      throws IOException {
    Path target = path.toAbsolutePath();
    Path dir = target.getParent();
    if (Files.isDirectory(target)) {
      throw new IOException("Cannot write weights to " + path + ": it is a directory");
    }
    if (dir == null || !Files.isDirectory(dir)) {
      throw new IOException(
          "Cannot write weights to " + path + ": the directory " + dir + " does not exist");
    }
    // Not Files.createTempFile: its owner-only permissions would stick to the renamed file.
    Path temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (FileOutputStream file = new FileOutputStream(temp.toFile())) {
        CRC32 crc = new CRC32();
        OutputStream raw = wrap.apply(new BufferedOutputStream(file, 1 << 16));
        writeBody(new LittleEndianOutput(new CheckedOutputStream(raw, crc)), values);
        // The checksum itself is not part of what it covers.
        new LittleEndianOutput(raw).int32((int) crc.getValue());
        raw.flush();
        file.getFD().sync();
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static void writeBody(LittleEndianOutput out, List<WeightValue> values)
      throws IOException {
    out.bytes(MAGIC);
    out.int32(VERSION);
    out.int32(values.size());
    for (WeightValue v : values) {
      byte[] name = v.name().getBytes(StandardCharsets.UTF_8);
      out.int32(name.length);
      out.bytes(name);
      out.int32(v.dtype().getNumber());
      out.int32(v.shape().numDimensions());
      for (long d : v.shape().asArray()) {
        out.int64(d);
      }
      out.int64(v.data().length);
      out.bytes(v.data());
    }
  }

  // ---- reading -----------------------------------------------------------------------------

  static List<WeightValue> read(Path path) throws IOException {
    CRC32 crc = new CRC32();
    try (InputStream file = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
      LittleEndianInput in = new LittleEndianInput(new CheckedInputStream(file, crc), path);
      List<WeightValue> values = readBody(in, path);
      int expected = (int) crc.getValue();
      int found = new LittleEndianInput(file, path).int32("checksum");
      if (found != expected) {
        throw new IOException(
            "Weights file " + path + " is corrupt: its CRC-32 checksum does not match its content");
      }
      if (file.read() != -1) {
        throw new IOException(
            "Weights file " + path + " is corrupt: unexpected bytes after the checksum");
      }
      return values;
    }
  }

  private static List<WeightValue> readBody(LittleEndianInput in, Path path) throws IOException {
    byte[] magic = in.bytes(MAGIC.length, "header");
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new IOException(
          path + " is not a keras-lite weights file (it does not start with \"KLWEIGHT\")");
    }
    int version = in.int32("version");
    if (version != VERSION) {
      throw new IOException(
          "Weights file " + path + " has format version " + version + "; this keras-lite reads"
              + " version " + VERSION);
    }
    int count = in.int32("count");
    if (count < 0) {
      throw corrupt(path, "negative variable count " + count);
    }
    List<WeightValue> values = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < count; i++) {
      int nameLength = in.int32("name length");
      if (nameLength < 0 || nameLength > MAX_NAME_BYTES) {
        throw corrupt(path, "entry " + i + " has a name length of " + nameLength + " bytes");
      }
      String name = new String(in.bytes(nameLength, "name"), StandardCharsets.UTF_8);
      if (seen.put(name, i) != null) {
        throw corrupt(path, "the name '" + name + "' appears twice");
      }
      int dtypeNumber = in.int32("dtype");
      DataType dtype = DataType.forNumber(dtypeNumber);
      if (dtype == null || dtype == DataType.DT_STRING || dtype == DataType.UNRECOGNIZED) {
        throw corrupt(path, "entry '" + name + "' has an unsupported dtype number " + dtypeNumber);
      }
      int rank = in.int32("rank");
      if (rank < 0 || rank > MAX_RANK) {
        throw corrupt(path, "entry '" + name + "' has rank " + rank);
      }
      long[] dims = new long[rank];
      for (int d = 0; d < rank; d++) {
        dims[d] = in.int64("shape");
        if (dims[d] < 0) {
          throw corrupt(path, "entry '" + name + "' has a negative dimension " + dims[d]);
        }
      }
      Shape shape = Shape.of(dims);
      long length = in.int64("data length");
      int width = WeightValue.byteWidth(dtype);
      if (length < 0
          || length > Integer.MAX_VALUE - 8
          || (width > 0 && length != shape.size() * width)) {
        throw corrupt(
            path, "entry '" + name + "' of shape " + WeightValue.shapeString(shape) + " and dtype "
                + WeightValue.dtypeName(dtype) + " has " + length + " bytes of data");
      }
      values.add(new WeightValue(name, dtype, shape, in.bytes((int) length, "data of '" + name + "'")));
    }
    return values;
  }

  private static IOException corrupt(Path path, String what) {
    return new IOException("Weights file " + path + " is corrupt: " + what);
  }

  // ---- little-endian streams ---------------------------------------------------------------

  private static final class LittleEndianOutput {
    private final OutputStream out;
    private final byte[] scratch = new byte[8];

    LittleEndianOutput(OutputStream out) {
      this.out = out;
    }

    void bytes(byte[] b) throws IOException {
      out.write(b);
    }

    void int32(int v) throws IOException {
      for (int i = 0; i < 4; i++) {
        scratch[i] = (byte) (v >>> (8 * i));
      }
      out.write(scratch, 0, 4);
    }

    void int64(long v) throws IOException {
      for (int i = 0; i < 8; i++) {
        scratch[i] = (byte) (v >>> (8 * i));
      }
      out.write(scratch, 0, 8);
    }
  }

  private static final class LittleEndianInput {
    private final InputStream in;
    private final Path path;

    LittleEndianInput(InputStream in, Path path) {
      this.in = in;
      this.path = path;
    }

    byte[] bytes(int n, String what) throws IOException {
      byte[] b = new byte[n];
      int off = 0;
      while (off < n) {
        int r = in.read(b, off, n - off);
        if (r < 0) {
          throw new EOFException(
              "Weights file " + path + " is truncated: it ends inside the " + what);
        }
        off += r;
      }
      return b;
    }

    int int32(String what) throws IOException {
      byte[] b = bytes(4, what);
      return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    long int64(String what) throws IOException {
      byte[] b = bytes(8, what);
      long v = 0;
      for (int i = 7; i >= 0; i--) {
        v = (v << 8) | (b[i] & 0xff);
      }
      return v;
    }
  }
}
