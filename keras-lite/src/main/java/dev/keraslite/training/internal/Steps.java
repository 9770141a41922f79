package dev.keraslite.training.internal;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/** The casts between the step runners' untyped inputs and the steps' typed parameters. */
final class Steps {
  private Steps() {}

  @SuppressWarnings("unchecked")
  static Operand<TFloat32> float32(Operand<?> x) {
    return (Operand<TFloat32>) x;
  }

  @SuppressWarnings("unchecked")
  static Operand<? extends TNumber> number(Operand<?> x) {
    return (Operand<? extends TNumber>) x;
  }
}
