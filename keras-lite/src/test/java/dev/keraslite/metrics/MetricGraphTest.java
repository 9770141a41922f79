package dev.keraslite.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keraslite.Eager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The metric classes traced into a Graph: variables become initializers the Session runs, {@code
 * apply} both accumulates and reads once per run, {@code resetState} is an op; the numbers equal the
 * eager ones batch after batch.
 */
class MetricGraphTest {
  private final MetricData data = new MetricData(31);

  /** Label-and-prediction metrics fed sparse labels, class probabilities and weights. */
  private static Map<String, Supplier<Metric>> sparseMetrics() {
    Map<String, Supplier<Metric>> m = new LinkedHashMap<>();
    m.put("sparse_categorical_accuracy", SparseCategoricalAccuracy::new);
    m.put("tutorial custom metric", CustomMetricTest.SparseCategoricalAccuracy::new);
    m.put("sparse_top_k", () -> new SparseTopKCategoricalAccuracy(2));
    return m;
  }

  /** Metrics fed binary labels, scores and weights. */
  private static Map<String, Supplier<Metric>> binaryMetrics() {
    Map<String, Supplier<Metric>> m = new LinkedHashMap<>();
    m.put("binary_accuracy", BinaryAccuracy::new);
    m.put("precision", Precision::new);
    m.put("recall", Recall::new);
    m.put("auc", AUC::new);
    m.put("rmse", RootMeanSquaredError::new);
    return m;
  }

  @Test
  void graphMatchesEagerBatchAfterBatch() {
    Map<String, List<Float>> eagerResults = new LinkedHashMap<>();
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Map<String, Metric> metrics = new LinkedHashMap<>();
      sparseMetrics().forEach((k, v) -> metrics.put(k, v.get()));
      binaryMetrics().forEach((k, v) -> metrics.put(k, v.get()));
      // The tutorial's metric overrides the four-argument updateState called below: built first,
      // as Metric's javadoc says (the built-ins build themselves; the graph below builds on apply).
      metrics.values().forEach(m -> m.ensureBuilt(tf));
      Mean mean = new Mean();
      for (int b = 0; b < MetricData.BATCHES; b++) {
        for (String k : sparseMetrics().keySet()) {
          // The tutorial's metric ignores weights; the built-ins use them.
          metrics.get(k).updateState(tf, tf.constant(data.labels[b]), tf.constant(data.probabilities[b]),
              tf.constant(data.weights[b]));
        }
        for (String k : binaryMetrics().keySet()) {
          metrics.get(k).updateState(tf, tf.constant(data.binaryLabels[b]), tf.constant(data.scores[b]),
              tf.constant(data.weights[b]));
        }
        mean.updateState(tf, tf.constant(data.scores[b]), tf.constant(data.weights[b]));
        for (Map.Entry<String, Metric> e : metrics.entrySet()) {
          eagerResults.computeIfAbsent(e.getKey(), x -> new ArrayList<>())
              .add(e.getValue().result().asTensor().getFloat());
        }
        eagerResults.computeIfAbsent("mean", x -> new ArrayList<>())
            .add(mean.result().asTensor().getFloat());
      }
    }

    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TInt32> labels = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      Placeholder<TFloat32> probs =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, MetricData.CLASSES)));
      Placeholder<TFloat32> binary = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
      Placeholder<TFloat32> scores = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
      Placeholder<TFloat32> weights = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
      Map<String, Metric> metrics = new LinkedHashMap<>();
      Map<String, Operand<TFloat32>> applied = new LinkedHashMap<>();
      for (Map.Entry<String, Supplier<Metric>> e : sparseMetrics().entrySet()) {
        Metric m = e.getValue().get();
        metrics.put(e.getKey(), m);
        applied.put(e.getKey(), m.apply(tf, labels, probs, weights));
      }
      for (Map.Entry<String, Supplier<Metric>> e : binaryMetrics().entrySet()) {
        Metric m = e.getValue().get();
        metrics.put(e.getKey(), m);
        applied.put(e.getKey(), m.apply(tf, binary, scores, weights));
      }
      Mean mean = new Mean();
      metrics.put("mean", mean);
      applied.put("mean", mean.apply(tf, scores, weights));
      Map<String, Operand<TFloat32>> results = new LinkedHashMap<>();
      List<Op> resets = new ArrayList<>();
      for (Map.Entry<String, Metric> e : metrics.entrySet()) {
        results.put(e.getKey(), e.getValue().result());
        resets.add(e.getValue().resetState());
      }

      try (Session s = new Session(g)) {
        // The initializers ran on first use: every built-in starts at 0.
        assertEquals(0f, fetch(s, results.get("auc")));
        for (int b = 0; b < MetricData.BATCHES; b++) {
          try (TInt32 l = TInt32.vectorOf(data.labels[b]);
              TFloat32 p = TFloat32.tensorOf(StdArrays.ndCopyOf(data.probabilities[b]));
              TFloat32 y = TFloat32.vectorOf(data.binaryLabels[b]);
              TFloat32 sc = TFloat32.vectorOf(data.scores[b]);
              TFloat32 w = TFloat32.vectorOf(data.weights[b])) {
            Session.Runner runner =
                s.runner().feed(labels, l).feed(probs, p).feed(binary, y).feed(scores, sc).feed(weights, w);
            List<String> names = new ArrayList<>(applied.keySet());
            for (String k : names) {
              runner.fetch(applied.get(k));
            }
            // One run updates every metric once and returns each new result.
            try (org.tensorflow.Result r = runner.run()) {
              for (int i = 0; i < names.size(); i++) {
                float graphValue = ((TFloat32) r.get(i)).getFloat();
                assertEquals(
                    eagerResults.get(names.get(i)).get(b), graphValue, 1e-6,
                    names.get(i) + " after batch " + b);
              }
            }
          }
        }
        // Reading without updating leaves the state as it is.
        assertEquals(eagerResults.get("auc").get(2), fetch(s, results.get("auc")), 1e-6);
        Session.Runner reset = s.runner();
        resets.forEach(reset::addTarget);
        reset.run().close();
        for (Map.Entry<String, Operand<TFloat32>> e : results.entrySet()) {
          float after = fetch(s, e.getValue());
          if (e.getKey().equals("tutorial custom metric")) {
            assertEquals(Float.NaN, after, "count / total = 0 / 0, as initially");
          } else {
            assertEquals(0f, after, e.getKey() + " after resetState");
          }
        }
      }
    }
  }

  private static float fetch(Session s, Operand<TFloat32> x) {
    try (org.tensorflow.Result r = s.runner().fetch(x).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }
}
