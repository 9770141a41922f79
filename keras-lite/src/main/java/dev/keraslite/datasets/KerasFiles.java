package dev.keraslite.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Keras's download cache ({@code keras.utils.get_file}): files live in {@code
 * <cacheDir>/<cacheSubdir>/<fname>}, where the cache directory is {@code $KERAS_HOME} or {@code
 * ~/.keras}, and are downloaded once from their origin when missing.
 *
 * <p>A download goes to a temporary file in the target directory, is checked against the expected
 * hash (SHA-256 for 64 hex digits, MD5 for 32, as Keras's {@code hash_algorithm="auto"}), and is
 * renamed into place atomically, so the cache never holds a partial or unverified file. Files
 * already in the cache are used as they are: only downloads are verified, because local copies may
 * legitimately differ byte for byte (Debian re-gzipped Fashion-MNIST, for one).
 *
 * <p>Downloads can be forbidden (machines without network, tests) with the system property {@value
 * #OFFLINE_PROPERTY}{@code =true}, the environment variable {@value #OFFLINE_ENV}{@code =1} (or
 * {@code true}), or the {@code offline} argument. Unlike Keras, an unwritable cache directory is an
 * error rather than a silent fallback to {@code /tmp/.keras}: set {@code KERAS_HOME} instead.
 */
public final class KerasFiles {
  /** Where Keras downloads its datasets from (MNIST's npz, Fashion-MNIST's IDX files). */
  public static final String KERAS_DATASETS_ORIGIN =
      "https://storage.googleapis.com/tensorflow/tf-keras-datasets/";

  /** System property that forbids downloads when {@code true}. */
  public static final String OFFLINE_PROPERTY = "keraslite.offline";

  /** Environment variable that forbids downloads when {@code 1} or {@code true}. */
  public static final String OFFLINE_ENV = "KERAS_LITE_OFFLINE";

  /** How downloads get disabled, appended to loaders' not-found messages. */
  static final String OFFLINE_HINT =
      " (Downloads are disabled by -D"
          + OFFLINE_PROPERTY
          + "=true, "
          + OFFLINE_ENV
          + "=1 or LoadOptions.offline(true).)";

  private static final int CONNECT_TIMEOUT_MS = 30_000;
  private static final int READ_TIMEOUT_MS = 60_000;

  private KerasFiles() {}

  /** Keras's cache directory: {@code $KERAS_HOME}, or {@code ~/.keras} when it is unset. */
  public static Path kerasHome() {
    String env = System.getenv("KERAS_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".keras");
  }

  /** Whether {@value #OFFLINE_PROPERTY} or {@value #OFFLINE_ENV} forbid downloads. */
  public static boolean offlineByDefault() {
    return truthy(System.getProperty(OFFLINE_PROPERTY)) || truthy(System.getenv(OFFLINE_ENV));
  }

  private static boolean truthy(String value) {
    if (value == null) {
      return false;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    return v.equals("true") || v.equals("1") || v.equals("yes");
  }

  /**
   * {@code keras.utils.get_file(fname, origin, file_hash, cache_subdir)} with the default cache
   * directory and offline setting.
   */
  public static Path getFile(String fname, String origin, String fileHash, String cacheSubdir)
      throws IOException {
    return getFile(fname, origin, fileHash, cacheSubdir, kerasHome(), offlineByDefault());
  }

  /**
   * The cached file {@code cacheDir/cacheSubdir/fname}, downloaded from {@code origin} first if it
   * is missing.
   *
   * @param fname file name in the cache
   * @param origin URL to download from
   * @param fileHash expected SHA-256 (64 hex digits) or MD5 (32) of the download; null skips the
   *     check, as Keras does without {@code file_hash}
   * @param cacheSubdir subdirectory of the cache directory, such as {@code "datasets"}
   * @param cacheDir the cache directory, such as {@link #kerasHome()}
   * @param offline whether to fail instead of downloading
   * @return the path of the cached file
   * @throws IOException if the file is missing and cannot be downloaded and verified
   */
  public static Path getFile(
      String fname,
      String origin,
      String fileHash,
      String cacheSubdir,
      Path cacheDir,
      boolean offline)
      throws IOException {
    if (fname == null || fname.isEmpty() || fname.contains("/")) {
      throw new IllegalArgumentException("KerasFiles.getFile: bad file name '" + fname + "'");
    }
    MessageDigest digest = fileHash == null ? null : digestFor(fileHash);
    Path dir = cacheDir.resolve(cacheSubdir);
    Path target = dir.resolve(fname);
    if (Files.isRegularFile(target)) {
      return target;
    }
    if (offline) {
      throw new IOException(
          target
              + " is missing and downloads are disabled ("
              + OFFLINE_PROPERTY
              + " / "
              + OFFLINE_ENV
              + " / offline option); download "
              + origin
              + " and put it there");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IOException(
          "cannot create the cache directory "
              + dir
              + " ("
              + e
              + "); set KERAS_HOME to a writable"
              + " directory",
          e);
    }
    download(origin, digest, fileHash, dir, target);
    return target;
  }

  private static MessageDigest digestFor(String fileHash) {
    String algorithm;
    if (fileHash.matches("[0-9a-fA-F]{64}")) {
      algorithm = "SHA-256";
    } else if (fileHash.matches("[0-9a-fA-F]{32}")) {
      algorithm = "MD5";
    } else {
      throw new IllegalArgumentException(
          "KerasFiles.getFile: file hash must be 64 hex digits (SHA-256) or 32 (MD5), got '"
              + fileHash
              + "'");
    }
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is missing from this JVM", e);
    }
  }

  private static void download(
      String origin, MessageDigest digest, String fileHash, Path dir, Path target)
      throws IOException {
    System.out.println("Downloading data from " + origin);
    Path partial = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
    try {
      try {
        fetch(origin, digest, partial);
      } catch (IOException | IllegalArgumentException e) {
        throw new IOException("download of " + origin + " failed: " + e.getMessage(), e);
      }
      if (digest != null) {
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equalsIgnoreCase(fileHash)) {
          throw new IOException(
              "download of "
                  + origin
                  + " failed its checksum: expected "
                  + digest.getAlgorithm()
                  + " "
                  + fileHash.toLowerCase(Locale.ROOT)
                  + ", got "
                  + actual
                  + "; the file was discarded (a corrupted transfer or a wrong file at the"
                  + " origin)");
        }
      }
      try {
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  private static void fetch(String origin, MessageDigest digest, Path partial) throws IOException {
    URLConnection connection = URI.create(origin).toURL().openConnection();
    connection.setConnectTimeout(CONNECT_TIMEOUT_MS);
    connection.setReadTimeout(READ_TIMEOUT_MS);
    if (connection instanceof HttpURLConnection) {
      HttpURLConnection http = (HttpURLConnection) connection;
      int status = http.getResponseCode();
      if (status != HttpURLConnection.HTTP_OK) {
        String message = http.getResponseMessage();
        http.disconnect();
        throw new IOException("HTTP " + status + (message == null ? "" : " " + message));
      }
    }
    try (InputStream body = connection.getInputStream();
        InputStream in = digest == null ? body : new DigestInputStream(body, digest);
        OutputStream out = Files.newOutputStream(partial)) {
      in.transferTo(out);
    }
  }
}
