package dev.keraslite.samples;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.Variable;
import java.util.List;
import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The previous chapter's tape example: linear regression with two variables updated by hand.
 *
 * <p>Python original (A Concise Handbook of TensorFlow 2, "TensorFlow basics"): {@code a}, {@code b}
 * as {@code tf.Variable}s, {@code with tf.GradientTape() as tape: loss = ...}, {@code
 * tape.gradient(loss, [a, b])}. Deliberate differences: the model is the chapter's matrix form
 * (X·a + b with X of shape [2, 3]), and the update is plain gradient descent written with {@code
 * assignSub} instead of an optimizer, to show the tape on its own.
 */
public final class ManualLinearRegression {
  /** Learning rate of the hand-written gradient-descent step. */
  static final float LEARNING_RATE = 0.01f;

  /** The fitted parameters and the loss of the last step. */
  public record Result(float[] a, float b, float lastLoss) {}

  private ManualLinearRegression() {}

  /** Trains for {@code steps} steps and returns the parameters. */
  public static Result run(int steps) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> x = tf.constant(new float[][] {{1f, 2f, 3f}, {4f, 5f, 6f}});
      Operand<TFloat32> y = tf.constant(new float[][] {{10f}, {20f}});
      Variable a = new Variable(tf, "a:0", tf.zeros(tf.constant(new int[] {3, 1}), TFloat32.class), true);
      Variable b = new Variable(tf, "b:0", tf.zeros(tf.constant(new int[] {1}), TFloat32.class), true);
      Operand<TFloat32> lr = tf.constant(LEARNING_RATE);

      float lastLoss = Float.NaN;
      for (int i = 0; i < steps; i++) {
        try (GradientTape tape = new GradientTape(tf)) {
          Operand<TFloat32> yPred = tf.math.add(tf.linalg.matMul(x, a.value(tf)), b.value(tf));
          Operand<TFloat32> loss =
              tf.math.mean(tf.math.square(tf.math.sub(yPred, y)), tf.constant(new int[] {0, 1}));
          List<Operand<?>> grads = tape.gradient(loss, List.of(a, b));
          a.assignSub(tf, tf.math.mul(lr, cast(grads.get(0))));
          b.assignSub(tf, tf.math.mul(lr, cast(grads.get(1))));
          lastLoss = loss.asTensor().getFloat(); // read before the tape closes and frees the step
        }
      }
      float[] aValues = new float[3];
      try (TFloat32 t = a.<TFloat32>value(tf).asTensor()) {
        for (int i = 0; i < 3; i++) {
          aValues[i] = t.getFloat(i, 0);
        }
      }
      float bValue;
      try (TFloat32 t = b.<TFloat32>value(tf).asTensor()) {
        bValue = t.getFloat(0);
      }
      return new Result(aValues, bValue, lastLoss);
    }
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> cast(Operand<?> gradient) {
    return (Operand<TFloat32>) gradient;
  }

  /** What the example prints: the final variables and the last loss. */
  static void print(Result r) {
    System.out.printf(
        Locale.ROOT, "a = [%f, %f, %f], b = %f, loss = %f%n", r.a()[0], r.a()[1], r.a()[2], r.b(), r.lastLoss());
  }

  public static void main(String[] args) {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    print(run(steps));
  }
}
