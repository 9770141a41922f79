package dev.keraslite.saving;

import dev.keraslite.models.Model;
import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.tensorflow.op.Ops;

/**
 * Keras model files (Keras's {@code keras.saving}): {@link #loadModel} reads Keras 3 {@code
 * .keras} archives and legacy Keras 2 {@code .h5} models; {@link #saveModel} writes {@code
 * .keras} archives in Keras 3's layout ({@code metadata.json}, {@code config.json}, {@code
 * model.weights.h5}); {@link #saveWeights} and {@link #loadWeights} handle {@code .weights.h5}
 * files (Keras 3's object paths) and legacy {@code .h5} weights (by layer order or by name).
 *
 * <p>Loading runs no code from a file ({@code Lambda} layers and custom objects are refused, as
 * with Keras's {@code safe_mode}); files over a size limit, archive entries with unsafe names,
 * truncated or corrupt files, unknown layers and weights of the wrong shape raise a clear
 * exception, and a failed {@code loadWeights} leaves the model's weights as they were. Every writer
 * writes a temporary file and renames it over the target.
 */
public final class Saving {
  /** The largest file {@link #loadModel(Ops, Path)} reads, and the most its entries may inflate to. */
  public static final long DEFAULT_MAX_BYTES = 2L << 30;

  /** The Keras version whose {@code .keras} layout {@link #saveModel} follows. */
  public static final String KERAS_FORMAT_VERSION = "3.6.0";

  static final String CONFIG = "config.json";
  static final String METADATA = "metadata.json";
  static final String WEIGHTS = "model.weights.h5";

  private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  private static final byte[] ZIP_SIGNATURE = {'P', 'K', 3, 4};

  private Saving() {}

  // ---- whole models ------------------------------------------------------------------------

  /** {@link #loadModel(Ops, Path, long)} with the {@link #DEFAULT_MAX_BYTES} limit. */
  public static Model loadModel(Ops tf, Path path) throws IOException {
    return loadModel(tf, path, DEFAULT_MAX_BYTES);
  }

  /**
   * Reads a model, architecture and weights, from a Keras 3 {@code .keras} file or a legacy Keras
   * {@code .h5} file, builds it in {@code tf}'s eager context and, when the file records how it
   * was compiled and keras-lite has that optimizer, loss and metrics, compiles it.
   *
   * @param maxBytes the largest file (and, for archives, the most its entries may inflate to)
   * @throws IOException if the file cannot be read, is over the limit, is not a Keras file, or is
   *     truncated or corrupt
   * @throws IllegalArgumentException if the model uses a layer or option keras-lite lacks, or code
   */
  public static Model loadModel(Ops tf, Path path, long maxBytes) throws IOException {
    long size = checkSize(path, maxBytes);
    byte[] head = head(path);
    if (startsWith(head, ZIP_SIGNATURE)) {
      Map<String, byte[]> entries = readArchive(path, maxBytes);
      Map<String, Object> config = KerasJson.parse(new String(entries.get(CONFIG), StandardCharsets.UTF_8), path + " " + CONFIG);
      Model model = ModelConfig.deserialize(config, false);
      build(model, tf, path);
      try (HdfFile h5 = openBytes(entries.get(WEIGHTS), path + " " + WEIGHTS)) {
        WeightsH5.read(model, h5, path + " " + WEIGHTS, false).apply();
      } catch (RuntimeException e) {
        throw corruptIfFromJhdf(path + " " + WEIGHTS, e);
      }
      if (config.get("compile_config") instanceof Map) {
        TrainingConfig.compile(model, tf, ModelConfig.map(config.get("compile_config"), "compile_config"));
      }
      return model;
    }
    if (!isHdf5(path, size)) {
      throw new IOException(
          path + " is neither a Keras 3 .keras archive (zip) nor a Keras .h5 file (HDF5)");
    }
    try (HdfFile h5 = openFile(path)) {
      String modelConfig = LegacyH5.stringAttribute(h5, "model_config");
      if (modelConfig == null) {
        throw new IllegalArgumentException(
            path + " holds no model_config attribute: it is a weights-only file. Build the model in"
                + " Java and call loadWeights");
      }
      Map<String, Object> config = KerasJson.parse(modelConfig, path + " model_config");
      Model model = ModelConfig.deserialize(config, true);
      build(model, tf, path);
      Node weights = h5.getChildren().get("model_weights");
      if (!(weights instanceof Group)) {
        throw new IOException(path + " has a model_config but no model_weights group");
      }
      LegacyH5.read(model, (Group) weights, path.toString(), false, false).apply();
      String training = LegacyH5.stringAttribute(h5, "training_config");
      if (training != null) {
        TrainingConfig.compile(model, tf, KerasJson.parse(training, path + " training_config"));
      }
      return model;
    } catch (RuntimeException e) {
      throw corruptIfFromJhdf(path.toString(), e);
    }
  }

