package dev.keraslite.samples.readme;

import dev.keraslite.CompiledFunction;
import dev.keraslite.Eager;
import dev.keraslite.EagerScope;
import dev.keraslite.GradientTape;
import dev.keraslite.Recording;
import dev.keraslite.Variable;
import dev.keraslite.optimizers.SGD;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * README's custom compiled step that guards its own update, compiled as printed and run by {@code
 * GuardedStepTest}: the step's executor, and the first weight after a batch holding a NaN and after
 * a finite batch.
 */
public final class GuardedStep {
  private GuardedStep() {}

  /** What the step did: its executor, the weight after the NaN batch, after the finite one. */
  public record Outcome(String executor, float afterNan, float afterBatch) {}

  @SuppressWarnings("unchecked")
  public static Outcome run() {
    try (Eager eager = Eager.create();
        TFloat32 nan = TFloat32.tensorOf(StdArrays.ndCopyOf(new float[][] {{Float.NaN, 1}}));
        TFloat32 batch = TFloat32.tensorOf(StdArrays.ndCopyOf(new float[][] {{1, 2}}))) {
      Ops tf = eager.tf();
      Variable w = new Variable(tf, "w", tf.constant(new float[][] {{1f}, {1f}}), true);
      List<Variable> vars = List.of(w);
      SGD optimizer = new SGD(0.1f);
      optimizer.build(vars);
      List<CompiledFunction.Spec> specs =
          List.of(new CompiledFunction.Spec(TFloat32.class, Shape.of(-1, 2)));
      // README:begin
      CompiledFunction step = CompiledFunction.trace(specs, (g, in) -> {
        try (GradientTape tape = new GradientTape(g)) {
          Operand<TFloat32> y = g.linalg.matMul((Operand<TFloat32>) in.get(0), w.value(g));
          Operand<TFloat32> loss = g.math.mean(g.math.square(y), g.constant(new int[] {0, 1}));
          List<Operand<?>> grads = tape.gradient(loss, vars);
          // true when every gradient is finite (false: by sums, cheap; true: element by element)
          Operand<TBool> finite = Recording.allFinite(g, grads, false);
          Recording.updateIf(g, finite, grads, gated -> optimizer.applyGradients(g, gated, vars));
          return List.of(loss);
        }
      }, tf, false);                  // placed as tf's context, no XLA
      String executor = step.executorType(); // "": updateIf's Switch keeps the default executor
      step.pushVariables();           // the eager values into the session
      step.snapshot();                // keep them in the session ...
      step.call(List.of(batch)).close();
      step.restoreSnapshot();         // ... and put them back
      // README:end
      try (step) {
        step.call(List.of(nan)).close();
        step.pullVariables();
        float afterNan = first(w, tf);
        step.call(List.of(batch)).close();
        step.pullVariables();
        return new Outcome(executor, afterNan, first(w, tf));
      }
    }
  }

  private static float first(Variable w, Ops tf) {
    try (EagerScope scope = EagerScope.open(tf)) {
      return w.<TFloat32>value(tf).asTensor().getFloat(0, 0);
    }
  }
}
