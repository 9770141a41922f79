package dev.keraslite.checkpoint;

import dev.keraslite.Variable;
import dev.keraslite.layers.Layer;
import dev.keraslite.optimizers.Optimizer;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.tensorflow.EagerSession;
import org.tensorflow.Operand;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.Restore;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * Training state in TensorFlow's checkpoint format: a model's variables, its optimizer's slots and
 * iteration count, and the epoch, as {@code tf.train.Checkpoint(model=model, optimizer=optimizer)}
 * saves them (TensorFlow's {@code SaveV2} writes {@code <prefix>.index} and {@code
 * <prefix>.data-00000-of-00001}; {@code RestoreV2} reads them back).
 *
 * <pre>{@code
 * Checkpoint ckpt = new Checkpoint(model, optimizer);
 * ckpt.save(Path.of("ckpt/train-3"), 3);       // ckpt/train-3.index, ckpt/train-3.data-00000-of-00001
 * int epoch = ckpt.restore(Path.of("ckpt/train-3"));
 * }</pre>
 *
 * <p>Values are stored under TensorFlow 2's object-graph keys, such as {@code
 * model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE}, {@code
 * optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE} and {@code
 * model/layer_with_weights-0/kernel/.OPTIMIZER_SLOT/optimizer/momentum/.ATTRIBUTES/VARIABLE_VALUE},
 * with the serialized {@code TrackableObjectGraph} under {@code _CHECKPOINTABLE_OBJECT_GRAPH}, so
 * TensorFlow's own readers ({@code tf.train.load_checkpoint}, {@code RestoreV2}) read them.
 *
 * <p><b>Saving is atomic</b>: the files are written under a temporary prefix in the same directory,
 * synced, and renamed, the index last; a prefix whose {@code .index} exists is complete. {@link
 * CheckpointManager} numbers checkpoints and records the latest one. <b>Restoring</b> reads and
 * checks every value (keys, dtypes, shapes) before assigning any, so a failed restore leaves the
 * model and the optimizer unchanged. Both run between training steps, on variables of an eager
 * context.
 */
public final class Checkpoint {
  /** The key of the epoch scalar (int64) at the root of the object graph. */
  static final String EPOCH = "epoch";

  private static final String NAME = "Checkpoint";

  private final Layer model;
  private final Optimizer optimizer;

  /**
   * The state of {@code model} and, if not null, {@code optimizer} (built or not: an unbuilt one
   * is built for the model's trainable variables when a restore finds optimizer state).
   */
  public Checkpoint(Layer model, Optimizer optimizer) {
    if (model == null) {
      throw new IllegalArgumentException(NAME + ": the model is null");
    }
    this.model = model;
    this.optimizer = optimizer;
  }

