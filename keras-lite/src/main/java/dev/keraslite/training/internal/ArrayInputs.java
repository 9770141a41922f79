package dev.keraslite.training.internal;

import org.tensorflow.ndarray.ByteNdArray;
import org.tensorflow.ndarray.DoubleNdArray;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.LongNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.ShortNdArray;
import org.tensorflow.ndarray.buffer.DataBuffers;

/**
 * {@code fit}'s, {@code evaluate}'s and {@code predict}'s arrays in the dtypes the loops run on, as
 * Keras converts them: features are cast to the model's input dtype (float32), whatever numeric
 * dtype they come in (float64, int32, int64, uint8, uint16); integer targets become int32 class
 * indices, float64 targets float32.
 *
 * <p>TensorFlow Java's byte and short arrays are its {@code uint8} and {@code uint16} (it has no
 * signed 8- or 16-bit type), so their values are read unsigned: a {@code uint8} image's 255 stays
 * 255, not -1. Nothing is scaled, as in Keras: divide by 255 yourself if the model expects [0, 1].
 * Converted arrays are copies (float32 and int32 arrays are used as given).
 */
final class ArrayInputs {
  private ArrayInputs() {}

  /** {@code x} as float32, cast from any numeric dtype. */
  static FloatNdArray features(String what, String name, NdArray<?> x) {
    if (x == null) {
      throw new IllegalArgumentException(what + ": " + name + " is null");
    }
    if (x instanceof FloatNdArray floats) {
      return floats;
    }
    float[] out = new float[Math.toIntExact(x.size())];
    if (x instanceof DoubleNdArray doubles) {
      double[] values = new double[out.length];
      doubles.copyTo(DataBuffers.of(values, false, false));
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) values[i];
      }
    } else {
      long[] values = integers(what, name, x, false);
      for (int i = 0; i < out.length; i++) {
        out[i] = values[i];
      }
    }
    return NdArrays.wrap(x.shape(), DataBuffers.of(out, false, false));
  }

  /**
   * {@code y} as int32 (integer dtypes: class indices) or float32 (float dtypes); null stays null.
   *
   * @throws IllegalArgumentException for int64 values outside the int32 range, naming the sample
   */
  static NdArray<?> targets(String what, String name, NdArray<?> y) {
    if (y == null || y instanceof FloatNdArray || y instanceof IntNdArray) {
      return y;
    }
    if (y instanceof DoubleNdArray) {
      return features(what, name, y);
    }
    long[] values = integers(what, name, y, true);
    int[] out = new int[values.length];
    long perSample = y.shape().numDimensions() == 0 ? 1 : Math.max(1, y.size() / Math.max(1, y.shape().get(0)));
    for (int i = 0; i < out.length; i++) {
      if (values[i] != (int) values[i]) {
        throw new IllegalArgumentException(
            what + ": " + name + " holds " + values[i] + " at sample " + (i / perSample)
                + ", outside the int32 range that integer targets (class indices) are converted to");
      }
      out[i] = (int) values[i];
    }
    return NdArrays.wrap(y.shape(), DataBuffers.of(out, false, false));
  }

  /** The values of an integer array (int32, int64, uint8, uint16) as longs, row-major. */
  private static long[] integers(String what, String name, NdArray<?> a, boolean targets) {
    int n = Math.toIntExact(a.size());
    long[] out = new long[n];
    if (a instanceof LongNdArray longs) {
      longs.copyTo(DataBuffers.of(out, false, false));
    } else if (a instanceof IntNdArray ints) {
      int[] v = new int[n];
      ints.copyTo(DataBuffers.of(v, false, false));
      for (int i = 0; i < n; i++) {
        out[i] = v[i];
      }
    } else if (a instanceof ByteNdArray bytes) {
      byte[] v = new byte[n];
      bytes.copyTo(DataBuffers.of(v, false, false));
      for (int i = 0; i < n; i++) {
        out[i] = v[i] & 0xFF;
      }
    } else if (a instanceof ShortNdArray shorts) {
      short[] v = new short[n];
      shorts.copyTo(DataBuffers.of(v, false, false));
      for (int i = 0; i < n; i++) {
        out[i] = v[i] & 0xFFFF;
      }
    } else if (targets) {
      throw new IllegalArgumentException(
          what + ": targets must be int32 (class indices) or float32, or an array converted to"
              + " them (int64, uint8, uint16; float64); " + name + " is "
              + a.getClass().getSimpleName() + " of shape " + a.shape());
    } else {
      throw new IllegalArgumentException(
          what + ": " + name + " must be a numeric array (float32, float64, int32, int64, uint8 or"
              + " uint16), got " + a.getClass().getSimpleName() + " of shape " + a.shape());
    }
    return out;
  }
}
