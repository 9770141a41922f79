package dev.keraslite.datasets;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where {@link FashionMnist} and {@link Mnist} look for their files, whether they may download
 * them, and the layout of the images they return. The defaults need no configuration:
 *
 * <pre>{@code
 * ImageData<FloatNdArray> data = FashionMnist.load(); // [N, 28, 28]
 * ImageData<FloatNdArray> cnn = Mnist.load(new LoadOptions().channelAxis(true)); // [N, 28, 28, 1]
 * ImageData<FloatNdArray> mine =
 *     FashionMnist.load(new LoadOptions().path(Path.of("data")).offline(true));
 * }</pre>
 */
public final class LoadOptions {
  static final Path DEBIAN_DATASETS = Path.of("/usr/share/datasets");

  private Path path;
  private Path kerasHome;
  private Boolean offline;
  private boolean channelAxis;
  private String origin = KerasFiles.KERAS_DATASETS_ORIGIN;
  private final Map<String, String> fileHashes = new HashMap<>();
  private Path systemDatasets = DEBIAN_DATASETS;

  /**
   * Options with the defaults: search the standard places, download if allowed, no channel axis.
   */
  public LoadOptions() {}

  /**
   * A directory searched first for the dataset's files (gzipped or not); for {@link Mnist}, also a
   * directory holding {@code mnist.npz} or the path of an {@code .npz} file itself.
   */
  public LoadOptions path(Path path) {
    this.path = path;
    return this;
  }

  /**
   * The Keras cache directory to search and download into (default {@code $KERAS_HOME}, {@code
   * ~/.keras}).
   */
  public LoadOptions kerasHome(Path kerasHome) {
    this.kerasHome = kerasHome;
    return this;
  }

  /**
   * Whether downloads are forbidden. Default: {@code true} when the system property {@value
   * KerasFiles#OFFLINE_PROPERTY} or the environment variable {@value KerasFiles#OFFLINE_ENV} says
   * so.
   */
  public LoadOptions offline(boolean offline) {
    this.offline = offline;
    return this;
  }

  /** Whether to add a trailing channel axis: {@code [N, 28, 28, 1]}, the layout Conv2D expects. */
  public LoadOptions channelAxis(boolean channelAxis) {
    this.channelAxis = channelAxis;
    return this;
  }

  /**
   * The base URL downloads come from (default {@link KerasFiles#KERAS_DATASETS_ORIGIN}), for a
   * mirror; file names are appended to it. Downloads are still verified against Keras's hashes.
   */
  public LoadOptions origin(String baseUrl) {
    if (baseUrl == null || baseUrl.isEmpty()) {
      throw new IllegalArgumentException("LoadOptions.origin: the base URL is empty");
    }
    this.origin = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    return this;
  }

  /**
   * Expects a different SHA-256 (or MD5) for the download of {@code fileName}, for a mirror that
   * serves different bytes (re-compressed files, say).
   */
  public LoadOptions fileHash(String fileName, String hash) {
    fileHashes.put(fileName, hash);
    return this;
  }

  /** The user's directory or file, or null. */
  public Path path() {
    return path;
  }

  /** The Keras cache directory in effect. */
  public Path kerasHome() {
    return kerasHome != null ? kerasHome : KerasFiles.kerasHome();
  }

  /** Whether downloads are forbidden, explicitly or by the property or environment variable. */
  public boolean offline() {
    return offline != null ? offline : KerasFiles.offlineByDefault();
  }

  public boolean channelAxis() {
    return channelAxis;
  }

  public String origin() {
    return origin;
  }

  /** The expected hash of a download: the one set here, else {@code defaultHash}. */
  String expectedHash(String fileName, String defaultHash) {
    return fileHashes.getOrDefault(fileName, defaultHash);
  }

  /** The system-wide datasets directory ({@code /usr/share/datasets} on Debian); for tests. */
  LoadOptions systemDatasets(Path systemDatasets) {
    this.systemDatasets = systemDatasets;
    return this;
  }

  Path systemDatasets() {
    return systemDatasets;
  }
}
