package dev.keraslite.internal.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.Variable;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * GradientTape through the fast path: the tutorial's linear regression, whose gradients and SGD
 * trajectory have closed forms (docs/ARCHITECTURE.md §3), and identical numbers on TensorFlow Java's builders.
 */
@SuppressWarnings("unchecked")
class FastDispatchGradientTest {
  private static final float[][] X = {{1, 2, 3}, {4, 5, 6}};
  private static final float[][] Y = {{10}, {20}};

  /** Kernel, bias and loss after {@code steps} SGD steps with learning rate 0.01 from {@code k0, b0}. */
  private static float[] train(Eager eager, float[] k0, float b0, int steps) {
    Ops tf = eager.tf();
    Variable kernel =
        new Variable(tf, "linear/kernel:0", tf.constant(new float[][] {{k0[0]}, {k0[1]}, {k0[2]}}), true);
    Variable bias = new Variable(tf, "linear/bias:0", tf.constant(new float[] {b0}), true);
    Operand<TFloat32> x = eager.keep(tf.constant(X));
    Operand<TFloat32> y = eager.keep(tf.constant(Y));
    Operand<TFloat32> learningRate = eager.keep(tf.constant(0.01f));
    float loss = Float.NaN;
    for (int step = 0; step < steps; step++) {
      try (GradientTape tape = new GradientTape(tf)) {
        Operand<TFloat32> prediction = tf.math.add(tf.linalg.matMul(x, kernel.<TFloat32>value(tf)), bias.<TFloat32>value(tf));
        Operand<TFloat32> value = tf.math.mean(tf.math.square(tf.math.sub(prediction, y)), tf.constant(new int[] {0, 1}));
        List<Operand<?>> grads = tape.gradient(value, List.of(kernel, bias));
        loss = value.asTensor().getFloat();
        kernel.assignSub(tf, tf.math.mul(learningRate, (Operand<TFloat32>) grads.get(0)));
        bias.assignSub(tf, tf.math.mul(learningRate, (Operand<TFloat32>) grads.get(1)));
      }
    }
    Operand<TFloat32> k = kernel.<TFloat32>value(tf);
    return new float[] {
      k.asTensor().getFloat(0, 0),
      k.asTensor().getFloat(1, 0),
      k.asTensor().getFloat(2, 0),
      bias.<TFloat32>value(tf).asTensor().getFloat(0),
      loss
    };
  }

  @Test
  void gradientsOfMatMulAddLossHaveTheClosedForm() {
    float[] k = {0.1f, -0.2f, 0.3f};
    float b = 0.5f;
    try (Eager eager = Eager.create(true)) {
      Ops tf = eager.tf();
      Operand<TFloat32> kernel = tf.constant(new float[][] {{k[0]}, {k[1]}, {k[2]}});
      Operand<TFloat32> bias = tf.constant(new float[] {b});
      try (GradientTape tape = new GradientTape(tf)) {
        tape.watch(kernel);
        tape.watch(bias);
        Operand<TFloat32> residual =
            tf.math.sub(tf.math.add(tf.linalg.matMul(tf.constant(X), kernel), bias), tf.constant(Y));
        Operand<TFloat32> loss = tf.math.mean(tf.math.square(residual), tf.constant(new int[] {0, 1}));
        List<Operand<?>> grads = tape.gradient(loss, List.of(kernel, bias));
        // d/dk mean(r²) = (2/n) Xᵀ r, d/db = (2/n) Σ r, with r = Xk + b − y and n = 2.
        double[] r = new double[2];
        for (int i = 0; i < 2; i++) {
          r[i] = X[i][0] * (double) k[0] + X[i][1] * (double) k[1] + X[i][2] * (double) k[2] + b - Y[i][0];
        }
        Operand<TFloat32> dk = (Operand<TFloat32>) grads.get(0);
        for (int j = 0; j < 3; j++) {
          assertEquals(X[0][j] * r[0] + X[1][j] * r[1], dk.asTensor().getFloat(j, 0), 1e-4);
        }
        assertEquals(r[0] + r[1], ((Operand<TFloat32>) grads.get(1)).asTensor().getFloat(0), 1e-4);
      }
      assertTrue(FastAndSlow.dispatcher(eager).fastOpCount() > 10);
      assertEquals(0, FastAndSlow.dispatcher(eager).javaOpCount());
    }
  }

  @Test
  void firstStepOfTheTutorial() {
    try (Eager eager = Eager.create(true)) {
      float[] after = train(eager, new float[3], 0, 1);
      assertArrayEquals(new float[] {0.9f, 1.2f, 1.5f}, new float[] {after[0], after[1], after[2]}, 1e-6f);
      assertEquals(0.3f, after[3], 1e-6f);
      assertEquals(250f, after[4]);
    }
  }

  @Test
  void hundredStepsMatchTheTutorialAndTheSlowPathExactly() {
    float[] fast;
    float[] slow;
    try (Eager eager = Eager.create(true)) {
      fast = train(eager, new float[3], 0, 100);
    }
    try (Eager eager = Eager.create(false)) {
      slow = train(eager, new float[3], 0, 100);
    }
    // TUTORIAL.md §3: after 100 steps kernel [0.407845, 1.191065, 1.974286], bias 0.783221, and
    // the loss computed in the 100th tape (before its update) 0.152909; relative tolerance ~1e-5.
    assertArrayEquals(
        new float[] {0.407845f, 1.191065f, 1.974286f, 0.783221f, 0.152909f},
        fast,
        2e-5f);
    assertArrayEquals(slow, fast);
  }
}
