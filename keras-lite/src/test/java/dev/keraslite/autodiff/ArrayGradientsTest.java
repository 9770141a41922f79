package dev.keraslite.autodiff;

import static dev.keraslite.autodiff.GradientCheck.Input.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.Variable;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gather;
import org.tensorflow.op.core.IdentityN;
import org.tensorflow.op.core.ResourceGather;
import org.tensorflow.op.core.Split;
import org.tensorflow.op.core.SplitV;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.StridedSlice;
import org.tensorflow.op.core.StridedSliceGrad;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.op.train.PreventGradient;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Array-family gradients against finite differences and TensorFlow's C++ graph gradients (see
 * {@link GradientCheck}); closed forms where the oracles cannot apply (non-differentiable ops,
 * gradient accumulation counts).
 */
@SuppressWarnings({"unchecked", "rawtypes"})
class ArrayGradientsTest {
  private final GradientCheck check = GradientCheck.float64();

  /** TensorFlow's C++ gradients reject int64 shape, index and axis operands (or crash on them). */
  private static final String CPP_INT64 =
      "TensorFlow's C++ gradient of this op rejects int64 operands";

  /** A fresh float64 check without the Graph.addGradients oracle, for the reason given. */
  private static GradientCheck withoutGraph(String why) {
    return GradientCheck.float64().withoutGraphOracle(why);
  }

  private static Operand x(List<Operand<?>> xs, int i) {
    return xs.get(i);
  }

  private static Operand<TInt32> ints(Ops tf, int... v) {
    return tf.constant(v);
  }

  private static Operand<TInt64> longs(Ops tf, long... v) {
    return tf.constant(v);
  }

  /** t^3: a non-linear wrapper so second derivatives through array ops are not zero. */
  private static Operand cube(Ops tf, Operand t) {
    return tf.math.mul(tf.math.square(t), t);
  }

  // ---- identity family ---------------------------------------------------------------------

  @Test
  void identityAndSnapshotPassTheGradientThrough() {
    check.check((tf, x) -> tf.math.mul(tf.identity(x(x, 0)), x(x, 0)), random(1, -1, 1, 2, 3));
    withoutGraph("TensorFlow's C++ registry has no Snapshot gradient")
        .check((tf, x) -> tf.math.mul(tf.snapshot(x(x, 0)), x(x, 0)), random(2, -1, 1, 3));
  }

  @Test
  void identityNRoutesEachGradientToItsOwnInput() {
    withoutGraph("TensorFlow's C++ registry has no IdentityN gradient")
        .check(
            (tf, x) -> {
              IdentityN ids = tf.identityN(List.of(x(x, 0), x(x, 1)));
              Operand first = (Operand) ids.output().get(0);
              return tf.math.mul(tf.math.square(first), ids.output().get(1));
            },
            random(3, -1, 1, 2, 2),
            random(4, -1, 1, 2, 2));
  }

