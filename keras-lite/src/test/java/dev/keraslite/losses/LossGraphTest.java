package dev.keraslite.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keraslite.Eager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** The same loss objects traced into a Graph, fed through placeholders, give the eager numbers. */
class LossGraphTest {
  private static final float[][] Y_TRUE = {{0, 1, 0}, {1, 0, 0}, {0, 0, 1}};
  private static final float[][] Y_PRED = {{0.1f, 0.7f, 0.2f}, {0.5f, 0.25f, 0.25f}, {0.2f, 0.3f, 0.5f}};
  private static final int[] LABELS = {1, 0, 2};
  private static final float[] WEIGHTS = {0.5f, 2f, 1f};

  private static Map<String, Loss> losses() {
    Map<String, Loss> m = new LinkedHashMap<>();
    m.put("mse", new MeanSquaredError());
    m.put("mae", new MeanAbsoluteError());
    m.put("mape", new MeanAbsolutePercentageError());
    m.put("msle", new MeanSquaredLogarithmicError());
    m.put("huber", new Huber());
    m.put("logcosh", new LogCosh());
    m.put("kld", new KLDivergence());
    m.put("poisson", new Poisson());
    m.put("hinge", new Hinge());
    m.put("cosine", new CosineSimilarity());
    m.put("bce", new BinaryCrossentropy(false, 0.1f));
    m.put("bce logits", new BinaryCrossentropy(true));
    m.put("cce", new CategoricalCrossentropy(false, 0.1f));
    m.put("cce logits", new CategoricalCrossentropy(true));
    m.put("sum", new MeanSquaredError(Reduction.SUM));
    return m;
  }

  @Test
  void graphMatchesEager() {
    Map<String, Loss> losses = losses();
    Loss sparse = new SparseCategoricalCrossentropy();
    Loss sparseLogits = new SparseCategoricalCrossentropy(true);
    Map<String, Float> eagerValues = new LinkedHashMap<>();
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> t = tf.constant(Y_TRUE);
      Operand<TFloat32> p = tf.constant(Y_PRED);
      Operand<TFloat32> w = tf.constant(WEIGHTS);
      for (Map.Entry<String, Loss> e : losses.entrySet()) {
        eagerValues.put(e.getKey(), e.getValue().apply(tf, t, p, w).asTensor().getFloat());
      }
      eagerValues.put("sparse", sparse.apply(tf, tf.constant(LABELS), p, w).asTensor().getFloat());
      eagerValues.put(
          "sparse logits", sparseLogits.apply(tf, tf.constant(LABELS), p, w).asTensor().getFloat());
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      // Unknown batch size: shapes are only known when the session runs.
      Placeholder<TFloat32> t =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
      Placeholder<TFloat32> p =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
      Placeholder<TFloat32> w = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
      Placeholder<TInt32> labels = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      Map<String, Operand<TFloat32>> traced = new LinkedHashMap<>();
      for (Map.Entry<String, Loss> e : losses.entrySet()) {
        traced.put(e.getKey(), e.getValue().apply(tf, t, p, w));
      }
      traced.put("sparse", sparse.apply(tf, labels, p, w));
      traced.put("sparse logits", sparseLogits.apply(tf, labels, p, w));
      try (Session s = new Session(g);
          TFloat32 tv = TFloat32.tensorOf(org.tensorflow.ndarray.StdArrays.ndCopyOf(Y_TRUE));
          TFloat32 pv = TFloat32.tensorOf(org.tensorflow.ndarray.StdArrays.ndCopyOf(Y_PRED));
          TFloat32 wv = TFloat32.vectorOf(WEIGHTS);
          TInt32 lv = TInt32.vectorOf(LABELS)) {
        for (Map.Entry<String, Operand<TFloat32>> e : traced.entrySet()) {
          try (var result =
              s.runner().feed(t, tv).feed(p, pv).feed(w, wv).feed(labels, lv).fetch(e.getValue())
                  .run()) {
            float graphValue = ((TFloat32) result.get(0)).getFloat();
            assertEquals(eagerValues.get(e.getKey()), graphValue, 1e-6, e.getKey());
          }
        }
      }
    }
  }
}
