package dev.keraslite.data;

import java.nio.FloatBuffer;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.ndarray.buffer.DataStorageVisitor;
import org.tensorflow.ndarray.impl.dense.FloatDenseNdArray;
import org.tensorflow.ndarray.impl.dimension.DimensionalSpace;

/**
 * Copies rows (the sub-arrays {@code a[i]}) of a float32 or int32 host array {@code [N, ...]} into a
 * Java array, for stacking batches.
 *
 * <p>Why: copying row by row through {@code NdArray} views costs a view object, a buffer window and a
 * generic transfer per row, and a view made by {@code slice(...)} (as {@code fit}'s validation split
 * makes) copies element by element. When the array is a dense float32 one backed by a Java array on
 * the heap (what {@code NdArrays} and the dataset loaders make, sliced or not) and its rows are
 * contiguous, each row is one {@link System#arraycopy} from the backing array, its start found by the
 * array's own index arithmetic. Arrays of rank 1 (class indices) are read value by value; any other
 * array (read-only, native, rows not contiguous) is copied through views. All give the same values.
 */
final class HostRows {
  private final NdArray<?> array;
  private final int rowSize;
  /** The backing {@code float[]} or {@code int[]}, or null to copy through views. */
  private final Object backing;
  /** Index in {@link #backing} of the array's buffer position 0. */
  private final int base;
  /** Maps row coordinates to buffer positions. */
  private final DimensionalSpace dimensions;
  private FloatDataBuffer backingBuffer;

  private HostRows(
      NdArray<?> array, int rowSize, Object backing, int base, DimensionalSpace dimensions) {
    this.array = array;
    this.rowSize = rowSize;
    this.backing = backing;
    this.base = base;
    this.dimensions = dimensions;
  }

  /** Rows of {@code array}, a {@link FloatNdArray} or an {@link IntNdArray} of rank at least 1. */
  static HostRows of(NdArray<?> array) {
    long n = array.shape().get(0);
    int rowSize = Math.toIntExact(n == 0 ? 0 : array.size() / n);
    if (array instanceof FloatDenseNdArray) {
      FloatDenseNdArray dense = (FloatDenseNdArray) array;
      return direct(array, rowSize, dense.dimensions(), dense.buffer().accept(new ArrayFinder()));
    }
    return new HostRows(array, rowSize, null, 0, null);
  }

  private static HostRows direct(
      NdArray<?> array, int rowSize, DimensionalSpace dimensions, Backing found) {
    // Rows must be contiguous runs of the buffer: no stride or index inside a row.
    boolean contiguousRows = !dimensions.from(1).isSegmented();
    if (found == null || !contiguousRows || array.shape().get(0) == 0) {
      return new HostRows(array, rowSize, null, 0, null);
    }
    return new HostRows(array, rowSize, found.array, found.base, dimensions);
  }

  /** The number of values in a row. */
  int rowSize() {
    return rowSize;
  }

  /**
   * Copies row {@code row} into row {@code index} of {@code batch} (a tensor, as an {@link
   * FloatNdArray} or an {@link IntNdArray} one rank higher than a row): from a backing array, one
   * bulk copy.
   */
  void copyInto(long row, NdArray<?> batch, long index) {
    if (backing != null) {
      int start = base + Math.toIntExact(dimensions.positionOf(new long[] {row}));
      ((FloatNdArray) batch).get(index).copyFrom(backingBuffer().offset(start).narrow(rowSize));
    } else if (array.rank() == 1) {
      if (array instanceof IntNdArray) {
        ((IntNdArray) batch).setInt(((IntNdArray) array).getInt(row), index);
      } else {
        ((FloatNdArray) batch).setFloat(((FloatNdArray) array).getFloat(row), index);
      }
    } else if (array instanceof FloatNdArray) {
      ((FloatNdArray) array).get(row).copyTo(((FloatNdArray) batch).get(index));
    } else {
      ((IntNdArray) array).get(row).copyTo(((IntNdArray) batch).get(index));
    }
  }

  /** The backing array as a read-only buffer, made once. */
  private FloatDataBuffer backingBuffer() {
    if (backingBuffer == null) {
      backingBuffer = DataBuffers.of((float[]) backing, true, false);
    }
    return backingBuffer;
  }

  /** Copies row {@code row} into {@code dst} (a {@code float[]} or {@code int[]}) at {@code offset}. */
  void copy(long row, Object dst, int offset) {
    if (backing != null) {
      int start = base + Math.toIntExact(dimensions.positionOf(new long[] {row}));
      System.arraycopy(backing, start, dst, offset, rowSize);
    } else if (array.rank() == 1) {
      // Class indices and scalar targets: one value per row, read where it is.
      if (array instanceof IntNdArray) {
        ((int[]) dst)[offset] = ((IntNdArray) array).getInt(row);
      } else {
        ((float[]) dst)[offset] = ((FloatNdArray) array).getFloat(row);
      }
    } else if (array instanceof FloatNdArray) {
      ((FloatNdArray) array)
          .get(row)
          .copyTo(DataBuffers.of((float[]) dst, false, false).offset(offset).narrow(rowSize));
    } else {
      ((IntNdArray) array)
          .get(row)
          .copyTo(DataBuffers.of((int[]) dst, false, false).offset(offset).narrow(rowSize));
    }
  }

  private record Backing(Object array, int base) {}

  /** Finds the writable heap array behind a buffer, if there is one. */
  private static final class ArrayFinder implements DataStorageVisitor<Backing> {
    @Override
    public Backing visit(FloatBuffer buffer) {
      return buffer.hasArray()
          ? new Backing(buffer.array(), buffer.arrayOffset() + buffer.position())
          : null;
    }

    @Override
    public Backing fallback() {
      return null;
    }
  }
}
