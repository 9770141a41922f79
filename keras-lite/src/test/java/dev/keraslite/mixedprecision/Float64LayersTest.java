package dev.keraslite.mixedprecision;

import static dev.keraslite.mixedprecision.Float64Test.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.Variable;
import dev.keraslite.activations.Activations;
import dev.keraslite.layers.AveragePooling2D;
import dev.keraslite.layers.BatchNormalization;
import dev.keraslite.layers.Conv1D;
import dev.keraslite.layers.Conv2D;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Dropout;
import dev.keraslite.layers.ELU;
import dev.keraslite.layers.Embedding;
import dev.keraslite.layers.Flatten;
import dev.keraslite.layers.GRU;
import dev.keraslite.layers.GlobalAveragePooling2D;
import dev.keraslite.layers.LSTM;
import dev.keraslite.layers.Layer;
import dev.keraslite.layers.LayerNormalization;
import dev.keraslite.layers.LeakyReLU;
import dev.keraslite.layers.MaxPooling2D;
import dev.keraslite.layers.ReLU;
import dev.keraslite.layers.SimpleRNN;
import dev.keraslite.layers.Softmax;
import dev.keraslite.optimizers.Optimizer;
import dev.keraslite.optimizers.Optimizers;
import dev.keraslite.optimizers.SGD;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/**
 * Everyday layers, every activation and every optimizer in float64: float64 variables and outputs,
 * and the values of the same computation in float32 to float32 precision (the oracle).
 */
