package dev.keraslite.autodiff;

import static dev.keraslite.autodiff.GradientCheck.Input.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keraslite.internal.recording.RecordingEnvironment;
import dev.keraslite.internal.recording.Tape;
import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.autodiff.GradientCheck.Fn;
import dev.keraslite.autodiff.GradientCheck.Input;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Max;
import org.tensorflow.op.core.Min;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Prod;
import org.tensorflow.op.core.Sum;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.op.math.Cumprod;
import org.tensorflow.op.math.Cumsum;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;

/**
 * The math-family gradients against the oracles of docs/ARCHITECTURE.md §3: finite differences in float64,
 * TensorFlow's C++ graph gradients, and closed forms where the function is not differentiable
 * (ties, zeros, ops without a gradient).
 */
@SuppressWarnings({"unchecked", "rawtypes"})
class MathGradientsTest {
  private final GradientCheck check = GradientCheck.float64();

  private static Operand at(List<Operand<?>> xs, int i) {
    return (Operand) xs.get(i);
  }

  /** An op TensorFlow Java has no class for (AddV2, Select, BatchMatMulV2), built by type name. */
  private static Operand raw(
      Ops tf,
      String type,
      Consumer<OperationBuilder> attrs,
      Operand<?>... inputs) {
    OperationBuilder b = tf.scope().opBuilder(type, type);
    for (Operand<?> in : inputs) {
      b.addInput(in.asOutput());
    }
    attrs.accept(b);
    return b.build().output(0);
  }

  private static Operand raw(Ops tf, String type, Operand<?>... inputs) {
    return raw(tf, type, b -> {}, inputs);
  }

  // ---- element-wise binary ops, with broadcasting ------------------------------------------

  /** Name, function, and the range of each input that keeps it away from singular points. */
  static Stream<Arguments> binaryOps() {
    return Stream.of(
        binary("Add", -1, 1, -1, 1, (tf, x) -> tf.math.add(at(x, 0), at(x, 1))),
        binary("AddV2", -1, 1, -1, 1, (tf, x) -> raw(tf, "AddV2", x.get(0), x.get(1))),
        binary("Sub", -1, 1, -1, 1, (tf, x) -> tf.math.sub(at(x, 0), at(x, 1))),
        binary("Mul", -1, 1, -1, 1, (tf, x) -> tf.math.mul(at(x, 0), at(x, 1))),
        binary("Div", -1, 1, 0.5, 1.5, (tf, x) -> tf.math.div(at(x, 0), at(x, 1))),
        binary("RealDiv", -1, 1, -1.5, -0.5, (tf, x) -> tf.math.realDiv(at(x, 0), at(x, 1))),
        binary("DivNoNan", -1, 1, 0.5, 1.5, (tf, x) -> tf.math.divNoNan(at(x, 0), at(x, 1))),
        binary("Pow", 0.5, 1.5, -1.5, 1.5, (tf, x) -> tf.math.pow(at(x, 0), at(x, 1))),
        binary("Maximum", -1, 1, -1, 1, (tf, x) -> tf.math.maximum(at(x, 0), at(x, 1))),
        binary("Minimum", -1, 1, -1, 1, (tf, x) -> tf.math.minimum(at(x, 0), at(x, 1))),
        binary(
            "SquaredDifference",
            -1,
            1,
            -1,
            1,
            (tf, x) -> tf.math.squaredDifference(at(x, 0), at(x, 1))),
        binary("FloorMod", -3, 3, 0.7, 1.3, (tf, x) -> tf.math.floorMod(at(x, 0), at(x, 1))),
        binary("Mod", -3, 3, -1.3, -0.7, (tf, x) -> tf.math.mod(at(x, 0), at(x, 1))));
  }

  private static Arguments binary(
      String name, double xLo, double xHi, double yLo, double yHi, Fn f) {
    return Arguments.of(name, new double[] {xLo, xHi, yLo, yHi}, f);
  }

  /** Ops whose gradient TensorFlow's C++ registry (Graph.addGradients) lacks. */
  private static final List<String> NO_CPP_GRADIENT = List.of("Mod", "FloorMod", "Cumprod");

  /** Finite differences alone judge the ops TensorFlow's C++ registry has no gradient for. */
  private GradientCheck checkFor(String op) {
    return NO_CPP_GRADIENT.contains(op)
        ? GradientCheck.float64()
            .withoutGraphOracle("TensorFlow's C++ registry has no gradient for " + op)
        : check;
  }

