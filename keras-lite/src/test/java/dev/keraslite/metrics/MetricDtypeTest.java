package dev.keraslite.metrics;

import static dev.keraslite.metrics.MetricAssertions.result;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keraslite.Eager;
import dev.keraslite.Variable;
import dev.keraslite.initializers.Initializers;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt64;

/**
 * Metrics take the same {@code Initializer} as layers, in any dtype, and read a float64 model's
 * predictions as they read float32 ones.
 */
class MetricDtypeTest {
  /** A running maximum in float64 starting at a floor, with an int64 count: non-zero initial state. */
  static class FlooredMax extends Metric {
    Variable max;
    Variable count;

    @Override
    protected void build(Ops tf) {
      max = addWeight("max", Shape.of(1), TFloat64.class, Initializers.constant(0.25));
      count = addWeight("count", TInt64.class, Initializers.zeros());
    }

    @Override
    public void updateState(Ops tf, Operand<?> yTrue, Operand<?> yPred, Operand<?> sampleWeight) {
      Operand<TFloat64> pred = tf.dtypes.cast(yPred, TFloat64.class);
      Operand<TFloat64> batchMax = tf.reshape(tf.max(pred, tf.constant(new int[] {0, 1})), tf.constant(new long[] {1}));
      max.assign(tf, tf.math.maximum(max.<TFloat64>value(tf), batchMax));
      count.assignAdd(tf, tf.dtypes.cast(tf.size(pred), TInt64.class));
    }

    @Override
    public Operand<TFloat32> result(Ops tf) {
      return tf.dtypes.cast(tf.reshape(max.<TFloat64>value(tf), tf.constant(new long[0])), TFloat32.class);
    }
  }

  @Test
  void stateInAnyDtypeFromTheOneInitializerAndResetToIt() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      FlooredMax m = new FlooredMax();
      m.updateState(tf, tf.constant(new double[][] {{0}}), tf.constant(new double[][] {{0.1, 0.2}}));
      assertEquals(0.25f, result(m), "the initial value is the floor");
      m.updateState(tf, tf.constant(new double[][] {{0}}), tf.constant(new double[][] {{0.75, -1}}));
      assertEquals(0.75f, result(m));
      assertEquals(DataType.DT_DOUBLE, m.max.dataType());
      assertEquals(DataType.DT_INT64, m.count.dataType());
      try (TInt64 n = m.count.<TInt64>value(tf).asTensor()) {
        assertEquals(4L, n.getLong());
      }
      m.resetState();
      assertEquals(0.25f, result(m), "reset to the initializer's value");
    }
  }

  /** Built-in metrics on float64 predictions agree with the same predictions in float32. */
  @Test
  void builtInMetricsReadFloat64Predictions() {
    double[][] probs = {{0.1, 0.7, 0.2}, {0.5, 0.3, 0.2}, {0.2, 0.2, 0.6}, {0.3, 0.4, 0.3}};
    int[] labels = {1, 0, 1, 2};
    double[][] scores = {{0.9}, {0.2}, {0.6}, {0.4}};
    float[][] binary = {{1}, {0}, {0}, {1}};
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      for (String name : List.of("sparse_categorical_accuracy", "sparse_top_k_categorical_accuracy")) {
        Metric a = Metrics.get(name);
        Metric b = Metrics.get(name);
        a.updateState(tf, tf.constant(labels), tf.constant(probs));
        b.updateState(tf, tf.constant(labels), tf.dtypes.cast(tf.constant(probs), TFloat32.class));
        assertEquals(result(b), result(a), 1e-6f, name);
      }
      for (String name : List.of("binary_accuracy", "auc", "precision", "recall", "mean_squared_error", "mean_absolute_error")) {
        Metric a = Metrics.get(name);
        Metric b = Metrics.get(name);
        a.updateState(tf, tf.constant(binary), tf.constant(scores));
        b.updateState(tf, tf.constant(binary), tf.dtypes.cast(tf.constant(scores), TFloat32.class));
        assertEquals(result(b), result(a), 1e-6f, name);
      }
    }
  }
}
