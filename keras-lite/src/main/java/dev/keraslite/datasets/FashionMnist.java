package dev.keraslite.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.ndarray.ByteNdArray;
import org.tensorflow.ndarray.FloatNdArray;

/**
 * Zalando's Fashion-MNIST, Keras's {@code keras.datasets.fashion_mnist}: 60,000 training and 10,000
 * test images of 28x28 grayscale pixels in 10 classes ({@link #CLASS_NAMES}), a drop-in replacement
 * for MNIST.
 *
 * <pre>{@code
 * ImageData<FloatNdArray> data = FashionMnist.load();     // pixels in [0, 1], [N, 28, 28]
 * Dataset train = Dataset.of(data.xTrain(), data.yTrain()).shuffle(60_000, 42).batch(50);
 * }</pre>
 *
 * <p>The four IDX files ({@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code
 * t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}, each gzipped ({@code .gz}) or not) are
 * looked for in this order, and the first directory that has all four is used:
 *
 * <ol>
 *   <li>the directory given with {@link LoadOptions#path(Path)};
 *   <li>Keras's cache, {@code $KERAS_HOME/datasets/fashion-mnist/} ({@code ~/.keras/...} by
 *       default);
 *   <li>{@code /usr/share/datasets/fashion-mnist/}, where Debian's {@code dataset-fashion-mnist}
 *       package installs them.
 * </ol>
 *
 * <p>Otherwise the missing files are downloaded into Keras's cache from Keras's origin and checked
 * against their SHA-256, as {@code keras.datasets.fashion_mnist.load_data()} does, unless downloads
 * are disabled ({@link LoadOptions#offline(boolean)}). Local files are never checksummed: Debian's
 * are re-gzipped and differ from the originals byte for byte.
 */
public final class FashionMnist {
  /** The dataset's directory name under Keras's and Debian's dataset directories. */
  public static final String NAME = "fashion-mnist";

  /** The class of each label value. */
  public static final List<String> CLASS_NAMES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  /** SHA-256 of the files at Keras's origin (the same as Zalando's originals). */
  static final Map<String, String> SHA256 =
      Map.of(
          "train-labels-idx1-ubyte.gz",
          "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
          "train-images-idx3-ubyte.gz",
          "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
          "t10k-labels-idx1-ubyte.gz",
          "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
          "t10k-images-idx3-ubyte.gz",
          "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073");

  private FashionMnist() {}

  /** The images as float32 in {@code [0, 1]}, {@code [N, 28, 28]}, with the default options. */
  public static ImageData<FloatNdArray> load() {
    return load(new LoadOptions());
  }

  /**
   * The images as float32 in {@code [0, 1]} ({@code pixel / 255f}), {@code [N, 28, 28]} or with
   * {@link LoadOptions#channelAxis(boolean)} {@code [N, 28, 28, 1]}; labels int32 {@code [N]}.
   *
   * @throws UncheckedIOException (its cause the {@link IOException}) if no location has the
   *     files and they cannot be downloaded (the message
   *     lists the places searched), or a file is corrupt (the message names it)
   */
  public static ImageData<FloatNdArray> load(LoadOptions options) {
    return MnistSplits.readUnchecked(FashionMnist::read, options).scaled(options.channelAxis());
  }

  /** The raw uint8 pixels, as Keras's {@code load_data()} returns them. */
  public static ImageData<ByteNdArray> loadRaw() {
    return loadRaw(new LoadOptions());
  }

  /** The raw uint8 pixels, located as {@link #load(LoadOptions)} locates them. */
  public static ImageData<ByteNdArray> loadRaw(LoadOptions options) {
    return MnistSplits.readUnchecked(FashionMnist::read, options).raw(options.channelAxis());
  }

  private static MnistSplits read(LoadOptions options) throws IOException {
    SearchLog log = new SearchLog();
    Path cache = options.kerasHome().resolve("datasets").resolve(NAME);
    List<Path> places = new ArrayList<>();
    if (options.path() != null) {
      places.add(options.path());
    }
    places.add(cache);
    places.add(options.systemDatasets().resolve(NAME));
    for (Path dir : places) {
      Map<String, Path> files = IdxFiles.findAll(dir, log);
      if (files != null) {
        return IdxFiles.read(files);
      }
    }
    if (options.offline()) {
      throw new IOException(
          notFound("downloads are disabled", log, cache) + KerasFiles.OFFLINE_HINT);
    }
    Map<String, Path> files = new LinkedHashMap<>();
    try {
      for (String base : IdxFiles.NAMES) {
        Path present = IdxFiles.find(cache, base);
        String fname = base + ".gz";
        files.put(
            base,
            present != null
                ? present
                : KerasFiles.getFile(
                    fname,
                    options.origin() + fname,
                    options.expectedHash(fname, SHA256.get(fname)),
                    "datasets/" + NAME,
                    options.kerasHome(),
                    false));
      }
    } catch (IOException e) {
      throw new IOException(notFound(e.getMessage(), log, cache), e);
    }
    return IdxFiles.read(files);
  }

  private static String notFound(String reason, SearchLog log, Path cache) {
    return "Fashion-MNIST not found and "
        + reason
        + ".\n"
        + log.describe()
        + "\nPut "
        + String.join(", ", IdxFiles.NAMES.stream().map(n -> n + ".gz").toList())
        + " (gzipped or not) in "
        + cache
        + " or in a directory passed with LoadOptions.path(...); on Debian or Ubuntu,"
        + " `apt-get install dataset-fashion-mnist` installs them in /usr/share/datasets/"
        + NAME
        + ".";
  }
}