  /**
   * The graph oracle: TensorFlow's gradient, or for ops it lacks, the eager tape's (checked by FD).
   */
  private static Oracle oracleFor(String op) {
    return NO_CPP_GRADIENT.contains(op) ? Oracle.EAGER_TAPE : Oracle.TENSORFLOW;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaryOps")
  void binaryOpBroadcastsBothWays(String op, double[] range, Fn f) {
    checkFor(op)
        .check(f, random(11, range[0], range[1], 2, 1), random(12, range[2], range[3], 1, 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaryOps")
  void binaryOpBroadcastsScalarAgainstMatrix(String op, double[] range, Fn f) {
    checkFor(op).check(f, random(13, range[0], range[1]), random(14, range[2], range[3], 2, 3));
    checkFor(op).check(f, random(15, range[0], range[1], 2, 3), random(16, range[2], range[3], 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaryOps")
  void binaryOpWithUnknownShapesInAGraph(String op, double[] range, Fn f) {
    checkInGraph(
        false,
        oracleFor(op),
        f,
        random(11, range[0], range[1], 2, 1),
        random(12, range[2], range[3], 1, 3));
  }

  @Test
  void divNoNanHasZeroGradientWhereTheDivisorIsZero() {
    // TensorFlow's rule: both partial derivatives are 0 where y == 0.
    double[][] g =
        tapeGradients(
            (tf, x) -> tf.math.divNoNan(at(x, 0), at(x, 1)),
            Input.of(new long[] {3}, 1.0, 2.0, -3.0),
            Input.of(new long[] {3}, 0.0, 4.0, 0.0));
    assertArrayEquals(new double[] {0, 0.25, 0}, g[0], 1e-12);
    assertArrayEquals(new double[] {0, -2.0 / 16, 0}, g[1], 1e-12);
  }

  @Test
  void powExponentGradientIsZeroWhereTheBaseIsNotPositive() {
    // d(x^y)/dy = x^y log x for x > 0; TensorFlow uses 0 where x <= 0 instead of NaN.
    double[][] g =
        tapeGradients(
            (tf, x) -> tf.math.pow(at(x, 0), at(x, 1)),
            Input.of(new long[] {3}, 0.0, -2.0, 2.0),
            Input.of(new long[] {3}, 2.0, 2.0, 3.0));
    assertArrayEquals(new double[] {0, -4, 12}, g[0], 1e-12);
    assertArrayEquals(new double[] {0, 0, 8 * Math.log(2)}, g[1], 1e-12);
  }

  @Test
  void maximumAndMinimumGiveTiesToX() {
    // TensorFlow's selectors are x >= y (Maximum) and x <= y (Minimum): x takes the whole tie.
    Input x = Input.of(new long[] {3}, 1.0, 2.0, 3.0);
    Input y = Input.of(new long[] {3}, 1.0, 5.0, 0.0);
    double[][] max = tapeGradients((tf, v) -> tf.math.maximum(at(v, 0), at(v, 1)), x, y);
    assertArrayEquals(new double[] {1, 0, 1}, max[0]);
    assertArrayEquals(new double[] {0, 1, 0}, max[1]);
    double[][] min = tapeGradients((tf, v) -> tf.math.minimum(at(v, 0), at(v, 1)), x, y);
    assertArrayEquals(new double[] {1, 1, 0}, min[0]);
    assertArrayEquals(new double[] {0, 0, 1}, min[1]);
    checkInGraph(false, Oracle.TENSORFLOW, (tf, v) -> tf.math.maximum(at(v, 0), at(v, 1)), x, y);
    checkInGraph(false, Oracle.TENSORFLOW, (tf, v) -> tf.math.minimum(at(v, 0), at(v, 1)), x, y);
  }

  // ---- element-wise unary ops ----------------------------------------------------------------

  static Stream<Arguments> unaryOps() {
    Input signed = Input.of(new long[] {2, 3}, -0.9, -0.4, 0.3, 0.7, -0.2, 1.1);
    Input positive = random(21, 0.3, 2, 2, 3);
    return Stream.of(
        Arguments.of("Neg", signed, (Fn) (tf, x) -> tf.math.neg(at(x, 0))),
        Arguments.of("Square", signed, (Fn) (tf, x) -> tf.math.square(at(x, 0))),
        Arguments.of("Sqrt", positive, (Fn) (tf, x) -> tf.math.sqrt(at(x, 0))),
        Arguments.of("Rsqrt", positive, (Fn) (tf, x) -> tf.math.rsqrt(at(x, 0))),
        Arguments.of("Exp", signed, (Fn) (tf, x) -> tf.math.exp(at(x, 0))),
        Arguments.of("Log", positive, (Fn) (tf, x) -> tf.math.log(at(x, 0))),
        Arguments.of("Log1p", signed, (Fn) (tf, x) -> tf.math.log1p(at(x, 0))),
        Arguments.of("Abs", signed, (Fn) (tf, x) -> tf.math.abs(at(x, 0))),
        Arguments.of("Reciprocal", signed, (Fn) (tf, x) -> tf.math.reciprocal(at(x, 0))),
        // TensorFlow's Sign gradient is zeros, not None: the check sees a zero tensor.
        Arguments.of("Sign", signed, (Fn) (tf, x) -> tf.math.sign(at(x, 0))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unaryOps")
  void unaryOp(String op, Input input, Fn f) {
    check.check(f, input);
    checkInGraph(false, Oracle.TENSORFLOW, f, input);
  }

  // ---- reductions ------------------------------------------------------------------------------

  /** A reduction op applied to the input, the axes and keepDims. */
  interface Reduction {
    Operand apply(Ops tf, Operand x, Operand axes, boolean keepDims);
  }

  static Stream<Arguments> reductions() {
    return Stream.of(
        Arguments.of("Sum", (Reduction) (tf, x, a, k) -> tf.sum(x, a, Sum.keepDims(k))),
        Arguments.of("Mean", (Reduction) (tf, x, a, k) -> tf.math.mean(x, a, Mean.keepDims(k))),
        Arguments.of("Max", (Reduction) (tf, x, a, k) -> tf.max(x, a, Max.keepDims(k))),
        Arguments.of("Min", (Reduction) (tf, x, a, k) -> tf.min(x, a, Min.keepDims(k))),
        Arguments.of("Prod", (Reduction) (tf, x, a, k) -> tf.prod(x, a, Prod.keepDims(k))));
  }

  /** Reduction axes of a rank-3 input, and whether to keep the reduced dimensions. */
  private record Axes(Function<Ops, Operand<?>> axes, boolean keepDims) {}

  /**
   * Scalar and vector axes, negative ones, leading ones (whose gradient needs no reshape), all of
   * them; each with keepDims off, and the interesting ones with it on.
   */
  private static final List<Axes> AXES =
      List.of(
          new Axes(tf -> tf.constant(1), false),
          new Axes(tf -> tf.constant(1), true),
          new Axes(tf -> tf.constant(new int[] {0, 2}), false),
          new Axes(tf -> tf.constant(new int[] {-1}), false),
          new Axes(tf -> tf.constant(new int[] {-1, 0}), true),
          new Axes(tf -> tf.constant(new int[] {-3, 1}), false),
          new Axes(tf -> tf.constant(new int[] {0, 1, 2}), false));

  @ParameterizedTest(name = "{0}")
  @MethodSource("reductions")
  void reductionOverAxesWithAndWithoutKeepDims(String op, Reduction r) {
    // Distinct values: no ties for Max and Min, no zeros for Prod.
    Input x = random(31, 0.5, 1.5, 2, 3, 2);
    for (Axes a : AXES) {
      check.check((tf, v) -> r.apply(tf, at(v, 0), a.axes().apply(tf), a.keepDims()), x);
    }
    // int64 axes: Graph.addGradients crashes the JVM on them (TensorFlow 2.18's C++ reduction
    // gradients), so finite differences alone judge this case.
    GradientCheck.float64()
        .withoutGraphOracle("TensorFlow's C++ reduction gradients crash on int64 axes")
        .check((tf, v) -> r.apply(tf, at(v, 0), tf.constant(new long[] {2L, -3L}), false), x);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("reductions")
  void reductionInAGraph(String op, Reduction r) {
    Input x = random(32, 0.5, 1.5, 2, 3, 2);
    // Unknown shapes take the run-time shape paths; static ones read the axes from the graph.
    for (boolean staticShapes : new boolean[] {false, true}) {
      checkInGraph(
          staticShapes,
          Oracle.TENSORFLOW,
          (tf, v) -> r.apply(tf, at(v, 0), tf.constant(new int[] {-1, 0}), staticShapes),
          x);
      checkInGraph(
          staticShapes,
          Oracle.TENSORFLOW,
          (tf, v) -> r.apply(tf, at(v, 0), tf.constant(1), !staticShapes),
          x);
    }
  }

  @Test
  void maxAndMinSplitTheGradientEvenlyAmongTies() {
    Input x = Input.of(new long[] {2, 3}, 1, 3, 3, 0, 2, 0);
    double[][] max = tapeGradients((tf, v) -> tf.max(at(v, 0), tf.constant(1)), x);
    assertArrayEquals(new double[] {0, 0.5, 0.5, 0, 1, 0}, max[0], 1e-12);
    double[][] min = tapeGradients((tf, v) -> tf.min(at(v, 0), tf.constant(new int[] {0, 1})), x);
    assertArrayEquals(new double[] {0, 0, 0, 0.5, 0, 0.5}, min[0], 1e-12);
    // TensorFlow's own gradient splits the same way.
    checkInGraph(false, Oracle.TENSORFLOW, (tf, v) -> tf.max(at(v, 0), tf.constant(1)), x);
    checkInGraph(
        true, Oracle.TENSORFLOW, (tf, v) -> tf.min(at(v, 0), tf.constant(new int[] {0, 1})), x);
  }

  @Test
  void prodHandlesZerosWithoutDividing() {
    // d/dx_i of a product is the product of the others: 0 once a slice holds two zeros.
    Input x = Input.of(new long[] {2, 3}, 2, 0, 3, 0, 0, 5);
    double[][] g = tapeGradients((tf, v) -> tf.prod(at(v, 0), tf.constant(1)), x);
    assertArrayEquals(new double[] {0, 6, 0, 0, 0, 0}, g[0], 1e-12);
    // A product is a polynomial: finite differences are exact enough at zeros too.
    check.check(
        (tf, v) -> tf.prod(at(v, 0), tf.constant(new int[] {0, 2})),
        Input.of(new long[] {2, 2, 2}, 2, 0, 3, 1.5, -1, 4, 0.5, 2));
  }

  @Test
  void cumsumAndCumprodForEveryFlag() {
    Input x = random(41, 0.5, 1.5, 2, 3);
    for (boolean exclusive : new boolean[] {false, true}) {
      for (boolean reverse : new boolean[] {false, true}) {
        check.check(
            (tf, v) ->
                tf.math.cumsum(
                    at(v, 0), tf.constant(1), Cumsum.exclusive(exclusive), Cumsum.reverse(reverse)),
            x);
        checkFor("Cumprod")
            .check(
                (tf, v) ->
                    tf.math.cumprod(
                        at(v, 0),
                        tf.constant(-2),
                        Cumprod.exclusive(exclusive),
                        Cumprod.reverse(reverse)),
                x);
      }
    }
    checkInGraph(
        false,
        Oracle.TENSORFLOW,
        (tf, v) -> tf.math.cumsum(at(v, 0), tf.constant(0), Cumsum.reverse(true)),
        x);
    checkInGraph(
        false,
        Oracle.EAGER_TAPE,
        (tf, v) -> tf.math.cumprod(at(v, 0), tf.constant(0), Cumprod.exclusive(true)),
        x);
  }

  // ---- matrix products -----------------------------------------------------------------------

  @Test
  void matMulAllTransposeFlags() {
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        Fn f =
            (tf, x) ->
                tf.linalg.matMul(at(x, 0), at(x, 1), MatMul.transposeA(ta), MatMul.transposeB(tb));
        Input a = random(4, -1, 1, ta ? 3 : 2, ta ? 2 : 3);
        Input b = random(5, -1, 1, tb ? 4 : 3, tb ? 3 : 4);
        check.check(f, a, b);
        checkInGraph(false, Oracle.TENSORFLOW, f, a, b);
      }
    }
  }

  @Test
  void batchMatMulV2AdjointFlagsAndBroadcastBatchDimensions() {
    for (boolean adjX : new boolean[] {false, true}) {
      for (boolean adjY : new boolean[] {false, true}) {
        Fn f =
            (tf, v) ->
                raw(
                    tf,
                    "BatchMatMulV2",
                    b -> b.setAttr("adj_x", adjX).setAttr("adj_y", adjY),
                    v.get(0),
                    v.get(1));
        // x's batch [2, 1] and y's batch [3] broadcast to [2, 3].
        Input x = random(51, -1, 1, 2, 1, adjX ? 3 : 2, adjX ? 2 : 3);
        Input y = random(52, -1, 1, 3, adjY ? 4 : 3, adjY ? 3 : 4);
        check.check(f, x, y);
        checkInGraph(false, Oracle.TENSORFLOW, f, x, y);
      }
    }
  }

  @Test
  void batchMatMulV1AndV3() {
    Input x = random(53, -1, 1, 2, 2, 3);
    Input y = random(54, -1, 1, 2, 4, 3);
    check.check(
        (tf, v) -> raw(tf, "BatchMatMul", b -> b.setAttr("adj_y", true), v.get(0), v.get(1)), x, y);
    // TensorFlow Java's tf.train.batchMatMul builds BatchMatMulV3.
    Fn v3 =
        (tf, v) -> tf.train.batchMatMul(at(v, 0), at(v, 1), TFloat64.class, BatchMatMul.adjY(true));
    check.check(v3, x, random(55, -1, 1, 4, 3));
  }

  // ---- lists, selection, casts ---------------------------------------------------------------

  @Test
  void addNCopiesTheGradientToEveryInput() {
    check.check(
        (tf, x) -> tf.math.mul(tf.math.addN(List.of(at(x, 0), at(x, 1), at(x, 0))), at(x, 2)),
        random(61, -1, 1, 2, 2),
        random(62, -1, 1, 2, 2),
        random(63, -1, 1, 2, 2));
  }

  @Test
  void selectWithAVectorCondition() {
    // Select (V1) picks whole rows with a condition of shape [rows].
    Fn f =
        (tf, x) -> raw(tf, "Select", tf.constant(new boolean[] {true, false}), x.get(0), x.get(1));
    check.check(f, random(71, -1, 1, 2, 3), random(72, -1, 1, 2, 3));
  }

  @Test
  void selectV2Broadcasts() {
    Fn f = (tf, x) -> tf.select(tf.constant(new boolean[][] {{true}, {false}}), at(x, 0), at(x, 1));
    check.check(f, random(73, -1, 1, 3), random(74, -1, 1, 2, 3));
    check.check(f, random(75, -1, 1, 2, 1), random(76, -1, 1));
    checkInGraph(false, Oracle.TENSORFLOW, f, random(73, -1, 1, 3), random(74, -1, 1, 2, 3));
  }

  @Test
  void selectGivesTheConditionNoGradient() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat64> x = tf.constant(new double[] {1, 2});
      Operand<TFloat64> y = tf.constant(new double[] {3, 4});
      Operand<TBool> c = tf.math.greater(x, tf.constant(1.5));
      try (GradientTape tape = GradientTape.persistent(tf)) {
        tape.watch(x).watch(y).watch(c);
        Operand<?> z = tf.select(c, x, y);
        List<Operand<?>> g = tape.gradient(z, List.of(c, x, y));
        assertNull(g.get(0));
        assertArrayEquals(new double[] {0, 1}, values(tf, g.get(1)));
        assertArrayEquals(new double[] {1, 0}, values(tf, g.get(2)));
      }
    }
  }

  @Test
  void castBetweenFloatTypesCastsTheGradientBack() {
    // Through float32: finite differences need a wider step, and the graph compares in float32.
    Fn f =
        (tf, x) -> {
          Operand<TFloat32> narrow = tf.dtypes.cast(at(x, 0), TFloat32.class);
          return tf.dtypes.cast(
              tf.math.mul(narrow, tf.constant(new float[] {0.5f, 2f, 4f})), TFloat64.class);
        };
    Input x = Input.of(new long[] {3}, 0.25, -1.5, 2.0);
    // Dyadic inputs and step keep x ± h and the products exact in float32.
    GradientCheck.float64().step(1.0 / 1024).check(f, x);
    checkInGraph(false, Oracle.TENSORFLOW, f, x);
  }

  @Test
  void castThroughAnIntegerHasNoGradient() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat64> x = tf.constant(new double[] {1.5, 2.5});
      try (GradientTape tape = new GradientTape(tf)) {
        tape.watch(x);
        Operand<TFloat64> y = tf.dtypes.cast(tf.dtypes.cast(x, TInt32.class), TFloat64.class);
        assertNull(tape.gradient(y, x));
      }
    }
  }

  // ---- ops without a gradient ---------------------------------------------------------------

  static Stream<Arguments> nonDifferentiableOps() {
    Function<Ops, Operand<TFloat64>> c = tf -> tf.constant(new double[] {0.5, 1.5, -1});
    return Stream.of(
        nonDiff("Equal", (tf, x) -> tf.math.equal(x, c.apply(tf))),
        nonDiff("NotEqual", (tf, x) -> tf.math.notEqual(x, c.apply(tf))),
        nonDiff("Less", (tf, x) -> tf.math.less(x, c.apply(tf))),
        nonDiff("LessEqual", (tf, x) -> tf.math.lessEqual(x, c.apply(tf))),
        nonDiff("Greater", (tf, x) -> tf.math.greater(x, c.apply(tf))),
        nonDiff("GreaterEqual", (tf, x) -> tf.math.greaterEqual(x, c.apply(tf))),
        nonDiff(
            "LogicalAnd",
            (tf, x) ->
                tf.math.logicalAnd(tf.math.greater(x, c.apply(tf)), tf.math.less(x, c.apply(tf)))),
        nonDiff(
            "LogicalOr",
            (tf, x) ->
                tf.math.logicalOr(tf.math.greater(x, c.apply(tf)), tf.math.less(x, c.apply(tf)))),
        nonDiff("LogicalNot", (tf, x) -> tf.math.logicalNot(tf.math.greater(x, c.apply(tf)))),
        nonDiff("ArgMax", (tf, x) -> tf.math.argMax(x, tf.constant(0))),
        nonDiff("ArgMin", (tf, x) -> tf.math.argMin(x, tf.constant(0))),
        nonDiff("Round", (tf, x) -> tf.math.round(x)),
        nonDiff("Rint", (tf, x) -> tf.math.rint(x)),
        nonDiff("Floor", (tf, x) -> tf.math.floor(x)),
        nonDiff("Ceil", (tf, x) -> tf.math.ceil(x)),
        nonDiff("FloorDiv", (tf, x) -> tf.math.floorDiv(x, c.apply(tf))),
        nonDiff("IsNan", (tf, x) -> tf.math.isNan(x)));
  }

  interface UnaryFn {
    Operand<?> apply(Ops tf, Operand<TFloat64> x);
  }

  private static Arguments nonDiff(String op, UnaryFn f) {
    return Arguments.of(op, f);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nonDifferentiableOps")
  void nonDifferentiableOpStopsTheTape(String op, UnaryFn f) {
    // TensorFlow returns None for these ops: so does the tape, which does not fail on them.
    assertTrue(Gradients.isNonDifferentiable(op), op + " is declared non-differentiable");
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat64> x = tf.constant(new double[] {0.2, 1.7, -1});
      try (GradientTape tape = new GradientTape(tf)) {
        tape.watch(x);
        Operand<?> y = f.apply(tf, x);
        assertEquals(op, y.asOutput().op().type());
        assertNull(tape.gradient(y, x));
      }
    }
  }

  @Test
  void piecewiseConstantOpsAddNothingToOtherPaths() {
    double[][] g =
        tapeGradients(
            (tf, v) -> {
              Operand x = at(v, 0);
              Operand steps =
                  tf.math.addN(
                      List.of(
                          tf.math.round(x),
                          tf.math.floor(x),
                          tf.math.ceil(x),
                          tf.math.rint(x),
                          tf.math.floorDiv(x, tf.constant(0.5))));
              return tf.math.add(tf.math.square(x), steps);
            },
            Input.of(new long[] {3}, 0.2, 1.7, -1.3));
    assertArrayEquals(new double[] {0.4, 3.4, -2.6}, g[0], 1e-12);
  }

  // ---- second order ----------------------------------------------------------------------------

  static Stream<Arguments> secondOrder() {
    Input a = random(81, 0.5, 1.5, 2, 1);
    Input b = random(82, 0.5, 1.5, 1, 3);
    Input signed = Input.of(new long[] {2, 3}, -0.9, -0.4, 0.3, 0.7, -0.2, 1.1);
    Input positive = random(83, 0.5, 1.5, 2, 3);
    Input cube = random(84, 0.5, 1.5, 2, 3, 2);
    return Stream.of(
        second("Mul", (tf, x) -> tf.math.mul(tf.math.mul(at(x, 0), at(x, 1)), at(x, 0)), a, b),
        second("Div", (tf, x) -> tf.math.div(at(x, 1), at(x, 0)), a, b),
        second("RealDiv", (tf, x) -> tf.math.realDiv(at(x, 1), at(x, 0)), a, b),
        second("DivNoNan", (tf, x) -> tf.math.divNoNan(at(x, 1), at(x, 0)), a, b),
        second("Pow base", (tf, x) -> tf.math.pow(at(x, 0), at(x, 1)), a, b),
        second("Pow exponent", (tf, x) -> tf.math.pow(at(x, 1), at(x, 0)), a, b),
        second("Maximum", (tf, x) -> tf.math.square(tf.math.maximum(at(x, 0), at(x, 1))), a, b),
        second("Minimum", (tf, x) -> tf.math.square(tf.math.minimum(at(x, 0), at(x, 1))), a, b),
        second("SquaredDifference", (tf, x) -> tf.math.squaredDifference(at(x, 0), at(x, 1)), a, b),
        second(
            "Sub and Add",
            (tf, x) -> tf.math.square(tf.math.add(tf.math.sub(at(x, 0), at(x, 1)), at(x, 1))),
            a,
            b),
        second(
            "AddN",
            (tf, x) -> tf.math.square(tf.math.addN(List.of(at(x, 0), at(x, 1), at(x, 0)))),
            positive,
            positive),
        second("Square", (tf, x) -> tf.math.square(at(x, 0)), signed),
        second("Neg", (tf, x) -> tf.math.neg(tf.math.square(at(x, 0))), signed),
        second("Exp", (tf, x) -> tf.math.exp(at(x, 0)), signed),
        second("Log", (tf, x) -> tf.math.log(at(x, 0)), positive),
        second("Log1p", (tf, x) -> tf.math.log1p(at(x, 0)), signed),
        second("Sqrt", (tf, x) -> tf.math.sqrt(at(x, 0)), positive),
        second("Rsqrt", (tf, x) -> tf.math.rsqrt(at(x, 0)), positive),
        second("Reciprocal", (tf, x) -> tf.math.reciprocal(at(x, 0)), positive),
        second(
            "Abs (via Sign's zero gradient)",
            (tf, x) -> tf.math.mul(tf.math.abs(at(x, 0)), at(x, 0)),
            signed),
        second(
            "Sum",
            (tf, x) -> tf.math.square(tf.sum(at(x, 0), tf.constant(new int[] {0, 2}))),
            cube),
        second(
            "Mean keepDims",
            (tf, x) -> tf.math.square(tf.math.mean(at(x, 0), tf.constant(-1), Mean.keepDims(true))),
            cube),
        second("Max", (tf, x) -> tf.math.square(tf.max(at(x, 0), tf.constant(1))), cube),
        second(
            "Prod",
            (tf, x) -> tf.math.square(tf.prod(at(x, 0), tf.constant(new int[] {1, 2}))),
            cube),
        second(
            "Cumsum",
            (tf, x) -> tf.math.square(tf.math.cumsum(at(x, 0), tf.constant(1))),
            positive),
        second(
            "SelectV2",
            (tf, x) ->
                tf.math.square(
                    tf.select(tf.constant(new boolean[] {true, false, true}), at(x, 0), at(x, 1))),
            positive,
            random(85, -1, 1, 3)),
        second(
            "MatMul",
            (tf, x) -> tf.linalg.matMul(at(x, 0), tf.linalg.matMul(at(x, 0), at(x, 1))),
            random(86, -1, 1, 2, 2),
            random(87, -1, 1, 2, 3)),
        second(
            "MatMul transposed",
            (tf, x) ->
                tf.linalg.matMul(
                    at(x, 0),
                    tf.linalg.matMul(
                        at(x, 1), at(x, 0), MatMul.transposeA(true), MatMul.transposeB(true)),
                    MatMul.transposeB(true)),
            random(88, -1, 1, 2, 2),
            random(89, -1, 1, 2, 2)),
        second(
            "BatchMatMulV2",
            (tf, x) ->
                raw(tf, "BatchMatMulV2", at(x, 0), raw(tf, "BatchMatMulV2", at(x, 0), at(x, 1))),
            random(90, -1, 1, 2, 2, 2),
            random(91, -1, 1, 1, 2, 3)));
  }

  private static Arguments second(String name, Fn f, Input... inputs) {
    return Arguments.of(name, f, inputs);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("secondOrder")
  void secondOrder(String name, Fn f, Input[] inputs) {
    check.checkSecondOrder(f, inputs);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** The tape's gradient of sum(f(inputs)) with respect to each input. */
  private static double[][] tapeGradients(Fn f, Input... inputs) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      List<Operand<?>> xs = new ArrayList<>();
      for (Input in : inputs) {
        xs.add(tf.constant(in.shape(), DataBuffers.of(in.values(), true, false)));
      }
      try (GradientTape tape = new GradientTape(tf)) {
        xs.forEach(tape::watch);
        Operand y = f.apply(tf, xs);
        Operand total = tf.sum(y, tf.range(tf.constant(0), tf.rank(y), tf.constant(1)));
        List<Operand<?>> g = tape.gradient(total, xs);
        double[][] out = new double[inputs.length][];
        for (int i = 0; i < out.length; i++) {
          assertNotNull(g.get(i), "gradient of input " + i);
          out[i] = values(tf, g.get(i));
        }
        return out;
      }
    }
  }

  private static double[] values(Ops tf, Operand<?> x) {
    try (TFloat64 t = (TFloat64) ((Operand) x).asTensor()) {
      double[] v = new double[(int) t.shape().size()];
      t.copyTo(DataBuffers.of(v, false, false));
      return v;
    }
  }

  /** What {@link #checkInGraph} compares the tape's graph gradients with. */
  enum Oracle {
    /** TensorFlow's C++ gradients, Graph.addGradients on the same graph. */
    TENSORFLOW,
    /** keras-lite's tape run eagerly (static shapes), for ops TensorFlow's C++ registry lacks. */
    EAGER_TAPE
  }

  /** Fixed weights in [0.5, 2) that make every output element count in a different amount. */
  private static double[] weights(Shape shape) {
    double[] w = new double[(int) shape.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = 0.5 + 0.37 * ((i * 7) % 5);
    }
    return w;
  }

  /** sum(y * weights) as a scalar, whatever y's rank. */
  private static Operand weightedSum(Ops tf, Operand y, Shape shape) {
    Operand weighted =
        tf.math.mul(y, tf.constant(shape, DataBuffers.of(weights(shape), true, false)));
    return tf.sum(tf.reshape(weighted, tf.constant(new int[] {-1})), tf.constant(0));
  }

  /**
   * Runs keras-lite's tape on a {@link Graph}, whose placeholders have unknown shapes (or, with
   * {@code staticShapes}, the inputs' shapes), and compares its gradients, run with the inputs fed,
   * with the oracle's. Unknown shapes drive every gradient down its run-time shape path, as in a
   * traced function.
   */
  private static void checkInGraph(boolean staticShapes, Oracle oracle, Fn f, Input... inputs) {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      RecordingEnvironment env = new RecordingEnvironment(g);
      Ops tf = Ops.create(env);
      List<Operand<?>> xs = new ArrayList<>();
      for (Input in : inputs) {
        Shape shape = staticShapes ? in.shape() : Shape.unknown();
        xs.add(tf.placeholder(TFloat64.class, Placeholder.shape(shape)));
      }
      List<TFloat64> feeds = new ArrayList<>();
      try {
        for (Input in : inputs) {
          feeds.add(TFloat64.tensorOf(in.shape(), DataBuffers.of(in.values(), true, false)));
        }
        Tape tape = new Tape(env, false);
        env.startRecording(tape);
        xs.forEach(tape::watch);
        Operand y = tf.dtypes.cast((Operand) f.apply(tf, xs), TFloat64.class);
        // The weights need the output's shape, known only once the graph runs.
        Operand loss = weightedSum(tf, y, runShape(s, y, xs, feeds));
        env.stopRecording(tape);

        List<Operand<?>> mine = tape.gradient(tf, loss, null, xs);
        Output<?>[] theirs =
            oracle == Oracle.TENSORFLOW
                ? g.addGradients(
                    loss.asOutput(), xs.stream().map(Operand::asOutput).toArray(Output<?>[]::new))
                : null;
        double[][] eager = oracle == Oracle.EAGER_TAPE ? eagerWeightedGradients(f, inputs) : null;
        Session.Runner runner = s.runner();
        for (int i = 0; i < xs.size(); i++) {
          runner.feed(xs.get(i), feeds.get(i));
        }
        for (int i = 0; i < xs.size(); i++) {
          assertNotNull(mine.get(i), "tape gradient of input " + i);
          runner.fetch(mine.get(i));
          if (theirs != null) {
            runner.fetch(theirs[i]);
          }
        }
        int perInput = theirs != null ? 2 : 1;
        try (Result r = runner.run()) {
          for (int i = 0; i < xs.size(); i++) {
            TFloat64 got = (TFloat64) r.get(perInput * i);
            assertEquals(inputs[i].shape(), got.shape(), "gradient shape of input " + i);
            double[] a = read(got);
            double[] e = theirs != null ? read((TFloat64) r.get(perInput * i + 1)) : eager[i];
            for (int k = 0; k < e.length; k++) {
              if (Math.abs(a[k] - e[k]) > 1e-9 * (1 + Math.abs(e[k]))) {
                fail(
                    "graph gradient of input "
                        + i
                        + " (static shapes: "
                        + staticShapes
                        + ")"
                        + "\n expected "
                        + Arrays.toString(e)
                        + "\n actual   "
                        + Arrays.toString(a));
              }
            }
          }
        }
      } finally {
        feeds.forEach(TFloat64::close);
      }
    }
  }

  /** The eager tape's gradients of the weighted sum {@link #checkInGraph} differentiates. */
  private static double[][] eagerWeightedGradients(Fn f, Input... inputs) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      List<Operand<?>> xs = new ArrayList<>();
      for (Input in : inputs) {
        xs.add(tf.constant(in.shape(), DataBuffers.of(in.values(), true, false)));
      }
      try (GradientTape tape = new GradientTape(tf)) {
        xs.forEach(tape::watch);
        Operand y = tf.dtypes.cast((Operand) f.apply(tf, xs), TFloat64.class);
        List<Operand<?>> g = tape.gradient(weightedSum(tf, y, y.shape()), xs);
        double[][] out = new double[inputs.length][];
        for (int i = 0; i < out.length; i++) {
          out[i] = values(tf, g.get(i));
        }
        return out;
      }
    }
  }

  private static Shape runShape(
      Session s, Operand<?> y, List<Operand<?>> xs, List<TFloat64> feeds) {
    Session.Runner runner = s.runner();
    for (int i = 0; i < xs.size(); i++) {
      runner.feed(xs.get(i), feeds.get(i));
    }
    try (Result r = runner.fetch(y).run()) {
      return r.get(0).shape();
    }
  }

  private static double[] read(TFloat64 t) {
    double[] v = new double[(int) t.shape().size()];
    t.copyTo(DataBuffers.of(v, false, false));
    return v;
  }
}