  /**
   * Writes {@code model} as a Keras 3 {@code .keras} archive that Keras 3's {@code load_model}
   * reads: its config (Sequential or functional) and its weights. Nothing is written if the model
   * cannot be described.
   *
   * @throws IllegalArgumentException for a path not ending in {@code .keras}, a subclassed model, or
   *     a layer without a Keras config
   * @throws IllegalStateException if the model is not built
   */
  public static void saveModel(Model model, Path path) throws IOException {
    if (!path.getFileName().toString().endsWith(".keras")) {
      throw new IllegalArgumentException(
          "saveModel: expected a path ending in .keras, received " + path);
    }
    WeightsH5.requireBuilt(model);
    String config = KerasJson.write(ModelConfig.serialize(model));
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("keras_version", KERAS_FORMAT_VERSION);
    metadata.put("date_saved", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss")));
    metadata.put("producer", "keras-lite");
    AtomicFiles.write(
        path,
        archive -> {
          Path weights = Files.createTempFile(archive.getParent(), ".model.weights.", ".h5");
          try {
            WeightsH5.write(model, weights);
            try (OutputStream out = Files.newOutputStream(archive);
                ZipOutputStream zip = new ZipOutputStream(out)) {
              put(zip, METADATA, KerasJson.write(metadata).getBytes(StandardCharsets.UTF_8));
              put(zip, CONFIG, config.getBytes(StandardCharsets.UTF_8));
              put(zip, WEIGHTS, Files.readAllBytes(weights));
            }
          } finally {
            Files.deleteIfExists(weights);
          }
        });
  }

  private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(data);
    zip.closeEntry();
  }

  // ---- weights -----------------------------------------------------------------------------

  /**
   * Writes the weights of {@code model} as Keras 3's {@code .weights.h5}: each layer's variables
   * under its object path ({@code layers/dense/vars/0}).
   *
   * @throws IllegalArgumentException for a path not ending in {@code .weights.h5}
   * @throws IllegalStateException if the model is not built
   */
  public static void saveWeights(Model model, Path path) throws IOException {
    if (!path.getFileName().toString().endsWith(".weights.h5")) {
      throw new IllegalArgumentException(
          "saveWeights: expected a path ending in .weights.h5 (Keras 3's name), received " + path);
    }
    WeightsH5.requireBuilt(model);
    AtomicFiles.write(path, temporary -> WeightsH5.write(model, temporary));
  }

  /** {@link #loadWeights(Model, Path, boolean, boolean)} by position, failing on any mismatch. */
  public static void loadWeights(Model model, Path path) throws IOException {
    loadWeights(model, path, false, false);
  }

