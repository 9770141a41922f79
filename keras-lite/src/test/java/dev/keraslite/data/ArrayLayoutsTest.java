package dev.keraslite.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Batches hold the right rows whatever the layout of the arrays a dataset is built from: dense
 * arrays, the views {@code slice(...)} makes (ranges as fit's validation split takes, reversed,
 * strided, cut inside a row), read-only and NIO-backed buffers. The oracle is arithmetic: value
 * {@code (i, j, k)} of the full features is {@code 1000 i + 10 j + k}, the label of sample {@code i}
 * is {@code 7 i}, so every batch value says which row it came from.
 */
class ArrayLayoutsTest {
  private static final int N = 12;

  private static float feature(int i, int j, int k) {
    return 1000f * i + 10f * j + k;
  }

  /** Features {@code [N, 3, 2]}. */
  private static FloatNdArray features() {
    float[] v = new float[N * 6];
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 2; k++) {
          v[i * 6 + j * 2 + k] = feature(i, j, k);
        }
      }
    }
    return NdArrays.wrap(Shape.of(N, 3, 2), DataBuffers.of(v, false, false));
  }

  private static IntNdArray labels() {
    int[] y = new int[N];
    for (int i = 0; i < N; i++) {
      y[i] = 7 * i;
    }
    return NdArrays.wrap(Shape.of(N), DataBuffers.of(y, false, false));
  }

  /** Float targets {@code [N, 2]}: {@code (i, -i)}. */
  private static FloatNdArray targets() {
    float[] y = new float[2 * N];
    for (int i = 0; i < N; i++) {
      y[2 * i] = i;
      y[2 * i + 1] = -i;
    }
    return NdArrays.wrap(Shape.of(N, 2), DataBuffers.of(y, false, false));
  }

  /**
   * Checks one pass in order, batches of 5: batch row {@code r} is original sample {@code
   * sample.applyAsInt(r)}, with the given columns {@code js} of each row.
   */
  private static void assertRows(
      Dataset data, int count, IntUnaryOperator sample, int[] js, boolean floatTargets) {
    int r = 0;
    for (Batch batch : data.batch(5)) {
      try (batch) {
        TFloat32 x = batch.x();
        int b = (int) batch.size();
        assertEquals(Shape.of(b, js.length, 2), x.shape());
        for (int row = 0; row < b; row++, r++) {
          int i = sample.applyAsInt(r);
          for (int jj = 0; jj < js.length; jj++) {
            for (int k = 0; k < 2; k++) {
              assertEquals(feature(i, js[jj], k), x.getFloat(row, jj, k), 0f, "row " + r);
            }
          }
          if (floatTargets) {
            TFloat32 y = (TFloat32) batch.y();
            assertEquals(i, y.getFloat(row, 0), 0f);
            assertEquals(-i, y.getFloat(row, 1), 0f);
          } else {
            assertEquals(7 * i, ((TInt32) batch.y()).getInt(row), "label of row " + r);
          }
        }
      }
    }
    assertEquals(count, r);
  }

  private static final int[] ALL_COLUMNS = {0, 1, 2};

  @Test
  void denseArrays() {
    assertRows(Dataset.of(features(), labels()), N, r -> r, ALL_COLUMNS, false);
    assertRows(Dataset.of(features(), targets()), N, r -> r, ALL_COLUMNS, true);
  }

  @Test
  void rangeSlicesAsFitsValidationSplitTakes() {
    FloatNdArray x = features();
    IntNdArray y = labels();
    assertRows(
        Dataset.of(x.slice(Indices.range(0, 9)), y.slice(Indices.range(0, 9))),
        9, r -> r, ALL_COLUMNS, false);
    assertRows(
        Dataset.of(x.slice(Indices.range(9, N)), y.slice(Indices.range(9, N))),
        3, r -> 9 + r, ALL_COLUMNS, false);
    assertRows(
        Dataset.of(x.slice(Indices.range(4, 10)), targets().slice(Indices.range(4, 10))),
        6, r -> 4 + r, ALL_COLUMNS, true);
  }

  @Test
  void reversedAndStridedViews() {
    FloatNdArray x = features();
    IntNdArray y = labels();
    assertRows(
        Dataset.of(x.slice(Indices.flip()), y.slice(Indices.flip())),
        N, r -> N - 1 - r, ALL_COLUMNS, false);
    assertRows(
        Dataset.of(x.slice(Indices.slice(1, N, 3)), y.slice(Indices.slice(1, N, 3))),
        4, r -> 1 + 3 * r, ALL_COLUMNS, false);
  }

  @Test
  void viewsCutInsideRows() {
    // Rows of x.slice(all, range(1, 3)) are not contiguous in the buffer.
    FloatNdArray x = features().slice(Indices.all(), Indices.range(1, 3));
    assertRows(Dataset.of(x, labels()), N, r -> r, new int[] {1, 2}, false);
    FloatNdArray both = features().slice(Indices.range(2, 8), Indices.range(0, 2));
    assertRows(
        Dataset.of(both, labels().slice(Indices.range(2, 8))), 6, r -> 2 + r, new int[] {0, 1}, false);
  }

  @Test
  void readOnlyAndNioBuffers() {
    float[] v = new float[N * 6];
    features().copyTo(DataBuffers.of(v, false, false));
    FloatNdArray readOnly = NdArrays.wrap(Shape.of(N, 3, 2), DataBuffers.of(v, true, false));
    assertRows(Dataset.of(readOnly, labels()), N, r -> r, ALL_COLUMNS, false);

    // A heap NIO buffer that starts 6 values (one row) into its array.
    float[] padded = new float[6 + N * 6];
    System.arraycopy(v, 0, padded, 6, v.length);
    Arrays.fill(padded, 0, 6, Float.NaN);
    FloatBuffer nio = FloatBuffer.wrap(padded, 6, N * 6).slice();
    FloatNdArray wrapped = NdArrays.wrap(Shape.of(N, 3, 2), DataBuffers.of(nio));
    assertRows(Dataset.of(wrapped, labels()), N, r -> r, ALL_COLUMNS, false);
    FloatBuffer positioned = FloatBuffer.wrap(padded);
    positioned.position(6);
    assertRows(
        Dataset.of(NdArrays.wrap(Shape.of(N, 3, 2), DataBuffers.of(positioned)), labels()),
        N, r -> r, ALL_COLUMNS, false);
  }

  @Test
  void shuffledSlicesKeepFeaturesAndLabelsPaired() {
    FloatNdArray x = features().slice(Indices.range(3, N));
    IntNdArray y = labels().slice(Indices.range(3, N));
    List<Integer> seen = new ArrayList<>();
    for (Batch batch : Dataset.of(x, y).shuffle(N, 5).batch(4)) {
      try (batch) {
        for (int row = 0; row < batch.size(); row++) {
          int label = ((TInt32) batch.y()).getInt(row);
          int i = label / 7;
          seen.add(i);
          for (int j = 0; j < 3; j++) {
            assertEquals(feature(i, j, 1), batch.x().getFloat(row, j, 1), 0f);
          }
        }
      }
    }
    seen.sort(null);
    List<Integer> expected = new ArrayList<>();
    for (int i = 3; i < N; i++) {
      expected.add(i);
    }
    assertEquals(expected, seen);
  }

  @Test
  void samplesSeenByMapAreTheRowsAsBefore() {
    FloatNdArray x = features().slice(Indices.range(2, 6));
    Dataset mapped =
        Dataset.of(x, labels().slice(Indices.range(2, 6)))
            .map(
                e -> {
                  float[] xs = e.x();
                  int label = e.yInts()[0];
                  assertEquals(Shape.of(3, 2), e.xShape());
                  assertEquals(feature(label / 7, 2, 1), xs[5], 0f);
                  return e.withY(Shape.of(), new int[] {label + 1});
                });
    int r = 0;
    for (Batch batch : mapped.batch(3)) {
      try (batch) {
        for (int row = 0; row < batch.size(); row++, r++) {
          assertEquals(7 * (2 + r) + 1, ((TInt32) batch.y()).getInt(row));
          assertEquals(feature(2 + r, 0, 0), batch.x().getFloat(row, 0, 0), 0f);
        }
      }
    }
    assertEquals(4, r);
    Element first = Dataset.of(x, labels().slice(Indices.range(2, 6))).elements().iterator().next();
    assertArrayEquals(new int[] {14}, first.yInts());
    assertEquals("Element(x: float32 [3, 2], y: int32 [])", first.toString());
  }
}
