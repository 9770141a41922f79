package dev.keraslite.checkpoint;

import dev.keraslite.EagerScope;
import dev.keraslite.Recording;
import dev.keraslite.Variable;
import dev.keraslite.layers.Layer;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * Writes a model as a TensorFlow SavedModel for inference, as Keras 3's {@code model.export(path)}:
 * tag {@code serve}, one signature {@code serving_default} whose inputs are the model's inputs
 * (named after them, float32, with their shapes and an unknown batch size) and whose outputs are
 * {@code output_0}, {@code output_1}, ... in the model's output order; the variables are saved
 * beside the graph ({@code variables/variables.index} and {@code .data-00000-of-00001}). TensorFlow
 * Java's {@code SavedModelBundle.load(dir, "serve")} reads it without keras-lite (tested in a fresh
 * JVM); TensorFlow Serving loads SavedModels with the same C++ loader and the graph's {@code
 * SaverDef} (the {@code save/restore_all} op), the TF1-style layout, not the TF2 object graph.
 *
 * <p>The model's {@code call} is traced once into a graph in inference mode ({@code
 * training=false}), as the compiled prediction step traces it; the graph reads the variables
 * through resource handles that the SavedModel's restore op fills from the saved values.
 *
 * <p>The directory is written under a temporary name beside it and renamed when complete; an
 * existing directory at the target is replaced.
 */
public final class SavedModelExport {
  /** The signature key TensorFlow Serving calls by default. */
  public static final String SERVING_DEFAULT = "serving_default";

  /** The tag set of the exported graph. */
  public static final String SERVE_TAG = "serve";

  private SavedModelExport() {}

  /**
   * Exports {@code model} for inputs named and shaped as {@code inputs} (full shapes, batch
   * dimension first, -1 for unknown sizes), in the order the model takes them.
   *
   * @throws IllegalArgumentException if {@code inputs} is empty
   * @throws IllegalStateException if the model has no variables and was never built
   * @throws IOException if the directory cannot be written
   */
  public static void export(Layer model, Map<String, Shape> inputs, Path dir) throws IOException {
    if (model == null || inputs == null || inputs.isEmpty()) {
      throw new IllegalArgumentException("export: a model and at least one named input are required");
    }
    Path target = dir.toAbsolutePath();
    Files.createDirectories(target.getParent());
    Path temp = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
    try (Graph graph = new Graph()) {
      Ops tf = Recording.tracing(graph);
      Signature.Builder signature = Signature.builder().key(SERVING_DEFAULT);
      List<Operand<TFloat32>> args = new ArrayList<>();
      for (Map.Entry<String, Shape> in : inputs.entrySet()) {
        Shape shape = Shape.of(-1).append(in.getValue().tail());
        Placeholder<TFloat32> p =
            tf.withName("serving_default_" + in.getKey())
                .placeholder(TFloat32.class, Placeholder.shape(shape));
        args.add(p);
        signature.input(in.getKey(), p);
      }
      List<Operand<TFloat32>> outputs = model.applyOutputs(tf, args, false);
      for (int i = 0; i < outputs.size(); i++) {
        signature.output("output_" + i, tf.withName("output_" + i).identity(outputs.get(i)));
      }
      Map<String, Handle> handles = handlesByKey(model, Recording.twins(tf));
      addSaver(tf.withSubScope("save"), handles);
      try (Session session = new Session(graph)) {
        copyValues(tf, session, Recording.twins(tf));
        SavedModelBundle.exporter(temp.toString())
            .withTags(SERVE_TAG)
            .withSession(session)
            .withSignature(signature.build())
            .export();
      }
      replace(temp, target);
    } catch (IOException | RuntimeException e) {
      deleteTree(temp);
      throw e;
    }
  }

  /** A variable's handle in the exported graph, and its dtype. */
  private record Handle(Operand<? extends TType> handle, Class<? extends TType> type) {}

  /** The graph's variable handles under the checkpoint keys {@link Checkpoint} uses. */
  private static Map<String, Handle> handlesByKey(
      Layer model, Map<Variable, Operand<? extends TType>> twins) {
    Map<String, Handle> out = new LinkedHashMap<>();
    for (Map.Entry<String, Variable> e : ObjectGraph.of(model, null, List.of()).entries().entrySet()) {
      Operand<? extends TType> handle = twins.get(e.getValue());
      if (handle != null) { // a weight the inference path does not read is not exported
        out.put(e.getKey() + ObjectGraph.VALUE_SUFFIX, new Handle(handle, e.getValue().type()));
      }
    }
    if (out.size() != twins.size()) {
      throw new IllegalStateException(
          "export: the traced call reads " + twins.size() + " variables, of which only "
              + out.size() + " belong to the model " + model.name());
    }
    return out;
  }

  /**
   * The ops {@code Graph.saverDef()} looks for: {@code save/filename}, {@code
   * save/control_dependency} (after a {@code SaveV2} of every variable) and {@code
   * save/restore_all} (after {@code RestoreV2} and an assign to every variable). SavedModel loaders
   * run the last to fill the variables.
   */
  private static void addSaver(Ops save, Map<String, Handle> handles) {
    Placeholder<TString> filename =
        save.withName("filename").placeholder(TString.class, Placeholder.shape(Shape.scalar()));
    String[] keys = handles.keySet().toArray(new String[0]);
    String[] slices = new String[keys.length];
    java.util.Arrays.fill(slices, "");
    List<Operand<?>> values = new ArrayList<>();
    List<Class<? extends TType>> types = new ArrayList<>();
    for (Handle h : handles.values()) {
      values.add(save.readVariableOp(h.handle(), h.type()));
      types.add(h.type());
    }
    Operand<TString> names = save.constant(StdArrays.ndCopyOf(keys));
    Operand<TString> specs = save.constant(StdArrays.ndCopyOf(slices));
    var saveOp = save.train.save(filename, names, specs, values);
    save.withControlDependencies(List.of(saveOp)).withName("control_dependency").identity(filename);
    Restore restore = save.train.restore(filename, names, specs, types);
    List<org.tensorflow.op.Op> assigns = new ArrayList<>();
    int i = 0;
    for (Handle h : handles.values()) {
      assigns.add(save.assignVariableOp(h.handle(), restore.tensors().get(i++)));
    }
    save.withControlDependencies(assigns).withName("restore_all").noOp();
  }

  /** Copies each eager variable's value into its graph twin in {@code session}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void copyValues(
      Ops tf, Session session, Map<Variable, Operand<? extends TType>> twins) {
    Session.Runner runner = session.runner();
    List<Tensor> values = new ArrayList<>();
    Ops eager = null;
    for (Map.Entry<Variable, Operand<? extends TType>> e : twins.entrySet()) {
      eager = e.getKey().ops();
    }
    if (eager == null) {
      return;
    }
    try (EagerScope scope = EagerScope.open(eager)) {
      try {
        for (Map.Entry<Variable, Operand<? extends TType>> e : twins.entrySet()) {
          Variable v = e.getKey();
          Placeholder value = tf.placeholder(v.type(), Placeholder.shape(v.shape()));
          Tensor t = v.value(v.ops()).asTensor();
          values.add(t);
          runner.feed(value, t);
          runner.addTarget(tf.assignVariableOp(e.getValue(), value));
        }
        runner.run().close();
      } finally {
        values.forEach(Tensor::close);
      }
    }
  }

  // ---- files -------------------------------------------------------------------------------

  private static void replace(Path temp, Path target) throws IOException {
    if (Files.exists(target)) {
      deleteTree(target);
    }
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