class Float64LayersTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  @AfterEach
  void restoreGlobalPolicy() {
    DTypePolicy.setGlobalPolicy(DTypePolicy.FLOAT32);
  }

  private static float[] random(Random r, int n, float lo, float hi) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = lo + r.nextFloat() * (hi - lo);
    }
    return a;
  }

  private static void assertClose(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": size");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-5 * (1 + Math.abs(expected[i])), what + " [" + i + "]");
    }
  }

  private record Case(Supplier<Layer> layer, Shape input, float lo, float hi) {}

  @Test
  void everydayLayersComputeInFloat64AndAgreeWithFloat32() {
    Map<String, Case> cases = new LinkedHashMap<>();
    cases.put("Dense", new Case(() -> new Dense(3).activation("gelu"), Shape.of(4, 5), -1, 1));
    cases.put("Conv2D", new Case(() -> new Conv2D(2, 3).activation("relu"), Shape.of(2, 5, 5, 3), -1, 1));
    cases.put("Conv1D", new Case(() -> new Conv1D(2, 3).activation("elu"), Shape.of(2, 6, 3), -1, 1));
    cases.put("BatchNormalization", new Case(BatchNormalization::new, Shape.of(8, 3), -2, 3));
    cases.put("LayerNormalization", new Case(LayerNormalization::new, Shape.of(4, 6), -2, 3));
    cases.put("Embedding", new Case(() -> new Embedding(10, 4), Shape.of(3, 5), 0, 9.99f));
    cases.put("Dropout", new Case(() -> new Dropout(0.5), Shape.of(4, 6), -1, 1));
    cases.put("ReLU", new Case(ReLU::new, Shape.of(4, 6), -1, 1));
    cases.put("LeakyReLU", new Case(LeakyReLU::new, Shape.of(4, 6), -1, 1));
    cases.put("ELU", new Case(ELU::new, Shape.of(4, 6), -1, 1));
    cases.put("Softmax", new Case(Softmax::new, Shape.of(4, 6), -3, 3));
    cases.put("Flatten", new Case(Flatten::new, Shape.of(2, 3, 4), -1, 1));
    cases.put("MaxPooling2D", new Case(MaxPooling2D::new, Shape.of(2, 4, 4, 3), -1, 1));
    cases.put("AveragePooling2D", new Case(AveragePooling2D::new, Shape.of(2, 4, 4, 3), -1, 1));
    cases.put("GlobalAveragePooling2D", new Case(GlobalAveragePooling2D::new, Shape.of(2, 4, 4, 3), -1, 1));
    cases.put("SimpleRNN", new Case(() -> new SimpleRNN(3), Shape.of(2, 4, 3), -1, 1));
    cases.put("LSTM", new Case(() -> new LSTM(3), Shape.of(2, 4, 3), -1, 1));
    cases.put("GRU", new Case(() -> new GRU(3), Shape.of(2, 4, 3), -1, 1));
    Random r = new Random(21);
    for (Map.Entry<String, Case> entry : cases.entrySet()) {
      String name = entry.getKey();
      Case c = entry.getValue();
      try (Eager eager = Eager.create()) {
        Ops tf = eager.tf();
        float[] values = random(r, (int) c.input().size(), c.lo(), c.hi());
        if (name.equals("Embedding")) {
          for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.floor(values[i]);
          }
        }
        Operand<TFloat32> x = eager.keep(tf.constant(c.input(), DataBuffers.of(values, true, false)));
        Layer single = c.layer().get();
        Layer dbl = c.layer().get();
        dbl.setDtypePolicy(DTypePolicy.FLOAT64);
        single.apply(tf, x);
        dbl.apply(tf, x);
        List<Variable> from = single.variables();
        List<Variable> to = dbl.variables();
        for (int i = 0; i < from.size(); i++) {
          assertEquals(DataType.DT_DOUBLE, to.get(i).dataType(), name + " " + to.get(i).name());
          to.get(i).assign(tf, tf.dtypes.cast(from.get(i).value(tf), TFloat64.class));
        }
        for (boolean training : new boolean[] {false, true}) {
          Operand<TFloat32> out = dbl.apply(tf, x, training);
          assertSame(TFloat64.class, out.type(), name + " output dtype, training=" + training);
          double[] got = read(out);
          if (name.equals("Dropout") && training) {
            // Each output is dropped or scaled by 1 / (1 - rate).
            for (int i = 0; i < got.length; i++) {
              assertTrue(got[i] == 0 || Math.abs(got[i] - 2.0 * values[i]) < 1e-6, name + " [" + i + "]");
            }
            continue;
          }
          assertClose(read(single.apply(tf, x, training)), got, name + ", training=" + training);
        }
        for (int i = 0; i < from.size(); i++) {
          // BatchNormalization's moving statistics were updated in training, in float64.
          assertClose(read(from.get(i).value(tf)), read(to.get(i).value(tf)), name + " " + to.get(i).name());
        }
      }
    }
  }

  @Test
  void everyActivationKeepsFloat64() {
    float[] values = random(new Random(2), 12, -4, 4);
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> x = tf.constant(Shape.of(3, 4), DataBuffers.of(values, true, false));
      @SuppressWarnings({"unchecked", "rawtypes"})
      Operand<TFloat32> x64 = (Operand) tf.dtypes.cast(x, TFloat64.class);
      for (String name :
          List.of("linear", "relu", "sigmoid", "tanh", "softmax", "softplus", "elu", "selu", "gelu",
              "leaky_relu", "hard_sigmoid", "softsign", "swish", "silu")) {
        Operand<TFloat32> y = Activations.get(name).apply(tf, x64);
        assertSame(TFloat64.class, y.type(), name);
        assertClose(read(Activations.get(name).apply(tf, x)), read(y), name);
      }
    }
  }

  /**
   * Three steps of every optimizer on a float64 variable: the variable and its slots stay float64,
   * and the steps match the float32 ones (hyperparameters are cast to the variable's dtype).
   */
  @Test
  void everyOptimizerUpdatesFloat64Variables() {
    Map<String, Supplier<Optimizer>> optimizers = new LinkedHashMap<>();
    for (String name : List.of("sgd", "adam", "adamw", "adamax", "nadam", "rmsprop", "adagrad", "adadelta")) {
      optimizers.put(name, () -> Optimizers.get(name));
    }
    optimizers.put("sgd momentum nesterov", () -> new SGD(0.1f).momentum(0.9f).nesterov(true));
    optimizers.put("adam clipnorm", () -> Optimizers.get("adam").clipnorm(0.5f));
    optimizers.put("sgd global clipnorm", () -> new SGD(0.1f).globalClipnorm(0.5f));
    float[] start = random(new Random(6), 6, -1, 1);
    for (Map.Entry<String, Supplier<Optimizer>> entry : optimizers.entrySet()) {
      String name = entry.getKey();
      try (Eager eager = Eager.create()) {
        Ops tf = eager.tf();
        Operand<TFloat32> init = tf.constant(Shape.of(2, 3), DataBuffers.of(start, true, false));
        Variable single = new Variable(tf, "w32", init, true);
        Variable dbl = new Variable(tf, "w64", tf.dtypes.cast(init, TFloat64.class), true);
        Optimizer a = entry.getValue().get();
        Optimizer b = entry.getValue().get();
        for (int step = 0; step < 3; step++) {
          // The gradient of sum(w^3): 3 w^2, a different one each step.
          Operand<TFloat32> w = single.value(tf);
          Operand<TFloat64> w64 = dbl.value(tf);
          a.applyGradients(tf, List.of(tf.math.mul(tf.constant(3f), tf.math.square(w))), List.of(single));
          b.applyGradients(tf, List.of(tf.math.mul(tf.constant(3.0), tf.math.square(w64))), List.of(dbl));
        }
        assertEquals(DataType.DT_DOUBLE, dbl.dataType(), name);
        double[] moved = read(dbl.value(tf));
        boolean changed = false;
        for (int i = 0; i < moved.length; i++) {
          changed |= moved[i] != start[i];
        }
        assertTrue(changed, name + " moved the variable");
        assertClose(read(single.value(tf)), moved, name);
      }
    }
  }
}
