package dev.keraslite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keraslite.optimizers.Adam;
import dev.keraslite.optimizers.Optimizer;
import dev.keraslite.optimizers.SGD;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** A traced training step gives the eager step's numbers, and variables travel both ways. */
class CompiledFunctionTest {
  private static final float[][] X = {{1, 2, 3}, {4, 5, 6}};
  private static final float[][] Y = {{10}, {20}};

  /** The tutorial's linear regression step: forward, loss, tape, optimizer. */
  private static Operand<TFloat32> step(
      Ops tf, Operand<TFloat32> x, Operand<TFloat32> y, Variable k, Variable b, Optimizer opt) {
    try (GradientTape tape = new GradientTape(tf)) {
      Operand<TFloat32> pred = tf.math.add(tf.linalg.matMul(x, k.value(tf)), b.value(tf));
      Operand<TFloat32> loss =
          tf.math.mean(tf.math.square(tf.math.sub(pred, y)), tf.constant(new int[] {0, 1}));
      opt.applyGradients(tf, tape.gradient(loss, List.of(k, b)), List.of(k, b));
      return loss;
    }
  }

  private static float[] run(boolean compiled, Supplier<Optimizer> optimizer, int steps) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable k = new Variable(tf, "k", tf.zeros(tf.constant(new int[] {3, 1}), TFloat32.class), true);
      Variable b = new Variable(tf, "b", tf.zeros(tf.constant(new int[] {1}), TFloat32.class), true);
      Optimizer opt = optimizer.get();
      opt.build(List.of(k, b)); // state exists eagerly before tracing, as fit() guarantees
      float lastLoss = 0;
      if (compiled) {
        try (TFloat32 x = TFloat32.tensorOf(org.tensorflow.ndarray.StdArrays.ndCopyOf(X));
            TFloat32 y = TFloat32.tensorOf(org.tensorflow.ndarray.StdArrays.ndCopyOf(Y));
            CompiledFunction fn =
                CompiledFunction.trace(
                    List.of(
                        new CompiledFunction.Spec(TFloat32.class, Shape.of(-1, 3)),
                        new CompiledFunction.Spec(TFloat32.class, Shape.of(-1, 1))),
                    (g, in) ->
                        List.of(step(g, (Operand<TFloat32>) in.get(0), (Operand<TFloat32>) in.get(1), k, b, opt)))) {
          fn.pushVariables();
          for (int i = 0; i < steps; i++) {
            try (Result r = fn.call(List.of(x, y))) {
              lastLoss = ((TFloat32) r.get(0)).getFloat();
            }
          }
          fn.pullVariables();
        }
      } else {
        for (int i = 0; i < steps; i++) {
          try (var scope = eager.scope()) { // owns the step's values, so the loss stays readable
            Operand<TFloat32> loss = step(tf, tf.constant(X), tf.constant(Y), k, b, opt);
            lastLoss = loss.asTensor().getFloat();
          }
        }
      }
      TFloat32 kv = k.<TFloat32>value(tf).asTensor();
      TFloat32 bv = b.<TFloat32>value(tf).asTensor();
      long iterations = ((org.tensorflow.types.TInt64) opt.iterations().value(tf).asTensor()).getLong();
      return new float[] {kv.getFloat(0, 0), kv.getFloat(1, 0), kv.getFloat(2, 0), bv.getFloat(0), lastLoss, iterations};
    }
  }

  @Test
  void compiledSgdMatchesTheClosedForm() {
    float[] r = run(true, () -> new SGD(0.01f), 100);
    assertEquals(0.407845f, r[0], 1e-4);
    assertEquals(1.191065f, r[1], 1e-4);
    assertEquals(1.974286f, r[2], 1e-4);
    assertEquals(0.783221f, r[3], 1e-4);
    assertEquals(0.152909f, r[4], 1e-4); // the loss of step 100, computed before its update
    assertEquals(100f, r[5], 0f);
  }

  @Test
  void compiledAdamEqualsEagerAdam() {
    float[] compiled = run(true, () -> new Adam(0.01f), 100);
    float[] eager = run(false, () -> new Adam(0.01f), 100);
    for (int i = 0; i < compiled.length; i++) {
      assertEquals(eager[i], compiled[i], 1e-5, "value " + i);
    }
    assertEquals(0.83141f, compiled[0], 1e-4);
    assertEquals(0.838057f, compiled[3], 1e-4);
  }
}
