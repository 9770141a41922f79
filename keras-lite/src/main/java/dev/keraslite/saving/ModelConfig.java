package dev.keraslite.saving;

import dev.keraslite.models.Model;
import dev.keraslite.models.Sequential;
import dev.keraslite.layers.InputLayer;
import dev.keraslite.layers.KerasTensor;
import dev.keraslite.layers.Layer;
import dev.keraslite.layers.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.ndarray.Shape;

/**
 * A model's architecture as Keras's serialized config (Keras's {@code serialize_keras_object} and
 * {@code deserialize_keras_object} for models): writes Keras 3's form, reads Keras 3's and Keras
 * 2's ({@code Sequential}, and functional models as {@code Functional} or {@code Model}, with
 * several inputs and outputs and shared layers).
 */
final class ModelConfig {
  private ModelConfig() {}

  // ---- writing (Keras 3) -------------------------------------------------------------------

  /** {@code {"module", "class_name", "config", "registered_name", "build_config"}} for a model. */
  static Map<String, Object> serialize(Model model) {
    if (model instanceof Sequential) {
      return serializeSequential((Sequential) model);
    }
    if (!model.outputs().isEmpty()) {
      return serializeFunctional(model);
    }
    throw new IllegalArgumentException(
        model.typeName() + " '" + model.name() + "' is a subclassed model: its architecture is Java"
            + " code, which has no Keras config. Save its weights with saveWeights and rebuild it"
            + " in Java before loadWeights");
  }