  /**
   * Loads weights into a built model from a Keras 3 {@code .weights.h5}, the weights inside a
   * {@code .keras} archive, or a legacy Keras {@code .h5} (model or weights file). All weights are
   * checked before any is assigned, so a failure leaves the model unchanged.
   *
   * @param byName match legacy {@code .h5} weights to layers by layer name (Keras's {@code
   *     by_name}); Keras 3 files are matched by object path and refuse it
   * @param skipMismatch skip layers whose weight count or shapes differ instead of failing
   * @return the mismatches skipped (empty unless {@code skipMismatch})
   * @throws IllegalArgumentException naming the layer and the expected and found shapes
   */
  public static List<String> loadWeights(Model model, Path path, boolean byName, boolean skipMismatch)
      throws IOException {
    long size = checkSize(path, DEFAULT_MAX_BYTES);
    if (startsWith(head(path), ZIP_SIGNATURE)) {
      refuseByName(byName, path);
      Map<String, byte[]> entries = readArchive(path, DEFAULT_MAX_BYTES);
      try (HdfFile h5 = openBytes(entries.get(WEIGHTS), path + " " + WEIGHTS)) {
        return apply(WeightsH5.read(model, h5, path + " " + WEIGHTS, skipMismatch));
      } catch (RuntimeException e) {
        throw corruptIfFromJhdf(path + " " + WEIGHTS, e);
      }
    }
    if (!isHdf5(path, size)) {
      throw new IOException(path + " is not an HDF5 weights file");
    }
    try (HdfFile h5 = openFile(path)) {
      Node modelWeights = h5.getChildren().get("model_weights");
      if (LegacyH5.hasLayerNames(h5)) {
        return apply(LegacyH5.read(model, h5, path.toString(), byName, skipMismatch));
      }
      if (modelWeights instanceof Group && LegacyH5.hasLayerNames((Group) modelWeights)) {
        return apply(LegacyH5.read(model, (Group) modelWeights, path.toString(), byName, skipMismatch));
      }
      refuseByName(byName, path);
      return apply(WeightsH5.read(model, h5, path.toString(), skipMismatch));
    } catch (RuntimeException e) {
      throw corruptIfFromJhdf(path.toString(), e);
    }
  }

  private static List<String> apply(WeightsH5.Assignment assignment) {
    assignment.apply();
    return List.copyOf(assignment.skipped);
  }

  private static void refuseByName(boolean byName, Path path) {
    if (byName) {
      throw new IllegalArgumentException(
          path + " is a Keras 3 weights file, matched by object path: loading by name applies to"
              + " legacy .h5 files only (as in Keras 3)");
    }
  }

  // ---- files -------------------------------------------------------------------------------

