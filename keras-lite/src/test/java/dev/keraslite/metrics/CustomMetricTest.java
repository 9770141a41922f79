package dev.keraslite.metrics;

import static dev.keraslite.metrics.MetricAssertions.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.Variable;
import dev.keraslite.initializers.Initializers;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** The tutorial's custom metric (E12), written by subclassing {@link Metric}, against the built-in. */
class CustomMetricTest {
  /** The tutorial's SparseCategoricalAccuracy: int32 total and count, result count / total. */
  static class SparseCategoricalAccuracy extends Metric {
    private Variable total;
    private Variable count;

    @Override
    protected void build(Ops tf) {
      total = addWeight("total", TInt32.class, Initializers.zeros());
      count = addWeight("count", TInt32.class, Initializers.zeros());
    }

    @Override
    public void updateState(Ops tf, Operand<?> yTrue, Operand<?> yPred, Operand<?> sampleWeight) {
      Operand<TInt32> predicted = tf.math.argMax(yPred, tf.constant(-1), TInt32.class);
      Operand<TInt32> values =
          tf.dtypes.cast(tf.math.equal(tf.dtypes.cast(yTrue, TInt32.class), predicted), TInt32.class);
      total.assignAdd(tf, tf.gather(tf.shape(yTrue), tf.constant(0), tf.constant(0)));
      count.assignAdd(tf, tf.reduceSum(values, tf.constant(0)));
    }

    @Override
    public Operand<TFloat32> result(Ops tf) {
      return tf.math.div(
          tf.dtypes.cast(count.value(tf), TFloat32.class),
          tf.dtypes.cast(total.value(tf), TFloat32.class));
    }
  }

  @Test
  void customAndBuiltInAgreeBatchAfterBatch() {
    MetricData data = new MetricData(5);
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Metric custom = new SparseCategoricalAccuracy();
      Metric builtIn = Metrics.get("sparse_categorical_accuracy");
      assertEquals("sparse_categorical_accuracy", custom.name());
      assertEquals(custom.name(), builtIn.name());
      int correct = 0;
      for (int b = 0; b < MetricData.BATCHES; b++) {
        custom.updateState(tf, tf.constant(data.labels[b]), tf.constant(data.probabilities[b]));
        builtIn.updateState(tf, tf.constant(data.labels[b]), tf.constant(data.probabilities[b]));
        for (int i = 0; i < MetricData.BATCH; i++) {
          correct += MetricData.argMax(data.probabilities[b][i]) == data.labels[b][i] ? 1 : 0;
        }
        double expected = correct / (double) ((b + 1) * MetricData.BATCH);
        assertEquals(expected, result(custom), 1e-6, "custom after batch " + b);
        assertEquals(expected, result(builtIn), 1e-6, "built-in after batch " + b);
      }
      assertTrue(correct > 0 && correct < MetricData.BATCHES * MetricData.BATCH, "a mixed sample");
    }
  }

  @Test
  void stateIsTheTutorialsInt32Variables() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      SparseCategoricalAccuracy m = new SparseCategoricalAccuracy();
      assertTrue(m.variables().isEmpty(), "no state before the first use");
      m.ensureBuilt(tf);
      List<Variable> vars = m.variables();
      assertEquals(2, vars.size());
      assertEquals("sparse_categorical_accuracy/total:0", vars.get(0).name());
      assertEquals("sparse_categorical_accuracy/count:0", vars.get(1).name());
      assertEquals(TInt32.class, vars.get(0).type());
      assertEquals(false, vars.get(0).trainable());
      // count / total is 0 / 0 before any update, as in the tutorial, and again after resetState.
      assertTrue(Double.isNaN(result(m)));
      m.updateState(tf, tf.constant(new int[] {1, 0}), tf.constant(new float[][] {{0.2f, 0.8f}, {0.4f, 0.6f}}));
      assertEquals(0.5, result(m), 1e-6);
      assertEquals(2, vars.get(0).<TInt32>value(tf).asTensor().getInt());
      m.resetState();
      assertTrue(Double.isNaN(result(m)), "back to the initial result");
      assertEquals(0, vars.get(1).<TInt32>value(tf).asTensor().getInt());
    }
  }
}