  @Test
  void variableReadFeedsArrayOps() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable v =
          new Variable(tf, "v:0", tf.constant(new double[] {1, 2, 3, 4, 5, 6}), true);
      try (GradientTape tape = new GradientTape(tf)) {
        Operand rows = tf.reshape(v.value(tf), ints(tf, 3, 2));
        Operand picked = tf.gather(rows, ints(tf, 0, 0, 2), tf.constant(0));
        Operand<?> y = tf.sum(picked, ints(tf, 0, 1));
        // Row 0 is gathered twice, row 1 never, row 2 once.
        assertArrayEquals(
            new double[] {2, 2, 0, 0, 1, 1}, values(tf, tape.gradient(y, v)), 0.0);
      }
    }
  }

  // ---- reshaping -----------------------------------------------------------------------------

  @Test
  void reshapeExpandDimsSqueeze() {
    check.check((tf, x) -> tf.reshape(x(x, 0), ints(tf, 3, -1)), random(5, -1, 1, 2, 3));
    check.check((tf, x) -> tf.expandDims(x(x, 0), tf.constant(-1)), random(6, -1, 1, 2, 3));
    check.check(
        (tf, x) -> tf.squeeze(x(x, 0), Squeeze.axis(-1L)), random(7, -1, 1, 2, 1, 3, 1));
    check.check((tf, x) -> tf.squeeze(x(x, 0)), random(8, -1, 1, 1, 3, 1));
  }

  @Test
  void transposeAndReverse() {
    check.check(
        (tf, x) -> tf.linalg.transpose(x(x, 0), ints(tf, 2, 0, 1)), random(9, -1, 1, 2, 3, 2));
    check.check(
        (tf, x) -> tf.linalg.transpose(x(x, 0), longs(tf, 1, 0)), random(10, -1, 1, 2, 3));
    check.check((tf, x) -> tf.reverse(x(x, 0), ints(tf, -1, 0)), random(11, -1, 1, 2, 3));
  }

  // ---- joining and splitting ---------------------------------------------------------------

  @Test
  void concatOnNegativeAxis() {
    check.check(
        (tf, x) -> tf.concat(List.of(x(x, 0), x(x, 1), x(x, 2)), tf.constant(-1)),
        random(12, -1, 1, 2, 1),
        random(13, -1, 1, 2, 3),
        random(14, -1, 1, 2, 2));
  }

  @Test
  void concatWithInt64Axis() {
    withoutGraph(CPP_INT64 + " (ConcatV2 crashes the process)")
        .check(
            (tf, x) -> tf.concat(List.of(x(x, 0), x(x, 1)), tf.constant(0L)),
            random(15, -1, 1, 1, 3),
            random(16, -1, 1, 2, 3));
  }

  @Test
  void packOnAxesZeroOneAndNegative() {
    for (long axis : new long[] {0, 1, -1}) {
      check.check(
          (tf, x) -> tf.stack(List.of(x(x, 0), x(x, 1), x(x, 2)), Stack.axis(axis)),
          random(17, -1, 1, 2, 3),
          random(18, -1, 1, 2, 3),
          random(19, -1, 1, 2, 3));
    }
  }

  @Test
  void unpackOnAxesZeroAndOneWithUnusedOutputs() {
    for (long axis : new long[] {0, 1}) {
      check.check(
          (tf, x) -> {
            Unstack<?> parts = tf.unstack(x(x, 0), 3L, Unstack.axis(axis));
            // The middle piece does not reach the target: its gradient must be zero.
            return tf.math.mul(
                tf.math.square((Operand) parts.output().get(0)), parts.output().get(2));
          },
          random(20, -1, 1, 3, 3, 2));
    }
  }

  @Test
  void splitAndSplitV() {
    check.check(
        (tf, x) -> {
          Split<?> parts = tf.split(tf.constant(-1), x(x, 0), 3L);
          return tf.math.mul((Operand) parts.output().get(0), parts.output().get(2));
        },
        random(21, -1, 1, 2, 6));
    check.check(
        (tf, x) -> {
          SplitV<?> parts = tf.splitV(x(x, 0), ints(tf, 2, -1, 1), tf.constant(0), 3L);
          List reordered = List.of(parts.output().get(2), parts.output().get(0));
          return tf.concat(reordered, tf.constant(0));
        },
        random(22, -1, 1, 5, 2));
    withoutGraph("TensorFlow's C++ Split gradient builds a ConcatV2 of one value, which is invalid")
        .check(
            (tf, x) -> (Operand) tf.split(tf.constant(0), x(x, 0), 1L).output().get(0),
            random(23, -1, 1, 2));
  }

  // ---- slicing -----------------------------------------------------------------------------

  @Test
  void sliceWithInt32AndInt64Bounds() {
    check.check(
        (tf, x) -> tf.slice(x(x, 0), ints(tf, 1, 1), ints(tf, 2, -1)), random(24, -1, 1, 3, 4));
    withoutGraph(CPP_INT64).check(
        (tf, x) -> tf.slice(x(x, 0), longs(tf, 0, 2, 1), longs(tf, 1, 1, 1)),
        random(25, -1, 1, 2, 3, 2));
  }

  @Test
  void stridedSliceWithMasks() {
    // x[1:3, ::-1]
    stridedSlice(random(26, -1, 1, 3, 4), new int[] {1, 0}, new int[] {3, 0}, new int[] {1, -1},
        StridedSlice.beginMask(2L), StridedSlice.endMask(2L));
    // x[:, 1]
    stridedSlice(random(27, -1, 1, 3, 4), new int[] {0, 1}, new int[] {0, 2}, new int[] {1, 1},
        StridedSlice.beginMask(1L), StridedSlice.endMask(1L), StridedSlice.shrinkAxisMask(2L));
    // x[..., None, 1::2]
    stridedSlice(random(28, -1, 1, 2, 3, 4), new int[] {0, 0, 1}, new int[] {0, 0, 0},
        new int[] {1, 1, 2}, StridedSlice.ellipsisMask(1L), StridedSlice.newAxisMask(2L),
        StridedSlice.endMask(4L));
    // x[-2:, :-1]
    stridedSlice(random(29, -1, 1, 3, 4), new int[] {-2, 0}, new int[] {0, -1}, new int[] {1, 1},
        StridedSlice.endMask(1L), StridedSlice.beginMask(2L));
  }

  private void stridedSlice(
      GradientCheck.Input input,
      int[] begin,
      int[] end,
      int[] strides,
      StridedSlice.Options... masks) {
    check.check(
        (tf, x) ->
            tf.stridedSlice(x(x, 0), ints(tf, begin), ints(tf, end), ints(tf, strides), masks),
        input);
  }

  @Test
  void stridedSliceFromIndicesWithInt64Bounds() {
    check.check(
        (tf, x) -> tf.stridedSlice(x(x, 0), Indices.at(1), Indices.newAxis(), Indices.flip()),
        random(30, -1, 1, 3, 4));
    withoutGraph(CPP_INT64).check(
        (tf, x) ->
            tf.stridedSlice(x(x, 0), longs(tf, 0, 1), longs(tf, 2, 3), longs(tf, 1, 2),
                StridedSlice.shrinkAxisMask(1L)),
        random(31, -1, 1, 3, 4));
  }

  @Test
  void stridedSliceGradIsDifferentiableInDy() {
    withoutGraph("TensorFlow's C++ registry has no StridedSliceGrad gradient")
        .check(
            (tf, x) ->
                tf.stridedSliceGrad(ints(tf, 3, 4), ints(tf, 1, 0), ints(tf, 3, 0), ints(tf, 1, -1),
                    x(x, 0), StridedSliceGrad.beginMask(2L), StridedSliceGrad.endMask(2L)),
            random(32, -1, 1, 2, 4));
  }

  // ---- gathering ---------------------------------------------------------------------------

  @Test
  void gatherOnAxisZeroAccumulatesRepeatedIndices() {
    check.check(
        (tf, x) -> tf.gather(x(x, 0), ints(tf, 2, 0, 2, 2), tf.constant(0)),
        random(33, -1, 1, 4, 3));
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat64> params = tf.constant(new double[][] {{1, 2}, {3, 4}, {5, 6}, {7, 8}});
      try (GradientTape tape = new GradientTape(tf)) {
        tape.watch(params);
        Operand<?> y =
            tf.sum(tf.gather(params, ints(tf, 2, 0, 2, 2), tf.constant(0)), ints(tf, 0, 1));
        assertArrayEquals(
            new double[] {1, 1, 0, 0, 3, 3, 0, 0}, values(tf, tape.gradient(y, params)), 0.0);
      }
    }
  }

  @Test
  void gatherOnInnerAndNegativeAxes() {
    check.check(
        (tf, x) -> tf.gather(x(x, 0), ints(tf, new int[] {1, 1, 0, 2}), tf.constant(1)),
        random(34, -1, 1, 2, 3, 2));
    check.check(
        (tf, x) ->
            tf.gather(x(x, 0), tf.reshape(ints(tf, 1, 1, 0, 2), ints(tf, 2, 2)), tf.constant(1)),
        random(35, -1, 1, 2, 3, 2));
    withoutGraph("TensorFlow's C++ GatherV2 gradient rejects negative axes").check(
        (tf, x) -> tf.gather(x(x, 0), ints(tf, 0, 0, 2), tf.constant(-1)),
        random(36, -1, 1, 2, 3));
    withoutGraph(CPP_INT64).check(
        (tf, x) -> tf.gather(x(x, 0), longs(tf, 1, 0, 1), tf.constant(-2L)),
        random(54, -1, 1, 2, 3));
  }

  @Test
  void gatherWithBatchDims() {
    check.check(
        (tf, x) ->
            tf.gather(x(x, 0), tf.constant(new int[][] {{0, 2, 2}, {1, 1, 0}}), tf.constant(1),
                Gather.batchDims(1L)),
        random(37, -1, 1, 2, 3, 2));
    // Axis after the batch dimension, and negative batch_dims (-1 + rank of indices 2 = 1).
    withoutGraph("TensorFlow's C++ GatherV2 gradient does not support negative batch_dims").check(
        (tf, x) ->
            tf.gather(x(x, 0), tf.constant(new int[][] {{1, 1}, {0, 1}}), tf.constant(2),
                Gather.batchDims(-1L)),
        random(38, -1, 1, 2, 2, 2));
  }

  @Test
  void gatherNdAndScatterNd() {
    check.check(
        (tf, x) -> tf.gatherNd(x(x, 0), tf.constant(new int[][] {{2}, {0}, {2}})),
        random(39, -1, 1, 3, 2));
    check.check(
        (tf, x) -> tf.gatherNd(x(x, 0), tf.constant(new long[][] {{0, 1}, {2, 0}, {0, 1}})),
        random(40, -1, 1, 3, 2));
    check.check(
        (tf, x) ->
            tf.scatterNd(tf.constant(new int[][] {{1}, {3}, {1}}), x(x, 0), ints(tf, 4, 2)),
        random(41, -1, 1, 3, 2));
  }

  @Test
  void resourceGatherSendsADenseGradientToTheWatchedHandle() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable v =
          new Variable(tf, "table:0", tf.constant(new double[][] {{1, 2}, {3, 4}, {5, 6}}), true);
      Variable batched =
          new Variable(tf, "batched:0", tf.constant(new double[][] {{1, 2, 3}, {4, 5, 6}}), true);
      try (GradientTape tape = GradientTape.persistent(tf)) {
        tape.watch(v.handle()).watch(batched.handle());
        Operand<TFloat64> rows =
            tf.resourceGather(v.handle(), ints(tf, 2, 2, 0), TFloat64.class);
        Operand<?> y =
            tf.sum(
                tf.math.mul(rows, tf.constant(new double[][] {{1, 2}, {3, 4}, {5, 6}})),
                ints(tf, 0, 1));
        // Row 2 is gathered twice (weights [1, 2] and [3, 4]), row 0 once (weights [5, 6]).
        assertArrayEquals(
            new double[] {5, 6, 0, 0, 4, 6},
            values(tf, tape.gradient(y, List.of(v.handle())).get(0)),
            0.0);

        Operand<TFloat64> picked =
            tf.resourceGather(
                batched.handle(), tf.constant(new int[][] {{0, 0}, {2, 1}}), TFloat64.class,
                ResourceGather.batchDims(1L));
        Operand<?> z =
            tf.sum(
                tf.math.mul(picked, tf.constant(new double[][] {{1, 2}, {3, 4}})), ints(tf, 0, 1));
        // Batch row 0 gathers element 0 twice; batch row 1 gathers elements 2 and 1.
        assertArrayEquals(
            new double[] {3, 0, 0, 0, 4, 3},
            values(tf, tape.gradient(z, List.of(batched.handle())).get(0)),
            0.0);
      }
    }
  }

  // ---- tiling, broadcasting, filling and padding -------------------------------------------

  @Test
  void tileOverBroadcastAndTiledDims() {
    check.check((tf, x) -> tf.tile(x(x, 0), ints(tf, 2, 3, 1)), random(42, -1, 1, 2, 1, 3));
    check.check((tf, x) -> tf.tile(x(x, 0), longs(tf, 1, 2)), random(43, -1, 1, 2, 2));
  }

  @Test
  void broadcastToAddsAndStretchesDims() {
    check.check((tf, x) -> tf.broadcastTo(x(x, 0), ints(tf, 2, 3, 4)), random(44, -1, 1, 3, 1));
    withoutGraph(CPP_INT64)
        .check((tf, x) -> tf.broadcastTo(x(x, 0), longs(tf, 2, 3)), random(45, -1, 1, 3));
  }

  @Test
  void fillDifferentiatesItsValue() {
    check.check(
        (tf, x) -> tf.math.mul(tf.fill(ints(tf, 2, 3), x(x, 0)), tf.fill(ints(tf, 2, 3), x(x, 0))),
        GradientCheck.Input.of(new long[0], 0.7));
  }

  @Test
  void padV1AndV2() {
    check.check(
        (tf, x) -> tf.pad(x(x, 0), tf.constant(new int[][] {{0, 2}, {1, 1}}), tf.constant(0.5)),
        random(55, -1, 1, 2, 3));
    check.check(
        (tf, x) -> padV1(tf, x(x, 0), tf.constant(new int[][] {{1, 0}, {2, 1}})),
        random(46, -1, 1, 2, 3));
    withoutGraph(CPP_INT64).check(
        (tf, x) -> tf.pad(x(x, 0), tf.constant(new long[][] {{0, 2}, {1, 1}}), tf.constant(0.5)),
        random(47, -1, 1, 2, 3));
  }

  @Test
  void padV2DifferentiatesTheConstantValue() {
    withoutGraph("TensorFlow gives PadV2's constant_values no gradient; we do")
        .check(
            (tf, x) -> tf.pad(x(x, 0), tf.constant(new int[][] {{1, 0}, {0, 2}}), x(x, 1)),
            random(48, -1, 1, 2, 3),
            GradientCheck.Input.of(new long[0], 0.3));
  }

  @Test
  void mirrorPadAndItsGradient() {
    for (String mode : new String[] {"REFLECT", "SYMMETRIC"}) {
      check.check(
          (tf, x) -> tf.mirrorPad(x(x, 0), tf.constant(new int[][] {{1, 1}, {0, 2}}), mode),
          random(49, -1, 1, 3, 3));
      check.check(
          (tf, x) -> tf.mirrorPadGrad(x(x, 0), tf.constant(new int[][] {{1, 1}, {0, 2}}), mode),
          random(50, -1, 1, 5, 5));
    }
  }

  /** TensorFlow Java has no wrapper for the original Pad op, which tf.pad in Python emits. */
  private static Operand<?> padV1(Ops tf, Operand<?> x, Operand<?> paddings) {
    return tf.scope()
        .opBuilder("Pad", "Pad")
        .addInput(x.asOutput())
        .addInput(paddings.asOutput())
        .build()
        .output(0);
  }

  // ---- second order ------------------------------------------------------------------------

  @Test
  void secondOrderThroughReshapeTransposeTile() {
    check.checkSecondOrder(
        (tf, x) ->
            cube(tf, tf.tile(tf.linalg.transpose(tf.reshape(x(x, 0), ints(tf, 2, 3)),
                ints(tf, 1, 0)), ints(tf, 2, 1))),
        random(51, -1, 1, 6));
  }

  @Test
  void secondOrderThroughGatherAndStridedSlice() {
    check.checkSecondOrder(
        (tf, x) ->
            cube(tf, tf.stridedSlice(tf.gather(x(x, 0), ints(tf, 2, 0, 2), tf.constant(1)),
                ints(tf, 0, 2), ints(tf, 0, -4), ints(tf, 1, -1), StridedSlice.beginMask(1L),
                StridedSlice.endMask(1L))),
        random(52, -1, 1, 2, 3));
  }

  @Test
  void secondOrderThroughConcatPadSliceAndPack() {
    check.checkSecondOrder(
        (tf, x) -> {
          Operand joined = tf.concat(List.of(x(x, 0), tf.math.square(x(x, 0))), tf.constant(-1));
          Operand padded =
              tf.pad(joined, tf.constant(new int[][] {{1, 0}, {0, 1}}), tf.constant(0.0));
          Operand cut = tf.slice(padded, ints(tf, 0, 1), ints(tf, 2, 3));
          Unstack<?> rows = tf.unstack(cut, 2L);
          List swapped = List.of(rows.output().get(1), rows.output().get(0));
          return cube(tf, tf.stack(swapped, Stack.axis(1L)));
        },
        random(53, -1, 1, 2, 2));
  }

  // ---- ops without a gradient --------------------------------------------------------------

  @Test
  void stopGradientCutsThePath() {
    // d/dx sum(x * stop(x)) treats the second factor as a constant: the gradient is x, not 2x.
    double[] xs = {0.5, -1.5, 2.0};
    assertArrayEquals(xs, tapeGradient(xs, (tf, x) -> tf.math.mul(x, tf.stopGradient(x))), 0.0);
  }

  @Test
  void floatValuedOpsWithoutGradientContributeNothing() {
    double[] xs = {0.2, 1.7, 3.1};
    double[] ones = {1, 1, 1};
    assertArrayEquals(ones, tapeGradient(xs, (tf, x) -> tf.math.mul(x, tf.onesLike(x))), 0.0);
    assertArrayEquals(ones, tapeGradient(xs, (tf, x) -> tf.math.add(x, tf.zerosLike(x))), 0.0);
    // Range with a limit that depends on x: [0, 1, ..., 4] for sum(x) = 5.
    assertArrayEquals(
        ones,
        tapeGradient(
            xs,
            (tf, x) ->
                tf.math.add(
                    tf.sum(x, tf.constant(0)),
                    tf.sum(tf.range(tf.constant(0.0), tf.sum(x, tf.constant(0)), tf.constant(1.0)),
                        tf.constant(0)))),
        0.0);
    // One-hot rows selected by indices computed from x: [0, 1, 3] -> depth 4.
    assertArrayEquals(
        ones,
        tapeGradient(
            xs,
            (tf, x) ->
                tf.math.add(
                    tf.sum(x, tf.constant(0)),
                    tf.sum(
                        tf.oneHot(tf.dtypes.cast(x, TInt32.class), tf.constant(4), tf.constant(1.0),
                            tf.constant(0.0)),
                        ints(tf, 0, 1)))),
        0.0);
  }

  @Test
  void integerValuedOpsWithoutGradientGiveNone() {
    List<BiFunction<Ops, Operand<TFloat64>, Operand<?>>> targets =
        List.of(
            (tf, x) -> tf.shape(x),
            (tf, x) -> tf.shapeN(List.of(x, x)).output().get(1),
            (tf, x) -> tf.rank(x),
            (tf, x) -> tf.size(x),
            (tf, x) -> tf.where(tf.math.greater(x, tf.constant(1.0))),
            (tf, x) -> tf.math.add(tf.shape(x), tf.size(x)));
    for (BiFunction<Ops, Operand<TFloat64>, Operand<?>> target : targets) {
      try (Eager eager = Eager.create()) {
        Ops tf = eager.tf();
        Operand<TFloat64> x = tf.constant(new double[] {0.5, 1.5, 2.5});
        try (GradientTape tape = new GradientTape(tf)) {
          tape.watch(x);
          Operand<?> y = target.apply(tf, x);
          assertNull(tape.gradient(y, List.of(x)).get(0), "gradient through " + y.op().type());
        }
      }
    }
  }

  @Test
  void preventGradientFailsWithItsMessage() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat64> x = tf.constant(new double[] {1, 2});
      try (GradientTape tape = new GradientTape(tf)) {
        tape.watch(x);
        Operand<?> y =
            tf.sum(tf.train.preventGradient(x, PreventGradient.message("frozen for the test")),
                tf.constant(0));
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> tape.gradient(y, List.of(x)));
        assertTrue(e.getMessage().contains("PreventGradient"), e.getMessage());
        assertTrue(e.getMessage().contains("frozen for the test"), e.getMessage());
      }
    }
  }

  @Test
  void helperOpsOfGradientsAreDeclaredNonDifferentiable() {
    for (String type :
        new String[] {"ConcatOffset", "InvertPermutation", "BroadcastGradientArgs", "Const"}) {
      assertTrue(Gradients.isNonDifferentiable(type), type);
    }
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** The tape's gradient of sum(f(x)) with respect to x. */
  private static double[] tapeGradient(
      double[] xs, BiFunction<Ops, Operand<TFloat64>, Operand<?>> f) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat64> x = tf.constant(xs);
      try (GradientTape tape = new GradientTape(tf)) {
        tape.watch(x);
        Operand<?> y = f.apply(tf, x);
        Operand<?> total =
            tf.sum((Operand) y, tf.range(tf.constant(0), tf.rank(y), tf.constant(1)));
        return values(tf, tape.gradient(total, List.of(x)).get(0));
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
}
