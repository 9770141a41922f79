package dev.keraslite.losses;

import static dev.keraslite.autodiff.GradientCheck.Input.random;

import dev.keraslite.autodiff.GradientCheck;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Every built-in loss is differentiable with respect to its predictions through the keras-lite tape:
 * tape gradients against finite differences and TensorFlow's graph gradients (float32, inputs kept
 * away from the kinks of MAE, Huber and hinge and inside the probability clip).
 */
@SuppressWarnings({"unchecked", "rawtypes"})
class LossGradientsTest {
  private static final float[][] ONE_HOT = {{0, 1, 0}, {1, 0, 0}};
  private static final float[][] POSITIVE = {{1.5f, 0.5f, 2f}, {3f, 1f, 0.25f}};
  private static final int[] LABELS = {1, 0};

  private static GradientCheck.Fn dense(Supplier<Loss> loss, float[][] yTrue) {
    return (tf, x) -> loss.get().apply(tf, tf.constant(yTrue), (Operand<TFloat32>) x.get(0));
  }

  private static void check(GradientCheck.Fn f) {
    GradientCheck.float32().check(f, random(3, 0.1, 0.9, 2, 3));
  }

  @Test
  void regressionLosses() {
    check(dense(MeanSquaredError::new, ONE_HOT));
    check(dense(MeanAbsoluteError::new, ONE_HOT));
    check(dense(MeanAbsolutePercentageError::new, POSITIVE));
    check(dense(MeanSquaredLogarithmicError::new, POSITIVE));
    check(dense(Huber::new, ONE_HOT));
    check(dense(LogCosh::new, ONE_HOT));
    check(dense(Poisson::new, POSITIVE));
    check(dense(Hinge::new, ONE_HOT));
    check(dense(CosineSimilarity::new, POSITIVE));
    check(dense(KLDivergence::new, new float[][] {{0.2f, 0.5f, 0.3f}, {0.6f, 0.1f, 0.3f}}));
  }

  @Test
  void crossentropiesOnProbabilitiesAndLogits() {
    check(dense(BinaryCrossentropy::new, ONE_HOT));
    check(dense(() -> new BinaryCrossentropy(true, 0.1f), ONE_HOT));
    check(dense(CategoricalCrossentropy::new, ONE_HOT));
    check(dense(() -> new CategoricalCrossentropy(true, 0.1f), ONE_HOT));
    check(
        (tf, x) ->
            new SparseCategoricalCrossentropy()
                .apply(tf, tf.constant(LABELS), (Operand<TFloat32>) x.get(0)));
  }

  @Test
  void sparseFromLogits() {
    // TensorFlow's C++ registry has no gradient for SparseSoftmaxCrossEntropyWithLogits (docs/ARCHITECTURE.md §1.8).
    GradientCheck.float32()
        .withoutGraphOracle("no C++ gradient for SparseSoftmaxCrossEntropyWithLogits")
        .check(
            (tf, x) ->
                new SparseCategoricalCrossentropy(true)
                    .apply(tf, tf.constant(LABELS), (Operand<TFloat32>) x.get(0)),
            random(3, -2, 2, 2, 3));
  }
}
