package dev.keraslite.autodiff;

import dev.keraslite.internal.fast.KeptConstants;
import dev.keraslite.internal.fast.FastShape;
import static dev.keraslite.autodiff.Broadcasting.reduceTo;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.function.BinaryOperator;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.ndarray.buffer.IntDataBuffer;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.op.core.Prod;
import org.tensorflow.op.core.Sum;
import org.tensorflow.op.math.Cumprod;
import org.tensorflow.op.math.Cumsum;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * Gradients of element-wise arithmetic, reductions, matrix products, selection and casts, with
 * TensorFlow's semantics ({@code python/ops/math_grad.py}).
 *
 * <p>Every binary op undoes broadcasting with {@link Broadcasting#reduceTo}. Each function works on
 * static shapes (always known eagerly, where it avoids shape ops) and on unknown shapes (traced
 * graphs, where it computes shapes with {@code tf.shape} at run time). Gradients are built from ops
 * that have gradients themselves, so tapes nest for second derivatives.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
final class MathGradients {
  private MathGradients() {}

  static void registerAll() {
    registerArithmetic();
    registerUnary();
    registerReductions();
    registerMatrixProducts();
    registerSelectionAndCasts();
    registerNonDifferentiable();
  }

  // ---- element-wise binary ops ---------------------------------------------------------------

  private static void registerArithmetic() {
    // Each rule builds only the gradients the backward pass needs (RecordedOp.needsGradient):
    // labels and inputs that no source reaches get none, which saves ops on every step.
    GradientFunction add =
        (tf, op, g) ->
            Arrays.asList(
                op.needsGradient(0) ? reduceTo(tf, g.get(0), x(op)) : null,
                op.needsGradient(1) ? reduceTo(tf, g.get(0), y(op)) : null);
    Gradients.register("Add", add);
    Gradients.register("AddV2", add);
    Gradients.register(
        "Sub",
        (tf, op, g) ->
            Arrays.asList(
                op.needsGradient(0) ? reduceTo(tf, g.get(0), x(op)) : null,
                op.needsGradient(1) ? neg(tf, reduceTo(tf, g.get(0), y(op))) : null));
    Gradients.register(
        "Mul",
        (tf, op, g) ->
            Arrays.asList(
                op.needsGradient(0) ? reduceTo(tf, mul(tf, g.get(0), y(op)), x(op)) : null,
                op.needsGradient(1) ? reduceTo(tf, mul(tf, x(op), g.get(0)), y(op)) : null));
    Gradients.register("Div", (tf, op, g) -> divGradient(tf, op, g.get(0), tf.math::div));
    Gradients.register("RealDiv", (tf, op, g) -> divGradient(tf, op, g.get(0), tf.math::realDiv));
    Gradients.register("DivNoNan", (tf, op, g) -> divGradient(tf, op, g.get(0), tf.math::divNoNan));
    Gradients.register("Pow", MathGradients::powGradient);
    // Ties go to x, as in TensorFlow (x >= y for Maximum, x <= y for Minimum).
    Gradients.register(
        "Maximum",
        (tf, op, g) -> splitByMask(tf, op, g.get(0), tf.math.greaterEqual(x(op), y(op))));
    Gradients.register(
        "Minimum", (tf, op, g) -> splitByMask(tf, op, g.get(0), tf.math.lessEqual(x(op), y(op))));
    Gradients.register(
        "SquaredDifference",
        (tf, op, g) -> {
          Operand twiceDiff = mul(tf, constantLike(tf, 2, x(op)), tf.math.sub(x(op), y(op)));
          Operand scaled = mul(tf, g.get(0), twiceDiff);
          return Arrays.asList(
              op.needsGradient(0) ? reduceTo(tf, scaled, x(op)) : null,
              op.needsGradient(1) ? neg(tf, reduceTo(tf, scaled, y(op))) : null);
        });
    // x - floor(x / y) * y: slope 1 in x and -floor(x / y) in y between the jumps.
    Gradients.register(
        "FloorMod", (tf, op, g) -> modGradient(tf, op, g.get(0), tf.math.floorDiv(x(op), y(op))));
    // Truncated modulo x - trunc(x / y) * y. TensorFlow registers no gradient for it; its slopes
    // are FloorMod's with the truncated quotient.
    Gradients.register(
        "Mod", (tf, op, g) -> modGradient(tf, op, g.get(0), tf.math.truncateDiv(x(op), y(op))));
  }

  /**
   * The division ops share one rule; {@code div} is the op's own division (Div, RealDiv, DivNoNan).
   */
  private static List<Operand<?>> divGradient(
      Ops tf, RecordedOp op, Operand<?> grad, BinaryOperator<Operand> div) {
    // d(x/y)/dy = -(x/y)/y: reuse g/y and the output rather than divide x by y twice. With
    // DivNoNan both factors are 0 where y is 0, as in TensorFlow's gradient.
    Operand gOverY = div.apply(grad, y(op));
    return Arrays.asList(
        op.needsGradient(0) ? reduceTo(tf, gOverY, x(op)) : null,
        op.needsGradient(1)
            ? neg(tf, reduceTo(tf, mul(tf, gOverY, op.output(0)), y(op)))
            : null);
  }

  /** FloorMod and Mod: x - q * y with the piecewise-constant quotient q. */
  private static List<Operand<?>> modGradient(
      Ops tf, RecordedOp op, Operand<?> grad, Operand<?> quotient) {
    return Arrays.asList(
        op.needsGradient(0) ? reduceTo(tf, grad, x(op)) : null,
        op.needsGradient(1) ? neg(tf, reduceTo(tf, mul(tf, grad, quotient), y(op))) : null);
  }

  private static List<Operand<?>> powGradient(Ops tf, RecordedOp op, List<Operand<?>> g) {
    Operand x = x(op);
    Operand y = y(op);
    Operand grad = g.get(0);
    Operand one = constantLike(tf, 1, x);
    Operand zero = constantLike(tf, 0, x);
    Operand gx = mul(tf, grad, mul(tf, y, tf.math.pow(x, tf.math.sub(y, one))));
    // log(x) only where x > 0; elsewhere TensorFlow uses 0 (no real value makes sense), and the
    // log of a safe stand-in keeps NaN out of the unused branch and of second derivatives.
    Operand positive = tf.math.greater(x, zero);
    Operand logX = tf.select(positive, tf.math.log(tf.select(positive, x, one)), zero);
    Operand gy = mul(tf, grad, mul(tf, op.output(0), logX));
    return List.of(reduceTo(tf, gx, x), reduceTo(tf, gy, y));
  }

  /** Maximum and Minimum: the gradient goes to x where {@code xWins}, to y elsewhere. */
  private static List<Operand<?>> splitByMask(Ops tf, RecordedOp op, Operand grad, Operand xWins) {
    Operand zero = constantLike(tf, 0, grad);
    return Arrays.asList(
        op.needsGradient(0) ? reduceTo(tf, tf.select(xWins, grad, zero), x(op)) : null,
        op.needsGradient(1) ? reduceTo(tf, tf.select(xWins, zero, grad), y(op)) : null);
  }

  // ---- element-wise unary ops ----------------------------------------------------------------

  private static void registerUnary() {
    Gradients.register("Neg", (tf, op, g) -> List.of(neg(tf, g.get(0))));
    Gradients.register(
        "Square",
        (tf, op, g) -> List.of(mul(tf, g.get(0), mul(tf, x(op), constantLike(tf, 2, x(op))))));
    Gradients.register("Exp", (tf, op, g) -> List.of(mul(tf, g.get(0), op.output(0))));
    Gradients.register("Log", (tf, op, g) -> List.of(tf.math.div((Operand) g.get(0), x(op))));
    Gradients.register(
        "Log1p",
        (tf, op, g) ->
            List.of(
                tf.math.div((Operand) g.get(0), tf.math.add(constantLike(tf, 1, x(op)), x(op)))));
    Gradients.register("Abs", (tf, op, g) -> List.of(mul(tf, g.get(0), tf.math.sign(x(op)))));
    // TensorFlow returns zeros for Sign (not None), in both its Python and C++ registries.
    Gradients.register("Sign", (tf, op, g) -> List.of(tf.zerosLike(x(op))));

    // The fused kernels take the output and the incoming gradient ...
    Gradients.register(
        "Sqrt",
        (tf, op, g) -> List.of(tf.math.sqrtGrad((Operand) op.output(0), (Operand) g.get(0))));
    Gradients.register(
        "Rsqrt",
        (tf, op, g) -> List.of(tf.math.rsqrtGrad((Operand) op.output(0), (Operand) g.get(0))));
    Gradients.register(
        "Reciprocal",
        (tf, op, g) -> List.of(tf.math.reciprocalGrad((Operand) op.output(0), (Operand) g.get(0))));

    // ... and have gradients of their own, for second derivatives (a, b: inputs 0 and 1).
    // SqrtGrad(a, b) = 0.5 * b / a.
    Gradients.register(
        "SqrtGrad",
        (tf, op, g) -> {
          Operand gOverA = tf.math.div((Operand) g.get(0), x(op));
          return List.of(
              neg(tf, mul(tf, gOverA, op.output(0))),
              mul(tf, constantLike(tf, 0.5, x(op)), gOverA));
        });
    // RsqrtGrad(a, b) = -0.5 * b * a^3.
    Gradients.register(
        "RsqrtGrad",
        (tf, op, g) -> {
          Operand a = x(op);
          Operand slope = mul(tf, constantLike(tf, -1.5, a), mul(tf, y(op), tf.math.square(a)));
          return List.of(mul(tf, g.get(0), slope), tf.math.rsqrtGrad(a, (Operand) g.get(0)));
        });
    // ReciprocalGrad(a, b) = -b * a^2.
    Gradients.register(
        "ReciprocalGrad",
        (tf, op, g) -> {
          Operand a = x(op);
          Operand slope = mul(tf, constantLike(tf, -2, a), mul(tf, y(op), a));
          return List.of(mul(tf, g.get(0), slope), tf.math.reciprocalGrad(a, (Operand) g.get(0)));
        });
  }

  // ---- reductions and scans ------------------------------------------------------------------

  private static void registerReductions() {
    Gradients.register("Sum", MathGradients::sumGradient);
    Gradients.register("Mean", MathGradients::meanGradient);
    Gradients.register("Max", MathGradients::minOrMaxGradient);
    Gradients.register("Min", MathGradients::minOrMaxGradient);
    Gradients.register("Prod", MathGradients::prodGradient);
    // Each input element reaches the outputs after it (before it, reversed): scan the other way.
    Gradients.register("Cumsum", (tf, op, g) -> Arrays.asList(reverseScan(tf, op, g.get(0)), null));
    // TensorFlow's rule, which divides by x: like TensorFlow's, it is NaN where x is 0.
    Gradients.register(
        "Cumprod",
        (tf, op, g) ->
            Arrays.asList(
                tf.math.div(reverseScan(tf, op, mul(tf, op.output(0), g.get(0))), x(op)), null));
  }

  /**
   * Cumsum of {@code x} along the scan op's axis, with its exclusive flag and the opposite
   * direction.
   */
  private static Operand reverseScan(Ops tf, RecordedOp op, Operand<?> x) {
    return tf.math.cumsum(
        (Operand) x,
        y(op),
        Cumsum.exclusive(op.attrBool("exclusive", false)),
        Cumsum.reverse(!op.attrBool("reverse", false)));
  }

  private static List<Operand<?>> sumGradient(Ops tf, RecordedOp op, List<Operand<?>> g) {
    Operand<?> input = op.input(0);
    Operand<?> folded = foldedReductionGradient(tf, op, g.get(0), 1);
    if (folded != null) {
      return Arrays.asList(folded, null);
    }
    Operand<?> grad = toKeptDims(tf, op, g.get(0));
    return Arrays.asList(broadcastLike(tf, grad, input), null);
  }

  private static List<Operand<?>> meanGradient(Ops tf, RecordedOp op, List<Operand<?>> g) {
    Operand<?> input = op.input(0);
    Shape in = FastShape.of(input);
    Shape out = FastShape.of(op.output(0));
    Operand count;
    if (isFullyKnown(in) && isFullyKnown(out)) {
      long reduced = in.size() / Math.max(out.size(), 1);
      Operand<?> folded = foldedReductionGradient(tf, op, g.get(0), 1.0 / reduced);
      if (folded != null) {
        return Arrays.asList(folded, null);
      }
      count = constantLike(tf, reduced, input);
    } else {
      count =
          tf.dtypes.cast(
              tf.math.div(tf.size(input), tf.math.maximum(tf.size(op.output(0)), tf.constant(1))),
              (Class) input.type());
    }
    // Scale the small reduced gradient before it is spread over the input.
    Operand<?> scaled = tf.math.div((Operand) g.get(0), count);
    return Arrays.asList(broadcastLike(tf, toKeptDims(tf, op, scaled), input), null);
  }

  /**
   * Largest input (in elements) whose reduction gradient is folded into a kept constant: 16 KB of
   * float32, so that even a full cache of them (1,000 shapes) stays small.
   */
  private static final long FOLD_LIMIT = 1 << 12;

  /**
   * The gradient of a full reduction (scalar output) when the gradient flowing in is a kept scalar
   * constant, the loss's seed: the input's shape filled with that value times {@code scale}, a
   * kept constant as well, so the step issues no op for it. Null when it does not apply.
   */
  private static Operand<?> foldedReductionGradient(
      Ops tf, RecordedOp op, Operand<?> grad, double scale) {
    Double seed = KeptConstants.scalarValue(tf, grad);
    if (seed == null || !FastShape.of(op.output(0)).isScalar()) {
      return null;
    }
    Operand<?> input = op.input(0);
    Shape in = FastShape.of(input);
    if (!isFullyKnown(in) || in.size() > FOLD_LIMIT || !(TNumber.class.isAssignableFrom(input.type()))) {
      return null;
    }
    return KeptConstants.filled(tf, (Class) input.type(), in, seed * scale);
  }

  /** Max and Min: the gradient is split evenly among the elements equal to the result (ties). */
  private static List<Operand<?>> minOrMaxGradient(Ops tf, RecordedOp op, List<Operand<?>> g) {
    Operand input = op.input(0);
    Operand axes = op.input(1);
    Operand y = toKeptDims(tf, op, op.output(0));
    Operand grad = toKeptDims(tf, op, g.get(0));
    Operand indicators = tf.dtypes.cast(tf.math.equal(y, input), (Class) grad.type());
    Operand count = tf.sum(indicators, axes, Sum.keepDims(true));
    return Arrays.asList(tf.math.mul(tf.math.div(indicators, count), grad), null);
  }

  /**
   * Prod: the gradient of each element is the product of the other elements of its slice. It is
   * built from exclusive cumulative products, one reduced axis at a time, so zeros in the input
   * need no division: for axes a1..ak, the product over the slice without element e is prod_m
   * excl_m(P_{m-1}), where P_m is the input reduced over a1..am (keeping dims) and excl_m is the
   * product along a_m of all entries but e's. Needs the axes as a constant.
   */
  private static List<Operand<?>> prodGradient(Ops tf, RecordedOp op, List<Operand<?>> g) {
    Operand input = op.input(0);
    long[] axes = constantValues(op.input(1));
    if (axes == null) {
      throw new IllegalArgumentException(
          "The gradient of " + op + " needs constant reduction axes; got " + op.input(1));
    }
    int rank = FastShape.of(input).numDimensions();
    TreeSet<Long> distinct = new TreeSet<>();
    for (long a : axes) {
      // Cumprod and Prod accept negative axes themselves; normalise only to drop duplicates.
      distinct.add(rank >= 0 ? Math.floorMod(a, (long) rank) : a);
    }
    Operand others = null;
    Operand partial = input;
    for (long a : distinct) {
      Operand axis = tf.constant((int) a);
      Operand before = tf.math.cumprod(partial, axis, Cumprod.exclusive(true));
      Operand after =
          tf.math.cumprod(partial, axis, Cumprod.exclusive(true), Cumprod.reverse(true));
      Operand excluded = tf.math.mul(before, after);
      others = others == null ? excluded : tf.math.mul(others, excluded);
      partial = tf.prod(partial, axis, Prod.keepDims(true));
    }
    if (others == null) {
      // No axis reduced: Prod was the identity.
      return Arrays.asList(g.get(0), null);
    }
    // others has the input's shape, so the product broadcasts the kept-dims gradient over it.
    return Arrays.asList(tf.math.mul(toKeptDims(tf, op, g.get(0)), others), null);
  }

  /**
   * Reshapes {@code x}, shaped like the output of the reduction {@code op}, to the shape the output
   * would have with keep_dims, so that it broadcasts against the input. Returns x as is when it
   * already broadcasts: keep_dims was set, or the reduced axes are the leading ones.
   */
  private static Operand<?> toKeptDims(Ops tf, RecordedOp op, Operand<?> x) {
    if (op.attrBool("keep_dims", false)) {
      return x;
    }
    Operand<?> input = op.input(0);
    Operand<?> axes = op.input(1);
    Shape in = FastShape.of(input);
    long[] values = isFullyKnown(in) ? constantValues(axes) : null;
    if (values != null) {
      int rank = in.numDimensions();
      boolean[] reduced = new boolean[rank];
      for (long a : values) {
        reduced[(int) Math.floorMod(a, (long) rank)] = true;
      }
      int leading = 0;
      while (leading < rank && reduced[leading]) {
        leading++;
      }
      boolean onlyLeading = true;
      for (int i = leading; i < rank; i++) {
        onlyLeading &= !reduced[i];
      }
      if (onlyLeading) {
        return x;
      }
      int[] kept = new int[rank];
      for (int i = 0; i < rank; i++) {
        kept[i] = reduced[i] ? 1 : (int) in.get(i);
      }
      return tf.reshape((Operand) x, KeptConstants.ints(tf, kept));
    }
    return tf.reshape((Operand) x, (Operand) keepDimsShape(tf, input, axes));
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

  /**
   * {@code grad} broadcast to the shape of {@code input}. Adds zeros rather than using BroadcastTo
   * or Tile so that the result stays differentiable with this family's own gradients (Add).
   */
  private static Operand<?> broadcastLike(Ops tf, Operand<?> grad, Operand<?> input) {
    Shape from = FastShape.of(grad);
    Shape target = FastShape.of(input);
    if (isFullyKnown(from) && from.equals(target)) {
      return grad;
    }
    if (isFullyKnown(target)) {
      return tf.broadcastTo((Operand) grad, KeptConstants.ints(tf, target.asArray()));
    }
    return tf.math.add((Operand) grad, tf.zerosLike((Operand) input));
  }

  // ---- matrix products -----------------------------------------------------------------------

  private static void registerMatrixProducts() {
    Gradients.register("MatMul", MathGradients::matMulGradient);
    GradientFunction batch = MathGradients::batchMatMulGradient;
    Gradients.register("BatchMatMul", batch);
    Gradients.register("BatchMatMulV2", batch);
    Gradients.register("BatchMatMulV3", batch);
  }

  private static List<Operand<?>> matMulGradient(Ops tf, RecordedOp op, List<Operand<?>> g) {
    boolean ta = op.attrBool("transpose_a", false);
    boolean tb = op.attrBool("transpose_b", false);
    Operand a = op.input(0);
    Operand b = op.input(1);
    Operand grad = g.get(0);
    boolean needA = op.needsGradient(0);
    boolean needB = op.needsGradient(1);
    Operand ga = null;
    Operand gb = null;
    if (!ta && !tb) {
      ga = needA ? matmul(tf, grad, b, false, true) : null;
      gb = needB ? matmul(tf, a, grad, true, false) : null;
    } else if (!ta) {
      ga = needA ? matmul(tf, grad, b, false, false) : null;
      gb = needB ? matmul(tf, grad, a, true, false) : null;
    } else if (!tb) {
      ga = needA ? matmul(tf, b, grad, false, true) : null;
      gb = needB ? matmul(tf, a, grad, false, false) : null;
    } else {
      ga = needA ? matmul(tf, b, grad, true, true) : null;
      gb = needB ? matmul(tf, grad, a, true, true) : null;
    }
    // Only the products some source needs: a first layer's input, or constant data, needs none.
    return Arrays.asList(ga, gb);
  }

  static Operand matmul(Ops tf, Operand x, Operand y, boolean ta, boolean tb) {
    return tf.linalg.matMul(
        x,
        y,
        org.tensorflow.op.linalg.MatMul.transposeA(ta),
        org.tensorflow.op.linalg.MatMul.transposeB(tb));
  }

  /**
   * BatchMatMul (V1, V2 and V3, which TensorFlow Java builds): the MatMul rule per batch member,
   * then a sum over the batch dimensions an input was broadcast along.
   */
  private static List<Operand<?>> batchMatMulGradient(Ops tf, RecordedOp op, List<Operand<?>> g) {
    boolean adjX = op.attrBool("adj_x", false);
    boolean adjY = op.attrBool("adj_y", false);
    Operand x = op.input(0);
    Operand y = op.input(1);
    Operand grad = g.get(0);
    Class tx = x.type();
    Class ty = y.type();
    Operand gx;
    Operand gy;
    if (!adjX && !adjY) {
      gx = batchMatMul(tf, grad, y, tx, false, true);
      gy = batchMatMul(tf, x, grad, ty, true, false);
    } else if (!adjX) {
      gx = batchMatMul(tf, grad, y, tx, false, false);
      gy = batchMatMul(tf, grad, x, ty, true, false);
    } else if (!adjY) {
      gx = batchMatMul(tf, y, grad, tx, false, true);
      gy = batchMatMul(tf, x, grad, ty, false, false);
    } else {
      gx = batchMatMul(tf, y, grad, tx, true, true);
      gy = batchMatMul(tf, grad, x, ty, true, true);
    }
    // The matrix dimensions of gx and x agree, so only broadcast batch dimensions are reduced.
    return List.of(reduceTo(tf, gx, x), reduceTo(tf, gy, y));
  }

  private static Operand batchMatMul(
      Ops tf, Operand a, Operand b, Class out, boolean adjA, boolean adjB) {
    return tf.train.batchMatMul(a, b, out, BatchMatMul.adjX(adjA), BatchMatMul.adjY(adjB));
  }

  // ---- selection, sums of lists, casts -------------------------------------------------------

  private static void registerSelectionAndCasts() {
    Gradients.register("AddN", (tf, op, g) -> Collections.nCopies(op.numInputs(), g.get(0)));
    // Select (V1): the condition is a tensor of x's shape or a vector over x's first dimension.
    Gradients.register(
        "Select",
        (tf, op, g) -> {
          Operand c = op.input(0);
          Operand grad = g.get(0);
          Operand zeros = tf.zerosLike(grad);
          return Arrays.asList(null, selectV1(tf, c, grad, zeros), selectV1(tf, c, zeros, grad));
        });
    // SelectV2 broadcasts condition, x and y together.
    Gradients.register(
        "SelectV2",
        (tf, op, g) -> {
          Operand c = op.input(0);
          Operand grad = g.get(0);
          Operand zero = constantLike(tf, 0, grad);
          return Arrays.asList(
              null,
              reduceTo(tf, tf.select(c, grad, zero), op.input(1)),
              reduceTo(tf, tf.select(c, zero, grad), op.input(2)));
        });
    // Between floating-point types the gradient casts back; to or from integers there is none.
    Gradients.register(
        "Cast",
        (tf, op, g) -> {
          Class source = op.input(0).type();
          Class target = g.get(0).type();
          if (TFloating.class.isAssignableFrom(source)
              && TFloating.class.isAssignableFrom(target)) {
            return List.of(tf.dtypes.cast((Operand) g.get(0), source));
          }
          return Collections.singletonList(null);
        });
  }

  private static Operand<?> selectV1(Ops tf, Operand<?> c, Operand<?> t, Operand<?> e) {
    // TensorFlow Java only builds SelectV2; V1 keeps the vector-condition form of the forward op.
    return tf.scope()
        .opBuilder("Select", "Select")
        .addInput(c.asOutput())
        .addInput(t.asOutput())
        .addInput(e.asOutput())
        .build()
        .output(0);
  }

  // ---- no gradient ---------------------------------------------------------------------------

  private static void registerNonDifferentiable() {
    Gradients.registerNonDifferentiable(
        "Equal",
        "NotEqual",
        "Less",
        "LessEqual",
        "Greater",
        "GreaterEqual",
        "ApproximateEqual",
        "LogicalAnd",
        "LogicalOr",
        "LogicalNot",
        "IsNan",
        "IsInf",
        "IsFinite",
        "ArgMax",
        "ArgMin",
        "Round",
        "Rint",
        "Floor",
        "Ceil",
        "FloorDiv",
        "TruncateDiv");
  }

  // ---- helpers -------------------------------------------------------------------------------

  // The rules work on raw Operands: dtypes are known only at run time, and TensorFlow checks them
  // when each op is built. These keep the casts out of the rules.

  private static Operand x(RecordedOp op) {
    return op.input(0);
  }

  private static Operand y(RecordedOp op) {
    return op.input(1);
  }

  private static Operand mul(Ops tf, Operand<?> a, Operand<?> b) {
    return tf.math.mul((Operand) a, (Operand) b);
  }

  private static Operand neg(Ops tf, Operand<?> a) {
    return tf.math.neg((Operand) a);
  }

  /** A scalar of {@code x}'s dtype. */
  static Operand<?> constantLike(Ops tf, double value, Operand<?> x) {
    return KeptConstants.scalar(tf, (Class) x.type(), value);
  }

  private static boolean isFullyKnown(Shape s) {
    if (s.isUnknown()) {
      return false;
    }
    for (int i = 0; i < s.numDimensions(); i++) {
      if (s.get(i) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The values of an integer tensor known before the step runs: any eager value (read on the host,
   * as TensorFlow's eager gradients read reduction axes) or a graph constant; else null.
   */
  static long[] constantValues(Operand<?> x) {
    Operation op = x.op();
    if (op.env().isEager()) {
      // The tensor stays cached in (and owned by) the eager operation: do not close it.
      return readInts(x.asOutput().asTensor());
    }
    if (op instanceof GraphOperation && op.type().equals("Const")) {
      try (Tensor t = ((GraphOperation) op).attributes().getAttrTensor("value")) {
        return readInts(t);
      }
    }
    return null;
  }

  private static long[] readInts(Tensor t) {
    DataType type = t.dataType();
    if (type != DataType.DT_INT32 && type != DataType.DT_INT64) {
      return null;
    }
    ByteDataBuffer bytes = t.asRawTensor().data();
    long[] values = new long[(int) t.shape().size()];
    if (type == DataType.DT_INT32) {
      IntDataBuffer ints = bytes.asInts();
      for (int i = 0; i < values.length; i++) {
        values[i] = ints.getInt(i);
      }
    } else {
      bytes.asLongs().read(values);
    }
    return values;
  }
}
