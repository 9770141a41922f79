package dev.keraslite.samples;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.models.Model;
import dev.keraslite.Variable;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Layer;
import dev.keraslite.losses.Loss;
import dev.keraslite.metrics.Metric;
import dev.keraslite.optimizers.Adam;
import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Examples 10-12 of the chapter: a custom layer, a custom loss and a custom metric.
 *
 * <p>Python originals: {@code model/custom/linear.py} ({@code LinearLayer} with {@code build} and
 * {@code add_weight}, wrapped by {@code LinearModel}), the inline {@code MeanSquaredError(Loss)} and
 * {@code SparseCategoricalAccuracy(Metric)} of {@code model/utils.py}. The chapter does not show its
 * driver; as TUTORIAL.md records, it trains the linear model on the linear-regression data with
 * Adam(0.01) for 100 steps, which is what {@link #run} does. The custom metric is exercised on a
 * small fixed batch of class scores, since a regression has nothing to classify.
 */
public final class CustomLayerLossMetric {
  private CustomLayerLossMetric() {}

  /** Example 10: y = x·w + b with weights created in {@code build} once the input size is known. */
  static final class LinearLayer extends Layer {
    private final int units;
    private Variable w;
    private Variable b;

    LinearLayer(int units) {
      this.units = units;
    }

    @Override
    protected void build(Shape inputShape) {
      long inputDim = inputShape.get(inputShape.numDimensions() - 1);
      w = addWeight("w", Shape.of(inputDim, units), Initializers.zeros());
      b = addWeight("b", Shape.of(units), Initializers.zeros());
    }

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> inputs) {
      return tf.math.add(tf.linalg.matMul(inputs, w.value(tf)), b.value(tf));
    }

    @Override
    public Shape computeOutputShape(Shape inputShape) {
      return inputShape.take(inputShape.numDimensions() - 1).append(units);
    }
  }

  /** Example 10's model: one {@link LinearLayer} with a single unit. */
  static final class LinearModel extends Model {
    private final LinearLayer layer = new LinearLayer(1);

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
      return layer.apply(tf, input);
    }
  }

  /** Example 11: mean squared error as a loss subclass with one method. */
  static final class MeanSquaredError extends Loss {
    @Override
    public Operand<TFloat32> call(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
      return tf.math.mean(tf.math.square(tf.math.sub(yPred, yTrue)), tf.constant(new int[] {0, 1}));
    }
  }

  /** Example 12: sparse categorical accuracy as a metric subclass with int32 state. */
  static final class SparseCategoricalAccuracy extends Metric {
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
      count.assignAdd(tf, tf.sum(values, tf.constant(0)));
    }

    @Override
    public Operand<TFloat32> result(Ops tf) {
      return tf.math.div(
          tf.dtypes.cast(count.value(tf), TFloat32.class),
          tf.dtypes.cast(total.value(tf), TFloat32.class));
    }
  }

  /** The trained w (3 values), b, the last loss, and the custom metric's accuracy on its batch. */
  public record Result(float[] w, float b, float lastLoss, float accuracy) {}

  /** Trains the linear model with the custom loss and Adam(0.01); exercises the custom metric. */
  public static Result run(int steps) {
    Layer.clearNameCounters();
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> x = tf.constant(new float[][] {{1f, 2f, 3f}, {4f, 5f, 6f}});
      Operand<TFloat32> y = tf.constant(new float[][] {{10f}, {20f}});
      LinearModel model = new LinearModel();
      MeanSquaredError lossFn = new MeanSquaredError();
      Adam optimizer = new Adam(0.01f);
      float lastLoss = Float.NaN;
      for (int i = 0; i < steps; i++) {
        try (GradientTape tape = new GradientTape(tf)) {
          Operand<TFloat32> yPred = model.apply(tf, x);
          Operand<TFloat32> loss = lossFn.apply(tf, y, yPred);
          optimizer.applyGradients(tape.gradient(loss, model.variables()), model.variables());
          lastLoss = loss.asTensor().getFloat();
        }
      }
      float[] w = new float[3];
      try (TFloat32 t = model.variables().get(0).<TFloat32>value(tf).asTensor()) {
        for (int i = 0; i < 3; i++) {
          w[i] = t.getFloat(i, 0);
        }
      }
      float b;
      try (TFloat32 t = model.variables().get(1).<TFloat32>value(tf).asTensor()) {
        b = t.getFloat(0);
      }

      // The custom metric over two batches: 2 of 3 right, then 1 of 1 right -> 3/4.
      SparseCategoricalAccuracy metric = new SparseCategoricalAccuracy();
      metric.updateState(
          tf,
          tf.constant(new int[] {0, 1, 2}),
          tf.constant(new float[][] {{0.9f, 0.1f, 0f}, {0.2f, 0.7f, 0.1f}, {0.6f, 0.3f, 0.1f}}));
      metric.updateState(tf, tf.constant(new int[] {2}), tf.constant(new float[][] {{0f, 0.2f, 0.8f}}));
      float accuracy = metric.result(tf).asTensor().getFloat();
      return new Result(w, b, lastLoss, accuracy);
    }
  }

  /** What the example prints: the trained weights, the last loss and the custom metric's result. */
  static void print(Result r) {
    System.out.printf(
        Locale.ROOT,
        "w = [%f, %f, %f], b = %f, loss = %f%ncustom SparseCategoricalAccuracy: %f%n",
        r.w()[0], r.w()[1], r.w()[2], r.b(), r.lastLoss(), r.accuracy());
  }

  public static void main(String[] args) {
    print(run(100));
  }
}
