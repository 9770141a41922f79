package dev.keraslite.saving;

import dev.keraslite.models.Model;
import dev.keraslite.Variable;
import dev.keraslite.layers.Bidirectional;
import dev.keraslite.layers.LSTM;
import dev.keraslite.layers.Layer;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras 2's HDF5 layout ({@code model.save("m.h5")}, {@code save_weights("w.h5")}): the {@code
 * model_config} JSON attribute, and the weights in {@code model_weights/} (or at the root of a
 * weights file) as one group per layer with a {@code layer_names} attribute listing them in model
 * order and, per layer, a {@code weight_names} attribute naming its datasets ({@code
 * dense_1/kernel:0}) in the layer's weight order.
 */
final class LegacyH5 {
  private LegacyH5() {}

  /** Whether the file has Keras 2's weights layout at {@code group}. */
  static boolean hasLayerNames(Group group) {
    return group.getAttributes().containsKey("layer_names");
  }

  /** A string attribute (scalar or one-element array, text or bytes), or null. */
  static String stringAttribute(Node node, String name) {
    Attribute a = node.getAttributes().get(name);
    if (a == null) {
      return null;
    }
    List<String> all = strings(a.getData());
    return all.isEmpty() ? null : all.get(0);
  }

  /** A string-array attribute (as h5py writes {@code layer_names}), or an empty list. */
  static List<String> stringsAttribute(Node node, String name) {
    Attribute a = node.getAttributes().get(name);
    return a == null ? List.of() : strings(a.getData());
  }

  private static List<String> strings(Object data) {
    List<String> out = new ArrayList<>();
    if (data == null) {
      return out;
    }
    if (data instanceof String) {
      out.add((String) data);
    } else if (data instanceof byte[]) {
      out.add(new String((byte[]) data, StandardCharsets.UTF_8));
    } else if (data.getClass().isArray()) {
      int n = java.lang.reflect.Array.getLength(data);
      for (int i = 0; i < n; i++) {
        out.addAll(strings(java.lang.reflect.Array.get(data, i)));
      }
    } else {
      out.add(String.valueOf(data));
    }
    return out;
  }

  /**
   * A layer's weights in Keras 2's order: its own (trainable, then the others), then those of its
   * sublayers (an LSTM's cell, a nested model's layers), depth first.
   */
  static List<Variable> legacyWeights(Layer layer) {
    List<Variable> out = new ArrayList<>();
    if (layer instanceof Bidirectional) {
      // Keras 2 lists the forward layer's weights first, whatever the attribute names sort to.
      out.addAll(legacyWeights(((Bidirectional) layer).forwardLayer()));
      out.addAll(legacyWeights(((Bidirectional) layer).backwardLayer()));
      return out;
    }
    for (ObjectPaths.Entry e : ObjectPaths.of(layer)) {
      out.addAll(e.layer().ownVariables());
    }
    return out;
  }

  /** The layers of {@code model} that have weights, in model order. */
  private static List<Layer> layersWithWeights(Model model) {
    List<Layer> out = new ArrayList<>();
    for (Layer l : model.layers()) {
      if (!legacyWeights(l).isEmpty()) {
        out.add(l);
      }
    }
    return out;
  }

  /**
   * Reads Keras 2 weights for {@code model} from {@code group}, in model order (the default) or by
   * layer name; assigns nothing.
   *
   * @throws IllegalArgumentException for a count or shape mismatch (unless skipped), naming the
   *     layer and the expected and found shapes
   */
  static WeightsH5.Assignment read(
      Model model, Group group, String source, boolean byName, boolean skipMismatch) {
    WeightsH5.requireBuilt(model);
    List<String> fileLayers = new ArrayList<>();
    Map<String, List<Dataset>> datasets = new LinkedHashMap<>();
    for (String name : stringsAttribute(group, "layer_names")) {
      Node g = group.getChildren().get(name);
      if (!(g instanceof Group)) {
        throw new IllegalArgumentException(source + " lists layer '" + name + "' but has no group for it");
      }
      List<Dataset> values = new ArrayList<>();
      for (String w : stringsAttribute(g, "weight_names")) {
        Node d = ((Group) g).getByPath(w);
        if (!(d instanceof Dataset)) {
          throw new IllegalArgumentException(source + ": weight '" + w + "' of layer '" + name + "' is missing");
        }
        values.add((Dataset) d);
      }
      if (!values.isEmpty()) {
        fileLayers.add(name);
        datasets.put(name, values);
      }
    }
    WeightsH5.Assignment out = new WeightsH5.Assignment();
    if (byName) {
      Map<String, Layer> byLayerName = new LinkedHashMap<>();
      for (Layer l : model.layers()) {
        byLayerName.put(l.name(), l);
      }
      for (String name : fileLayers) {
        Layer l = byLayerName.get(name);
        if (l != null) {
          match(l, name, datasets.get(name), source, skipMismatch, out);
        }
      }
      return out;
    }
    List<Layer> layers = layersWithWeights(model);
    if (layers.size() != fileLayers.size()) {
      throw new IllegalArgumentException(
          "The model has " + layers.size() + " layers with weights, but " + source + " holds weights"
              + " for " + fileLayers.size() + " layers " + fileLayers + " (load by name to match"
              + " layers by their names instead)");
    }
    for (int i = 0; i < layers.size(); i++) {
      match(layers.get(i), fileLayers.get(i), datasets.get(fileLayers.get(i)), source, skipMismatch, out);
    }
    return out;
  }

  private static void match(
      Layer layer, String fileLayer, List<Dataset> values, String source, boolean skipMismatch,
      WeightsH5.Assignment out) {
    List<Variable> vars = legacyWeights(layer);
    List<long[]> shapes = new ArrayList<>();
    for (Dataset d : values) {
      shapes.add(Arrays.stream(d.getDimensions()).asLongStream().toArray());
    }
    List<float[]> floats = null;
    if (layer instanceof LSTM && values.size() == 12 && vars.size() == 3) {
      // A Keras 1 LSTM: twelve arrays become Keras 2's three.
      List<float[]> arrays = new ArrayList<>();
      for (Dataset d : values) {
        arrays.add(HostArrays.floats(d.getDataFlat(), source + " " + d.getPath()));
      }
      floats = LegacyConfig.keras1Lstm(arrays, shapes);
      shapes = LegacyConfig.keras1LstmShapes(shapes);
    }
    String problem = null;
    if (vars.size() != shapes.size()) {
      problem =
          layer + " has " + vars.size() + " weights " + WeightsH5.names(vars) + ", but " + source
              + " holds " + shapes.size() + " for layer '" + fileLayer + "'";
    } else {
      for (int i = 0; i < vars.size() && problem == null; i++) {
        long[] expected = vars.get(i).shape().asArray();
        if (!Arrays.equals(expected, shapes.get(i))) {
          problem =
              layer + ": weight '" + vars.get(i).name() + "' has shape " + Arrays.toString(expected)
                  + ", but " + source + " holds shape " + Arrays.toString(shapes.get(i)) + " for '"
                  + fileLayer + "' weight " + i;
        }
      }
    }
    if (problem != null) {
      if (skipMismatch) {
        out.skipped.add(problem);
        return;
      }
      throw new IllegalArgumentException(problem);
    }
    if (floats == null) {
      floats = new ArrayList<>();
      for (Dataset d : values) {
        floats.add(HostArrays.floats(d.getDataFlat(), source + " " + d.getPath()));
      }
    }
    out.add(vars, floats);
  }
}
