package dev.keraslite.training.internal;

import dev.keraslite.training.FitOptions;
import dev.keraslite.losses.BinaryCrossentropy;
import dev.keraslite.losses.CategoricalCrossentropy;
import dev.keraslite.losses.Loss;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.ndarray.impl.dense.FloatDenseNdArray;
import org.tensorflow.ndarray.impl.dimension.DimensionalSpace;
import org.tensorflow.ndarray.index.Indices;

/**
 * Checks in-memory {@code fit}/{@code evaluate} inputs in one pass before the first update, so that
 * bad data fails before it changes a weight, naming the first offending sample: empty data,
 * non-finite features or float targets, sparse labels that are not class indices in {@code [0,
 * classes)}, and targets whose dtype or rank the loss cannot take.
 *
 * <p>Why here and not per batch: a label out of range in the fifth batch used to fail there, after
 * four updates; NaN features made the weights NaN while a ReLU model's loss stayed finite. The pass
 * reads the arrays in chunks of rows, with no copy of the whole data; {@code
 * FitOptions.validateInputs(false)} skips it for data too large to read twice.
 */
final class InputValidation {
  /** Floats read per chunk: bounded memory whatever the data's size. */
  private static final int CHUNK_FLOATS = 1 << 16;

  private InputValidation() {}

  /** Throws if {@code x} holds no sample, with Keras's message for an empty input pipeline. */
  static void requireSamples(String what, Shape xShape) {
    if (xShape.numDimensions() == 0 || xShape.get(0) == 0) {
      throw new IllegalArgumentException(emptyMessage(what, "x has shape " + xShape));
    }
  }

  /** Keras's words for empty data (its "Empty logs" error), with what was empty. */
  static String emptyMessage(String what, String detail) {
    return what
        + ": Unexpected result of `"
        + ("fit".equals(what) ? "train" : "test")
        + "_function` (Empty logs): the data holds no samples ("
        + detail
        + "). This could be due to issues in the input pipeline that resulted in an empty dataset.";
  }

  /** Non-finite features: the index of the first sample with a NaN or infinite value. */
  static void checkFinite(String what, String name, FloatNdArray values) {
    Shape shape = values.shape();
    long rows = shape.get(0);
    long rowSize = Math.max(1, shape.numDimensions() == 1 ? 1 : shape.tail().size());
    if (rowSize == 0 || shape.size() == 0) {
      return;
    }
    long rowsPerChunk = Math.max(1, CHUNK_FLOATS / rowSize);
    float[] chunk = new float[(int) Math.min(rows, rowsPerChunk) * (int) rowSize];
    FloatDataBuffer flat = contiguousBuffer(values);
    for (long start = 0; start < rows; start += rowsPerChunk) {
      long end = Math.min(rows, start + rowsPerChunk);
      int n = (int) ((end - start) * rowSize);
      if (flat != null) {
        flat.offset(start * rowSize).read(chunk, 0, n);
      } else {
        values.slice(Indices.range(start, end)).copyTo(DataBuffers.of(chunk, false, false).narrow(n));
      }
      if (allFinite(chunk, n)) {
        continue; // the usual case; otherwise find the first offender
      }
      for (int i = 0; i < n; i++) {
        float v = chunk[i];
        if (v - v != 0) {
          long sample = start + i / rowSize;
          throw new IllegalArgumentException(
              what + ": " + name + " holds a non-finite value (" + v + ") at sample " + sample
                  + " (element " + (i % rowSize) + " of that sample); training on it would make"
                  + " the weights NaN. Clean the data, or skip this check with"
                  + " FitOptions.validateInputs(false).");
        }
      }
    }
  }

