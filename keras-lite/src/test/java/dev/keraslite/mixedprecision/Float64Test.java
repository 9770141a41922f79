package dev.keraslite.mixedprecision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.KerasLite;
import dev.keraslite.Variable;
import dev.keraslite.callbacks.History;
import dev.keraslite.layers.Conv2D;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Layer;
import dev.keraslite.losses.MeanSquaredError;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TType;

/**
 * The {@code float64} policy (issue 13, item 8): float64 variables, float64 computation, inputs
 * cast to float64 at the layer boundary. The oracles: central finite differences in float64 (which
 * float32 cannot pass at the same tolerance: the test checks that too), the same model in float32,
 * and training by {@code fit}.
 */
class Float64Test {
  /** Relative tolerance of the float64 gradient checks; float32 rounding alone exceeds it. */
  private static final double TOLERANCE = 1e-8;

  /** The finite-difference step: the cube root of float64's epsilon, where central differences are most accurate. */
  private static final double STEP = 6e-6;

  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  @AfterEach
  void restoreGlobalPolicy() {
    DTypePolicy.setGlobalPolicy(DTypePolicy.FLOAT32);
  }

  static double[] read(Operand<?> x) {
    try (TType t = x.asTensor()) {
      if (t instanceof TFloat64 d) {
        double[] out = new double[(int) d.size()];
        d.copyTo(DataBuffers.of(out, false, false));
        return out;
      }
      TFloat32 f = (TFloat32) t;
      float[] floats = new float[(int) f.size()];
      f.copyTo(DataBuffers.of(floats, false, false));
      double[] out = new double[floats.length];
      for (int i = 0; i < floats.length; i++) {
        out[i] = floats[i];
      }
      return out;
    }
  }

