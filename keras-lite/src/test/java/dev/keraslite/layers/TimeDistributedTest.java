package dev.keraslite.layers;

import static dev.keraslite.layers.LayerTestHarness.assertClose;
import static dev.keraslite.layers.LayerTestHarness.assertShape;
import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keraslite.Eager;
import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.models.Input;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TFloat32;

class TimeDistributedTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  @Test
  void denseOnEveryStepMatchesPlainArithmeticWithTheInnerLayersWeights() {
    LayerTestHarness.Result r =
        LayerTestHarness.of(
                () ->
                    new TimeDistributed(
                        new Dense(4)
                            .name("d")
                            .activation(Activations.tanh())
                            .kernelInitializer(Initializers.glorotUniform(3))
                            .biasInitializer(Initializers.randomUniform(-0.5, 0.5, 4))))
            .input(3, 5, 2)
            .expectOutputShape(3, 5, 4)
            .expectWeight("d/kernel", 2, 4)
            .expectWeight("d/bias", 4)
            .expectParams(12)
            .checkInputGradient()
            .run();
    float[] x = r.inputs().get(0);
    float[] k = r.weights().get(0);
    float[] b = r.weights().get(1);
    double[] expected = new double[3 * 5 * 4];
    for (int bt = 0; bt < 15; bt++) {
      for (int u = 0; u < 4; u++) {
        double s = b[u];
        for (int i = 0; i < 2; i++) {
          s += (double) x[bt * 2 + i] * k[i * 4 + u];
        }
        expected[bt * 4 + u] = Math.tanh(s);
      }
    }
    assertClose(expected, r.output(), 1e-5, "TimeDistributed(Dense)");
  }

  /** The wrapped layer applied by itself to each step's slice, the results stacked on axis 1. */
  private static Operand<TFloat32> perStep(Ops tf, Layer layer, Operand<TFloat32> x) {
    long time = x.shape().get(1);
    List<Operand<TFloat32>> steps = new ArrayList<>();
    for (Operand<TFloat32> step : tf.unstack(x, time, Unstack.axis(1L)).output()) {
      steps.add(layer.apply(tf, step));
    }
    return tf.stack(steps, Stack.axis(1L));
  }

  @Test
  void equalsTheWrappedLayerAppliedToEachStepSeparately() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      // Dense on [batch, time, features] and Conv2D on [batch, time, h, w, channels] (videos).
      Layer[][] pairs = {
        {new Dense(3).kernelInitializer(Initializers.glorotUniform(1)).biasInitializer(Initializers.randomNormal(0, 1, 2)),
          new Dense(3)},
        {new Conv2D(2, 3).padding("same").kernelInitializer(Initializers.glorotUniform(3))
            .biasInitializer(Initializers.randomNormal(0, 1, 4)), new Conv2D(2, 3).padding("same")},
      };
      long[][] shapes = {{2, 4, 3}, {2, 3, 5, 5, 1}};
      for (int i = 0; i < pairs.length; i++) {
        TimeDistributed td = new TimeDistributed(pairs[i][0]);
        Operand<TFloat32> x = random(tf, 10 + i, shapes[i]);
        Operand<TFloat32> y = td.apply(tf, x);
        Layer alone = pairs[i][1];
        alone.build(tf, stepShape(shapes[i]));
        for (int w = 0; w < alone.variables().size(); w++) {
          alone.variables().get(w).assign(tf, td.variables().get(w).value(tf));
        }
        Operand<TFloat32> expected = perStep(tf, alone, x);
        assertShape(expected.shape(), y.shape(), td + ": shape");
        assertClose(values(expected), values(y), 1e-6, td + " vs the layer on each step");
      }
    }
  }

  private static Operand<TFloat32> random(Ops tf, long seed, long... shape) {
    java.util.Random r = new java.util.Random(seed);
    float[] v = new float[(int) Shape.of(shape).size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextFloat() * 2 - 1;
    }
    return tf.constant(Shape.of(shape), org.tensorflow.ndarray.buffer.DataBuffers.of(v));
  }

  private static Shape stepShape(long[] sequence) {
    long[] step = new long[sequence.length - 1];
    step[0] = sequence[0];
    System.arraycopy(sequence, 2, step, 1, sequence.length - 2);
    return Shape.of(step);
  }

  @Test
  void symbolicShapesAndBadInputNameTheLayerAndTheShapes() {
    assertShape(Shape.of(-1, 7, 4), new TimeDistributed(new Dense(4)).apply(Input.of(7, 3)).shape(), "symbolic Dense");
    assertShape(Shape.of(-1, 6, 4, 4, 8),
        new TimeDistributed(new Conv2D(8, 3)).apply(Input.of(6, 6, 6, 1)).shape(), "symbolic Conv2D");
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      TimeDistributed td = new TimeDistributed(new Dense(3).name("d")).name("td");
      IllegalArgumentException rank =
          assertThrows(IllegalArgumentException.class, () -> td.apply(tf, tf.zeros(tf.constant(new long[] {2, 3}), TFloat32.class)));
      assertEquals("TimeDistributed 'td': expected input of rank at least 3, received shape [2, 3].", rank.getMessage());
      td.apply(tf, tf.zeros(tf.constant(new long[] {2, 3, 2}), TFloat32.class));
      IllegalArgumentException step =
          assertThrows(IllegalArgumentException.class, () -> td.apply(tf, tf.zeros(tf.constant(new long[] {2, 3, 4}), TFloat32.class)));
      assertEquals(
          "TimeDistributed 'td': each time step, of shape [6, 4] with time folded into the batch, is refused by"
              + " the wrapped layer (Dense 'd': expected input with last dimension 2, received shape [6, 4].),"
              + " received shape [2, 3, 4].",
          step.getMessage());
    }
  }

  @Test
  void configHoldsTheWrappedLayerSerialized() {
    TimeDistributed td = new TimeDistributed(new Dense(5).name("inner")).name("time_distributed_3");
    Map<String, Object> c = td.getConfig();
    assertEquals(List.of("name", "trainable", "dtype", "layer"), new ArrayList<>(c.keySet()));
    Map<?, ?> layer = (Map<?, ?>) c.get("layer");
    assertEquals("Dense", layer.get("class_name"));
    assertEquals("keras.layers", layer.get("module"));
    assertEquals("inner", ((Map<?, ?>) layer.get("config")).get("name"));
    Dense rebuilt = new Dense(5);
    TimeDistributed copy = TimeDistributed.fromConfig(c, serialized -> rebuilt);
    assertSame(rebuilt, copy.layer());
    assertEquals("time_distributed_3", copy.name());
  }
}
