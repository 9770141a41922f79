package dev.keraslite.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.Recording;
import dev.keraslite.Variable;
import dev.keraslite.initializers.Initializers;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Metrics are constructed without an {@code Ops}; their state is created on first use, in the
 * context of that call, eagerly or in a graph, with the semantics of a metric built up front.
 */
class LazyMetricStateTest {
  private static final int[] LABELS_1 = {1, 0, 2};
  private static final float[][] PROBS_1 = {{0.2f, 0.8f, 0f}, {0.6f, 0.4f, 0f}, {0.5f, 0.1f, 0.4f}};
  private static final int[] LABELS_2 = {1};
  private static final float[][] PROBS_2 = {{0.9f, 0.1f, 0f}};

  /** Keras's sparse categorical accuracy of the batches so far, counted here. */
  private static double accuracy(int[][] labels, float[][][] probs) {
    int right = 0;
    int all = 0;
    for (int b = 0; b < labels.length; b++) {
      for (int i = 0; i < labels[b].length; i++) {
        right += MetricData.argMax(probs[b][i]) == labels[b][i] ? 1 : 0;
        all++;
      }
    }
    return right / (double) all;
  }

  @Test
  void aMetricWithoutOpsIsBuiltEagerlyOnFirstUse() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      SparseCategoricalAccuracy m = new SparseCategoricalAccuracy();
      assertFalse(m.built());
      assertTrue(m.variables().isEmpty());
      assertNull(m.ops());
      assertNull(m.resetState(), "nothing to reset before the state exists");
      IllegalStateException e = assertThrows(IllegalStateException.class, m::result);
      assertTrue(e.getMessage().contains("'sparse_categorical_accuracy'"), e.getMessage());

