package dev.keraslite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.optimizers.SGD;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * The executor a compiled function's session runs it with (TensorFlow's single-threaded one for a
 * step of a CPU-only context without low-level control flow, else the default one), and its
 * snapshot of the variables in the session.
 */
class CompiledFunctionExecutorTest {
  private static final float[][] X = {{1, 2, 3}, {4, 5, 6}};

  private static final List<CompiledFunction.Spec> SPECS =
      List.of(new CompiledFunction.Spec(TFloat32.class, Shape.of(-1, 3)));

  /** One SGD step of mean((x k)^2): its loss, and k updated in the session. */
  @SuppressWarnings("unchecked")
  private static CompiledFunction.Body sgdStep(Variable k, SGD sgd) {
    return (g, in) -> {
      try (GradientTape tape = new GradientTape(g)) {
        Operand<TFloat32> loss =
            g.math.mean(
                g.math.square(g.linalg.matMul((Operand<TFloat32>) in.get(0), k.value(g))),
                g.constant(new int[] {0, 1}));
        sgd.applyGradients(g, tape.gradient(loss, List.of(k)), List.of(k));
        return List.of(loss);
      }
    };
  }

  /** Three steps' losses and the kernel after them, run by the function {@code trace} makes. */
  private static float[] threeSteps(boolean placed) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable k = new Variable(tf, "k", tf.constant(new float[][] {{1f}, {1f}, {1f}}), true);
      SGD sgd = new SGD(0.01f);
      sgd.build(List.of(k));
      float[] out = new float[4];
      try (TFloat32 x = TFloat32.tensorOf(StdArrays.ndCopyOf(X));
          CompiledFunction fn =
              placed
                  ? CompiledFunction.trace(SPECS, sgdStep(k, sgd), tf, false)
                  : CompiledFunction.trace(SPECS, sgdStep(k, sgd))) {
        assertEquals(placed ? "SINGLE_THREADED_EXECUTOR" : "", fn.executorType());
        fn.pushVariables();
        for (int i = 0; i < 3; i++) {
          try (Result r = fn.call(List.of(x))) {
            out[i] = ((TFloat32) r.get(0)).getFloat();
          }
        }
        fn.pullVariables();
      }
      try (EagerScope scope = EagerScope.open(tf)) {
        out[3] = k.<TFloat32>value(tf).asTensor().getFloat(2, 0);
      }
      return out;
    }
  }

  @Test
  void aStepOfACpuContextRunsOnTheSingleThreadedExecutorWithTheSameNumbers() {
    float[] single = threeSteps(true);
    float[] byDefault = threeSteps(false);
    // mean((x k)^2) from k = 1: x k = [6, 15], loss 130.5; then k = [0.34, 0.13, -0.08].
    assertEquals(130.5f, single[0], 1e-3);
    assertEquals((0.36f * 0.36f + 1.53f * 1.53f) / 2, single[1], 1e-4);
    for (int i = 0; i < 4; i++) {
      assertEquals(byDefault[i], single[i], 1e-6, "value " + i + " against the default executor");
    }
  }

  @Test
  void aStepWithASwitchTakesTheDefaultExecutorAndStillGatesItsUpdate() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable counter = new Variable(tf, "counter", tf.constant(0f), false);
      // Adds the batch's sum to the counter only when that sum is below 100.
      CompiledFunction.Body body =
          (g, in) -> {
            @SuppressWarnings("unchecked")
            Operand<TFloat32> sum = g.reduceSum((Operand<TFloat32>) in.get(0), g.constant(new int[] {0, 1}));
            Operand<TBool> small = g.math.less(sum, g.constant(100f));
            Recording.updateIf(
                g, small, List.of(sum), gated -> {
                  counter.assignAdd(g, (Operand<TFloat32>) gated.get(0));
                  return null;
                });
            return List.of(counter.<TFloat32>value(g));
          };
      try (TFloat32 x = TFloat32.tensorOf(StdArrays.ndCopyOf(X));
          TFloat32 big = TFloat32.tensorOf(StdArrays.ndCopyOf(new float[][] {{100, 0, 0}}));
          CompiledFunction fn = CompiledFunction.trace(SPECS, body, tf, false)) {
        assertEquals("", fn.executorType(), "the single-threaded executor refuses a Switch");
        fn.pushVariables();
        fn.call(List.of(x)).close();
        fn.call(List.of(big)).close();
        try (Result r = fn.call(List.of(x))) {
          assertEquals(42f, ((TFloat32) r.get(0)).getFloat(), "21 twice; the sum of 100 was gated out");
        }
      }
    }
  }

  @Test
  void theScanFindsWhatTheSingleThreadedExecutorRefuses() {
    try (Graph plain = new Graph(); Graph switched = new Graph(); Graph reference = new Graph()) {
      Ops p = Ops.create(plain);
      p.math.add(p.constant(1f), p.constant(2f));
      assertFalse(CompiledFunction.refusedBySingleThreadedExecutor(plain));
      Ops s = Ops.create(switched);
      s.switchCond(s.constant(1f), s.constant(true));
      assertTrue(CompiledFunction.refusedBySingleThreadedExecutor(switched), "control flow");
      Ops r = Ops.create(reference);
      r.variable(r.constant(1f)); // TensorFlow 1's VariableV2: a reference-typed output
      assertTrue(CompiledFunction.refusedBySingleThreadedExecutor(reference), "a reference type");
    }
  }

  @Test
  void aSnapshotInTheSessionIsRestored() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable counter = new Variable(tf, "counter", tf.constant(0f), false);
      @SuppressWarnings("unchecked")
      CompiledFunction.Body body =
          (g, in) -> {
            counter.assignAdd(g, g.reduceSum((Operand<TFloat32>) in.get(0), g.constant(new int[] {0, 1})));
            return List.of(counter.<TFloat32>value(g));
          };
      try (TFloat32 x = TFloat32.tensorOf(StdArrays.ndCopyOf(X));
          CompiledFunction fn = CompiledFunction.trace(SPECS, body, tf, false)) {
        fn.pushVariables();
        assertThrows(IllegalStateException.class, fn::restoreSnapshot, "nothing to restore yet");
        fn.call(List.of(x)).close();
        fn.snapshot();
        fn.call(List.of(x)).close();
        fn.call(List.of(x)).close();
        fn.restoreSnapshot();
        try (Result r = fn.call(List.of(x))) {
          assertEquals(42f, ((TFloat32) r.get(0)).getFloat(), "21 at the snapshot, then one more step");
        }
        fn.restoreSnapshot();
        fn.pullVariables();
      }
      try (EagerScope scope = EagerScope.open(tf)) {
        assertEquals(21f, counter.<TFloat32>value(tf).asTensor().getFloat(), "the snapshot, pulled back");
      }
    }
  }
}
