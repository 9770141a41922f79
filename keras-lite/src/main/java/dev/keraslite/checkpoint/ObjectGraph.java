package dev.keraslite.checkpoint;

import dev.keraslite.Variable;
import dev.keraslite.layers.Layer;
import dev.keraslite.optimizers.Optimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;

/**
 * The TensorFlow 2 object graph of a model and its optimizer: which variable is stored under which
 * checkpoint key, and the {@code TrackableObjectGraph} proto that TensorFlow keeps beside them
 * under {@value #OBJECT_GRAPH_KEY}.
 *
 * <p>Keys follow {@code tf.train.Checkpoint(model=..., optimizer=...)} over a tf.keras model: a
 * model's layers that own weights are {@code model/layer_with_weights-<i>}, a weight is reached by
 * its name inside its layer ({@code model/layer_with_weights-0/kernel}), an optimizer's own state by
 * its name ({@code optimizer/iter}, {@code optimizer/learning_rate}), a slot under the variable it
 * belongs to ({@code model/layer_with_weights-0/kernel/.OPTIMIZER_SLOT/optimizer/momentum}), each
 * value then under {@code /.ATTRIBUTES/VARIABLE_VALUE}.
 */
final class ObjectGraph {
  /** Where TensorFlow 2 checkpoints keep their serialized {@code TrackableObjectGraph}. */
  static final String OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH";

  static final String VALUE_SUFFIX = "/.ATTRIBUTES/VARIABLE_VALUE";

  /** A node of the graph while it is assembled; its index is its node id. */
  private static final class Node {
    final int id;
    final String path; // checkpoint key prefix, "" for the root
    final Map<String, Node> children = new LinkedHashMap<>();
    Variable variable;
    boolean scalar; // a value that is not a variable (the epoch)
    final List<TrackableObject.SlotVariableReference> slots = new ArrayList<>();

    Node(int id, String path) {
      this.id = id;
      this.path = path;
    }
  }

  private final List<Node> nodes = new ArrayList<>();
  private final Map<Variable, Node> byVariable = new IdentityHashMap<>();
  private final Map<String, Variable> entries = new LinkedHashMap<>();
  private final List<String> scalarKeys = new ArrayList<>();

  private ObjectGraph() {
    nodes.add(new Node(0, ""));
  }

  /**
   * The graph of {@code model}'s variables and, if not null and built, {@code optimizer}'s; {@code
   * scalars} names root-level values that are not variables, such as {@code epoch}.
   */
  static ObjectGraph of(Layer model, Optimizer optimizer, List<String> scalars) {
    ObjectGraph g = new ObjectGraph();
    Node modelNode = g.child(g.nodes.get(0), "model");
    // The model's layers are the first path segments below the model's name, in variable creation
    // order (a layer's weights are created together, layers in call order): tf.keras numbers the
    // layers that own weights in that order.
    Map<String, Node> layerNodes = new LinkedHashMap<>();
    for (Variable v : model.variables()) {
      String relative = relativePath(v, model.name());
      int slash = relative.indexOf('/');
      if (slash < 0) {
        g.variable(modelNode, relative, v); // a weight of the model itself
        continue;
      }
      String layer = relative.substring(0, slash);
      Node layerNode =
          layerNodes.computeIfAbsent(
              layer, k -> g.child(modelNode, "layer_with_weights-" + layerNodes.size()));
      g.variable(layerNode, relative.substring(slash + 1), v);
    }
    if (optimizer != null && optimizer.built()) {
      Node optNode = g.child(g.nodes.get(0), "optimizer");
      Map<Variable, Boolean> slotVariables = new IdentityHashMap<>();
      for (Variable v : model.trainableVariables()) {
        for (Map.Entry<String, Variable> s : optimizer.slots(v).entrySet()) {
          slotVariables.put(s.getValue(), true);
        }
      }
      for (Variable v : optimizer.variables()) {
        if (!slotVariables.containsKey(v)) {
          String local = relativePath(v, optimizer.name());
          g.variable(optNode, local.equals("iteration") ? "iter" : local, v);
        }
      }
      for (Variable v : model.trainableVariables()) {
        Node original = g.byVariable.get(v);
        for (Map.Entry<String, Variable> s : optimizer.slots(v).entrySet()) {
          // Slots are not children of the variable: TensorFlow links them from the optimizer's
          // node and derives their key from the variable's.
          Node slotNode = g.detached(original.path + "/.OPTIMIZER_SLOT/optimizer/" + s.getKey());
          g.bindVariable(slotNode, s.getValue());
          optNode.slots.add(
              TrackableObject.SlotVariableReference.newBuilder()
                  .setOriginalVariableNodeId(original.id)
                  .setSlotName(s.getKey())
                  .setSlotVariableNodeId(slotNode.id)
                  .build());
        }
      }
    }
    for (String name : scalars) {
      Node n = g.child(g.nodes.get(0), name);
      n.scalar = true;
      g.scalarKeys.add(n.path);
    }
    return g;
  }

