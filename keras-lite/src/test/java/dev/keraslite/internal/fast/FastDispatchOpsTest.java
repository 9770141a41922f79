package dev.keraslite.internal.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.Tensor;
import org.tensorflow.framework.losses.CategoricalCrossentropy;
import org.tensorflow.framework.losses.MeanSquaredError;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.op.io.FifoQueue;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.op.nn.TopK;
import org.tensorflow.op.strings.Join;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;

/**
 * Ops of many kinds through the fast path: each result is checked against a closed form computed
 * here and against the same computation on TensorFlow Java's builders (identical bits).
 */
class FastDispatchOpsTest {
  private static final FastAndSlow CONTEXTS = new FastAndSlow();

  @AfterAll
  static void close() {
    CONTEXTS.close();
  }

  private static float[] floats(Tensor t) {
    TFloat32 f = (TFloat32) t;
    float[] out = new float[(int) f.shape().size()];
    int[] i = {0};
    f.scalars().forEach(s -> out[i[0]++] = s.getFloat());
    return out;
  }

  private static int[] ints(Tensor t) {
    TInt32 v = (TInt32) t;
    int[] out = new int[(int) v.shape().size()];
    int[] i = {0};
    v.scalars().forEach(s -> out[i[0]++] = s.getInt());
    return out;
  }

  @Test
  void scalarAdd() {
    Tensor sum = CONTEXTS.one(tf -> tf.math.add(tf.constant(1.5f), tf.constant(2.25f)));
    assertEquals(Shape.scalar(), sum.shape());
    assertEquals(3.75f, ((TFloat32) sum).getFloat());
  }

