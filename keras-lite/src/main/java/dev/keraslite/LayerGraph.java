package dev.keraslite;

import dev.keraslite.layers.Layer;
import java.util.ArrayList;
import java.util.List;

/**
 * A built model's layers as a graph: each layer with the output shape its summary shows and the
 * layers whose outputs it takes, for pictures of the model ({@code plots.Plots.modelGraph}, Keras's
 * {@code plot_model}). It reads the same rows as {@link Model#summary()}, so picture and table agree.
 */
public final class LayerGraph {
  /**
   * One layer: its name, Keras class name, output shape as Keras prints it ({@code (None, 10)}, or
   * {@code multiple}) and the names of the layers feeding it, in call order.
   */
  public record LayerNode(String name, String typeName, String outputShape, List<String> inbound) {}

  private LayerGraph() {}

  /**
   * The layers of {@code model} in summary order; a plain stack (Sequential, or a functional chain)
   * links each layer to the one before it.
   *
   * @throws IllegalStateException if a Sequential model is not built yet
   */
  public static List<LayerNode> of(Model model) {
    // A functional model knows its shapes from its symbolic calls; a Sequential only once built.
    if (!model.built() && !(model instanceof FunctionalModel)) {
      throw new IllegalStateException(
          "This model has not yet been built. Build the model first by calling build(tf, inputShape)"
              + " or by applying it to a batch of data (model '" + model.name() + "').");
    }
    List<ModelSummary.Row> rows = model.summaryRows();
    List<Layer> layers = model.layers();
    if (rows.size() != layers.size()) {
      throw new IllegalStateException(
          "model '" + model.name() + "': " + rows.size() + " summary rows for " + layers.size() + " layers");
    }
    boolean connected = model.showsConnections();
    List<LayerNode> nodes = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      Layer layer = layers.get(i);
      ModelSummary.Row row = rows.get(i);
      List<String> inbound = new ArrayList<>();
      if (connected) {
        for (String reference : row.connectedTo()) {
          inbound.add(layerName(reference));
        }
      } else if (i > 0) {
        inbound.add(layers.get(i - 1).name());
      }
      String shape = row.outputShape() == null ? "multiple" : row.outputShape();
      nodes.add(new LayerNode(layer.name(), layer.typeName(), shape, List.copyOf(inbound)));
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
