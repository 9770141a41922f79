package dev.keraslite.data;

import java.util.Iterator;
import java.util.List;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;

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
   * Stacks samples of this source, as {@link Element#stack} would, copying their rows straight from
   * the arrays: they all have the same shapes and label type by construction.
   */
  Element stack(List<Element> samples) {
    int n = samples.size();
    float[] xs = new float[Math.multiplyExact(n, xRows.rowSize())];
    for (int i = 0; i < n; i++) {
      xRows.copy(samples.get(i).sourceRow(), xs, i * xRows.rowSize());
    }
    FloatNdArray xBatch =
        NdArrays.wrap(x.shape().tail().prepend(n), DataBuffers.of(xs, false, false));
    if (y == null) {
      return new Element(xBatch, null);
    }
    int size = Math.multiplyExact(n, yRows.rowSize());
    if (y instanceof IntNdArray) {
      int[] ys = new int[size];
      for (int i = 0; i < n; i++) {
        yRows.copy(samples.get(i).sourceRow(), ys, i * yRows.rowSize());
      }
      return new Element(
          xBatch, NdArrays.wrap(y.shape().tail().prepend(n), DataBuffers.of(ys, false, false)));
    }
    float[] ys = new float[size];
    for (int i = 0; i < n; i++) {
      yRows.copy(samples.get(i).sourceRow(), ys, i * yRows.rowSize());
    }
    return new Element(
        xBatch, NdArrays.wrap(y.shape().tail().prepend(n), DataBuffers.of(ys, false, false)));
  }
}
