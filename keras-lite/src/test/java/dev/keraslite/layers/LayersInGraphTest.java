package dev.keraslite.layers;

import static dev.keraslite.layers.LayerTestHarness.assertClose;
import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keraslite.Eager;
import dev.keraslite.initializers.Initializers;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The layers built in a TensorFlow {@code Graph}, fed through a placeholder whose batch size is
 * unknown, give the same numbers as eagerly (seeded initializers make the same weights in both):
 * their {@code call} uses only the {@code Ops} it is given, as a traced training step needs.
 */
class LayersInGraphTest {
  private static float[] random(int n) {
    Random r = new Random(3);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextFloat() * 2 - 1;
    }
    return v;
  }

  static void sameInGraphAsEagerly(Supplier<Layer> factory, long[] shape, boolean training) {
    float[] x = random((int) Shape.of(shape).size());
    float[] eagerOut;
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      eagerOut = values(factory.get().apply(tf, tf.constant(Shape.of(shape), DataBuffers.of(x)), training));
    }
    long[] unknownBatch = shape.clone();
    unknownBatch[0] = -1;
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops g = Ops.create(graph);
      Placeholder<TFloat32> input = g.placeholder(TFloat32.class, Placeholder.shape(Shape.of(unknownBatch)));
      Layer layer = factory.get();
      Operand<TFloat32> y = layer.apply(g, input, training);
      assertEquals(-1, y.shape().get(0), layer + ": unknown batch in the graph");
      try (TFloat32 feed = TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(x));
          Result r = session.runner().feed(input, feed).fetch(y).run()) {
        TFloat32 out = (TFloat32) r.get(0);
        FloatDataBuffer buffer = DataBuffers.ofFloats(out.shape().size());
        out.copyTo(buffer);
        float[] graphOut = new float[(int) out.shape().size()];
        buffer.read(graphOut);
        assertClose(eagerOut, graphOut, 1e-5, layer + ": graph vs eager");
      }
    }
  }

  @Test
  void convolutionAndPoolingLayers() {
    sameInGraphAsEagerly(
        () -> new Conv2D(3, 3).padding("same").kernelInitializer(Initializers.glorotUniform(1)), new long[] {2, 5, 5, 2}, false);
    sameInGraphAsEagerly(
        () -> new Conv2D(2, 2).dilationRate(2).kernelInitializer(Initializers.glorotUniform(2)), new long[] {1, 6, 5, 1}, false);
    sameInGraphAsEagerly(() -> new MaxPooling2D(), new long[] {2, 4, 4, 3}, false);
    sameInGraphAsEagerly(() -> new AveragePooling2D(3).strides(1).padding("same"), new long[] {1, 4, 5, 2}, false);
    sameInGraphAsEagerly(() -> new GlobalAveragePooling2D(), new long[] {2, 3, 3, 4}, false);
    sameInGraphAsEagerly(() -> new GlobalMaxPooling2D(), new long[] {2, 3, 3, 4}, false);
  }

  @Test
  void recurrentLayersWithAnUnknownBatchSize() {
    sameInGraphAsEagerly(
        () ->
            new LSTM(3)
                .kernelInitializer(Initializers.glorotUniform(4))
                .recurrentInitializer(Initializers.orthogonal(1.0, 5)),
        new long[] {2, 4, 3}, false);
    sameInGraphAsEagerly(
        () ->
            new GRU(3)
                .returnSequences(true)
                .kernelInitializer(Initializers.glorotUniform(6))
                .recurrentInitializer(Initializers.orthogonal(1.0, 7)),
        new long[] {2, 4, 3}, false);
  }

  @Test
  void batchNormalizationInBothModes() {
    sameInGraphAsEagerly(
        () -> new BatchNormalization().movingMeanInitializer(Initializers.constant(0.5f)), new long[] {4, 3}, false);
    sameInGraphAsEagerly(() -> new BatchNormalization(), new long[] {4, 3}, true);
  }

  @Test
  void batchNormalizationUpdatesItsMovingStatisticsInAGraph() {
    float[] x = random(12);
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops g = Ops.create(graph);
      BatchNormalization bn = new BatchNormalization();
      bn.apply(g, g.constant(Shape.of(4, 3), DataBuffers.of(x)), true);
      // The updates are side effects with no consumer: a Session runs them only as targets (a
      // traced function keeps them, as stateful ops).
      List<GraphOperation> assigns = new ArrayList<>();
      for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
        GraphOperation op = it.next();
        if (op.type().equals("AssignVariableOp") && !graph.isInitializer(op)) {
          assigns.add(op);
        }
      }
      Session.Runner runner = session.runner();
      assigns.forEach(runner::addTarget);
      runner.run();
      Operand<TFloat32> mean = bn.movingMean().value(g);
      try (Result r = session.runner().fetch(mean).run()) {
        TFloat32 m = (TFloat32) r.get(0);
        for (int c = 0; c < 3; c++) {
          double batchMean = (x[c] + x[3 + c] + x[6 + c] + x[9 + c]) / 4.0;
          assertEquals(batchMean * 0.01, m.getFloat(c), 1e-6, "moving_mean[" + c + "]");
        }
      }
      assertEquals(2, assigns.size(), "moving_mean and moving_variance updates");
    }
  }
}
