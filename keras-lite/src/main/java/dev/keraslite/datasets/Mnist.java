package dev.keraslite.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tensorflow.ndarray.ByteNdArray;
import org.tensorflow.ndarray.FloatNdArray;

/**
 * The MNIST handwritten digits, Keras's {@code keras.datasets.mnist}: 60,000 training and 10,000
 * test images of 28x28 grayscale pixels, labels 0 to 9.
 *
 * <pre>{@code
 * // The tutorial's MNISTLoader: float32 / 255 with a channel axis, [60000, 28, 28, 1]
 * ImageData<FloatNdArray> data = Mnist.load(new LoadOptions().channelAxis(true));
 * }</pre>
 *
 * <p>Looked for in this order:
 *
 * <ol>
 *   <li>{@link LoadOptions#path(Path)}: an {@code .npz} file, or a directory holding {@code
 *       mnist.npz} or the four IDX files ({@code train-images-idx3-ubyte[.gz]}, ...);
 *   <li>Keras's cache: {@code $KERAS_HOME/datasets/mnist.npz} (where Keras keeps it; {@code
 *       ~/.keras} by default), then the IDX files in {@code $KERAS_HOME/datasets/mnist/}.
 * </ol>
 *
 * <p>Otherwise {@code mnist.npz} is downloaded into Keras's cache from Keras's origin and checked
 * against its SHA-256, as {@code keras.datasets.mnist.load_data()} does, unless downloads are
 * disabled ({@link LoadOptions#offline(boolean)}). {@code mnist.npz} is a zip of NumPy arrays
 * {@code x_train}, {@code y_train}, {@code x_test}, {@code y_test}; keras-lite reads it itself.
 */
public final class Mnist {
  /** Keras's file name for MNIST, in {@code $KERAS_HOME/datasets/}. */
  public static final String NPZ = "mnist.npz";

  /** Directory for MNIST's IDX files under {@code $KERAS_HOME/datasets/}. */
  public static final String NAME = "mnist";

  /** SHA-256 of {@code mnist.npz} at Keras's origin. */
  static final String NPZ_SHA256 =
      "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1";

  private Mnist() {}

  /** The images as float32 in {@code [0, 1]}, {@code [N, 28, 28]}, with the default options. */
  public static ImageData<FloatNdArray> load() {
    return load(new LoadOptions());
  }

  /**
   * The images as float32 in {@code [0, 1]} ({@code pixel / 255f}), {@code [N, 28, 28]} or with
   * {@link LoadOptions#channelAxis(boolean)} {@code [N, 28, 28, 1]}; labels int32 {@code [N]}.
   *
   * @throws UncheckedIOException (its cause the {@link IOException}) if no location has the data
   *     and it cannot be downloaded (the message lists
   *     the places searched), or a file is corrupt (the message names it)
   */
  public static ImageData<FloatNdArray> load(LoadOptions options) {
    return MnistSplits.readUnchecked(Mnist::read, options).scaled(options.channelAxis());
  }

  /** The raw uint8 pixels, as Keras's {@code load_data()} returns them. */
  public static ImageData<ByteNdArray> loadRaw() {
    return loadRaw(new LoadOptions());
  }

  /** The raw uint8 pixels, located as {@link #load(LoadOptions)} locates them. */
  public static ImageData<ByteNdArray> loadRaw(LoadOptions options) {
    return MnistSplits.readUnchecked(Mnist::read, options).raw(options.channelAxis());
  }

  private static MnistSplits read(LoadOptions options) throws IOException {
    SearchLog log = new SearchLog();
    Path user = options.path();
    if (user != null) {
      if (Files.isRegularFile(user)) {
        return readNpz(user);
      }
      MnistSplits found = readDirectory(user, log);
      if (found != null) {
        return found;
      }
    }
    Path datasets = options.kerasHome().resolve("datasets");
    Path npz = datasets.resolve(NPZ);
    if (Files.isRegularFile(npz)) {
      return readNpz(npz);
    }
    log.miss(npz, "does not exist");
    Map<String, Path> idx = IdxFiles.findAll(datasets.resolve(NAME), log);
    if (idx != null) {
      return IdxFiles.read(idx);
    }
    if (options.offline()) {
      throw new IOException(
          notFound("downloads are disabled", log, datasets) + KerasFiles.OFFLINE_HINT);
    }
    Path downloaded;
    try {
      downloaded =
          KerasFiles.getFile(
              NPZ,
              options.origin() + NPZ,
              options.expectedHash(NPZ, NPZ_SHA256),
              "datasets",
              options.kerasHome(),
              false);
    } catch (IOException e) {
      throw new IOException(notFound(e.getMessage(), log, datasets), e);
    }
    return readNpz(downloaded);
  }

  private static MnistSplits readDirectory(Path dir, SearchLog log) throws IOException {
    Path npz = dir.resolve(NPZ);
    if (Files.isRegularFile(npz)) {
      return readNpz(npz);
    }
    if (Files.isDirectory(dir)) {
      log.miss(npz, "does not exist");
    }
    Map<String, Path> idx = IdxFiles.findAll(dir, log);
    return idx == null ? null : IdxFiles.read(idx);
  }

  /**
   * Reads Keras's {@code mnist.npz}: uint8 images {@code [N, 28, 28]}, integer labels {@code [N]}.
   */
  static MnistSplits readNpz(Path file) throws IOException {
    List<Npy.Array> arrays = Npy.readNpz(file, "x_train", "y_train", "x_test", "y_test");
    byte[] trainImages = images(arrays.get(0));
    int[] trainLabels = labels(arrays.get(1));
    byte[] testImages = images(arrays.get(2));
    int[] testLabels = labels(arrays.get(3));
    checkCount(arrays.get(0), arrays.get(1));
    checkCount(arrays.get(2), arrays.get(3));
    return new MnistSplits(trainImages, trainLabels, testImages, testLabels);
  }

  private static byte[] images(Npy.Array array) throws IOException {
    long[] shape = array.shape();
    if (shape.length != 3 || shape[1] != MnistSplits.SIDE || shape[2] != MnistSplits.SIDE) {
      throw new IOException(
          array.source()
              + ": expected images of shape (N, 28, 28), found "
              + Arrays.toString(shape));
    }
    return array.uint8();
  }

  private static int[] labels(Npy.Array array) throws IOException {
    if (array.shape().length != 1) {
      throw new IOException(
          array.source()
              + ": expected labels of shape (N,), found "
              + Arrays.toString(array.shape()));
    }
    return array.int32();
  }

  private static void checkCount(Npy.Array images, Npy.Array labels) throws IOException {
    if (images.shape()[0] != labels.shape()[0]) {
      throw new IOException(
          images.source()
              + " has "
              + images.shape()[0]
              + " images but "
              + labels.source()
              + " has "
              + labels.shape()[0]
              + " labels");
    }
  }

  private static String notFound(String reason, SearchLog log, Path datasets) {
    return "MNIST not found and "
        + reason
        + ".\n"
        + log.describe()
        + "\nPut Keras's "
        + NPZ
        + " in "
        + datasets
        + ", or the IDX files "
        + String.join(", ", IdxFiles.NAMES.stream().map(n -> n + "[.gz]").toList())
        + " in "
        + datasets.resolve(NAME)
        + ", or pass their location with LoadOptions.path(...).";
  }
}
