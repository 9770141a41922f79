package dev.keraslite.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.ByteNdArray;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;

/**
 * The real Fashion-MNIST from Debian's {@code dataset-fashion-mnist} (installed on the development
 * machine and by CI), found through the default search with an empty Keras cache and no network.
 * Expected values are published facts about the dataset (Zalando's README and paper).
 */
class FashionMnistRealDataTest {
  private static final Path DEBIAN = Path.of("/usr/share/datasets/fashion-mnist");

  @TempDir static Path emptyKerasHome;

  private static ImageData<FloatNdArray> data;

  @BeforeAll
  static void load() throws IOException {
    assertTrue(
        Files.isDirectory(DEBIAN),
        DEBIAN + " is missing: apt-get install dataset-fashion-mnist (CI installs it)");
    data = FashionMnist.load(new LoadOptions().kerasHome(emptyKerasHome).offline(true));
  }

  @Test
  void shapesAndCountsAreKerasLoadDataLayout() {
    assertEquals(Shape.of(60000, 28, 28), data.xTrain().shape());
    assertEquals(Shape.of(60000), data.yTrain().shape());
    assertEquals(Shape.of(10000, 28, 28), data.xTest().shape());
    assertEquals(Shape.of(10000), data.yTest().shape());
  }

  @Test
  void labelsAreBalancedAndStartAsPublished() {
    assertArrayEquals(fill(10, 6000), classCounts(data.yTrain()));
    assertArrayEquals(fill(10, 1000), classCounts(data.yTest()));
    assertArrayEquals(new int[] {9, 0, 0, 3}, first(data.yTrain(), 4));
    assertArrayEquals(new int[] {9, 2, 1, 1, 6}, first(data.yTest(), 5));
  }

  @Test
  void pixelsAreScaledToTheUnitInterval() {
    float min = Float.MAX_VALUE;
    float max = -Float.MAX_VALUE;
    float[] image = new float[784];
    for (FloatNdArray x : new FloatNdArray[] {data.xTrain(), data.xTest()}) {
      for (long i = 0; i < x.shape().get(0); i++) {
        x.get(i).copyTo(DataBuffers.of(image, false, false));
        for (float v : image) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    assertEquals(0f, min, 0f);
    assertEquals(1f, max, 0f);
  }

  @Test
  void rawPixelsAreTheUint8ValuesBehindTheFloats() throws IOException {
    ImageData<ByteNdArray> raw =
        FashionMnist.loadRaw(new LoadOptions().kerasHome(emptyKerasHome).offline(true));
    assertEquals(Shape.of(60000, 28, 28), raw.xTrain().shape());
    assertEquals(Shape.of(10000, 28, 28), raw.xTest().shape());
    int maxPixel = 0;
    for (long i = 0; i < 10000; i += 7) {
      for (int r = 0; r < 28; r++) {
        for (int c = 0; c < 28; c++) {
          int pixel = raw.xTest().getByte(i, r, c) & 0xFF;
          maxPixel = Math.max(maxPixel, pixel);
          assertEquals(pixel / 255f, data.xTest().getFloat(i, r, c), 0f);
          assertEquals(
              (raw.xTrain().getByte(i, r, c) & 0xFF) / 255f, data.xTrain().getFloat(i, r, c), 0f);
        }
      }
    }
    assertEquals(255, maxPixel);
    assertArrayEquals(first(data.yTrain(), 100), first(raw.yTrain(), 100));
  }

  private static int[] classCounts(IntNdArray labels) {
    int[] counts = new int[10];
    for (long i = 0; i < labels.shape().get(0); i++) {
      counts[labels.getInt(i)]++;
    }
    return counts;
  }

  private static int[] first(IntNdArray labels, int n) {
    int[] values = new int[n];
    for (int i = 0; i < n; i++) {
      values[i] = labels.getInt(i);
    }
    return values;
  }

  private static int[] fill(int n, int value) {
    int[] values = new int[n];
    Arrays.fill(values, value);
    return values;
  }
}
