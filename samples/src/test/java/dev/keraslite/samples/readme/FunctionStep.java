package dev.keraslite.samples.readme;

import dev.keraslite.Eager;
import dev.keraslite.EagerFunction;
import dev.keraslite.EagerScope;
import dev.keraslite.GradientTape;
import dev.keraslite.Recording;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.models.Model;
import dev.keraslite.optimizers.Adam;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** README's eager.function lines, compiled as printed. */
class FunctionStep {
  static float train(Eager eager, Model model, Adam optimizer, SparseCategoricalCrossentropy crossEntropy,
      List<TFloat32> xs, List<TInt32> ys) {
    Ops tf = eager.tf();
    float loss = Float.NaN;
    // README:begin
    model.build(tf, List.of(Shape.of(-1, 28, 28, 1)));   // variables exist before the first trace
    optimizer.build(model.variables());
    EagerFunction<Operand<TFloat32>> trainStep = eager.function(
        (Ops g, Operand<TFloat32> x, Operand<TInt32> y) -> {  // build with g, the graph's Ops
          try (GradientTape tape = new GradientTape(g)) {
            Operand<TFloat32> lossValue = crossEntropy.apply(g, y, model.apply(g, x));
            optimizer.applyGradients(g, tape.gradient(lossValue, model.variables()), model.variables());
            return lossValue;
          }
        });
    for (int i = 0; i < xs.size(); i++) {
      try (EagerScope scope = eager.scope()) {
        loss = (float) Recording.readScalar(trainStep.call(tf.constantOf(xs.get(i)), tf.constantOf(ys.get(i))));
      }
    }
    // README:end
    return loss;
  }
}
