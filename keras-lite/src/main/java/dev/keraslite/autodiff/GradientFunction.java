package dev.keraslite.autodiff;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;

/**
 * The gradient of one op type: given the recorded op and the gradient of the target with respect to
 * each of its outputs, returns the gradient with respect to each flattened input, in order, with
 * {@code null} for inputs that have none (integer shapes, indices). Gradients are built with {@code
 * tf}, so they run natively and an outer tape records them (second derivatives).
 */
@FunctionalInterface
public interface GradientFunction {
  /**
   * @param tf ops to build the gradient with
   * @param op the recorded forward op: inputs, outputs and attributes
   * @param outputGradients one gradient per output of {@code op}; outputs that did not reach the
   *     target get zeros, so no element is null
   * @return one gradient per input of {@code op}, null where there is none
   */
  List<Operand<?>> apply(Ops tf, RecordedOp op, List<Operand<?>> outputGradients);
}
