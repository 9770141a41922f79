package dev.keraslite.autodiff;

import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;

/** Gradients of ops that move data without arithmetic: identity, reshape, slicing, gathering. */
@SuppressWarnings({"unchecked", "rawtypes"})
final class ArrayGradients {
  private ArrayGradients() {}

  static void registerAll() {
    GradientFunction identity = (tf, op, g) -> List.of(g.get(0));
    Gradients.register("Identity", identity);
    Gradients.register("ReadVariableOp", identity);
    Gradients.register(
        "Reshape",
        (tf, op, g) -> Arrays.asList(tf.reshape((Operand) g.get(0), tf.shape(op.input(0))), null));
    Gradients.registerNonDifferentiable(
        "StopGradient", "Shape", "ShapeN", "Rank", "Size", "ZerosLike", "OnesLike", "Const");
  }
}
