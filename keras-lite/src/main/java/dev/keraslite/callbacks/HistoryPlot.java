package dev.keraslite.callbacks;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a {@link History} with XChart: one chart per metric ({@code loss}, each compiled metric, any
 * other logged value), its training and validation ({@code val_}) curves together, against the epoch
 * (1-based, as the progress bar counts), in a grid of up to {@value #COLUMNS} charts per row.
 */
final class HistoryPlot {
  static final int COLUMNS = 2;
  static final int CHART_WIDTH = 480;
  static final int CHART_HEIGHT = 320;

  private HistoryPlot() {}

  /** The charts: metric name to its series (training first, then validation when logged). */
  static Map<String, Map<String, List<Double>>> groups(Map<String, List<Double>> history) {
    Map<String, Map<String, List<Double>>> groups = new LinkedHashMap<>();
    for (Map.Entry<String, List<Double>> e : history.entrySet()) {
      String key = e.getKey();
      String metric = key.startsWith("val_") && key.length() > 4 ? key.substring(4) : key;
      groups.computeIfAbsent(metric, k -> new LinkedHashMap<>());
    }
    for (Map.Entry<String, Map<String, List<Double>>> g : groups.entrySet()) {
      String metric = g.getKey();
      if (history.containsKey(metric)) {
        g.getValue().put(metric, history.get(metric));
      }
      if (history.containsKey("val_" + metric)) {
        g.getValue().put("val_" + metric, history.get("val_" + metric));
      }
    }
    return groups;
  }

  static void write(Map<String, List<Double>> history, Path file) {
    if (file == null) {
      throw new IllegalArgumentException("History.plot: the file is null");
    }
    if (history.isEmpty() || history.values().stream().allMatch(List::isEmpty)) {
      throw new IllegalStateException("History.plot: no epoch was recorded; call fit() first");
    }
    List<XYChart> charts = new ArrayList<>();
    for (Map.Entry<String, Map<String, List<Double>>> g : groups(history).entrySet()) {
      XYChart chart =
          new XYChartBuilder()
              .width(CHART_WIDTH)
              .height(CHART_HEIGHT)
              .title(g.getKey())
              .xAxisTitle("epoch")
              .yAxisTitle(g.getKey())
              .build();
      // Below the plot: inside, the legend would hide the last points of a rising curve.
      chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
      chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
      chart.getStyler().setChartBackgroundColor(Color.WHITE);
      for (Map.Entry<String, List<Double>> s : g.getValue().entrySet()) {
        List<Double> y = s.getValue();
        List<Integer> x = new ArrayList<>(y.size());
        for (int i = 1; i <= y.size(); i++) {
          x.add(i);
        }
        chart.addSeries(s.getKey().startsWith("val_") ? "validation" : "training", x, y)
            .setMarker(SeriesMarkers.CIRCLE);
      }
      charts.add(chart);
    }
    int cols = Math.min(COLUMNS, charts.size());
    int rows = (charts.size() + cols - 1) / cols;
    // One image, the charts left to right then top to bottom; an unfilled last cell stays white.
    BufferedImage grid = new BufferedImage(cols * CHART_WIDTH, rows * CHART_HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = grid.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
      for (int i = 0; i < charts.size(); i++) {
        g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), (i % cols) * CHART_WIDTH, (i / cols) * CHART_HEIGHT, null);
      }
    } finally {
      g.dispose();
    }
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (!ImageIO.write(grid, "png", file.toFile())) {
        throw new IllegalStateException("History.plot: no PNG writer in this JVM");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("History.plot: cannot write " + file, e);
    }
  }
}
