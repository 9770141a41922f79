package dev.keraslite.data;

import java.util.Iterator;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArray;

/**
 * The samples of host arrays: element {@code i} is row {@code i} of {@code x} (and of {@code y}), a
 * view into the arrays, so nothing is copied until a batch is stacked.
 */
final class ArraySource implements Pipeline {
  private final FloatNdArray x;
  private final NdArray<?> y;
  private final long count;

  /** {@code x} and {@code y} (an IntNdArray, a FloatNdArray or null) are already validated. */
  ArraySource(FloatNdArray x, NdArray<?> y) {
    this.x = x;
    this.y = y;
    this.count = x.shape().get(0);
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
    NdArray<?> label = null;
    if (y instanceof IntNdArray) {
      label = ((IntNdArray) y).get(index);
    } else if (y != null) {
      label = ((FloatNdArray) y).get(index);
    }
    return new Element(x.get(index), label);
  }
}
