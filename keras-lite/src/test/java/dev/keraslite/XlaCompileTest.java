package dev.keraslite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.optimizers.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.types.TFloat32;

/**
 * {@code CompiledFunction.trace(..., jitCompile=true)}: TensorFlow's XLA CPU JIT really compiles the
 * step (the graph TensorFlow executed holds XLA's launch ops, absent without the switch) and the
 * losses are those of the same step without XLA.
 */
class XlaCompileTest {
  private static final float[][] X = new float[32][8];
  private static final float[][] Y = new float[32][1];

  static {
    Random r = new Random(7);
    for (int i = 0; i < 32; i++) {
      float s = 0;
      for (int j = 0; j < 8; j++) {
        X[i][j] = r.nextFloat() * 2 - 1;
        s += (j + 1) * X[i][j];
      }
      Y[i][0] = s;
    }
  }

  /** Losses of 5 SGD steps of a two-layer tanh network, and the executed graphs' op types. */
  @SuppressWarnings("unchecked")
  private static Run train(boolean jit) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Random r = new Random(3);
      float[][] w1 = new float[8][16];
      float[][] w2 = new float[16][1];
      for (float[] row : w1) for (int j = 0; j < row.length; j++) row[j] = (float) r.nextGaussian() * 0.3f;
      for (float[] row : w2) for (int j = 0; j < row.length; j++) row[j] = (float) r.nextGaussian() * 0.3f;
      Variable a = new Variable(tf, "a", tf.constant(w1), true);
      Variable b = new Variable(tf, "b", tf.constant(w2), true);
      SGD sgd = new SGD(0.01f);
      sgd.build(List.of(a, b));
      List<Float> losses = new ArrayList<>();
      List<String> executedOps = new ArrayList<>();
      try (TFloat32 x = TFloat32.tensorOf(StdArrays.ndCopyOf(X));
          TFloat32 y = TFloat32.tensorOf(StdArrays.ndCopyOf(Y));
          CompiledFunction fn =
              CompiledFunction.trace(
                  List.of(
                      new CompiledFunction.Spec(TFloat32.class, Shape.of(-1, 8)),
                      new CompiledFunction.Spec(TFloat32.class, Shape.of(-1, 1))),
                  (g, in) -> {
                    try (GradientTape tape = new GradientTape(g)) {
                      Operand<TFloat32> h =
                          g.math.tanh(g.linalg.matMul((Operand<TFloat32>) in.get(0), a.value(g)));
                      Operand<TFloat32> d =
                          g.math.sub(g.linalg.matMul(h, b.value(g)), (Operand<TFloat32>) in.get(1));
                      Operand<TFloat32> loss =
                          g.math.mean(g.math.square(d), g.constant(new int[] {0, 1}));
                      sgd.applyGradients(g, tape.gradient(loss, List.of(a, b)), List.of(a, b));
                      return List.of(loss);
                    }
                  },
                  tf,
                  jit)) {
        fn.pushVariables();
        RunMetadata meta = fn.runMetadata(List.of(x, y));
        for (GraphDef partition : meta.getPartitionGraphsList()) {
          for (NodeDef node : partition.getNodeList()) {
            executedOps.add(node.getOp());
          }
        }
        for (int i = 0; i < 5; i++) {
          try (Result res = fn.call(List.of(x, y))) {
            losses.add(((TFloat32) res.get(0)).getFloat());
          }
        }
      }
      return new Run(losses, executedOps);
    }
  }

  private record Run(List<Float> losses, List<String> executedOps) {}

  private static boolean hasXla(List<String> ops) {
    return ops.stream().anyMatch(t -> t.startsWith("_Xla") || t.equals("XlaLaunch"));
  }

  @Test
  void xlaCompilesTheStepAndKeepsItsLosses() {
    Run plain = train(false);
    Run xla = train(true);
    assertFalse(hasXla(plain.executedOps()), "without XLA: " + plain.executedOps());
    assertTrue(hasXla(xla.executedOps()), "with XLA, executed ops: " + xla.executedOps());
    // The step's math left the executed graph for the XLA cluster.
    assertFalse(xla.executedOps().contains("Tanh"), "Tanh still executed by TensorFlow: " + xla.executedOps());
    assertTrue(plain.executedOps().contains("Tanh"));
    for (int i = 0; i < 5; i++) {
      float p = plain.losses().get(i);
      assertEquals(p, xla.losses().get(i), 1e-4 * Math.max(1, Math.abs(p)), "step " + (i + 2));
    }
    // Training moved: the losses fall.
    assertTrue(plain.losses().get(4) < plain.losses().get(0), plain.losses().toString());
  }
}
