package dev.keraslite.plots;

import dev.keraslite.models.Model;
import java.util.ArrayList;
import java.util.List;

/**
 * A model's layers as a graph: each layer with the output shape its summary shows and the layers
 * whose outputs it takes, for pictures of the model ({@link Plots#modelGraph}, Keras's {@code
 * plot_model}). It reads the summary's rows ({@link Model#summaryTable()}), so picture and table agree.
 */
final class LayerGraph {
  /**
   * One layer: its name, Keras class name, output shape as Keras prints it ({@code (None, 10)}, or
   * {@code multiple}) and the names of the layers feeding it, in call order.
   */
  record LayerNode(String name, String typeName, String outputShape, List<String> inbound) {}

  private LayerGraph() {}

  /**
   * The layers of {@code model} in summary order. A functional model's rows name the tensors each
   * layer takes; other models (Sequential, subclasses) are plain stacks, so each layer is linked to
   * the one before it.
   *
   * @throws IllegalStateException if a model that is not functional is not built yet
   */
  static List<LayerNode> of(Model model) {
    List<Model.SummaryRow> rows = model.summaryTable();
    boolean connected = rows.stream().anyMatch(r -> !r.connectedTo().isEmpty());
    List<LayerNode> nodes = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      Model.SummaryRow row = rows.get(i);
      List<String> inbound = new ArrayList<>();
      if (connected) {
        for (String reference : row.connectedTo()) {
          inbound.add(layerName(reference));
        }
      } else if (i > 0) {
        inbound.add(rows.get(i - 1).layer().name());
      }
      String shape = row.outputShape() == null ? "multiple" : row.outputShape();
      nodes.add(new LayerNode(row.layer().name(), row.layer().typeName(), shape, List.copyOf(inbound)));
    }
    return List.copyOf(nodes);
  }

  /** {@code dense[0][0]} (layer, call, output) to {@code dense}. */
  private static String layerName(String reference) {
    int output = reference.lastIndexOf('[');
    int call = reference.lastIndexOf('[', output - 1);
    return call > 0 ? reference.substring(0, call) : reference;
  }
}