  /**
   * Writes the current state and {@code epoch} (by convention the last completed epoch, 0-based,
   * or -1 before the first) under {@code prefix}, replacing a checkpoint there. The parent
   * directory is created if missing.
   *
   * @return {@code prefix}
   * @throws IllegalStateException if the model has no variables yet (build it first)
   * @throws IOException if the files cannot be written; a previous checkpoint at {@code prefix}
   *     may then be gone, but no partial one is left under its name
   */
  public Path save(Path prefix, long epoch) throws IOException {
    List<Variable> variables = model.variables();
    requireBuilt(variables, "save");
    VariableValues.checkVariables(variables, NAME + ".save");
    ObjectGraph graph = ObjectGraph.of(model, optimizer, List.of(EPOCH));
    Path target = prefix.toAbsolutePath();
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path temp = dir.resolve("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
    Ops tf = variables.get(0).ops();
    try {
      try (VariableValues.Region region = new VariableValues.Region(tf)) {
        List<String> keys = new ArrayList<>();
        List<Operand<?>> values = new ArrayList<>();
        for (Map.Entry<String, Variable> e : graph.entries().entrySet()) {
          keys.add(e.getKey() + ObjectGraph.VALUE_SUFFIX);
          values.add(e.getValue().value(tf));
        }
        keys.add(EPOCH + ObjectGraph.VALUE_SUFFIX);
        values.add(tf.constant(epoch));
        keys.add(ObjectGraph.OBJECT_GRAPH_KEY);
        try (TString serialized =
            TString.tensorOfBytes(NdArrays.scalarOfObject(graph.proto().toByteArray()))) {
          values.add(tf.constantOf(serialized));
          tf.train.save(
              tf.constant(temp.toString()),
              tf.constant(org.tensorflow.ndarray.StdArrays.ndCopyOf(keys.toArray(new String[0]))),
              emptySlices(tf, keys.size()),
              values);
        }
      }
      publish(temp, target);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(temp, e);
      throw e;
    }
    return prefix;
  }

  /**
   * Assigns the state stored under {@code prefix} to the model and the optimizer, and returns the
   * stored epoch.
   *
   * @throws IllegalArgumentException naming each key that is missing or has another shape or
   *     dtype, and each model key of the file that matches no variable; nothing is changed
   * @throws IOException if there is no complete checkpoint at {@code prefix} or it is corrupt
   */
  public long restore(Path prefix) throws IOException {
    List<Variable> variables = model.variables();
    requireBuilt(variables, "restore");
    VariableValues.checkVariables(variables, NAME + ".restore");
    Ops tf = variables.get(0).ops();
    TrackableObjectGraph stored = readObjectGraph(tf, prefix);
    Set<String> storedKeys = new HashSet<>();
    for (TrackableObject o : stored.getNodesList()) {
      for (TrackableObject.SerializedTensor a : o.getAttributesList()) {
        storedKeys.add(a.getCheckpointKey());
      }
    }
    if (optimizer != null && !optimizer.built() && hasOptimizerState(stored)) {
      optimizer.build(model.trainableVariables());
    }
    ObjectGraph graph = ObjectGraph.of(model, optimizer, List.of(EPOCH));
    List<String> problems = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    List<Variable> targets = new ArrayList<>();
    for (Map.Entry<String, Variable> e : graph.entries().entrySet()) {
      String key = e.getKey() + ObjectGraph.VALUE_SUFFIX;
      if (!storedKeys.contains(key)) {
        problems.add("no value for '" + key + "' (variable '" + e.getValue().name() + "')");
      }
      keys.add(key);
      targets.add(e.getValue());
    }
    Set<String> wanted = new HashSet<>(keys);
    for (String key : storedKeys) {
      if (key.startsWith("model/") && !wanted.contains(key)) {
        problems.add("the checkpoint's '" + key + "' matches no variable of the model");
      }
    }
    if (!problems.isEmpty()) {
      throw mismatch(prefix, problems);
    }
    long epoch;
    try (VariableValues.Region region = new VariableValues.Region(tf)) {
      List<Class<? extends TType>> types = new ArrayList<>();
      for (Variable v : targets) {
        types.add(v.type());
      }
      List<String> all = new ArrayList<>(keys);
      all.add(EPOCH + ObjectGraph.VALUE_SUFFIX);
      types.add(TInt64.class);
      List<Operand<TType>> restored = new ArrayList<>();
      try {
        for (Operand<TType> o : restoreV2(tf, prefix, all, types)) {
          restored.add(o);
        }
      } catch (TensorFlowException e) {
        throw new IllegalArgumentException(
            NAME + ": cannot restore " + prefix + " (nothing was changed): " + e.getMessage(), e);
      }
      for (int i = 0; i < targets.size(); i++) {
        Shape found = restored.get(i).shape();
        Variable v = targets.get(i);
        if (!found.equals(v.shape())) {
          problems.add(
              "variable '" + v.name() + "' (" + keys.get(i) + "): expected shape "
                  + WeightValue.shapeString(v.shape()) + ", found "
                  + WeightValue.shapeString(found));
        }
      }
      if (!problems.isEmpty()) {
        throw mismatch(prefix, problems);
      }
      for (int i = 0; i < targets.size(); i++) {
        targets.get(i).assign(tf, restored.get(i));
      }
      try (TInt64 e = (TInt64) restored.get(targets.size()).asTensor()) {
        epoch = e.getObject();
      }
    }
    return epoch;
  }

  /**
   * The epoch stored under {@code prefix}, read without touching any model (in a private eager
   * context).
   *
   * @throws IOException if there is no complete checkpoint at {@code prefix} or it has no epoch
   */
  public static long readEpoch(Path prefix) throws IOException {
    requireComplete(prefix);
    try (EagerSession session = EagerSession.create()) {
      Ops tf = Ops.create(session);
      Restore r =
          restoreV2(tf, prefix, List.of(EPOCH + ObjectGraph.VALUE_SUFFIX), List.of(TInt64.class));
      try (TInt64 t = (TInt64) r.tensors().get(0).asTensor()) {
        return t.getObject();
      }
    } catch (TensorFlowException e) {
      throw new IOException(NAME + ": " + prefix + " holds no epoch: " + e.getMessage(), e);
    }
  }

  /** Whether a complete checkpoint exists under {@code prefix} (its index file is there). */
  public static boolean exists(Path prefix) {
    return Files.isRegularFile(indexFile(prefix));
  }

  /** Deletes the files of the checkpoint under {@code prefix} (index first); missing ones are fine. */
  public static void delete(Path prefix) throws IOException {
    Files.deleteIfExists(indexFile(prefix));
    Files.deleteIfExists(dataFile(prefix));
  }

  // ---- files -------------------------------------------------------------------------------

  static Path indexFile(Path prefix) {
    return prefix.resolveSibling(prefix.getFileName() + ".index");
  }

  static Path dataFile(Path prefix) {
    return prefix.resolveSibling(prefix.getFileName() + ".data-00000-of-00001");
  }

  /**
   * Moves the temporary checkpoint to {@code target}: the old index goes first (so a crash never
   * pairs an old index with new data), then the data, then the new index, which makes it complete.
   */
  private static void publish(Path temp, Path target) throws IOException {
    sync(dataFile(temp));
    sync(indexFile(temp));
    Files.deleteIfExists(indexFile(target));
    move(dataFile(temp), dataFile(target));
    move(indexFile(temp), indexFile(target));
    sync(target.getParent());
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Flushes a file (or a directory's entries) to disk; directories that refuse it are skipped. */
  static void sync(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      if (!Files.isDirectory(path)) {
        throw e;
      }
    }
  }

  private static void deleteQuietly(Path temp, Exception e) {
    for (Path p : List.of(dataFile(temp), indexFile(temp))) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
    }
  }

  // ---- reading -----------------------------------------------------------------------------

  private static void requireComplete(Path prefix) throws IOException {
    if (!exists(prefix)) {
      throw new FileNotFoundException(
          NAME + ": no complete checkpoint at " + prefix + " (" + indexFile(prefix).getFileName()
              + " does not exist)");
    }
  }

  private static TrackableObjectGraph readObjectGraph(Ops tf, Path prefix) throws IOException {
    requireComplete(prefix);
    try (VariableValues.Region region = new VariableValues.Region(tf)) {
      Restore r =
          restoreV2(tf, prefix, List.of(ObjectGraph.OBJECT_GRAPH_KEY), List.of(TString.class));
      try (TString t = (TString) r.tensors().get(0).asTensor()) {
        return TrackableObjectGraph.parseFrom(t.asBytes().getObject());
      }
    } catch (TensorFlowException e) {
      throw new IOException(
          NAME + ": " + prefix + " is not a readable TensorFlow 2 checkpoint: " + e.getMessage(), e);
    }
  }

  private static boolean hasOptimizerState(TrackableObjectGraph graph) {
    for (TrackableObject o : graph.getNodesList()) {
      for (TrackableObject.SerializedTensor a : o.getAttributesList()) {
        if (a.getCheckpointKey().startsWith("optimizer/")) {
          return true;
        }
      }
    }
    return false;
  }

  private static Restore restoreV2(
      Ops tf, Path prefix, List<String> keys, List<Class<? extends TType>> types) {
    return tf.train.restore(
        tf.constant(prefix.toAbsolutePath().toString()),
        tf.constant(org.tensorflow.ndarray.StdArrays.ndCopyOf(keys.toArray(new String[0]))),
        emptySlices(tf, keys.size()),
        types);
  }

  /** One empty shape-and-slice spec per tensor: whole tensors, no partitions. */
  private static Operand<TString> emptySlices(Ops tf, int n) {
    String[] slices = new String[n];
    java.util.Arrays.fill(slices, "");
    return tf.constant(org.tensorflow.ndarray.StdArrays.ndCopyOf(slices));
  }

  private static void requireBuilt(List<Variable> variables, String what) {
    if (variables.isEmpty()) {
      throw new IllegalStateException(
          NAME + "." + what + ": the model has no variables yet; build it first (apply it to data"
              + " or call build)");
    }
  }

  private static IllegalArgumentException mismatch(Path prefix, List<String> problems) {
    return new IllegalArgumentException(
        NAME + ": cannot restore " + prefix + " into this model (nothing was changed): "
            + String.join("; ", problems) + ".");
  }
}
