package dev.keraslite.optimizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.EagerFunction;
import dev.keraslite.GradientTape;
import dev.keraslite.KerasLite;
import dev.keraslite.Variable;
import dev.keraslite.callbacks.History;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Layer;
import dev.keraslite.losses.MeanSquaredError;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import dev.keraslite.training.FitOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Operand;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Keras 3's dynamic loss scaling: the scale halves and the step is skipped on a non-finite
 * gradient, doubles after {@code dynamicGrowthSteps} finite steps; the inner optimizer receives the
 * gradients divided by the scale. The oracle is the sequence worked out by hand in Java below.
 */
class LossScaleOptimizerTest {
  private static final float LR = 0.1f;
  private static final float MOMENTUM = 0.5f;

  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  private static float scalar(Operand<?> x) {
    try (Tensor t = x.asTensor()) {
      return ((TFloat32) t).getFloat();
    }
  }

  private static long int64(Operand<?> x) {
    try (Tensor t = x.asTensor()) {
      return ((TInt64) t).getLong();
    }
  }

  private static float[] floats(Operand<?> x) {
    try (Tensor t = x.asTensor()) {
      TFloat32 f = (TFloat32) t;
      float[] out = new float[(int) f.size()];
      f.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(out, false, false));
      return out;
    }
  }

  /**
   * Six steps on two variables with scale 8 and growth every 2 finite steps: finite, finite
   * (doubles to 16), infinite (halves to 8, skipped), NaN in the second variable only (halves to 4,
   * skipped, the first variable untouched too), finite, finite (doubles to 8). The inner SGD has
   * momentum, so a skipped step that touched the slots would show. Eager, and in a traced {@code
   * eager.function}: the same numbers.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void scaleHalvesOnNonFiniteStepsSkippingThemAndDoublesAfterGrowthSteps(boolean traced) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable a = new Variable(tf, "a:0", tf.constant(new float[] {1f, -2f}), true);
      Variable b = new Variable(tf, "b:0", tf.constant(3f), true);
      List<Variable> vars = List.of(a, b);
      LossScaleOptimizer lso = new LossScaleOptimizer(new SGD(LR).momentum(MOMENTUM), 8f, 2);
      lso.build(vars);
      EagerFunction<Operand<TFloat32>> step =
          eager.function(
              (Ops g, Operand<TFloat32> ga, Operand<TFloat32> gb) -> {
                lso.applyGradients(g, List.of(ga, gb), vars);
                return ga;
              });

      float inf = Float.POSITIVE_INFINITY;
      float[][] gradA = {{8f, -4f}, {16f, 8f}, {inf, 1f}, {2f, 2f}, {4f, -8f}, {12f, 4f}};
      float[] gradB = {4f, -8f, 1f, Float.NaN, 2f, -4f};
      // The oracle: Keras's SGD with momentum (v = m*v - lr*g; w += v) on g / scale when finite.
      double[] w = {1, -2, 3};
      double[] v = {0, 0, 0};
      double scale = 8;
      long counter = 0;
      long iterations = 0;
      float[] expectedScales = {8, 16, 8, 4, 4, 8};
      for (int s = 0; s < gradA.length; s++) {
        double[] g = {gradA[s][0], gradA[s][1], gradB[s]};
        boolean finite = true;
        for (double x : g) {
          finite &= Double.isFinite(x);
        }
        if (finite) {
          for (int i = 0; i < 3; i++) {
            v[i] = MOMENTUM * v[i] - LR * (g[i] / scale);
            w[i] += v[i];
          }
          iterations++;
          if (counter == 1) {
            counter = 0;
            scale *= 2;
          } else {
            counter++;
          }
        } else {
          counter = 0;
          scale /= 2;
        }
        assertEquals(expectedScales[s], scale, "the hand oracle itself, step " + s);

        Operand<TFloat32> ga = tf.constant(gradA[s]);
        Operand<TFloat32> gb = tf.constant(gradB[s]);
        if (traced) {
          step.call(ga, gb);
        } else {
          lso.applyGradients(tf, List.of(ga, gb), vars);
        }
        String at = (traced ? "traced" : "eager") + " step " + (s + 1);
        float[] av = floats(a.value(tf));
        assertEquals(w[0], av[0], 1e-6, at + ": a[0]");
        assertEquals(w[1], av[1], 1e-6, at + ": a[1]");
        assertEquals(w[2], scalar(b.value(tf)), 1e-6, at + ": b");
        float[] momentumA = floats(lso.slot(a, "momentum").value(tf));
        assertEquals(v[0], momentumA[0], 1e-6, at + ": a's momentum");
        assertEquals(v[2], scalar(lso.slot(b, "momentum").value(tf)), 1e-6, at + ": b's momentum");
        assertEquals(scale, lso.scale(), at + ": scale");
        assertEquals(counter, int64(lso.stepCounter().value(tf)), at + ": step counter");
        assertEquals(iterations, int64(lso.iterations().value(tf)), at + ": iterations (applied steps)");
      }
      assertEquals(traced ? 1 : 0, step.tracingCount(), "one trace for every step");
    }
  }

  @Test
  void scaleLossMultipliesByTheCurrentScaleAndTheGradientsComeBackUnscaled() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable w = new Variable(tf, "w:0", tf.constant(2f), true);
      LossScaleOptimizer lso = new LossScaleOptimizer(new SGD(1f));
      assertEquals(32768f, lso.scale(), "Keras's initial scale before the build");
      Operand<TFloat32> loss;
      List<Operand<?>> grads;
      try (GradientTape tape = new GradientTape(tf)) {
        loss = tf.math.mul(w.<TFloat32>value(tf), tf.constant(3f)); // d loss / dw = 3
        Operand<TFloat32> scaled = lso.scaleLoss(tf, loss);
        assertEquals(6f * 32768f, scalar(scaled));
        grads = new ArrayList<>(tape.gradient(scaled, List.of(w)));
        assertEquals(3f * 32768f, scalar(grads.get(0)));
        lso.applyGradients(tf, grads, List.of(w));
      }
      assertEquals(2f - 3f, scalar(w.value(tf)), 1e-6, "SGD(1) took the unscaled gradient");
      assertEquals(List.of("loss_scale_optimizer/step_counter:0", "loss_scale_optimizer/dynamic_scale:0",
          "SGD/iteration:0", "SGD/learning_rate:0"),
          lso.variables().stream().map(Variable::name).toList());
    }
  }

  @Test
  void optionsKerasRefusesOnTheWrapperNameTheInnerOptimizer() {
    LossScaleOptimizer lso = new LossScaleOptimizer(new Adam());
    assertTrue(assertThrows(UnsupportedOperationException.class, () -> lso.clipnorm(1f))
        .getMessage().contains("set it on the inner optimizer (adam)"));
    assertThrows(UnsupportedOperationException.class, () -> lso.weightDecay(0.1f));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new LossScaleOptimizer(new Adam(), 0f, 10))
        .getMessage().contains("initialScale must be finite and > 0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new LossScaleOptimizer(new Adam(), 8f, 0))
        .getMessage().contains("dynamicGrowthSteps must be >= 1"));
    assertThrows(IllegalArgumentException.class, () -> new LossScaleOptimizer(lso));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Optimizers.get("lossscaleoptimizer"))
        .getMessage().contains("lossscaleoptimizer"), "Keras has no usable string for it either");
  }

  /**
   * {@code fit} scales the loss and lets the optimizer skip its own steps: with an initial scale of
   * 2^126 the first scaled losses overflow float32, so the first steps are skipped (and the scale
   * halves) until the scaled gradients are finite; compiled and eager fit agree on every weight,
   * the scale, the counter and {@code iterations}, the logged loss is unscaled, and the skips are
   * not reported as the non-finite guard's.
   */
  @Test
  void fitScalesTheLossAndCompiledAndEagerAgree() {
    Random r = new Random(4);
    FloatNdArray x = NdArrays.ofFloats(Shape.of(64, 3));
    FloatNdArray y = NdArrays.ofFloats(Shape.of(64, 1));
    for (int i = 0; i < 64; i++) {
      float t = 0;
      for (int j = 0; j < 3; j++) {
        float xi = r.nextFloat() * 2 - 1;
        x.setFloat(xi, i, j);
        t += (j + 1) * xi;
      }
      y.setFloat(t + 5f, i, 0);
    }
    float[][] weights = new float[2][];
    float[] scales = new float[2];
    long[] iterations = new long[2];
    double[] lastLoss = new double[2];
    for (int run = 0; run < 2; run++) {
      Layer.clearNameCounters();
      try (Eager eager = Eager.create()) {
        Ops tf = eager.tf();
        KerasLite.setRandomSeed(3);
        Sequential model = new Sequential(Input.of(3), new Dense(1));
        LossScaleOptimizer lso = new LossScaleOptimizer(new SGD(0.05f), (float) Math.pow(2, 126), 4);
        model.compile(tf, lso, new MeanSquaredError());
        model.setRunEagerly(run == 1);
        History h = model.fit(x, y, FitOptions.epochs(3).batchSize(8).shuffle(false).verbose(0));
        // 24 steps; the loss (~25) times 2^126 overflows: log2(3.4e38 / (2 * 25 * 8)) ~ 119, so
        // about 7 halvings are skipped first, then every finite step applies, doubling every 4.
        long applied = int64(lso.iterations().value(tf));
        assertTrue(applied >= 12 && applied <= 20, "applied steps " + applied);
        assertEquals(List.of(0L, 0L, 0L), h.skippedSteps(), "not the guard's skips");
        List<Double> loss = h.history().get("loss");
        assertTrue(loss.get(2) < loss.get(0) && loss.get(2) < 100, "unscaled loss, falling: " + loss);
        List<Float> all = new ArrayList<>();
        for (Variable v : model.variables()) {
          for (float f : floats(v.value(tf))) {
            all.add(f);
          }
        }
        weights[run] = new float[all.size()];
        for (int i = 0; i < all.size(); i++) {
          weights[run][i] = all.get(i);
        }
        scales[run] = lso.scale();
        iterations[run] = applied;
        lastLoss[run] = loss.get(2);
        // Each skip halves the scale; each doubling takes 4 finite steps in a row.
        long skipped = 24 - applied;
        double log2 = Math.log(scales[run]) / Math.log(2);
        assertEquals(Math.rint(log2), log2, 1e-9, "a power of two: " + scales[run]);
        assertTrue(log2 >= 126 - skipped && log2 <= 126 - skipped + applied / 4, "scale 2^" + log2);
        assertTrue(int64(lso.stepCounter().value(tf)) < 4, "step counter");
      }
    }
    assertEquals(iterations[0], iterations[1], "iterations, compiled and eager");
    assertEquals(scales[0], scales[1], "scale, compiled and eager");
    assertArrayEquals(weights[0], weights[1], 1e-5f, "weights, compiled and eager");
    assertEquals(lastLoss[0], lastLoss[1], 1e-4 * lastLoss[0], "loss, compiled and eager");
  }
}
