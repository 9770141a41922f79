package dev.keraslite.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders Keras's {@code model.summary()} table (the classic Keras 2 text layout, which survives
 * any console encoding):
 *
 * <pre>
 * Model: "sequential"
 * _________________________________________________________________
 * Layer (type)                 Output Shape              Param #
 * =================================================================
 * dense (Dense)                (None, 100)               78500
 * _________________________________________________________________
 * dense_1 (Dense)              (None, 10)                1010
 * =================================================================
 * Total params: 79,510
 * Trainable params: 79,510
 * Non-trainable params: 0
 * _________________________________________________________________
 * </pre>
 *
 * Models with branches add a "Connected to" column, one line per inbound tensor.
 */
final class ModelSummary {
  /** One layer's line. */
  record Row(String layer, String outputShape, long params, List<String> connectedTo) {}

  private static final int[] PLAIN = {29, 55, 65};
  private static final int[] CONNECTED = {32, 53, 65, 98};

  private ModelSummary() {}

  static String render(
      String modelName, List<Row> rows, boolean connected, long total, long trainable) {
    int[] positions = connected ? CONNECTED : PLAIN;
    int width = positions[positions.length - 1];
    List<String> lines = new ArrayList<>();
    lines.add("Model: \"" + modelName + "\"");
    lines.add("_".repeat(width));
    List<String> header = new ArrayList<>(List.of("Layer (type)", "Output Shape", "Param #"));
    if (connected) {
      header.add("Connected to");
    }
    lines.add(row(header, positions));
    lines.add("=".repeat(width));
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      List<String> fields = new ArrayList<>(List.of(r.layer(), r.outputShape(), Long.toString(r.params())));
      List<String> links = r.connectedTo();
      if (connected) {
        fields.add(links.isEmpty() ? "-" : links.get(0));
      }
      lines.add(row(fields, positions));
      if (connected) {
        for (int j = 1; j < links.size(); j++) {
          lines.add(row(List.of("", "", "", links.get(j)), positions));
        }
      }
      lines.add(i == rows.size() - 1 ? "=".repeat(width) : "_".repeat(width));
    }
    if (rows.isEmpty()) {
      lines.add("=".repeat(width));
    }
    lines.add("Total params: " + grouped(total));
    lines.add("Trainable params: " + grouped(trainable));
    lines.add("Non-trainable params: " + grouped(total - trainable));
    lines.add("_".repeat(width));
    return String.join("\n", lines) + "\n";
  }

  private static String row(List<String> fields, int[] positions) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0 && line.length() > 0 && line.charAt(line.length() - 1) != ' ') {
        line.append(' '); // a field wider than its column pushes the next one along
      }
      line.append(fields.get(i));
      while (line.length() < positions[i]) {
        line.append(' ');
      }
    }
    return line.toString().stripTrailing();
  }

  private static String grouped(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
