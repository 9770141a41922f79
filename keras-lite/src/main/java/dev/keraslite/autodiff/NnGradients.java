package dev.keraslite.autodiff;

import java.util.List;
import org.tensorflow.Operand;

/** Gradients of neural-network ops: activations, bias, softmax and cross-entropy, convolution, pooling. */
@SuppressWarnings({"unchecked", "rawtypes"})
final class NnGradients {
  private NnGradients() {}

  static void registerAll() {
    Gradients.register(
        "BiasAdd",
        (tf, op, g) ->
            List.of(
                g.get(0),
                tf.nn.biasAddGrad(
                    (Operand) g.get(0),
                    org.tensorflow.op.nn.BiasAddGrad.dataFormat(op.attrString("data_format", "NHWC")))));
    Gradients.register(
        "Relu", (tf, op, g) -> List.of(tf.nn.reluGrad((Operand) g.get(0), (Operand) op.output(0))));
  }
}