  private static long checkSize(Path path, long maxBytes) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new IOException("No such file: " + path);
    }
    long size = Files.size(path);
    if (size > maxBytes) {
      throw new IOException(
          path + " is " + size + " bytes, over the limit of " + maxBytes + " bytes for Keras files");
    }
    return size;
  }

  private static byte[] head(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return in.readNBytes(8);
    }
  }

  private static boolean startsWith(byte[] data, byte[] prefix) {
    return data.length >= prefix.length && Arrays.equals(Arrays.copyOf(data, prefix.length), prefix);
  }

  /** HDF5 puts its signature at 0, 512, 1024, 2048, ... (after a user block). */
  private static boolean isHdf5(Path path, long size) throws IOException {
    try (var channel = Files.newByteChannel(path)) {
      for (long offset = 0; offset + 8 <= size; offset = offset == 0 ? 512 : offset * 2) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8);
        channel.position(offset);
        while (b.hasRemaining() && channel.read(b) > 0) {}
        if (Arrays.equals(b.array(), HDF5_SIGNATURE)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Builds a model read from a file's config. A config from which no model can be built (a
   * Sequential naming no input shape, as KerasFilesFuzzTest made one) is the file's fault, refused
   * as an unsupported config, not the caller's misuse.
   */
  private static void build(Model model, Ops tf, Path path) {
    try {
      model.build(tf);
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(path + ": the model its config describes cannot be built: " + e.getMessage(), e);
    }
  }

  /**
   * Opens an HDF5 file. jhdf parses the superblock and root group here, and nothing else: on a
   * malformed file it throws not only its HdfException but whatever its parsing runs into
   * (KerasFilesFuzzTest found an ArithmeticException from an offset that overflows an int, then an
   * IllegalStateException, "SymbolTableEntry: Unrecognized cache type"). Every unchecked exception
   * from this parse therefore means a corrupt file, and becomes an IOException with it as the cause.
   */
  private static HdfFile openFile(Path path) throws IOException {
    try {
      return new HdfFile(path);
    } catch (RuntimeException e) {
      throw corrupt(path, e);
    }
  }

  private static HdfFile openBytes(byte[] data, String what) throws IOException {
    try {
      return HdfFile.fromBytes(data);
    } catch (RuntimeException e) { // see openFile
      throw new IOException(what + " is truncated or corrupt: " + e.getMessage(), e);
    }
  }

  /**
   * What an unchecked exception from reading an open HDF5 file means. Thrown inside jhdf (an io.jhdf
   * frame above the first keras-lite frame of its stack), whatever its type, it means a malformed
   * file: jhdf reads attributes and datasets lazily and runs into ArithmeticException ("Could not
   * convert to unsigned", found by KerasFilesFuzzTest), buffer and index errors as well as its
   * HdfException. It is returned as a corrupt-file IOException to throw. keras-lite's own refusals
   * (an unsupported layer or option) are thrown by keras-lite and rethrown unchanged.
   */
  private static IOException corruptIfFromJhdf(String what, RuntimeException e) {
    for (StackTraceElement frame : e.getStackTrace()) {
      if (frame.getClassName().startsWith("io.jhdf.")) {
        return new IOException(what + " is truncated or corrupt (HDF5): " + e.getMessage(), e);
      }
      if (frame.getClassName().startsWith("dev.keraslite.")) {
        break;
      }
    }
    throw e;
  }

  private static IOException corrupt(Path path, Exception e) {
    return new IOException(path + " is truncated or corrupt (HDF5): " + e.getMessage(), e);
  }

  /**
   * The archive's config, metadata and weights, read without extracting anything: every entry name
   * is checked (no absolute paths, no {@code ..}), and inflation stops at {@code maxBytes}.
   */
  static Map<String, byte[]> readArchive(Path path, long maxBytes) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    long total = 0;
    try (ZipFile zip = new ZipFile(path.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        checkEntryName(path, e.getName());
        if (!e.getName().equals(CONFIG) && !e.getName().equals(METADATA) && !e.getName().equals(WEIGHTS)) {
          continue; // assets/ and other entries are not needed by keras-lite's layers
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (InputStream in = zip.getInputStream(e)) {
          byte[] chunk = new byte[1 << 16];
          int n;
          while ((n = in.read(chunk)) > 0) {
            total += n;
            if (total > maxBytes) {
              throw new IOException(
                  path + ": entry " + e.getName() + " inflates past the limit of " + maxBytes + " bytes");
            }
            buffer.write(chunk, 0, n);
          }
        }
        out.put(e.getName(), buffer.toByteArray());
      }
    } catch (ZipException e) {
      throw new IOException(path + " is truncated or corrupt (zip): " + e.getMessage(), e);
    }
    for (String required : List.of(CONFIG, WEIGHTS)) {
      if (!out.containsKey(required)) {
        throw new IOException(path + " is not a Keras 3 .keras archive: it has no " + required);
      }
    }
    return out;
  }

  private static void checkEntryName(Path path, String name) throws IOException {
    String n = name.replace('\\', '/');
    boolean escapes =
        n.startsWith("/") || n.matches("^[A-Za-z]:.*") || n.equals("..") || n.startsWith("../")
            || n.contains("/../") || n.endsWith("/..");
    if (escapes) {
      throw new IOException(
          path + ": archive entry '" + name + "' escapes the archive's directory; the file is refused");
    }
  }
}
