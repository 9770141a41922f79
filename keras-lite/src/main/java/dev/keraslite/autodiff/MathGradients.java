package dev.keraslite.autodiff;

import static dev.keraslite.autodiff.Broadcasting.reduceTo;

import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;

/** Gradients of element-wise arithmetic, reductions and matrix products. */
@SuppressWarnings({"unchecked", "rawtypes"})
final class MathGradients {
  private MathGradients() {}

  static void registerAll() {
    GradientFunction add =
        (tf, op, g) -> List.of(reduceTo(tf, g.get(0), op.input(0)), reduceTo(tf, g.get(0), op.input(1)));
    Gradients.register("Add", add);
    Gradients.register("AddV2", add);
    Gradients.register(
        "Sub",
        (tf, op, g) ->
            List.of(
                reduceTo(tf, g.get(0), op.input(0)),
                reduceTo(tf, tf.math.neg((Operand) g.get(0)), op.input(1))));
    Gradients.register(
        "Mul",
        (tf, op, g) ->
            List.of(
                reduceTo(tf, tf.math.mul((Operand) g.get(0), (Operand) op.input(1)), op.input(0)),
                reduceTo(tf, tf.math.mul((Operand) op.input(0), (Operand) g.get(0)), op.input(1))));
    Gradients.register("Neg", (tf, op, g) -> List.of(tf.math.neg((Operand) g.get(0))));
    Gradients.register(
        "Square",
        (tf, op, g) ->
            List.of(
                tf.math.mul(
                    (Operand) g.get(0),
                    tf.math.mul((Operand) op.input(0), (Operand) constantLike(tf, 2, op.input(0))))));
    Gradients.register("Sum", MathGradients::sumGradient);
    Gradients.register("Mean", MathGradients::meanGradient);
    Gradients.register("MatMul", MathGradients::matMulGradient);
  }

  /** A scalar of {@code x}'s dtype. */
  static Operand<?> constantLike(Ops tf, double value, Operand<?> x) {
    return tf.dtypes.cast(tf.constant(value), (Class) x.type());
  }

  private static List<Operand<?>> sumGradient(Ops tf, RecordedOp op, List<Operand<?>> g) {
    Operand<?> input = op.input(0);
    Operand<?> keptDims = keepDimsShape(tf, input, op.input(1));
    Operand<?> grad = tf.reshape((Operand) g.get(0), (Operand) keptDims);
    return Arrays.asList(tf.broadcastTo((Operand) grad, tf.shape(input)), null);
  }

  private static List<Operand<?>> meanGradient(Ops tf, RecordedOp op, List<Operand<?>> g) {
    Operand<?> input = op.input(0);
    Operand<?> summed = sumGradient(tf, op, g).get(0);
    Operand<?> count =
        tf.dtypes.cast(
            tf.math.div(tf.size(input), tf.math.maximum(tf.size(op.output(0)), tf.constant(1))),
            (Class) input.type());
    return Arrays.asList(tf.math.div((Operand) summed, (Operand) count), null);
  }

  /** The shape of {@code input} with reduced axes set to 1 (as keep_dims would leave it). */
  static Operand<?> keepDimsShape(Ops tf, Operand<?> input, Operand<?> axes) {
    Operand shape = tf.shape(input);
    Operand rank = tf.rank(input);
    Operand axesI32 = tf.dtypes.cast((Operand) axes, TInt32.class);
    // Normalise negative axes, then stitch ones into the shape at the reduced axes.
    Operand positive = tf.math.floorMod(tf.reshape(axesI32, tf.constant(new int[] {-1})), rank);
    Operand all = tf.range(tf.constant(0), rank, tf.constant(1));
    return tf.dynamicStitch(List.of(all, positive), List.of(shape, tf.onesLike(positive)));
  }

  private static List<Operand<?>> matMulGradient(Ops tf, RecordedOp op, List<Operand<?>> g) {
    boolean ta = op.attrBool("transpose_a", false);
    boolean tb = op.attrBool("transpose_b", false);
    Operand a = op.input(0);
    Operand b = op.input(1);
    Operand grad = g.get(0);
    Operand ga;
    Operand gb;
    if (!ta && !tb) {
      ga = matmul(tf, grad, b, false, true);
      gb = matmul(tf, a, grad, true, false);
    } else if (!ta) {
      ga = matmul(tf, grad, b, false, false);
      gb = matmul(tf, grad, a, true, false);
    } else if (!tb) {
      ga = matmul(tf, b, grad, false, true);
      gb = matmul(tf, a, grad, false, false);
    } else {
      ga = matmul(tf, b, grad, true, true);
      gb = matmul(tf, grad, a, true, true);
    }
    return List.of(ga, gb);
  }

  static Operand matmul(Ops tf, Operand x, Operand y, boolean ta, boolean tb) {
    return tf.linalg.matMul(
        x,
        y,
        org.tensorflow.op.linalg.MatMul.transposeA(ta),
        org.tensorflow.op.linalg.MatMul.transposeB(tb));
  }
}
