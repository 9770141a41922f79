package dev.keraslite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.optimizers.SGD;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.types.TFloat32;

/**
 * {@code Eager.builder().device(...)}: eager ops and compiled steps really run where asked (the
 * device TensorFlow reports for each result, the devices of a compiled step's executed nodes), a
 * missing device is a clear error without soft placement and the CPU with it. The machines these
 * tests run on have no GPU: {@code /GPU:0} is the missing device.
 */
class DevicePlacementTest {
  private static final String CPU = "/job:localhost/replica:0/task:0/device:CPU:0";

  private static Operand<TFloat32> someOps(Ops tf) {
    Operand<TFloat32> x = tf.constant(new float[][] {{1f, 2f}, {3f, 4f}});
    return tf.math.add(tf.linalg.matMul(x, x), tf.math.square(x));
  }

  @Test
  void explicitCpuPlacesEveryEagerOpOnTheCpu() {
    try (Eager eager = Eager.builder().device("/CPU:0").create()) {
      assertEquals("/CPU:0", eager.device());
      Ops tf = eager.tf();
      Operand<TFloat32> y = someOps(tf);
      assertEquals(CPU, Recording.device(y));
      // The numbers do not depend on the placement: [[1,2],[3,4]]^2 + [[1,4],[9,16]].
      assertEquals(8f, y.asTensor().getFloat(0, 0));
      assertEquals(38f, y.asTensor().getFloat(1, 1));
      Variable v = new Variable(tf, "v", tf.constant(new float[] {1f, 2f}), true);
      assertEquals(CPU, Recording.device(v.value(tf)));
    }
  }

  @Test
  void missingGpuWithoutSoftPlacementIsAClearErrorAtCreate() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Eager.builder().device("/GPU:0").softPlacement(false).create());
    assertTrue(e.getMessage().contains("'/GPU:0'"), e.getMessage());
    assertTrue(e.getMessage().contains("softPlacement"), e.getMessage());
  }

  @Test
  void malformedDeviceIsAClearError() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Eager.builder().device("/GPX:zero").create());
    assertTrue(e.getMessage().contains("'/GPX:zero'"), e.getMessage());
  }

  @Test
  void missingGpuWithSoftPlacementRunsOnTheCpu() {
    try (Eager eager =
        Eager.builder().device("/GPU:0").softPlacement(true).memoryGrowth(true).create()) {
      assertEquals("/GPU:0", eager.device());
      assertTrue(eager.config().getAllowSoftPlacement());
      assertTrue(eager.config().getGpuOptions().getAllowGrowth());
      Ops tf = eager.tf();
      Operand<TFloat32> y = someOps(tf);
      assertEquals(CPU, Recording.device(y));
      assertEquals(8f, y.asTensor().getFloat(0, 0));
    }
  }

  @Test
  void defaultContextHasNoDevice() {
    try (Eager eager = Eager.create()) {
      assertNull(eager.device());
      assertFalse(eager.config().getAllowSoftPlacement());
      assertEquals(CPU, Recording.device(someOps(eager.tf())));
    }
  }

  /**
   * A compiled step traced from a context on {@code /GPU:0} asks for that device on every node
   * (the traced graph) and, with soft placement in its session, runs every node on the CPU (the
   * graphs the session ran, as placed), with the eager step's numbers.
   */
  @Test
  @SuppressWarnings("unchecked")
  void compiledStepsTakeTheContextsDeviceAndSoftPlacement() {
    try (Eager eager = Eager.builder().device("/GPU:0").softPlacement(true).create()) {
      Ops tf = eager.tf();
      Variable k =
          new Variable(tf, "k", tf.constant(new float[][] {{1f}, {1f}, {1f}}), true);
      SGD sgd = new SGD(0.01f);
      sgd.build(List.of(k));
      try (TFloat32 x = TFloat32.tensorOf(StdArrays.ndCopyOf(new float[][] {{1, 2, 3}, {4, 5, 6}}));
          CompiledFunction fn =
              CompiledFunction.trace(
                  List.of(new CompiledFunction.Spec(TFloat32.class, Shape.of(-1, 3))),
                  (g, in) -> {
                    try (GradientTape tape = new GradientTape(g)) {
                      Operand<TFloat32> loss =
                          g.math.mean(
                              g.math.square(g.linalg.matMul((Operand<TFloat32>) in.get(0), k.value(g))),
                              g.constant(new int[] {0, 1}));
                      sgd.applyGradients(g, tape.gradient(loss, List.of(k)), List.of(k));
                      return List.of(loss);
                    }
                  },
                  tf,
                  false)) {
        List<String> devices = new ArrayList<>();
        for (NodeDef node : fn.graphDef().getNodeList()) {
          devices.add(node.getDevice());
        }
        assertFalse(devices.isEmpty());
        for (String d : devices) {
          assertEquals("/device:GPU:0", d, "requested device of every node: " + devices);
        }
        fn.pushVariables();
        RunMetadata meta = fn.runMetadata(List.of(x));
        float loss;
        try (org.tensorflow.Result r = fn.call(List.of(x))) {
          loss = ((TFloat32) r.get(0)).getFloat();
        }
        // The graphs the session ran, after placement (the single-threaded executor, which a
        // CPU-only context's steps take, keeps no per-node timings, so the placed graphs tell).
        int executed = 0;
        for (GraphDef partition : meta.getPartitionGraphsList()) {
          for (NodeDef n : partition.getNodeList()) {
            assertEquals(CPU, n.getDevice(), n.getName());
            executed++;
          }
        }
        assertTrue(executed > 5, "nodes executed: " + executed);
        fn.pullVariables();
        // Two SGD steps of mean((x k)^2) from k = 1 (x k = [6, 15], loss 130.5, gradient x^T x k =
        // [66, 87, 108]): k = [0.34, 0.13, -0.08] after the first; the second step's loss is
        // mean([0.36, 1.53]^2), and the kernel came back from the session.
        assertEquals((0.36 * 0.36 + 1.53 * 1.53) / 2, loss, 1e-4);
        TFloat32 kernel = (TFloat32) k.value(tf).asTensor();
        float k0 = 0.34f - 0.01f * (0.36f * 1 + 1.53f * 4);
        assertEquals(k0, kernel.getFloat(0, 0), 1e-5);
      }
    }
  }
}
