package dev.keraslite.data;

import java.util.Iterator;
import java.util.List;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * The samples of host arrays: element {@code i} is row {@code i} of {@code x} (and of {@code y}).
 * Nothing is copied until a batch is stacked, and then each row is copied once, straight from the
 * arrays into the batch (see {@link HostRows}); a sample's arrays are viewed only if asked for.
 */
final class ArraySource implements Pipeline {
  private final FloatNdArray x;
  private final NdArray<?> y;
  private final long count;
  private final HostRows xRows;
  private final HostRows yRows;

  /** {@code x} and {@code y} (an IntNdArray, a FloatNdArray or null) are already validated. */
  ArraySource(FloatNdArray x, NdArray<?> y) {
    this.x = x;
    this.y = y;
    this.count = x.shape().get(0);
    this.xRows = HostRows.of(x);
    this.yRows = y == null ? null : HostRows.of(y);
  }

  @Override
  public Iterator<Element> iterator() {
    return new Lookahead<>() {
      private long i;

      @Override
      protected Element advance() {
        return i < count ? get(i++) : null;
      }
    };
  }

  @Override
  public long cardinality() {
    return count;
  }

  @Override
  public boolean randomAccess() {
    return true;
  }

  @Override
  public Element get(long index) {
    return new Element(this, index);
  }

  /** A view of row {@code index} of the features. */
  FloatNdArray xRow(long index) {
    return x.get(index);
  }

  /** A view of row {@code index} of the labels, or null without labels. */
  NdArray<?> yRow(long index) {
    if (y instanceof IntNdArray) {
      return ((IntNdArray) y).get(index);
    }
    return y == null ? null : ((FloatNdArray) y).get(index);
  }

  /**
   * Stacks samples of this source, as {@link Element#stack} would: a batch that is only their row
   * numbers until it is asked for. Its tensors are then filled straight from the arrays ({@link
   * #tensors}); its arrays, if a later stage reads them, are stacked on the heap ({@link #xRows}).
   * They all have the same shapes and label type by construction.
   */
  Element stack(List<Element> samples) {
    long[] rows = new long[samples.size()];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = samples.get(i).sourceRow();
    }
    return new Element(this, rows);
  }

  /** The features of {@code rows}, stacked into a heap array. */
  FloatNdArray xRows(long[] rows) {
    int n = rows.length;
    float[] xs = new float[Math.multiplyExact(n, xRows.rowSize())];
    for (int i = 0; i < n; i++) {
      xRows.copy(rows[i], xs, i * xRows.rowSize());
    }
    return NdArrays.wrap(x.shape().tail().prepend(n), DataBuffers.of(xs, false, false));
  }

  /** The labels of {@code rows}, stacked into a heap array; null without labels. */
  NdArray<?> yRows(long[] rows) {
    if (y == null) {
      return null;
    }
    int n = rows.length;
    int size = Math.multiplyExact(n, yRows.rowSize());
    Shape shape = y.shape().tail().prepend(n);
    if (y instanceof IntNdArray) {
      int[] ys = new int[size];
      for (int i = 0; i < n; i++) {
        yRows.copy(rows[i], ys, i * yRows.rowSize());
      }
      return NdArrays.wrap(shape, DataBuffers.of(ys, false, false));
    }
    float[] ys = new float[size];
    for (int i = 0; i < n; i++) {
      yRows.copy(rows[i], ys, i * yRows.rowSize());
    }
    return NdArrays.wrap(shape, DataBuffers.of(ys, false, false));
  }

  /**
   * The tensors of {@code rows}, each row copied once, from the arrays straight into the tensors'
   * memory: a batch made through a heap array cost a second copy, and its 157 KB array per MNIST
   * batch (allocated outside the thread's buffer, zeroed) took 10-400 µs, as long as the copies.
   */
  Batch tensors(long[] rows) {
    int n = rows.length;
    TFloat32 xs = TFloat32.tensorOf(x.shape().tail().prepend(n), t -> fill(xRows, rows, t));
    if (y == null) {
      return Batch.of(xs, null);
    }
    try {
      Shape shape = y.shape().tail().prepend(n);
      TNumber ys =
          y instanceof IntNdArray
              ? TInt32.tensorOf(shape, t -> fill(yRows, rows, t))
              : TFloat32.tensorOf(shape, t -> fill(yRows, rows, t));
      return Batch.of(xs, ys);
    } catch (RuntimeException | Error e) {
      xs.close();
      throw e;
    }
  }

  private static void fill(HostRows from, long[] rows, NdArray<?> batch) {
    for (int i = 0; i < rows.length; i++) {
      from.copyInto(rows[i], batch, i);
    }
  }
}