  private static Map<String, Object> serializeSequential(Sequential model) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("name", model.name());
    config.put("trainable", model.trainable());
    config.put("dtype", "float32");
    List<Object> layers = new ArrayList<>();
    Shape input = null;
    if (!model.inputs().isEmpty()) {
      KerasTensor in = model.inputs().get(0);
      input = in.shape();
      layers.add(serializeLayer(in.node().layer()));
    }
    for (Layer layer : model.layers()) {
      layers.add(serializeLayer(layer));
    }
    config.put("layers", layers);
    if (input != null) {
      config.put("build_input_shape", shapeList(input));
    }
    Map<String, Object> out = envelope("keras", "Sequential", config);
    if (input != null) {
      out.put("build_config", Map.of("input_shape", shapeList(input)));
    }
    return out;
  }

  private static Map<String, Object> serializeFunctional(Model model) {
    // Node indices in a file count the calls of each layer within this model, in call order.
    Map<Node, Integer> nodeIndex = new IdentityHashMap<>();
    Map<Layer, List<Node>> callsByLayer = new IdentityHashMap<>();
    List<Node> nodes = nodesOf(model);
    for (Node n : nodes) {
      callsByLayer.computeIfAbsent(n.layer(), k -> new ArrayList<>()).add(n);
    }
    for (List<Node> calls : callsByLayer.values()) {
      calls.sort(Comparator.comparingInt(Node::index));
      for (int i = 0; i < calls.size(); i++) {
        nodeIndex.put(calls.get(i), i);
      }
    }
    List<Object> layers = new ArrayList<>();
    for (Layer layer : model.layers()) {
      Map<String, Object> entry = serializeLayer(layer);
      entry.put("name", layer.name());
      List<Object> inbound = new ArrayList<>();
      for (Node n : callsByLayer.getOrDefault(layer, List.of())) {
        if (n.inputs().isEmpty()) {
          continue;
        }
        List<Object> tensors = new ArrayList<>();
        for (KerasTensor t : n.inputs()) {
          tensors.add(kerasTensor(t, nodeIndex));
        }
        Map<String, Object> call = new LinkedHashMap<>();
        // One input is passed as itself, several as one list argument (Keras's merge layers).
        call.put("args", tensors.size() == 1 ? tensors : List.of(tensors));
        call.put("kwargs", Map.of());
        inbound.add(call);
      }
      entry.put("inbound_nodes", inbound);
      layers.add(entry);
    }
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("name", model.name());
    config.put("trainable", model.trainable());
    config.put("layers", layers);
    config.put("input_layers", history(model.inputs(), nodeIndex));
    config.put("output_layers", history(model.outputs(), nodeIndex));
    Map<String, Object> out = envelope("keras.src.models.functional", "Functional", config);
    out.put("registered_name", "Functional");
    List<Object> inputShapes = new ArrayList<>();
    for (KerasTensor in : model.inputs()) {
      inputShapes.add(shapeList(in.shape()));
    }
    out.put("build_config", Map.of("input_shape", inputShapes.size() == 1 ? inputShapes.get(0) : inputShapes));
    return out;
  }

  /** Every call between the model's inputs and outputs. */
  private static List<Node> nodesOf(Model model) {
    List<Node> out = new ArrayList<>();
    Map<Node, Boolean> seen = new IdentityHashMap<>();
    Deque<KerasTensor> todo = new ArrayDeque<>(model.outputs());
    while (!todo.isEmpty()) {
      Node n = todo.pop().node();
      if (seen.put(n, Boolean.TRUE) == null) {
        out.add(n);
        todo.addAll(n.inputs());
      }
    }
    return out;
  }

  private static List<Object> history(List<KerasTensor> tensors, Map<Node, Integer> nodeIndex) {
    List<Object> out = new ArrayList<>();
    for (KerasTensor t : tensors) {
      out.add(List.of(t.node().layer().name(), nodeIndex.getOrDefault(t.node(), 0), t.index()));
    }
    return out;
  }

  private static Map<String, Object> kerasTensor(KerasTensor t, Map<Node, Integer> nodeIndex) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("shape", shapeList(t.shape()));
    config.put("dtype", "float32");
    config.put(
        "keras_history",
        List.of(t.node().layer().name(), nodeIndex.getOrDefault(t.node(), 0), t.index()));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("class_name", "__keras_tensor__");
    out.put("config", config);
    return out;
  }

  /** A layer as Keras 3 serializes it; nested models recursively. */
  static Map<String, Object> serializeLayer(Layer layer) {
    if (layer instanceof Model) {
      return serialize((Model) layer);
    }
    String className = LayerRegistry.classNameOf(layer);
    Map<String, Object> out = envelope("keras.layers", className, layer.getConfig());
    return out;
  }

  private static Map<String, Object> envelope(String module, String className, Map<String, Object> config) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("module", module);
    out.put("class_name", className);
    out.put("config", config);
    out.put("registered_name", null);
    return out;
  }

  private static List<Long> shapeList(Shape shape) {
    List<Long> out = new ArrayList<>();
    for (long d : shape.asArray()) {
      out.add(d < 0 ? null : d);
    }
    return out;
  }

  // ---- reading (Keras 3 and Keras 2) -------------------------------------------------------

  /**
   * The model a serialized config describes, not built.
   *
   * @param legacyHardSigmoid whether {@code hard_sigmoid} means Keras 2's (slope 0.2)
   * @throws IllegalArgumentException for anything keras-lite cannot rebuild, naming it
   */
  static Model deserialize(Map<String, Object> serialized, boolean legacyHardSigmoid) {
    String className = string(serialized.get("class_name"), "class_name");
    Object config = serialized.get("config");
    switch (className) {
      case "Sequential":
        return sequential(config, legacyHardSigmoid);
      case "Functional":
      case "Model":
        return functional(map(config, "Functional config"), legacyHardSigmoid);
      default:
        throw new IllegalArgumentException(
            "The file's model is a '" + className + "': only Sequential and functional (Functional,"
                + " Model) models have a config keras-lite can rebuild; a subclassed model must be"
                + " rebuilt in Java and given the file's weights with loadWeights");
    }
  }

  private static Model sequential(Object config, boolean legacy) {
    List<Object> layerConfigs;
    String name = null;
    Object buildShape = null;
    if (config instanceof List) {
      layerConfigs = listOf(config); // Keras 2.0's form: the config is the list of layers
    } else {
      Map<String, Object> c = map(config, "Sequential config");
      layerConfigs = listOf(c.get("layers"));
      name = (String) c.get("name");
      buildShape = c.get("build_input_shape");
    }
    List<Layer> layers = new ArrayList<>();
    KerasTensor input = null;
    for (int i = 0; i < layerConfigs.size(); i++) {
      Map<String, Object> entry = map(layerConfigs.get(i), "layer config");
      String cls = string(entry.get("class_name"), "class_name");
      Map<String, Object> lc = entry.get("config") instanceof Map ? map(entry.get("config"), "config") : null;
      if (i == 0 && cls.equals("InputLayer")) {
        input = InputLayer.fromConfig(lc).output();
        continue;
      }
      if (i == 0 && lc != null && (lc.get("batch_input_shape") != null || lc.get("batch_shape") != null)) {
        // Keras 2 put the input shape on the first layer; Keras made an InputLayer from it.
        Map<String, Object> inputConfig = new LinkedHashMap<>();
        inputConfig.put("batch_input_shape", lc.get("batch_input_shape") != null ? lc.get("batch_input_shape") : lc.get("batch_shape"));
        inputConfig.put("name", lc.get("name") + "_input");
        input = InputLayer.fromConfig(inputConfig).output();
      }
      layers.add(layer(entry, legacy));
    }
    if (input == null && buildShape instanceof List) {
      Map<String, Object> inputConfig = new LinkedHashMap<>();
      inputConfig.put("batch_shape", buildShape);
      input = InputLayer.fromConfig(inputConfig).output();
    }
    Sequential model = input == null ? new Sequential() : new Sequential(input);
    for (Layer l : layers) {
      model.add(l);
    }
    if (name != null) {
      model.name(name);
    }
    return model;
  }

  private static Model functional(Map<String, Object> config, boolean legacy) {
    List<Object> layerConfigs = listOf(config.get("layers"));
    Map<String, Layer> byName = new LinkedHashMap<>();
    Map<String, List<Object>> pendingCalls = new LinkedHashMap<>();
    Map<String, List<List<KerasTensor>>> outputs = new LinkedHashMap<>();
    for (Object o : layerConfigs) {
      Map<String, Object> entry = map(o, "layer config");
      Layer layer = layer(entry, legacy);
      String name = entry.get("name") instanceof String ? (String) entry.get("name") : layer.name();
      if (byName.put(name, layer) != null) {
        throw new IllegalArgumentException("The model config names two layers '" + name + "'");
      }
      List<List<KerasTensor>> calls = new ArrayList<>();
      outputs.put(name, calls);
      if (layer instanceof InputLayer) {
        calls.add(List.of(((InputLayer) layer).output()));
        pendingCalls.put(name, new ArrayList<>());
      } else {
        pendingCalls.put(name, new ArrayList<>(entry.get("inbound_nodes") == null ? List.of() : listOf(entry.get("inbound_nodes"))));
      }
    }
    // Keras's order: repeatedly apply each layer's next call whose inputs exist.
    boolean progress = true;
    while (progress) {
      progress = false;
      for (Map.Entry<String, List<Object>> e : pendingCalls.entrySet()) {
        List<Object> calls = e.getValue();
        while (!calls.isEmpty()) {
          List<KerasTensor> args = resolve(calls.get(0), outputs, e.getKey());
          if (args == null) {
            break;
          }
          calls.remove(0);
          outputs.get(e.getKey()).add(byName.get(e.getKey()).applyOutputs(args));
          progress = true;
        }
      }
    }
    for (Map.Entry<String, List<Object>> e : pendingCalls.entrySet()) {
      if (!e.getValue().isEmpty()) {
        throw new IllegalArgumentException(
            "The model config's layer '" + e.getKey() + "' is called on tensors that no layer"
                + " produces: " + e.getValue().get(0));
      }
    }
    List<KerasTensor> ins = tensors(config.get("input_layers"), outputs, "input_layers");
    List<KerasTensor> outs = tensors(config.get("output_layers"), outputs, "output_layers");
    Model model = Model.of(ins, outs);
    if (config.get("name") instanceof String) {
      model.name((String) config.get("name"));
    }
    return model;
  }

  /** The input tensors of one call, or null while one of them is not computed yet. */
  private static List<KerasTensor> resolve(
      Object call, Map<String, List<List<KerasTensor>>> outputs, String layer) {
    List<List<Object>> refs = new ArrayList<>();
    if (call instanceof Map) {
      Map<String, Object> node = map(call, "inbound node");
      Object kwargs = node.get("kwargs");
      if (kwargs instanceof Map && !((Map<?, ?>) kwargs).isEmpty()) {
        checkKwargs(layer, (Map<?, ?>) kwargs);
      }
      collectTensorRefs(node.get("args"), refs);
    } else {
      // Keras 2: [[layer, node, tensor, kwargs], ...]
      for (Object o : listOf(call)) {
        List<Object> ref = listOf(o);
        if (ref.size() > 3 && ref.get(3) instanceof Map && !((Map<?, ?>) ref.get(3)).isEmpty()) {
          checkKwargs(layer, (Map<?, ?>) ref.get(3));
        }
        refs.add(ref);
      }
    }
    List<KerasTensor> out = new ArrayList<>();
    for (List<Object> ref : refs) {
      KerasTensor t = lookup(ref, outputs, layer);
      if (t == null) {
        return null;
      }
      out.add(t);
    }
    return out;
  }

  private static void checkKwargs(String layer, Map<?, ?> kwargs) {
    for (Map.Entry<?, ?> kw : kwargs.entrySet()) {
      // A recorded training flag or an absent mask changes nothing at inference.
      if (kw.getKey().equals("training") || (kw.getKey().equals("mask") && kw.getValue() == null)) {
        continue;
      }
      throw new IllegalArgumentException(
          "The model config calls layer '" + layer + "' with argument " + kw.getKey() + "="
              + kw.getValue() + ", which keras-lite does not support");
    }
  }

  @SuppressWarnings("unchecked")
  private static void collectTensorRefs(Object args, List<List<Object>> refs) {
    if (args instanceof Map) {
      Map<String, Object> m = (Map<String, Object>) args;
      if ("__keras_tensor__".equals(m.get("class_name"))) {
        refs.add(listOf(map(m.get("config"), "keras tensor").get("keras_history")));
        return;
      }
      throw new IllegalArgumentException("Unsupported call argument in the model config: " + args);
    }
    if (args instanceof List) {
      for (Object o : (List<Object>) args) {
        collectTensorRefs(o, refs);
      }
      return;
    }
    throw new IllegalArgumentException(
        "Unsupported call argument in the model config: " + args + " (only tensors are supported)");
  }

  private static KerasTensor lookup(
      List<Object> ref, Map<String, List<List<KerasTensor>>> outputs, String user) {
    String name = string(ref.get(0), "layer name");
    int node = ((Number) ref.get(1)).intValue();
    int tensor = ((Number) ref.get(2)).intValue();
    List<List<KerasTensor>> calls = outputs.get(name);
    if (calls == null) {
      throw new IllegalArgumentException(
          "The model config refers to a layer '" + name + "' it does not define (used by '" + user + "')");
    }
    if (node >= calls.size()) {
      return null;
    }
    List<KerasTensor> outs = calls.get(node);
    if (tensor >= outs.size()) {
      throw new IllegalArgumentException(
          "The model config uses output " + tensor + " of layer '" + name + "', which has " + outs.size());
    }
    return outs.get(tensor);
  }

  private static List<KerasTensor> tensors(
      Object refs, Map<String, List<List<KerasTensor>>> outputs, String key) {
    List<Object> list = listOf(refs);
    List<KerasTensor> out = new ArrayList<>();
    if (list.size() == 3 && list.get(0) instanceof String) {
      list = List.of(list); // Keras 3 writes a single tensor unwrapped
    }
    for (Object o : list) {
      KerasTensor t = lookup(listOf(o), outputs, key);
      if (t == null) {
        throw new IllegalArgumentException("The model config's " + key + " refers to a call that never happens: " + o);
      }
      out.add(t);
    }
    return out;
  }

  /** One layer of a config: a registered layer, or a nested model. */
  private static Layer layer(Map<String, Object> entry, boolean legacy) {
    String cls = string(entry.get("class_name"), "class_name");
    if (cls.equals("Sequential") || cls.equals("Functional") || cls.equals("Model")) {
      Model nested = deserialize(entry, legacy);
      Object name = entry.get("name");
      return nested;
    }
    Object registered = entry.get("registered_name");
    Map<String, Object> config = entry.get("config") == null ? new LinkedHashMap<>() : map(entry.get("config"), cls + " config");
    if (legacy) {
      config = LegacyConfig.upgrade(cls, config);
    }
    Layer layer = LayerRegistry.create(cls, registered instanceof String ? (String) registered : null, config);
    if (legacy) {
      LegacyConfig.adjust(layer, config);
    }
    return layer;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o, String what) {
    if (!(o instanceof Map)) {
      throw new IllegalArgumentException("The model config's " + what + " must be an object, received " + o);
    }
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> listOf(Object o) {
    if (!(o instanceof List)) {
      throw new IllegalArgumentException("The model config has " + o + " where a list belongs");
    }
    return (List<Object>) o;
  }

  static String string(Object o, String what) {
    if (!(o instanceof String)) {
      throw new IllegalArgumentException("The model config's " + what + " must be a string, received " + o);
    }
    return (String) o;
  }
}