  /** Checkpoint key (without the attribute suffix) to variable, in graph order. */
  Map<String, Variable> entries() {
    return entries;
  }

  /** Keys (without the attribute suffix) of the root-level scalars, in the order given. */
  List<String> scalarKeys() {
    return scalarKeys;
  }

  /** The {@code TrackableObjectGraph} proto. */
  TrackableObjectGraph proto() {
    TrackableObjectGraph.Builder b = TrackableObjectGraph.newBuilder();
    for (Node n : nodes) {
      TrackableObject.Builder o = TrackableObject.newBuilder();
      for (Map.Entry<String, Node> c : n.children.entrySet()) {
        o.addChildren(
            TrackableObject.ObjectReference.newBuilder()
                .setLocalName(c.getKey())
                .setNodeId(c.getValue().id));
      }
      if (n.variable != null || n.scalar) {
        o.addAttributes(
            TrackableObject.SerializedTensor.newBuilder()
                .setName("VARIABLE_VALUE")
                .setFullName(n.variable != null ? n.variable.name().replaceFirst(":0$", "") : n.path)
                .setCheckpointKey(n.path + VALUE_SUFFIX));
      }
      o.addAllSlotVariables(n.slots);
      b.addNodes(o);
    }
    return b.build();
  }

  // ---- assembly ----------------------------------------------------------------------------

  private Node child(Node parent, String name) {
    Node existing = parent.children.get(name);
    if (existing != null) {
      return existing;
    }
    Node n = new Node(nodes.size(), parent.path.isEmpty() ? name : parent.path + "/" + name);
    nodes.add(n);
    parent.children.put(name, n);
    return n;
  }

  private Node detached(String path) {
    Node n = new Node(nodes.size(), path);
    nodes.add(n);
    return n;
  }

  /** A variable at {@code relative} (segments separated by '/') below {@code parent}. */
  private void variable(Node parent, String relative, Variable v) {
    Node n = parent;
    for (String segment : relative.split("/")) {
      n = child(n, segment);
    }
    bindVariable(n, v);
  }

  private void bindVariable(Node n, Variable v) {
    if (n.variable != null) {
      throw new IllegalArgumentException(
          "Checkpoint: variables '" + n.variable.name() + "' and '" + v.name() + "' both map to the"
              + " checkpoint key '" + n.path + "'; give their layers distinct names");
    }
    n.variable = v;
    byVariable.put(v, n);
    entries.put(n.path, v);
  }

  /**
   * The part of a variable's name after its owner's segment, without {@code ":0"}: {@code
   * kernel} for {@code sequential/dense/kernel:0} in layer {@code dense}; the last segment if the
   * owner is not in the name.
   */
  static String relativePath(Variable v, String owner) {
    String name = v.name().replaceFirst(":\\d+$", "");
    String[] parts = name.split("/");
    for (int i = parts.length - 2; i >= 0; i--) {
      if (parts[i].equals(owner)) {
        return String.join("/", Arrays.copyOfRange(parts, i + 1, parts.length));
      }
    }
    return parts[parts.length - 1];
  }
}
