package dev.keraslite.autodiff;

import dev.keraslite.internal.fast.FastShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ConcatOffset;
import org.tensorflow.op.core.ShapeN;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.StridedSlice;
import org.tensorflow.op.core.StridedSliceGrad;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/**
 * Gradients of ops that move data without arithmetic: identity, reshaping, transposing, joining
 * and splitting, slicing, gathering, tiling and padding. They follow TensorFlow's {@code
 * array_grad.py}, with two deliberate differences: gathers return a dense gradient (keras-lite has
 * no {@code IndexedSlices}), and {@code PadV2} also differentiates its {@code constant_values}
 * input, where TensorFlow returns none.
 *
 * <p>Shapes and axes are computed with ops at run time rather than read in Java, so the same
 * functions serve traced graphs whose dimensions are unknown. Every gradient is built from ops that
 * have gradients themselves (slice and pad, gather and scatter, pack and unpack are each other's
 * gradients), so second derivatives pass through.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
final class ArrayGradients {
  private ArrayGradients() {}

  static void registerAll() {
    GradientFunction identity = (tf, op, g) -> List.of(g.get(0));
    Gradients.register("Identity", identity);
    Gradients.register("Snapshot", identity);
    Gradients.register("ReadVariableOp", identity);
    Gradients.register("IdentityN", (tf, op, g) -> new ArrayList<>(g));
    Gradients.register("PreventGradient", ArrayGradients::preventGradient);

    Gradients.register("Reshape", (tf, op, g) -> Arrays.asList(reshapeToInput(tf, op, g), null));
    Gradients.register("ExpandDims", (tf, op, g) -> Arrays.asList(reshapeToInput(tf, op, g), null));
    Gradients.register("Squeeze", (tf, op, g) -> List.of(reshapeToInput(tf, op, g)));
    Gradients.register(
        "Transpose",
        (tf, op, g) ->
            Arrays.asList(
                tf.linalg.transpose(
                    (Operand) g.get(0), tf.math.invertPermutation((Operand) op.input(1))),
                null));
    Gradients.register(
        "ReverseV2",
        (tf, op, g) -> Arrays.asList(tf.reverse((Operand) g.get(0), (Operand) op.input(1)), null));

    Gradients.register("ConcatV2", ArrayGradients::concatGradient);
    Gradients.register("Split", ArrayGradients::splitGradient);
    Gradients.register("SplitV", ArrayGradients::splitVGradient);
    Gradients.register("Pack", ArrayGradients::packGradient);
    Gradients.register("Unpack", ArrayGradients::unpackGradient);

    Gradients.register("Slice", ArrayGradients::sliceGradient);
    Gradients.register("StridedSlice", ArrayGradients::stridedSliceGradient);
    Gradients.register("StridedSliceGrad", ArrayGradients::stridedSliceGradGradient);

    Gradients.register("GatherV2", ArrayGradients::gatherGradient);
    Gradients.register("ResourceGather", ArrayGradients::resourceGatherGradient);
    Gradients.register("GatherNd", ArrayGradients::gatherNdGradient);
    Gradients.register(
        "ScatterNd",
        (tf, op, g) ->
            Arrays.asList(null, tf.gatherNd((Operand) g.get(0), (Operand) op.input(0)), null));

    Gradients.register("Tile", ArrayGradients::tileGradient);
    Gradients.register(
        "BroadcastTo",
        (tf, op, g) -> Arrays.asList(Broadcasting.reduceTo(tf, g.get(0), op.input(0)), null));
    Gradients.register("Fill", (tf, op, g) -> Arrays.asList(null, sumAll(tf, g.get(0))));

    Gradients.register("Pad", ArrayGradients::padGradient);
    Gradients.register("PadV2", ArrayGradients::padGradient);
    // MirrorPad and MirrorPadGrad fold and unfold the same borders: each is the other's gradient.
    Gradients.register(
        "MirrorPad",
        (tf, op, g) ->
            Arrays.asList(tf.mirrorPadGrad((Operand) g.get(0), paddings(op), mode(op)), null));
    Gradients.register(
        "MirrorPadGrad",
        (tf, op, g) ->
            Arrays.asList(tf.mirrorPad((Operand) g.get(0), paddings(op), mode(op)), null));

    // Const has no inputs, so an eager tape never records it; a graph-mode walker may meet it.
    // ConcatOffset, InvertPermutation and BroadcastGradientArgs appear inside gradients above and
    // are recorded by an outer tape when differentiating twice.
    Gradients.registerNonDifferentiable(
        "StopGradient", "Const", "Shape", "ShapeN", "Rank", "Size", "ZerosLike", "OnesLike",
        "OneHot", "Range", "Where", "ConcatOffset", "InvertPermutation", "BroadcastGradientArgs");
  }

  private static List<Operand<?>> preventGradient(Ops tf, RecordedOp op, List<Operand<?>> g) {
    throw new IllegalArgumentException(
        "Gradient explicitly disabled by "
            + op
            + ", which lies between a source and the target. Reason: "
            + op.attrString("message", "(none given)"));
  }

  private static Operand<? extends TNumber> paddings(RecordedOp op) {
    return (Operand<? extends TNumber>) op.input(1);
  }

  private static String mode(RecordedOp op) {
    return op.attrString("mode", "REFLECT");
  }

  private static Operand<?> reshapeToInput(Ops tf, RecordedOp op, List<Operand<?>> g) {
    return tf.reshape((Operand) g.get(0), tf.shape(op.input(0)));
  }

  // ---- joining and splitting ---------------------------------------------------------------

  /** Slices the gradient back into the concatenated pieces; the axis input gets none. */
  private static List<Operand<?>> concatGradient(Ops tf, RecordedOp op, List<Operand<?>> g) {
    int n = op.numInputs() - 1;
    List<Operand<?>> values = new ArrayList<>(op.inputs().subList(0, n));
    Operand<TInt32> axis =
        tf.math.floorMod(toInt32(tf, op.input(n)), tf.rank(values.get(0)));
    ShapeN<TInt32> shapes = tf.shapeN((List) values);
    ConcatOffset<TInt32> offsets = tf.concatOffset(axis, (List) shapes.output());
    List<Operand<?>> grads = new ArrayList<>(n + 1);
    for (int i = 0; i < n; i++) {
      grads.add(
          tf.slice((Operand) g.get(0), offsets.offset().get(i), shapes.output().get(i)));
    }
    grads.add(null);
    return grads;
  }

  private static List<Operand<?>> splitGradient(Ops tf, RecordedOp op, List<Operand<?>> g) {
    return Arrays.asList(null, concat(tf, g, op.input(0)));
  }

  private static List<Operand<?>> splitVGradient(Ops tf, RecordedOp op, List<Operand<?>> g) {
    return Arrays.asList(concat(tf, g, op.input(2)), null, null);
  }

  private static Operand<?> concat(Ops tf, List<Operand<?>> parts, Operand<?> axis) {
    // ConcatV2 needs at least two values; a one-way split is the identity.
    return parts.size() == 1 ? parts.get(0) : tf.concat((List) parts, (Operand) axis);
  }

  private static List<Operand<?>> packGradient(Ops tf, RecordedOp op, List<Operand<?>> g) {
    Unstack<?> pieces =
        tf.unstack(
            (Operand) g.get(0), (long) op.numInputs(), Unstack.axis(op.attrLong("axis", 0)));
    return new ArrayList<>(pieces.output());
  }

  private static List<Operand<?>> unpackGradient(Ops tf, RecordedOp op, List<Operand<?>> g) {
    return List.of(tf.stack((List) g, Stack.axis(op.attrLong("axis", 0))));
  }

  // ---- slicing -----------------------------------------------------------------------------

  /** Pads the gradient with zeros back to the input's shape. */
  private static List<Operand<?>> sliceGradient(Ops tf, RecordedOp op, List<Operand<?>> g) {
    Operand input = op.input(0);
    Operand begin = op.input(1);
    Class indexType = begin.type();
    // The size input may hold -1 ("to the end"); the output's shape is the real size.
    Operand after =
        tf.math.sub(
            tf.math.sub(tf.shape(input, indexType), begin), tf.shape(op.output(0), indexType));
    Operand paddings = tf.stack(List.of(begin, after), Stack.axis(1L));
    Operand grad = g.get(0);
    return Arrays.asList(
        tf.pad(grad, paddings, (Operand) MathGradients.constantLike(tf, 0, grad)), null, null);
  }

  private static List<Operand<?>> stridedSliceGradient(Ops tf, RecordedOp op, List<Operand<?>> g) {
    Operand begin = op.input(1);
    Operand grad =
        tf.stridedSliceGrad(
            tf.shape(op.input(0), begin.type()),
            begin,
            (Operand) op.input(2),
            (Operand) op.input(3),
            (Operand) g.get(0),
            StridedSliceGrad.beginMask(op.attrLong("begin_mask", 0)),
            StridedSliceGrad.endMask(op.attrLong("end_mask", 0)),
            StridedSliceGrad.ellipsisMask(op.attrLong("ellipsis_mask", 0)),
            StridedSliceGrad.newAxisMask(op.attrLong("new_axis_mask", 0)),
            StridedSliceGrad.shrinkAxisMask(op.attrLong("shrink_axis_mask", 0)));
    return Arrays.asList(grad, null, null, null);
  }

  /** StridedSliceGrad scatters dy into zeros, so its gradient with respect to dy slices again. */
  private static List<Operand<?>> stridedSliceGradGradient(
      Ops tf, RecordedOp op, List<Operand<?>> g) {
    Operand grad =
        tf.stridedSlice(
            (Operand) g.get(0),
            (Operand) op.input(1),
            (Operand) op.input(2),
            (Operand) op.input(3),
            StridedSlice.beginMask(op.attrLong("begin_mask", 0)),
            StridedSlice.endMask(op.attrLong("end_mask", 0)),
            StridedSlice.ellipsisMask(op.attrLong("ellipsis_mask", 0)),
            StridedSlice.newAxisMask(op.attrLong("new_axis_mask", 0)),
            StridedSlice.shrinkAxisMask(op.attrLong("shrink_axis_mask", 0)));
    return Arrays.asList(null, null, null, null, grad);
  }

  // ---- gathering ---------------------------------------------------------------------------

  private static List<Operand<?>> gatherGradient(Ops tf, RecordedOp op, List<Operand<?>> g) {
    Operand<TInt64> shape = tf.shape(op.input(0), TInt64.class);
    Operand<TInt64> axis =
        tf.math.floorMod(toInt64(tf, op.input(2)), tf.size(shape, TInt64.class));
    Operand<?> grad = scatterGathered(tf, op, g.get(0), shape, axis);
    return Arrays.asList(grad, null, null);
  }

  /**
   * ResourceGather reads a variable and gathers on axis {@code batch_dims}; the gradient goes to
   * the resource input. An eager tape reaches it only when the handle itself is watched, since
   * tapes watch variables through their {@code ReadVariableOp}s.
   */
  private static List<Operand<?>> resourceGatherGradient(
      Ops tf, RecordedOp op, List<Operand<?>> g) {
    Operand<TInt64> shape = tf.variableShape(op.input(0), TInt64.class);
    Operand<TInt64> axis = tf.constant(batchDims(op));
    return Arrays.asList(scatterGathered(tf, op, g.get(0), shape, axis), null);
  }

  /**
   * The dense gradient of a gather: every gathered slice of {@code grad} is added back at the
   * position it came from, so repeated indices accumulate. With params shaped {@code B + O + [A] +
   * I} (batch dims, dims before the axis, the axis, dims after it), {@code grad} is viewed as
   * {@code [B, O, N, I]} for N gathered indices, N is swapped in front of O, and {@code ScatterNd}
   * sums it into {@code [B, A, O, I]} before the swap and the reshape are undone.
   *
   * @param op a gather whose input 1 holds the indices
   * @param shape the params' shape
   * @param axis the non-negative gather axis, a scalar
   */
  private static Operand<?> scatterGathered(
      Ops tf, RecordedOp op, Operand<?> grad, Operand<TInt64> shape, Operand<TInt64> axis) {
    long batchDims = batchDims(op);
    boolean batched = batchDims > 0;
    Operand<TInt64> outerRank = batched ? tf.math.sub(axis, tf.constant(batchDims)) : axis;
    Operand<TInt64> outerSize =
        product(tf, tf.slice(shape, tf.constant(new long[] {batchDims}), vector(tf, outerRank)));
    Operand<TInt64> axisSize = tf.gather(shape, axis, tf.constant(0));
    Operand<TInt64> innerBegin = vector(tf, tf.math.add(axis, tf.constant(1L)));
    Operand<TInt64> innerSize =
        product(tf, tf.slice(shape, innerBegin, tf.constant(new long[] {-1})));
    Operand<TInt64> all = tf.constant(-1L);

    // Without batch dims, the leading batch axis (of size one) is left out.
    List<Operand<TInt64>> valuesShape = new ArrayList<>(4);
    List<Operand<TInt64>> denseShape = new ArrayList<>(4);
    List<Operand<TInt64>> indicesShape = new ArrayList<>(2);
    Operand<TInt64> batchSize = null;
    if (batched) {
      batchSize =
          product(
              tf,
              tf.slice(shape, tf.constant(new long[] {0}), tf.constant(new long[] {batchDims})));
      valuesShape.add(batchSize);
      denseShape.add(batchSize);
      indicesShape.add(batchSize);
    }
    valuesShape.addAll(List.of(outerSize, all, innerSize));
    denseShape.addAll(List.of(axisSize, outerSize, innerSize));
    indicesShape.add(all);
    Operand<TInt32> swap = tf.constant(batched ? new int[] {0, 2, 1, 3} : new int[] {1, 0, 2});

    Operand values = tf.linalg.transpose(tf.reshape((Operand) grad, tf.stack(valuesShape)), swap);
    Operand<TInt64> indices = tf.reshape(toInt64(tf, op.input(1)), tf.stack(indicesShape));
    Operand<TInt64> scatterIndices;
    if (batched) {
      // Each index is paired with the number of its batch row: [batch, n, 2].
      Operand<TInt64> rows =
          tf.reshape(
              tf.range(tf.constant(0L), batchSize, tf.constant(1L)),
              tf.constant(new long[] {-1, 1}));
      Operand<TInt64> rowOfEach = tf.broadcastTo(rows, tf.shape(indices, TInt64.class));
      scatterIndices = tf.stack(List.of(rowOfEach, indices), Stack.axis(-1L));
    } else {
      scatterIndices = tf.expandDims(indices, tf.constant(-1));
    }
    Operand dense = tf.scatterNd(scatterIndices, values, tf.stack(denseShape));
    return tf.reshape(tf.linalg.transpose(dense, swap), shape);
  }

  /** The op's {@code batch_dims}, a negative value counted back from the indices' rank. */
  private static long batchDims(RecordedOp op) {
    long batchDims = op.attrLong("batch_dims", 0);
    if (batchDims >= 0) {
      return batchDims;
    }
    int indicesRank = FastShape.of(op.input(1)).numDimensions();
    if (indicesRank < 0) {
      throw new IllegalArgumentException(
          "The gradient of "
              + op
              + " needs the rank of its indices to resolve batch_dims="
              + batchDims
              + ", but the indices have unknown rank; pass a non-negative batch_dims.");
    }
    return batchDims + indicesRank;
  }

  private static List<Operand<?>> gatherNdGradient(Ops tf, RecordedOp op, List<Operand<?>> g) {
    Operand indices = op.input(1);
    Operand grad =
        tf.scatterNd(indices, (Operand) g.get(0), tf.shape(op.input(0), indices.type()));
    return Arrays.asList(grad, null);
  }

  // ---- tiling, broadcasting and padding ----------------------------------------------------

  /**
   * Views the gradient as {@code [m0, d0, m1, d1, ...]} (multiples interleaved with the input's
   * dimensions) and sums over the multiples.
   */
  private static List<Operand<?>> tileGradient(Ops tf, RecordedOp op, List<Operand<?>> g) {
    Operand multiples = op.input(1);
    Operand inputShape = tf.shape(op.input(0), multiples.type());
    Operand interleaved =
        tf.reshape(
            tf.linalg.transpose(
                tf.stack(List.of(multiples, inputShape)), tf.constant(new int[] {1, 0})),
            tf.constant(new int[] {-1}));
    Operand tiledAxes = tf.range(tf.constant(0), tf.size(interleaved), tf.constant(2));
    Operand grad = tf.sum(tf.reshape((Operand) g.get(0), interleaved), tiledAxes);
    return Arrays.asList(grad, null);
  }

  /**
   * Slices the unpadded region out of the gradient. For {@code PadV2} the padding value receives
   * the gradient of every padded element: the total minus the unpadded part.
   */
  private static List<Operand<?>> padGradient(Ops tf, RecordedOp op, List<Operand<?>> g) {
    Operand input = op.input(0);
    Operand paddings = op.input(1);
    Class indexType = paddings.type();
    Operand before =
        tf.reshape(
            tf.slice(
                paddings,
                (Operand) indexConstant(tf, indexType, 0, 0),
                (Operand) indexConstant(tf, indexType, -1, 1)),
            tf.constant(new int[] {-1}));
    Operand grad = g.get(0);
    Operand inputGrad = tf.slice(grad, before, tf.shape(input, indexType));
    if (op.numInputs() == 2) {
      return Arrays.asList(inputGrad, null);
    }
    Operand valueGrad = tf.math.sub((Operand) sumAll(tf, grad), (Operand) sumAll(tf, inputGrad));
    return Arrays.asList(inputGrad, null, valueGrad);
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** Sum over every axis, to a scalar. */
  private static Operand<?> sumAll(Ops tf, Operand<?> x) {
    return tf.sum(
        (Operand) x, tf.range(tf.constant(0), tf.rank(x), tf.constant(1)));
  }

  private static Operand<TInt64> product(Ops tf, Operand<TInt64> vector) {
    return tf.prod(vector, tf.constant(0));
  }

  private static Operand<TInt64> vector(Ops tf, Operand<TInt64> scalar) {
    return tf.reshape(scalar, tf.constant(new int[] {1}));
  }

  private static Operand<TInt32> toInt32(Ops tf, Operand<?> x) {
    return x.type() == TInt32.class
        ? (Operand<TInt32>) x
        : tf.dtypes.cast((Operand) x, TInt32.class);
  }

  private static Operand<TInt64> toInt64(Ops tf, Operand<?> x) {
    return x.type() == TInt64.class
        ? (Operand<TInt64>) x
        : tf.dtypes.cast((Operand) x, TInt64.class);
  }

  /** An index vector of {@code type} (int32 or int64), to match another index operand. */
  private static Operand<?> indexConstant(Ops tf, Class<?> type, long... values) {
    if (type == TInt64.class) {
      return tf.constant(values);
    }
    return tf.constant(Arrays.stream(values).mapToInt(Math::toIntExact).toArray());
  }
}
