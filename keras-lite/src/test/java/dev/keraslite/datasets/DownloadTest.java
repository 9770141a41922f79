package dev.keraslite.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads into Keras's cache, against an HTTP server on the loopback interface; the Keras cache
 * and the system datasets directory are temp directories, so nothing outside them is touched.
 */
class DownloadTest {
  @TempDir Path tmp;

  private HttpServer server;
  private final Map<String, byte[]> served = new ConcurrentHashMap<>();
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  private String origin;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String name = exchange.getRequestURI().getPath().substring(1);
          requests.add(name);
          byte[] body = served.get(name);
          if (body == null) {
            exchange.sendResponseHeaders(404, -1);
          } else {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
          exchange.close();
        });
    server.start();
    origin = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  /** Options that download from the loopback server, expecting the served files' own hashes. */
  private LoadOptions fashionOptions() {
    LoadOptions options =
        new LoadOptions()
            .kerasHome(tmp.resolve("keras"))
            .systemDatasets(tmp.resolve("system"))
            .origin(origin)
            .offline(false);
    served.forEach((name, bytes) -> options.fileHash(name, Fixtures.sha256(bytes)));
    return options;
  }

  private Path fashionCache() {
    return tmp.resolve("keras/datasets/fashion-mnist");
  }

  private List<String> cacheListing() throws IOException {
    if (!Files.exists(fashionCache())) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(fashionCache())) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void verifiedDownloadsAreCachedAndLoaded() throws IOException {
    served.putAll(Fixtures.idxFiles(7, true));
    LoaderSearchTest.assertFixture(FashionMnist.load(fashionOptions()), 7);
    assertEquals(
        List.of(
            "train-labels-idx1-ubyte.gz",
            "train-images-idx3-ubyte.gz",
            "t10k-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz"),
        requests,
        "Keras's four files, in Keras's order");
    assertEquals(served.keySet().stream().sorted().toList(), cacheListing(), "no partial files");
    for (Map.Entry<String, byte[]> file : served.entrySet()) {
      assertArrayEquals(file.getValue(), Files.readAllBytes(fashionCache().resolve(file.getKey())));
    }
    // Cached now: no further request, and the server may as well be gone.
    server.stop(0);
    LoaderSearchTest.assertFixture(FashionMnist.load(fashionOptions()), 7);
    assertEquals(4, requests.size());
  }

  @Test
  void onlyMissingFilesAreDownloaded() throws IOException {
    Map<String, byte[]> files = Fixtures.idxFiles(8, true);
    Files.createDirectories(fashionCache());
    Files.write(
        fashionCache().resolve("train-images-idx3-ubyte.gz"),
        files.get("train-images-idx3-ubyte.gz"));
    served.putAll(files);
    LoaderSearchTest.assertFixture(FashionMnist.load(fashionOptions()), 8);
    assertEquals(3, requests.size());
    assertFalse(requests.contains("train-images-idx3-ubyte.gz"));
  }

  @Test
  void checksumMismatchLeavesNothingInTheCache() throws IOException {
    served.putAll(Fixtures.idxFiles(7, true));
    String wrong = Fixtures.sha256(new byte[] {1, 2, 3});
    LoadOptions options = fashionOptions().fileHash("train-images-idx3-ubyte.gz", wrong);
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> FashionMnist.load(options));
    String message = e.getMessage();
    assertTrue(message.contains("failed its checksum"), message);
    assertTrue(message.contains("expected SHA-256 " + wrong), message);
    assertTrue(
        message.contains("got " + Fixtures.sha256(served.get("train-images-idx3-ubyte.gz"))),
        message);
    assertTrue(message.contains(origin + "train-images-idx3-ubyte.gz"), message);
    assertTrue(message.contains("Searched:"), message);
    assertTrue(requests.contains("train-images-idx3-ubyte.gz"));
    // The file downloaded before it stays (it was verified); the bad one left no trace.
    assertEquals(List.of("train-labels-idx1-ubyte.gz"), cacheListing());
  }

  @Test
  void httpErrorsAreReportedWithTheUrlAndTheSearchedPlaces() throws IOException {
    served.putAll(Fixtures.idxFiles(7, true));
    served.remove("t10k-images-idx3-ubyte.gz");
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> FashionMnist.load(fashionOptions()));
    String message = e.getMessage();
    assertTrue(message.contains("download of " + origin + "t10k-images-idx3-ubyte.gz"), message);
    assertTrue(message.contains("HTTP 404"), message);
    assertTrue(message.contains(tmp.resolve("system/fashion-mnist") + ": does not exist"), message);
    assertFalse(cacheListing().contains("t10k-images-idx3-ubyte.gz"));
    assertTrue(cacheListing().stream().noneMatch(name -> name.endsWith(".part")));
  }

  @Test
  void offlineOptionMakesNoRequest() {
    served.putAll(Fixtures.idxFiles(7, true));
    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> FashionMnist.load(fashionOptions().offline(true)));
    assertEquals(List.of(), requests);
    assertTrue(e.getMessage().contains("downloads are disabled"), e.getMessage());
    assertTrue(e.getMessage().contains(fashionCache() + ": does not exist"), e.getMessage());
    assertTrue(
        e.getMessage().contains(tmp.resolve("system/fashion-mnist") + ": does not exist"),
        e.getMessage());
  }

  @Test
  void offlineSystemPropertyMakesNoRequest() {
    served.putAll(Fixtures.idxFiles(7, true));
    LoadOptions options =
        new LoadOptions()
            .kerasHome(tmp.resolve("keras"))
            .systemDatasets(tmp.resolve("system"))
            .origin(origin);
    String previous = System.getProperty(KerasFiles.OFFLINE_PROPERTY);
    System.setProperty(KerasFiles.OFFLINE_PROPERTY, "true");
    try {
      assertTrue(options.offline());
      UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> FashionMnist.load(options));
      assertTrue(e.getMessage().contains("downloads are disabled"), e.getMessage());
      UncheckedIOException mnist = assertThrows(UncheckedIOException.class, () -> Mnist.load(options));
      assertTrue(mnist.getMessage().contains("downloads are disabled"), mnist.getMessage());
    } finally {
      if (previous == null) {
        System.clearProperty(KerasFiles.OFFLINE_PROPERTY);
      } else {
        System.setProperty(KerasFiles.OFFLINE_PROPERTY, previous);
      }
    }
    assertEquals(List.of(), requests);
  }

  @Test
  void mnistDownloadsKerasNpz() throws IOException {
    byte[] npz = Fixtures.mnistNpz(9, false);
    served.put("mnist.npz", npz);
    LoadOptions options =
        new LoadOptions()
            .kerasHome(tmp.resolve("keras"))
            .origin(origin)
            .offline(false)
            .fileHash("mnist.npz", Fixtures.sha256(npz));
    LoaderSearchTest.assertFixture(Mnist.load(options), 9);
    assertEquals(List.of("mnist.npz"), requests);
    assertArrayEquals(npz, Files.readAllBytes(tmp.resolve("keras/datasets/mnist.npz")));
  }

  @Test
  void mnistVerifiesAgainstKerasHashByDefault() {
    served.put("mnist.npz", Fixtures.mnistNpz(9, false));
    LoadOptions options =
        new LoadOptions().kerasHome(tmp.resolve("keras")).origin(origin).offline(false);
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Mnist.load(options));
    assertTrue(e.getMessage().contains("expected SHA-256 " + Mnist.NPZ_SHA256), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("keras/datasets/mnist.npz")));
  }

  @Test
  void getFileVerifiesMd5AndRejectsMalformedHashes() throws IOException {
    byte[] text = "some text file\n".getBytes();
    served.put("notes.txt", text);
    Path cache = tmp.resolve("cache");
    Path file =
        KerasFiles.getFile(
            "notes.txt", origin + "notes.txt", Fixtures.md5(text), "texts", cache, false);
    assertEquals(cache.resolve("texts/notes.txt"), file);
    assertArrayEquals(text, Files.readAllBytes(file));

    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () -> KerasFiles.getFile("x.txt", origin + "x.txt", "abc", "texts", cache, false));
    assertTrue(bad.getMessage().contains("64 hex digits"), bad.getMessage());

    IOException md5Mismatch =
        assertThrows(
            IOException.class,
            () ->
                KerasFiles.getFile(
                    "other.txt",
                    origin + "notes.txt",
                    Fixtures.md5(new byte[0]),
                    "texts",
                    cache,
                    false));
    assertTrue(md5Mismatch.getMessage().contains("expected MD5"), md5Mismatch.getMessage());
    try (Stream<Path> files = Files.list(cache.resolve("texts"))) {
      assertEquals(List.of("notes.txt"), files.map(p -> p.getFileName().toString()).toList());
    }
  }
}