      m.updateState(tf, tf.constant(LABELS_1), tf.constant(PROBS_1));
      assertTrue(m.built());
      List<Variable> vars = m.variables();
      assertEquals(List.of("sparse_categorical_accuracy/total:0", "sparse_categorical_accuracy/count:0"),
          vars.stream().map(Variable::name).toList());
      assertTrue(vars.get(0).ops().scope().env().isEager(), "eager state for an eager first use");
      double one = accuracy(new int[][] {LABELS_1}, new float[][][] {PROBS_1});
      assertEquals(one, m.result().asTensor().getFloat(), 1e-6);
      float two = m.apply(tf, tf.constant(LABELS_2), tf.constant(PROBS_2)).asTensor().getFloat();
      assertEquals(
          accuracy(new int[][] {LABELS_1, LABELS_2}, new float[][][] {PROBS_1, PROBS_2}), two, 1e-6);
      assertSame(vars.get(0), m.variables().get(0), "built once");
      m.resetState();
      assertEquals(0f, m.result().asTensor().getFloat());
      m.updateState(tf, tf.constant(LABELS_2), tf.constant(PROBS_2));
      assertEquals(accuracy(new int[][] {LABELS_2}, new float[][][] {PROBS_2}),
          m.result().asTensor().getFloat(), 1e-6);
    }
  }

  @Test
  void resultBeforeAnyUpdateIsKerasValue() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      // Keras: Mean().result() == Sum().result() == AUC().result() == Precision().result() == 0.0
      for (Metric m :
          List.of(new Mean(), new Sum(), new AUC(), new Precision(), new Recall(),
              new SparseCategoricalAccuracy(), new RootMeanSquaredError())) {
        assertFalse(m.built(), m.toString());
        assertEquals(0f, m.result(tf).asTensor().getFloat(), m.toString());
        assertTrue(m.built(), m + ": result(tf) created the state");
        assertFalse(m.variables().isEmpty(), m.toString());
      }
    }
  }

  @Test
  void aMetricWithoutOpsIsBuiltInAGraphOnFirstUse() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TInt32> labels = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      Placeholder<TFloat32> probs = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
      Metric m = new SparseCategoricalAccuracy();
      Operand<TFloat32> applied = m.apply(tf, labels, probs);
      assertFalse(m.variables().get(0).ops().scope().env().isEager(), "graph state");
      Operand<TFloat32> result = m.result();
      Op reset = m.resetState();
      try (Session s = new Session(g)) {
        assertEquals(0f, fetch(s, result), "the initializers ran before the first step");
        assertEquals(
            accuracy(new int[][] {LABELS_1}, new float[][][] {PROBS_1}),
            run(s, applied, labels, probs, LABELS_1, PROBS_1), 1e-6);
        // Accumulates: the result does not re-run the initializers with the update.
        assertEquals(
            accuracy(new int[][] {LABELS_1, LABELS_2}, new float[][][] {PROBS_1, PROBS_2}),
            run(s, applied, labels, probs, LABELS_2, PROBS_2), 1e-6);
        s.runner().addTarget(reset).run();
        assertEquals(0f, fetch(s, result));
        assertEquals(
            accuracy(new int[][] {LABELS_2}, new float[][][] {PROBS_2}),
            run(s, applied, labels, probs, LABELS_2, PROBS_2), 1e-6);
      }
    }
  }

  private static float fetch(Session s, Operand<TFloat32> value) {
    try (TFloat32 t = (TFloat32) s.runner().fetch(value).run().get(0)) {
      return t.getFloat();
    }
  }

  private static float run(
      Session s, Operand<TFloat32> applied, Placeholder<TInt32> labels, Placeholder<TFloat32> probs,
      int[] l, float[][] p) {
    try (TInt32 lt = TInt32.vectorOf(l);
        TFloat32 pt = TFloat32.tensorOf(org.tensorflow.ndarray.StdArrays.ndCopyOf(p));
        TFloat32 t = (TFloat32) s.runner().feed(labels, lt).feed(probs, pt).fetch(applied).run().get(0)) {
      return t.getFloat();
    }
  }

  /** A user's metric: the count of samples seen, state created in {@code build}. */
  static class SampleCount extends Metric {
    int builds;
    private Variable count;

    @Override
    protected void build(Ops tf) {
      builds++;
      count = addWeight("count", TFloat32.class, Initializers.zeros());
    }

    @Override
    public void updateState(Ops tf, Operand<?> yTrue, Operand<?> yPred, Operand<?> sampleWeight) {
      withoutRecording(
          tf,
          () ->
              count.assignAdd(
                  tf, tf.dtypes.cast(tf.gather(tf.shape(yTrue), tf.constant(0), tf.constant(0)), TFloat32.class)));
    }

    @Override
    public Operand<TFloat32> result(Ops tf) {
      return count.value(tf);
    }
  }

  @Test
  void aCustomSubclassBuildsOnceThroughApplyAndResets() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      SampleCount m = new SampleCount();
      assertEquals("sample_count", m.name());
      assertEquals(0, m.builds);
      assertEquals(3f, m.apply(tf, tf.constant(LABELS_1), tf.constant(PROBS_1)).asTensor().getFloat());
      m.updateState(tf, tf.constant(LABELS_2), tf.constant(PROBS_2));
      assertEquals(4f, m.result().asTensor().getFloat());
      m.ensureBuilt(tf);
      assertEquals(1, m.builds, "built once");
      assertEquals(List.of("sample_count/count:0"), m.variables().stream().map(Variable::name).toList());
      m.resetState();
      assertEquals(0f, m.result().asTensor().getFloat());
    }
  }

  @Test
  void addWeightOutsideBuildAndAFailedBuildAreRefused() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      IllegalStateException outside =
          assertThrows(
              IllegalStateException.class,
              () ->
                  new SampleCount() {
                    {
                      addWeight("late", TFloat32.class, Initializers.zeros());
                    }
                  });
      assertTrue(outside.getMessage().contains("build(Ops)"), outside.getMessage());

      boolean[] fail = {true};
      Metric flaky =
          new Metric("flaky") {
            @Override
            protected void build(Ops tf) {
              addWeight("ok", TFloat32.class, Initializers.zeros());
              if (fail[0]) {
                addWeight("bad", Shape.of(-1), TFloat32.class, Initializers.zeros());
              }
            }

            @Override
            public void updateState(Ops tf, Operand<?> a, Operand<?> b, Operand<?> c) {}

            @Override
            public Operand<TFloat32> result(Ops tf) {
              return tf.constant(1f);
            }
          };
      assertThrows(IllegalArgumentException.class, () -> flaky.ensureBuilt(tf));
      assertFalse(flaky.built(), "a failed build leaves no state");
      assertTrue(flaky.variables().isEmpty());
      fail[0] = false;
      flaky.ensureBuilt(tf);
      assertEquals(List.of("flaky/ok:0"), flaky.variables().stream().map(Variable::name).toList());
    }
  }

  @Test
  void firstUseInsideATracedStepIsRefusedWithTheFix() {
    try (Graph g = new Graph()) {
      Ops traced = Recording.tracing(g);
      Metric m = new Mean();
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> m.result(traced));
      assertTrue(e.getMessage().contains("'mean'") && e.getMessage().contains("ensureBuilt"), e.getMessage());
      assertFalse(m.built());
    }
    try (Eager eager = Eager.create(); Graph g = new Graph()) {
      // Built eagerly first, the same metric is then used in a trace through its twins.
      Metric m = new Mean();
      m.ensureBuilt(eager.tf());
      Ops traced = Recording.tracing(g);
      m.result(traced);
      assertEquals(2, Recording.twins(traced).size(), "total and count traced as twins");
    }
  }
}
