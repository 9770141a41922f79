package dev.keraslite.metrics;

import dev.keraslite.Recording;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** TensorFlow's {@code in_top_k} for predictions of any rank, classes on the last axis. */
final class TopK {
  private TopK() {}

  /**
   * 1 where {@code target} is among the {@code k} largest predictions of its row (ties at the
   * boundary count as in), else 0; shaped like {@code targets}.
   */
  static Operand<TFloat32> inTopK(
      Ops tf, Operand<TFloat32> predictions, Operand<TInt32> targets, int k) {
    int rank = Recording.shape(predictions).numDimensions();
    Operand<TBool> matches;
    if (rank == 2) {
      matches = tf.nn.inTopK(predictions, targets, tf.constant(k));
    } else {
      Operand<TInt32> classes =
          tf.slice(
              tf.shape(predictions),
              tf.constant(new int[] {rank - 1}),
              tf.constant(new int[] {1}));
      Operand<TInt32> flat =
          tf.concat(java.util.Arrays.asList(tf.constant(new int[] {-1}), classes), tf.constant(0));
      matches =
          tf.reshape(
              tf.nn.inTopK(
                  tf.reshape(predictions, flat),
                  tf.reshape(targets, tf.constant(new int[] {-1})),
                  tf.constant(k)),
              tf.shape(targets));
    }
    return tf.dtypes.cast(matches, TFloat32.class);
  }

  static int checkK(Metric metric, int k) {
    if (k < 1) {
      throw new IllegalArgumentException(
          "Metric '" + metric.name() + "': k must be >= 1, received " + k);
    }
    return k;
  }
}
