package dev.keraslite.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The four IDX files of an MNIST-format dataset in one directory, gzipped or not. */
final class IdxFiles {
  static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
  static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
  static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
  static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

  /** In the order Keras downloads them. */
  static final List<String> NAMES = List.of(TRAIN_LABELS, TRAIN_IMAGES, TEST_LABELS, TEST_IMAGES);

  private IdxFiles() {}

  /** {@code base.gz} or {@code base} in {@code dir} (the gzipped one first), or null. */
  static Path find(Path dir, String base) {
    for (String name : List.of(base + ".gz", base)) {
      Path file = dir.resolve(name);
      if (Files.isRegularFile(file)) {
        return file;
      }
    }
    return null;
  }

  /** The four files in {@code dir} by base name, or null after logging what is missing. */
  static Map<String, Path> findAll(Path dir, SearchLog log) {
    if (!Files.isDirectory(dir)) {
      log.miss(dir, Files.exists(dir) ? "not a directory" : "does not exist");
      return null;
    }
    Map<String, Path> files = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (String base : NAMES) {
      Path file = find(dir, base);
      if (file == null) {
        missing.add(base + "[.gz]");
      } else {
        files.put(base, file);
      }
    }
    if (!missing.isEmpty()) {
      log.miss(dir, "missing " + String.join(", ", missing));
      return null;
    }
    return files;
  }

  /** Reads and cross-checks the four files found by {@link #findAll}. */
  static MnistSplits read(Map<String, Path> files) throws IOException {
    byte[] trainImages = images(files.get(TRAIN_IMAGES));
    int[] trainLabels = Idx.readLabels(files.get(TRAIN_LABELS));
    byte[] testImages = images(files.get(TEST_IMAGES));
    int[] testLabels = Idx.readLabels(files.get(TEST_LABELS));
    checkCount(files.get(TRAIN_IMAGES), trainImages, files.get(TRAIN_LABELS), trainLabels);
    checkCount(files.get(TEST_IMAGES), testImages, files.get(TEST_LABELS), testLabels);
    return new MnistSplits(trainImages, trainLabels, testImages, testLabels);
  }

  private static byte[] images(Path imagesFile) throws IOException {
    Idx.Images images = Idx.readImages(imagesFile);
    if (images.rows() != MnistSplits.SIDE || images.cols() != MnistSplits.SIDE) {
      throw new IOException(
          imagesFile + ": expected 28x28 images, found " + images.rows() + "x" + images.cols());
    }
    return images.pixels();
  }

  static void checkCount(Path imagesFile, byte[] pixels, Path labelsFile, int[] labels)
      throws IOException {
    long images = pixels.length / MnistSplits.PIXELS;
    if (images != labels.length) {
      throw new IOException(
          imagesFile
              + " has "
              + images
              + " images but "
              + labelsFile
              + " has "
              + labels.length
              + " labels");
    }
  }
}