  /**
   * Whether {@code values[0..n)} are all finite. {@code v - v} is 0 for every finite v and NaN for
   * NaN and the infinities, so sums of it stay 0 unless one is there: a branch-free pass, with four
   * sums so that the additions do not wait for each other.
   */
  private static boolean allFinite(float[] values, int n) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += values[i] - values[i];
      s1 += values[i + 1] - values[i + 1];
      s2 += values[i + 2] - values[i + 2];
      s3 += values[i + 3] - values[i + 3];
    }
    for (; i < n; i++) {
      s0 += values[i] - values[i];
    }
    return s0 + s1 + s2 + s3 == 0;
  }

  /**
   * The buffer holding {@code values} in row-major order from position 0, when it is a dense array
   * whose elements are one contiguous run of it (what {@code NdArrays} and the dataset loaders make,
   * and slices of rows of those), else null. Reading chunks of it is one bulk copy each; copying a
   * slice view goes element by element, which made this pass cost 10% of a short {@code fit}.
   */
  private static FloatDataBuffer contiguousBuffer(FloatNdArray values) {
    if (!(values instanceof FloatDenseNdArray)) {
      return null;
    }
    FloatDenseNdArray dense = (FloatDenseNdArray) values;
    DimensionalSpace dimensions = dense.dimensions();
    if (dimensions.isSegmented() || dimensions.positionOf(new long[values.rank()]) != 0) {
      return null;
    }
    FloatDataBuffer buffer = dense.buffer();
    return buffer.size() == values.size() ? buffer : null;
  }

  /**
   * The targets against the loss and the model's output shape {@code output} (batch first):
   * integer class indices in {@code [0, classes)} for {@link SparseCategoricalCrossentropy}, float
   * one-hot rows of the output's width for {@link CategoricalCrossentropy}, finite floats for every
   * loss.
   */
  static void checkTargets(String what, NdArray<?> y, Loss loss, Shape output) {
    Shape ys = y.shape();
    int outRank = output.numDimensions();
    long classes = outRank == 0 ? -1 : output.get(outRank - 1);
    if (loss instanceof SparseCategoricalCrossentropy) {
      boolean rankOk =
          ys.numDimensions() == outRank - 1
              || (ys.numDimensions() == outRank && ys.get(ys.numDimensions() - 1) == 1);
      if (!rankOk) {
        throw new IllegalArgumentException(
            what + ": SparseCategoricalCrossentropy expects one class index per output row"
                + " (labels of rank " + (outRank - 1) + ", or rank " + outRank
                + " with a last dimension of 1) for outputs of shape " + output
                + ", received labels of shape " + ys
                + (ys.numDimensions() == outRank ? " (one-hot labels need CategoricalCrossentropy)"
                    : ""));
      }
      if (y instanceof IntNdArray ints) {
        checkClassIndices(what, ints, classes);
      } else if (y instanceof FloatNdArray floats) {
        checkIntegral(what, floats, classes);
      }
      return;
    }
    if (loss instanceof CategoricalCrossentropy || loss instanceof BinaryCrossentropy) {
      if (!(y instanceof FloatNdArray)) {
        throw new IllegalArgumentException(
            what + ": " + loss.getClass().getSimpleName() + " expects float32 targets"
                + (loss instanceof CategoricalCrossentropy ? " (one-hot rows)" : " (0 or 1)")
                + ", received " + dtype(y) + " targets"
                + (loss instanceof CategoricalCrossentropy
                    ? "; for class indices use SparseCategoricalCrossentropy" : ""));
      }
      if (loss instanceof CategoricalCrossentropy && !ys.tail().equals(output.tail())) {
        throw new IllegalArgumentException(
            what + ": CategoricalCrossentropy expects targets shaped as the outputs (one-hot"
                + " rows of shape " + output.tail() + " per sample), received targets of shape "
                + ys);
      }
    }
    if (y instanceof FloatNdArray floats) {
      checkFinite(what, "y", floats);
    }
  }

  private static String dtype(NdArray<?> y) {
    return y instanceof IntNdArray ? "int32" : y instanceof FloatNdArray ? "float32"
        : y.getClass().getSimpleName();
  }

  private static void checkClassIndices(String what, IntNdArray y, long classes) {
    long n = y.shape().size();
    int[] chunk = new int[(int) Math.min(n, CHUNK_FLOATS)];
    long perSample = Math.max(1, n / Math.max(1, y.shape().get(0)));
    IntNdArray flat = y.shape().numDimensions() == 1 ? y : null;
    int[] all = null;
    if (flat == null) {
      all = new int[(int) n];
      y.copyTo(DataBuffers.of(all, false, false));
    }
    for (long start = 0; start < n; start += chunk.length) {
      int len = (int) Math.min(chunk.length, n - start);
      if (flat != null) {
        flat.slice(Indices.range(start, start + len))
            .copyTo(DataBuffers.of(chunk, false, false).narrow(len));
      } else {
        System.arraycopy(all, (int) start, chunk, 0, len);
      }
      for (int i = 0; i < len; i++) {
        int label = chunk[i];
        if (label < 0 || (classes > 0 && label >= classes)) {
          throw new IllegalArgumentException(
              what + ": label " + label + " at sample " + ((start + i) / perSample)
                  + " is outside [0, " + classes + "): the model has " + classes
                  + " outputs, one per class (received a label value of " + label
                  + " which is outside the valid range of [0, " + classes + "))");
        }
      }
    }
  }

  private static void checkIntegral(String what, FloatNdArray y, long classes) {
    long n = y.shape().size();
    float[] all = new float[(int) n];
    y.copyTo(DataBuffers.of(all, false, false));
    long perSample = Math.max(1, n / Math.max(1, y.shape().get(0)));
    for (int i = 0; i < all.length; i++) {
      float v = all[i];
      if (v != Math.rint(v) || v < 0 || (classes > 0 && v >= classes)) {
        throw new IllegalArgumentException(
            what + ": label " + v + " at sample " + (i / perSample)
                + " is not a class index in [0, " + classes + ") (SparseCategoricalCrossentropy"
                + " takes integer class indices)");
      }
    }
  }
}
