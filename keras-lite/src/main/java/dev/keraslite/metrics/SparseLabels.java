package dev.keraslite.metrics;

import dev.keraslite.internal.fast.FastShape;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.family.TType;

/** Class-index labels given as {@code [batch, 1]} become {@code [batch]}, as in Keras. */
final class SparseLabels {
  private SparseLabels() {}

  static <T extends TType> Operand<T> squeeze(Ops tf, Operand<T> labels, Operand<?> yPred) {
    int rank = FastShape.of(labels).numDimensions();
    if (rank > 0 && rank == FastShape.of(yPred).numDimensions() && FastShape.of(labels).get(rank - 1) == 1) {
      return tf.squeeze(labels, Squeeze.axis((long) rank - 1));
    }
    return labels;
  }
}
