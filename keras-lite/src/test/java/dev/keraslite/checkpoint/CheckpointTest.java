package dev.keraslite.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.Variable;
import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Layer;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/** TensorFlow checkpoints: what TensorFlow's own RestoreV2 reads back, and exact restores. */
class CheckpointTest {
  @TempDir Path dir;

  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  static Sequential model(int seed) {
    return new Sequential(
        Input.of(4),
        new Dense(8).activation(Activations.relu()).kernelInitializer(Initializers.glorotUniform(seed)),
        new Dense(3).kernelInitializer(Initializers.glorotUniform(seed + 1)));
  }

  static FloatNdArray features(int n, long seed) {
    Random r = new Random(seed);
    FloatNdArray x = NdArrays.ofFloats(Shape.of(n, 4));
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 4; j++) {
        x.setFloat(r.nextFloat(), i, j);
      }
    }
    return x;
  }

  static IntNdArray labels(FloatNdArray x) {
    int n = (int) x.shape().get(0);
    IntNdArray y = NdArrays.ofInts(Shape.of(n));
    for (int i = 0; i < n; i++) {
      y.setInt(x.getFloat(i, 0) > x.getFloat(i, 1) ? 0 : x.getFloat(i, 2) > 0.5f ? 1 : 2, i);
    }
    return y;
  }

  /** A compiled model trained for one epoch, so that Adam's slots and iterations are not zero. */
  private static Sequential trained(Ops tf, Adam adam, int seed) {
    Sequential m = model(seed);
    m.compile(tf, adam, new SparseCategoricalCrossentropy(true));
    FloatNdArray x = features(64, 1);
    m.fit(x, labels(x), FitOptions.epochs(1).batchSize(16).shuffle(false).verbose(0));
    return m;
  }

  private static float[] floats(Variable v) {
    try (TFloat32 t = (TFloat32) v.value(v.ops()).asTensor()) {
      float[] out = new float[(int) t.shape().size()];
      t.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(out, false, false));
      return out;
    }
  }

  private static long longOf(Variable v) {
    try (TInt64 t = (TInt64) v.value(v.ops()).asTensor()) {
      return t.getObject();
    }
  }

  /** Reads keys with RestoreV2 in a plain graph and session: no keras-lite code involved. */
  private static Map<String, float[]> readFloats(Path prefix, List<String> keys) {
    Map<String, float[]> out = new HashMap<>();
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      List<Class<? extends TType>> types = new ArrayList<>();
      keys.forEach(k -> types.add(TFloat32.class));
      String[] slices = new String[keys.size()];
      java.util.Arrays.fill(slices, "");
      var restore =
          tf.train.restore(
              tf.constant(prefix.toString()),
              tf.constant(org.tensorflow.ndarray.StdArrays.ndCopyOf(keys.toArray(new String[0]))),
              tf.constant(org.tensorflow.ndarray.StdArrays.ndCopyOf(slices)),
              types);
      Session.Runner runner = s.runner();
      restore.tensors().forEach(runner::fetch);
      try (Result r = runner.run()) {
        for (int i = 0; i < keys.size(); i++) {
          TFloat32 t = (TFloat32) r.get(i);
          float[] v = new float[(int) t.shape().size()];
          t.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(v, false, false));
          out.put(keys.get(i), v);
        }
      }
    }
    return out;
  }

  private static <T extends Tensor> T readOne(Path prefix, String key, Class<T> type) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      var restore =
          tf.train.restore(
              tf.constant(prefix.toString()),
              tf.constant(org.tensorflow.ndarray.StdArrays.ndCopyOf(new String[] {key})),
              tf.constant(org.tensorflow.ndarray.StdArrays.ndCopyOf(new String[] {""})),
              List.of(type.asSubclass(TType.class)));
      Result r = s.runner().fetch(restore.tensors().get(0)).run();
      @SuppressWarnings("unchecked")
      T t = (T) r.get(0);
      return t;
    }
  }

  @Test
  void tensorflowsOwnRestoreV2ReadsTheObjectGraphKeys() throws Exception {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Adam adam = new Adam(0.01f);
      Sequential m = trained(tf, adam, 1);
      Path prefix = new Checkpoint(m, adam).save(dir.resolve("ckpt"), 4);
      assertTrue(Files.isRegularFile(dir.resolve("ckpt.index")));
      assertTrue(Files.isRegularFile(dir.resolve("ckpt.data-00000-of-00001")));
      try (var files = Files.list(dir)) {
        assertEquals(2, files.count(), "no temporary file is left behind");
      }

      List<Variable> vars = m.variables();
      Variable kernel0 = vars.get(0);
      Variable bias1 = vars.get(3);
      String k0 = "model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE";
      String b1 = "model/layer_with_weights-1/bias/.ATTRIBUTES/VARIABLE_VALUE";
      String m0 =
          "model/layer_with_weights-0/kernel/.OPTIMIZER_SLOT/optimizer/momentum/.ATTRIBUTES/VARIABLE_VALUE";
      Map<String, float[]> read = readFloats(prefix, List.of(k0, b1, m0));
      assertArrayEquals(floats(kernel0), read.get(k0));
      assertArrayEquals(floats(bias1), read.get(b1));
      float[] momentum = floats(adam.slot(kernel0, "momentum"));
      assertArrayEquals(momentum, read.get(m0));
      assertNotEquals(0f, momentum[0], "one epoch of Adam moved the first moment");

      try (TInt64 iter = readOne(prefix, "optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE", TInt64.class);
          TInt64 epoch = readOne(prefix, "epoch/.ATTRIBUTES/VARIABLE_VALUE", TInt64.class)) {
        assertEquals(4L, iter.getObject(), "64 samples in batches of 16");
        assertEquals(4L, epoch.getObject());
      }

      try (TString graph = readOne(prefix, "_CHECKPOINTABLE_OBJECT_GRAPH", TString.class)) {
        TrackableObjectGraph g = TrackableObjectGraph.parseFrom(graph.asBytes().getObject());
        TrackableObject root = g.getNodes(0);
        List<String> rootChildren = new ArrayList<>();
        root.getChildrenList().forEach(c -> rootChildren.add(c.getLocalName()));
        assertEquals(List.of("model", "optimizer", "epoch"), rootChildren);
        TrackableObject optimizer = g.getNodes(root.getChildren(1).getNodeId());
        // Adam keeps two slots (momentum, velocity) for each of the 4 trainable variables.
        assertEquals(8, optimizer.getSlotVariablesCount());
        var slot = optimizer.getSlotVariables(0);
        TrackableObject original = g.getNodes(slot.getOriginalVariableNodeId());
        assertEquals(
            "model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE",
            original.getAttributes(0).getCheckpointKey());
        assertEquals("momentum", slot.getSlotName());
        assertEquals(m0, g.getNodes(slot.getSlotVariableNodeId()).getAttributes(0).getCheckpointKey());
      }
    }
  }

  @Test
  void restoreGivesIdenticalWeightsAndOptimizerStateAndTrainingContinuesIdentically()
      throws Exception {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Adam adam = new Adam(0.01f);
      Sequential a = trained(tf, adam, 1);
      Path prefix = new Checkpoint(a, adam).save(dir.resolve("state"), 0);

      Adam adam2 = new Adam(0.01f);
      Sequential b = model(7); // other initial weights, optimizer not built
      b.build(tf);
      assertFalse(adam2.built());
      assertEquals(0, new Checkpoint(b, adam2).restore(prefix));
      for (int i = 0; i < a.variables().size(); i++) {
        assertArrayEquals(floats(a.variables().get(i)), floats(b.variables().get(i)), "" + i);
      }
      assertEquals(adam.variables().size(), adam2.variables().size());
      assertEquals(longOf(adam.iterations()), longOf(adam2.iterations()));
      for (Variable v : a.trainableVariables()) {
        Variable w = b.trainableVariables().get(a.trainableVariables().indexOf(v));
        assertArrayEquals(floats(adam.slot(v, "velocity")), floats(adam2.slot(w, "velocity")));
      }

      // One more epoch on each: same state in, so the same numbers out, bit for bit.
      b.compile(tf, adam2, new SparseCategoricalCrossentropy(true));
      FloatNdArray x = features(64, 2);
      var ha = a.fit(x, labels(x), FitOptions.epochs(1).batchSize(16).shuffle(false).verbose(0));
      var hb = b.fit(x, labels(x), FitOptions.epochs(1).batchSize(16).shuffle(false).verbose(0));
      assertEquals(ha.history().get("loss"), hb.history().get("loss"));
      for (int i = 0; i < a.variables().size(); i++) {
        assertArrayEquals(floats(a.variables().get(i)), floats(b.variables().get(i)), "" + i);
      }
    }
  }

  @Test
  void aMismatchedModelIsRefusedAndLeftUnchanged() throws Exception {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential a = model(1);
      a.build(tf);
      Path prefix = new Checkpoint(a, null).save(dir.resolve("a"), 0);

      Sequential wider =
          new Sequential(Input.of(4), new Dense(9), new Dense(3));
      wider.build(tf);
      float[] before = floats(wider.variables().get(0));
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> new Checkpoint(wider, null).restore(prefix));
      assertTrue(e.getMessage().contains("expected shape [4, 9], found [4, 8]"), e.getMessage());
      assertTrue(e.getMessage().contains("nothing was changed"), e.getMessage());
      assertArrayEquals(before, floats(wider.variables().get(0)));

      Sequential deeper = new Sequential(Input.of(4), new Dense(8), new Dense(3), new Dense(2));
      deeper.build(tf);
      IllegalArgumentException missing =
          assertThrows(
              IllegalArgumentException.class, () -> new Checkpoint(deeper, null).restore(prefix));
      assertTrue(
          missing.getMessage().contains("no value for 'model/layer_with_weights-2/kernel"),
          missing.getMessage());

      assertThrows(
          java.io.FileNotFoundException.class,
          () -> new Checkpoint(a, null).restore(dir.resolve("absent")));
    }
  }

  @Test
  void managerNumbersKeepsAndPointsAtTheLatest() throws Exception {
    try (Eager eager = Eager.create()) {
      Sequential a = model(1);
      a.build(eager.tf());
      assertNull(CheckpointManager.latestCheckpoint(dir));
      CheckpointManager manager = new CheckpointManager(new Checkpoint(a, null), dir, 2);
      for (int epoch = 0; epoch < 3; epoch++) {
        manager.save(epoch);
      }
      assertEquals(dir.resolve("ckpt-3"), CheckpointManager.latestCheckpoint(dir));
      assertEquals(List.of(dir.resolve("ckpt-2"), dir.resolve("ckpt-3")), manager.checkpoints());
      assertFalse(Checkpoint.exists(dir.resolve("ckpt-1")), "beyond maxToKeep: deleted");
      assertEquals(2L, Checkpoint.readEpoch(dir.resolve("ckpt-3")));
      String state = Files.readString(dir.resolve("checkpoint"));
      assertTrue(state.startsWith("model_checkpoint_path: \"ckpt-3\"\n"), state);
    }
  }
}
