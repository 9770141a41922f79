package dev.keraslite.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** History.plot: one chart per metric, training and validation together, decoded with ImageIO. */
class HistoryPlotTest {
  @TempDir Path dir;

  private static History history(String... keys) {
    History h = new History();
    h.onTrainBegin(null);
    for (int epoch = 0; epoch < 5; epoch++) {
      java.util.Map<String, Double> logs = new java.util.LinkedHashMap<>();
      for (int k = 0; k < keys.length; k++) {
        logs.put(keys[k], 1.0 / (epoch + 1 + k));
      }
      h.onEpochEnd(epoch, logs);
    }
    return h;
  }

  @Test
  void groupsPairEachMetricWithItsValidationTwin() {
    Map<String, Map<String, List<Double>>> groups =
        HistoryPlot.groups(history("loss", "accuracy", "val_loss", "val_accuracy", "learning_rate").history());
    assertEquals(List.of("loss", "accuracy", "learning_rate"), List.copyOf(groups.keySet()));
    assertEquals(List.of("loss", "val_loss"), List.copyOf(groups.get("loss").keySet()));
    assertEquals(List.of("learning_rate"), List.copyOf(groups.get("learning_rate").keySet()));
  }

  @Test
  void writesAGridOfChartsWithOneCellPerMetric() throws Exception {
    Path png = dir.resolve("plots/history.png");
    history("loss", "accuracy", "val_loss", "val_accuracy", "learning_rate").plot(png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertTrue(image != null, "ImageIO cannot decode " + png);
    // Three metrics in rows of two: a 2 x 2 grid of 480 x 320 charts, the fourth cell empty.
    assertEquals(2 * HistoryPlot.CHART_WIDTH, image.getWidth());
    assertEquals(2 * HistoryPlot.CHART_HEIGHT, image.getHeight());
    int w = HistoryPlot.CHART_WIDTH;
    int h = HistoryPlot.CHART_HEIGHT;
    double[] cells = {
      colouredFraction(image, 0, 0, w, h),
      colouredFraction(image, w, 0, w, h),
      colouredFraction(image, 0, h, w, h),
      colouredFraction(image, w, h, w, h)
    };
    for (int i = 0; i < 3; i++) {
      assertTrue(cells[i] > 0.002, "chart " + i + " has no curve: " + java.util.Arrays.toString(cells));
    }
    assertEquals(0, cells[3], "no fourth metric: " + java.util.Arrays.toString(cells));
  }

  @Test
  void nothingRecordedIsAnError() {
    History empty = new History();
    assertTrue(
        assertThrows(IllegalStateException.class, () -> empty.plot(dir.resolve("h.png")))
            .getMessage().contains("no epoch"));
  }

  /** The share of clearly coloured (not grey-scale) pixels in a cell: the series' lines and markers. */
  private static double colouredFraction(BufferedImage image, int x0, int y0, int w, int h) {
    long coloured = 0;
    for (int y = y0; y < y0 + h; y++) {
      for (int x = x0; x < x0 + w; x++) {
        int rgb = image.getRGB(x, y);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
          coloured++;
        }
      }
    }
    return (double) coloured / ((long) w * h);
  }
}