  @Test
  void matMulWithTransposeFlags() {
    float[][] a = {{1, 2, 3}, {4, 5, 6}};
    float[][] b = {{7, 8, 9}, {10, 11, 12}};
    for (boolean transposeB : new boolean[] {true, false}) {
      // b is 2x3: a·bᵀ is 2x2; aᵀ·b is 3x3.
      Tensor product =
          CONTEXTS.one(
              tf ->
                  tf.linalg.matMul(
                      tf.constant(a),
                      tf.constant(b),
                      MatMul.transposeA(!transposeB),
                      MatMul.transposeB(transposeB)));
      int rows = transposeB ? 2 : 3;
      float[] expected = new float[rows * rows];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < rows; j++) {
          float s = 0;
          for (int k = 0; k < (transposeB ? 3 : 2); k++) {
            s += transposeB ? a[i][k] * b[j][k] : a[k][i] * b[k][j];
          }
          expected[i * rows + j] = s;
        }
      }
      assertEquals(Shape.of(rows, rows), product.shape());
      assertArrayEquals(expected, floats(product));
    }
  }

  @Test
  void concatV2AddNAndPackTakeInputLists() {
    List<Tensor> out =
        CONTEXTS.both(
            tf -> {
              Operand<TFloat32> x = tf.constant(new float[][] {{1, 2}});
              Operand<TFloat32> y = tf.constant(new float[][] {{3, 4}});
              return List.of(
                  tf.concat(List.of(x, y), tf.constant(0)),
                  tf.concat(List.of(x, y, x), tf.constant(1)),
                  tf.math.addN(
                      List.of(
                          tf.constant(new float[] {1, 2}),
                          tf.constant(new float[] {10, 20}),
                          tf.constant(new float[] {100, 200}))),
                  tf.stack(
                      List.of(tf.constant(new float[] {1, 2}), tf.constant(new float[] {3, 4})),
                      Stack.axis(1L)));
            });
    assertEquals(Shape.of(2, 2), out.get(0).shape());
    assertArrayEquals(new float[] {1, 2, 3, 4}, floats(out.get(0)));
    assertEquals(Shape.of(1, 6), out.get(1).shape());
    assertArrayEquals(new float[] {1, 2, 3, 4, 1, 2}, floats(out.get(1)));
    assertArrayEquals(new float[] {111, 222}, floats(out.get(2)));
    assertEquals(Shape.of(2, 2), out.get(3).shape());
    assertArrayEquals(new float[] {1, 3, 2, 4}, floats(out.get(3)));
  }

  @Test
  void unpackAndSplitHaveListOutputs() {
    List<Tensor> out =
        CONTEXTS.both(
            tf -> {
              Operand<TFloat32> m = tf.constant(new float[][] {{1, 2}, {3, 4}, {5, 6}});
              Unstack<TFloat32> rows = tf.unstack(m, 3L, Unstack.axis(0L));
              Operand<TFloat32> wide = tf.constant(new float[][] {{1, 2, 3, 4}, {5, 6, 7, 8}});
              List<Operand<?>> all = new java.util.ArrayList<>(rows.output());
              all.addAll(tf.split(tf.constant(1), wide, 2L).output());
              return all;
            });
    assertEquals(5, out.size());
    assertArrayEquals(new float[] {1, 2}, floats(out.get(0)));
    assertArrayEquals(new float[] {3, 4}, floats(out.get(1)));
    assertArrayEquals(new float[] {5, 6}, floats(out.get(2)));
    assertEquals(Shape.of(2, 2), out.get(3).shape());
    assertArrayEquals(new float[] {1, 2, 5, 6}, floats(out.get(3)));
    assertArrayEquals(new float[] {3, 4, 7, 8}, floats(out.get(4)));
  }

  @Test
  void multiOutputOpsWithoutLists() {
    List<Tensor> out =
        CONTEXTS.both(
            tf -> {
              var unique = tf.unique(tf.constant(new int[] {3, 1, 3, 2, 1}), tf.constant(new int[] {0}));
              TopK<TFloat32, TInt32> top =
                  tf.nn.topK(tf.constant(new float[] {0.5f, 2f, -1f, 7f}), tf.constant(2), new TopK.Options[] {TopK.sorted(true)});
              return List.of(unique.y(), unique.idx(), top.values(), top.indices());
            });
    assertArrayEquals(new int[] {3, 1, 2}, ints(out.get(0)));
    assertArrayEquals(new int[] {0, 1, 0, 2, 1}, ints(out.get(1)));
    assertArrayEquals(new float[] {7f, 2f}, floats(out.get(2)));
    assertArrayEquals(new int[] {3, 1}, ints(out.get(3)));
  }

  @Test
  void typeShapeAndIntListAttributes() {
    List<Tensor> out =
        CONTEXTS.both(
            tf ->
                List.of(
                    tf.dtypes.cast(tf.constant(new float[] {1.7f, -2.2f}), TInt32.class),
                    tf.dtypes.cast(tf.constant(3), TFloat64.class),
                    tf.ensureShape(tf.constant(new float[][] {{1, 2, 3}}), Shape.of(1, -1)),
                    tf.squeeze(tf.constant(new float[][][] {{{1}, {2}}}), Squeeze.axis(List.of(0L))),
                    tf.placeholderWithDefault(tf.constant(new float[] {4, 5}), Shape.of(2))));
    assertArrayEquals(new int[] {1, -2}, ints(out.get(0)));
    assertEquals(3.0, ((TFloat64) out.get(1)).getDouble());
    assertEquals(Shape.of(1, 3), out.get(2).shape());
    assertEquals(Shape.of(2, 1), out.get(3).shape());
    assertArrayEquals(new float[] {4, 5}, floats(out.get(4)));
  }

  @Test
  void conv2dTakesIntListAndStringAttributes() {
    float[][] image = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
    float[][] kernel = {{1, -1}, {2, 0.5f}};
    Tensor out =
        CONTEXTS.one(
            tf -> {
              float[][][][] input = new float[1][3][3][1];
              float[][][][] filter = new float[2][2][1][1];
              for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                  input[0][i][j][0] = image[i][j];
                }
              }
              for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                  filter[i][j][0][0] = kernel[i][j];
                }
              }
              return tf.nn.conv2d(
                  tf.constant(input), tf.constant(filter), List.of(1L, 1L, 1L, 1L), "VALID");
            });
    float[] expected = new float[4];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        expected[i * 2 + j] =
            image[i][j] * kernel[0][0]
                + image[i][j + 1] * kernel[0][1]
                + image[i + 1][j] * kernel[1][0]
                + image[i + 1][j + 1] * kernel[1][1];
      }
    }
    assertEquals(Shape.of(1, 2, 2, 1), out.shape());
    assertArrayEquals(expected, floats(out), 1e-6f);
  }

  @Test
  void floatAndFloatListAttributes() {
    List<Tensor> out =
        CONTEXTS.both(
            tf ->
                List.of(
                    tf.nn.leakyRelu(tf.constant(new float[] {-2f, 3f}), LeakyRelu.alpha(0.1f)),
                    tf.bucketize(tf.constant(new float[] {-5, 5, 50, 500}), List.of(0f, 10f, 100f))));
    assertArrayEquals(new float[] {0.1f * -2f, 3f}, floats(out.get(0)));
    assertArrayEquals(new int[] {0, 1, 2, 3}, ints(out.get(1)));
  }

  @Test
  void stringAttributes() {
    Tensor joined =
        CONTEXTS.one(
            tf ->
                tf.strings.join(
                    List.of(
                        tf.constant(NdArrays.vectorOfObjects("x", "y")),
                        tf.constant(NdArrays.vectorOfObjects("1", "2"))),
                    Join.separator("-")));
    assertEquals(List.of("x-1", "y-2"), FastAndSlow.strings((TString) joined));
  }

  @Test
  void stringListAttributes() throws Exception {
    // Fast path only: TensorFlow Java 1.1.0's own eager builder crashes the JVM on list(string)
    // attributes (EagerOperationBuilder.setAttrStringList passes its PointerPointer by reference).
    // The oracle is the protobuf library: EncodeProto must have seen field_names.
    var fast = CONTEXTS.fast.tf();
    long javaOps = FastAndSlow.dispatcher(CONTEXTS.fast).javaOpCount();
    Operand<TString> encoded =
        fast.encodeProto(
                fast.constant(new int[][] {{1, 1}}),
                List.of(
                    fast.constant(new long[][] {{7}}),
                    fast.constant(StdArrays.ndCopyOf(new String[][] {{"batch"}}))),
                List.of("size", "name"),
                "tensorflow.TensorShapeProto.Dim")
            .bytes();
    assertEquals(javaOps, FastAndSlow.dispatcher(CONTEXTS.fast).javaOpCount());
    TensorShapeProto.Dim dim =
        TensorShapeProto.Dim.parseFrom(encoded.asTensor().asBytes().getObject(0));
    assertEquals(7, dim.getSize());
    assertEquals("batch", dim.getName());
  }

  @Test
  void shapeListAndTypeListAttributes() {
    List<Tensor> out =
        CONTEXTS.both(
            tf -> {
              var queue =
                  tf.io.fifoQueue(
                      List.of(TFloat32.class, TInt32.class), FifoQueue.shapes(Shape.of(2), Shape.of(3)));
              tf.io.queueEnqueue(
                  queue, List.of(tf.constant(new float[] {1, 2}), tf.constant(new int[] {7, 8, 9})));
              return new java.util.ArrayList<Operand<?>>(
                  tf.io.queueDequeue(queue, List.of(TFloat32.class, TInt32.class)).components());
            });
    assertArrayEquals(new float[] {1, 2}, floats(out.get(0)));
    assertArrayEquals(new int[] {7, 8, 9}, ints(out.get(1)));
  }

  @Test
  void tensorflowFrameworkLosses() {
    List<Tensor> out =
        CONTEXTS.both(
            tf -> {
              Operand<TFloat32> labels = tf.constant(new float[][] {{0, 1}, {1, 0}});
              Operand<TFloat32> predictions = tf.constant(new float[][] {{1, 1}, {1, 0.5f}});
              Operand<TFloat32> logits = tf.constant(new float[][] {{2, 0}, {0.5f, 1}});
              return List.of(
                  new MeanSquaredError().call(tf, labels, predictions, null),
                  new CategoricalCrossentropy(true).call(tf, labels, logits, null));
            });
    // Mean over the batch of the per-sample mean of squared errors: ((1 + 0) / 2 + (0 + 0.25) / 2) / 2.
    assertEquals(0.3125f, ((TFloat32) out.get(0)).getFloat(), 1e-7f);
    double first = -Math.log(Math.exp(0) / (Math.exp(2) + Math.exp(0)));
    double second = -Math.log(Math.exp(0.5) / (Math.exp(0.5) + Math.exp(1)));
    assertEquals((first + second) / 2, ((TFloat32) out.get(1)).getFloat(), 1e-6);
  }

  @Test
  void namedOpsStayOnTheFastPathAndGetTheirNames() {
    Operand<TFloat32> sum =
        CONTEXTS.fast.tf().withName("total").math.add(CONTEXTS.fast.tf().constant(1f), CONTEXTS.fast.tf().constant(2f));
    assertEquals("total", sum.op().name());
    assertTrue(TfInternals.outputHandles(sum.op())[0] instanceof OwnedHandle);
    Operand<TFloat32> scoped =
        CONTEXTS.fast.tf().withSubScope("dense").math.mul(CONTEXTS.fast.tf().constant(2f), CONTEXTS.fast.tf().constant(4f));
    assertEquals("dense/Mul", scoped.op().name());
    assertEquals(8f, scoped.asTensor().getFloat());
  }

  @Test
  void constantsAreCopiesOfTheirTensorInEveryDtype() {
    var tf = CONTEXTS.fast.tf();
    long fastBefore = FastAndSlow.dispatcher(CONTEXTS.fast).fastOpCount();
    try (TFloat32 source = TFloat32.tensorOf(StdArrays.ndCopyOf(new float[][] {{1, 2}, {3, 4}}))) {
      Operand<TFloat32> constant = tf.constantOf(source);
      // TensorFlow Java's Const copies its value: changing the tensor afterwards must not show.
      source.setFloat(99f, 0, 0);
      assertEquals(1f, constant.asTensor().getFloat(0, 0));
      assertEquals(Shape.of(2, 2), constant.shape());
      assertEquals(10f, tf.sum(constant, tf.constant(new int[] {0, 1})).asTensor().getFloat());
    }
    assertEquals(2.5, tf.constant(2.5).asTensor().getDouble());
    assertEquals(7L, tf.constant(7L).asTensor().getLong());
    assertEquals(true, tf.constant(true).asTensor().getBoolean());
    try (TFloat32 empty = TFloat32.tensorOf(Shape.of(0, 3))) {
      assertEquals(Shape.of(0, 3), tf.math.add(tf.constantOf(empty), tf.constant(1f)).shape());
    }
    // Strings hold pointers in their buffer: they take the Const kernel, with the same result.
    assertEquals("abc", tf.constant("abc").asTensor().getObject());
    assertTrue(FastAndSlow.dispatcher(CONTEXTS.fast).fastOpCount() > fastBefore);
  }

  @Test
  void shapesOfReadsTheHandleAsShapeDoes() {
    for (var tf : List.of(CONTEXTS.fast.tf(), CONTEXTS.slow.tf())) {
      List<Operand<?>> values =
          List.of(
              tf.constant(1f),
              tf.constant(new float[] {1, 2, 3}),
              tf.zeros(tf.constant(new int[] {2, 0, 4}), TFloat32.class),
              tf.linalg.matMul(tf.constant(new float[][] {{1, 2}}), tf.constant(new float[][] {{1}, {2}})));
      List<Shape> expected = List.of(Shape.scalar(), Shape.of(3), Shape.of(2, 0, 4), Shape.of(1, 1));
      for (int i = 0; i < values.size(); i++) {
        assertEquals(expected.get(i), FastShape.of(values.get(i)));
        assertEquals(values.get(i).shape(), FastShape.of(values.get(i)));
      }
    }
    try (org.tensorflow.Graph graph = new org.tensorflow.Graph()) {
      var g = org.tensorflow.op.Ops.create(graph);
      var unknownBatch = g.placeholder(TFloat32.class, org.tensorflow.op.core.Placeholder.shape(Shape.of(-1, 3)));
      // Shape.equals is false for unknown dimensions; compare the dimensions.
      assertArrayEquals(new long[] {-1, 3}, FastShape.of(unknownBatch).asArray());
    }
  }
}
