package dev.keraslite.samples.readme;

import dev.keraslite.GradientTape;
import dev.keraslite.models.Model;
import dev.keraslite.optimizers.Adam;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** README's optimizer lines, compiled as printed. */
class OptimizerStep {
  static void step(Model model, GradientTape tape, Operand<TFloat32> loss) {
    // README:begin
    Adam adam = new Adam(1e-3f).clipnorm(1f).amsgrad(true); // options chain in any order
    adam.applyGradients(tape.gradient(loss, model.trainableVariables()), model.trainableVariables());
    // README:end
  }
}