  private static double[] random(Random r, int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextDouble() * 2 - 1;
    }
    return a;
  }

  /** A constant of {@code shape} holding {@code values}, in {@code type}. */
  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> constant(Ops tf, Shape shape, double[] values, Class<? extends TType> type) {
    Operand<TFloat64> d = tf.constant(shape, DataBuffers.of(values, true, false));
    return (Operand<TFloat32>) (type == TFloat64.class ? d : tf.dtypes.cast(d, TFloat32.class));
  }

  @Test
  void thePolicyByNameAndAnUnknownNameListsTheValidOnes() {
    assertSame(DTypePolicy.FLOAT64, DTypePolicy.of("float64"));
    assertEquals("float64", DTypePolicy.FLOAT64.variableDtype());
    assertEquals("float64", DTypePolicy.FLOAT64.computeDtype());
    assertSame(TFloat64.class, DTypePolicy.FLOAT64.variableType());
    assertSame(TFloat32.class, DTypePolicy.MIXED_BFLOAT16.variableType());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DTypePolicy.of("double"));
    assertEquals(
        "unknown dtype policy 'double'; the policies are 'float32', 'mixed_bfloat16', 'mixed_float16' and 'float64'",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> DTypePolicy.of("float16"));
    assertTrue(e.getMessage().contains("'float32', 'mixed_bfloat16', 'mixed_float16' and 'float64'"), e.getMessage());
    // A Keras config's dtype reaches the policy.
    Dense dense = new Dense(2);
    dense.setDtypePolicy(DTypePolicy.of("float64"));
    assertEquals("float64", dense.getConfig().get("dtype"));
    assertSame(DTypePolicy.FLOAT64, Dense.fromConfig(dense.getConfig()).dtypePolicy());
  }

  /**
   * The largest difference between the tape's gradient of {@code loss} with respect to {@code
   * weight} and central finite differences, relative to the largest gradient entry.
   */
  private static double gradientError(Ops tf, Variable weight, Function<Ops, Operand<?>> loss) {
    double[] analytic;
    try (GradientTape tape = new GradientTape(tf)) {
      Operand<?> value = loss.apply(tf);
      Operand<?> g = tape.gradient(value, List.of(weight)).get(0);
      assertSame(weight.type(), g.type(), "the gradient has the variable's dtype");
      analytic = read(g);
    }
    double[] w = read(weight.value(tf));
    double scale = 0;
    double error = 0;
    for (int i = 0; i < w.length; i++) {
      double[] plus = w.clone();
      double[] minus = w.clone();
      plus[i] += STEP;
      minus[i] -= STEP;
      weight.assign(tf, constant(tf, weight.shape(), plus, weight.type()));
      double up = read(loss.apply(tf))[0];
      weight.assign(tf, constant(tf, weight.shape(), minus, weight.type()));
      double down = read(loss.apply(tf))[0];
      double numeric = (up - down) / (2 * STEP);
      scale = Math.max(scale, Math.abs(numeric));
      error = Math.max(error, Math.abs(numeric - analytic[i]));
    }
    weight.assign(tf, constant(tf, weight.shape(), w, weight.type()));
    return error / scale;
  }

  /** Dense's kernel and bias gradients, float64 against float32 at the same tolerance. */
  @Test
  void denseGradientsMatchFiniteDifferencesInFloat64Only() {
    Random r = new Random(3);
    double[] x = random(r, 5 * 4);
    double[] c = random(r, 5 * 3);
    double[] errors = new double[4];
    for (int run = 0; run < 2; run++) {
      boolean f64 = run == 0;
      try (Eager eager = Eager.create()) {
        Ops tf = eager.tf();
        Dense dense = new Dense(3).activation("tanh");
        if (f64) {
          dense.setDtypePolicy(DTypePolicy.FLOAT64);
        }
        Class<? extends TType> type = f64 ? TFloat64.class : TFloat32.class;
        // Fed float32, as data usually is: the float64 layer casts it at its boundary.
        Operand<TFloat32> input = eager.keep(constant(tf, Shape.of(5, 4), x, TFloat32.class));
        Operand<TFloat32> weights = eager.keep(constant(tf, Shape.of(5, 3), c, type));
        Operand<TFloat32> out = dense.apply(tf, input);
        assertSame(type, out.type(), "the output dtype");
        assertEquals(f64 ? DataType.DT_DOUBLE : DataType.DT_FLOAT, dense.kernel().dataType());
        assertEquals(f64 ? DataType.DT_DOUBLE : DataType.DT_FLOAT, dense.bias().dataType());
        // A loss with nonzero bias gradients: sum(c * tanh(x W + b)).
        Function<Ops, Operand<?>> loss =
            o -> o.reduceSum(o.math.mul(weights, dense.apply(o, input)), o.constant(new int[] {0, 1}));
        errors[2 * run] = gradientError(tf, dense.kernel(), loss);
        errors[2 * run + 1] = gradientError(tf, dense.bias(), loss);
      }
    }
    assertTrue(errors[0] < TOLERANCE, "float64 kernel gradient, relative error " + errors[0]);
    assertTrue(errors[1] < TOLERANCE, "float64 bias gradient, relative error " + errors[1]);
    assertTrue(errors[2] > TOLERANCE * 100, "float32 cannot pass: kernel error " + errors[2]);
    assertTrue(errors[3] > TOLERANCE * 100, "float32 cannot pass: bias error " + errors[3]);
  }

  @Test
  void conv2DGradientsMatchFiniteDifferencesInFloat64Only() {
    Random r = new Random(8);
    double[] x = random(r, 2 * 5 * 5 * 2);
    double[] c = random(r, 2 * 5 * 5 * 3);
    double[] errors = new double[2];
    for (int run = 0; run < 2; run++) {
      boolean f64 = run == 0;
      if (f64) {
        DTypePolicy.setGlobalPolicy("float64");
      }
      try (Eager eager = Eager.create()) {
        Ops tf = eager.tf();
        Conv2D conv = new Conv2D(3, 3).padding("same").activation("sigmoid");
        DTypePolicy.setGlobalPolicy(DTypePolicy.FLOAT32);
        Class<? extends TType> type = f64 ? TFloat64.class : TFloat32.class;
        Operand<TFloat32> input = eager.keep(constant(tf, Shape.of(2, 5, 5, 2), x, type));
        Operand<TFloat32> weights = eager.keep(constant(tf, Shape.of(2, 5, 5, 3), c, type));
        Operand<TFloat32> out = conv.apply(tf, input);
        assertSame(type, out.type(), "the output dtype");
        assertEquals(f64 ? DataType.DT_DOUBLE : DataType.DT_FLOAT, conv.kernel().dataType());
        Function<Ops, Operand<?>> loss =
            o -> o.reduceSum(o.math.mul(weights, conv.apply(o, input)), o.constant(new int[] {0, 1, 2, 3}));
        errors[run] = gradientError(tf, conv.kernel(), loss);
      }
    }
    assertTrue(errors[0] < TOLERANCE, "float64 kernel gradient, relative error " + errors[0]);
    assertTrue(errors[1] > TOLERANCE * 100, "float32 cannot pass: kernel error " + errors[1]);
  }

  private static Sequential regressor() {
    return new Sequential(
        Input.of(4),
        new Dense(16).activation("tanh"),
        new Dense(8).activation("relu"),
        new Dense(1));
  }

  /** y = sin(x0) + x1 * x2 - x3 / 2 on 256 random points. */
  private static FloatNdArray[] data() {
    Random r = new Random(4);
    FloatNdArray x = NdArrays.ofFloats(Shape.of(256, 4));
    FloatNdArray y = NdArrays.ofFloats(Shape.of(256, 1));
    for (int i = 0; i < 256; i++) {
      float[] v = new float[4];
      for (int j = 0; j < 4; j++) {
        v[j] = r.nextFloat() * 2 - 1;
        x.setFloat(v[j], i, j);
      }
      y.setFloat((float) (Math.sin(v[0]) + v[1] * v[2] - v[3] / 2), i, 0);
    }
    return new FloatNdArray[] {x, y};
  }

  /**
   * A float64 Sequential trains with fit, compiled and eager: its variables and the optimizer's
   * slots stay float64, the loss falls, and both ways agree.
   */
  @Test
  void aFloat64ModelTrainsWithFitCompiledAndEager() {
    FloatNdArray[] xy = data();
    double[] finalLoss = new double[2];
    for (int run = 0; run < 2; run++) {
      try (Eager eager = Eager.create()) {
        KerasLite.setRandomSeed(12);
        DTypePolicy.setGlobalPolicy("float64");
        Sequential model = regressor();
        model.compile(eager.tf(), new Adam(1e-2f), new MeanSquaredError(), "mean_absolute_error");
        model.setRunEagerly(run == 1);
        History h = model.fit(xy[0], xy[1], FitOptions.epochs(5).batchSize(32).shuffle(false).verbose(0));
        List<Double> loss = h.history().get("loss");
        assertTrue(loss.get(4) < loss.get(0) * 0.5, "loss falls: " + loss);
        assertTrue(h.history().get("mean_absolute_error").get(4) < h.history().get("mean_absolute_error").get(0), "mae falls");
        assertEquals(6, model.variables().size());
        for (Variable v : model.variables()) {
          assertEquals(DataType.DT_DOUBLE, v.dataType(), v.name());
        }
        Operand<TFloat32> out = model.apply(eager.tf(), eager.tf().constant(xy[0]));
        assertSame(TFloat64.class, out.type(), "a float64 model's output");
        // predict hands the float64 outputs back as float32 host arrays, the values of apply.
        FloatNdArray predicted = model.predict(xy[0], 64);
        double[] applied = read(out);
        for (int i = 0; i < 256; i++) {
          assertEquals(applied[i], predicted.getFloat(i, 0), 1e-6 * (1 + Math.abs(applied[i])), "prediction " + i);
        }
        double evaluated = model.evaluate(xy[0], xy[1]).get("loss");
        assertTrue(evaluated < loss.get(0) * 0.5, "evaluate's loss " + evaluated + " after " + loss);
        finalLoss[run] = loss.get(4);
      }
    }
    assertEquals(finalLoss[0], finalLoss[1], 1e-4 * finalLoss[0], "compiled and eager");
  }

  /** The same weights in a float32 and a float64 model give the same predictions to float32 precision. */
  @Test
  void float32AndFloat64ModelsAgreeOnTheSameWeights() {
    FloatNdArray x = data()[0];
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      KerasLite.setRandomSeed(5);
      Sequential single = regressor();
      DTypePolicy.setGlobalPolicy("float64");
      Sequential dbl = regressor();
      DTypePolicy.setGlobalPolicy(DTypePolicy.FLOAT32);
      Operand<TFloat32> input = eager.keep(tf.constant(x));
      double[] a = read(single.apply(tf, input));
      dbl.apply(tf, input);
      List<Variable> from = single.variables();
      List<Variable> to = dbl.variables();
      for (int i = 0; i < from.size(); i++) {
        assertEquals(DataType.DT_DOUBLE, to.get(i).dataType());
        to.get(i).assign(tf, tf.dtypes.cast(from.get(i).value(tf), TFloat64.class));
      }
      Operand<TFloat32> out = dbl.apply(tf, input);
      assertSame(TFloat64.class, out.type());
      double[] b = read(out);
      double worst = 0;
      for (int i = 0; i < a.length; i++) {
        assertEquals(b[i], a[i], 1e-5 * (1 + Math.abs(b[i])), "prediction " + i);
        worst = Math.max(worst, Math.abs(a[i] - b[i]));
      }
      assertTrue(worst > 0, "the float64 model computes in float64, not in float32");
    }
  }

  /** A float32 layer after a float64 one gets float32, as Keras's autocast gives it. */
  @Test
  void layersCastFloatingInputsToTheirOwnDtype() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Dense first = new Dense(3);
      first.setDtypePolicy(DTypePolicy.FLOAT64);
      Dense second = new Dense(2);
      Operand<TFloat32> x = tf.constant(new float[][] {{1, 2}, {3, 4}});
      Operand<TFloat32> h = first.apply(tf, x);
      assertSame(TFloat64.class, h.type());
      Operand<TFloat32> y = second.apply(tf, h);
      assertSame(TFloat32.class, y.type());
      assertEquals(DataType.DT_FLOAT, second.kernel().dataType());
    }
  }
}
