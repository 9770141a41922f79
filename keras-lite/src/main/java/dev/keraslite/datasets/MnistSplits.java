package dev.keraslite.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.tensorflow.ndarray.ByteNdArray;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;

/**
 * The four arrays of an MNIST-format dataset as read from disk: 28x28 uint8 images, row-major, and
 * their labels; counts are already checked to agree.
 */
record MnistSplits(byte[] trainImages, int[] trainLabels, byte[] testImages, int[] testLabels) {
  static final int SIDE = 28;
  static final int PIXELS = SIDE * SIDE;

  /** A reader of one dataset's splits. */
  interface Reader {
    MnistSplits read(LoadOptions options) throws IOException;
  }

  /**
   * {@code reader}'s splits, its {@link IOException} wrapped in an {@link UncheckedIOException} of
   * the same message: a missing data set is a failure the caller rarely handles, as in Keras.
   */
  static MnistSplits readUnchecked(Reader reader, LoadOptions options) {
    try {
      return reader.read(options);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  /** Images as float32 in [0, 1]: {@code pixel / 255f}, as {@code x.astype("float32") / 255}. */
  ImageData<FloatNdArray> scaled(boolean channelAxis) {
    return new ImageData<>(
        scaled(trainImages, trainLabels.length, channelAxis),
        labels(trainLabels),
        scaled(testImages, testLabels.length, channelAxis),
        labels(testLabels));
  }

  /** Images as the raw uint8 pixels. */
  ImageData<ByteNdArray> raw(boolean channelAxis) {
    return new ImageData<>(
        NdArrays.wrap(
            shape(trainLabels.length, channelAxis), DataBuffers.of(trainImages, false, false)),
        labels(trainLabels),
        NdArrays.wrap(
            shape(testLabels.length, channelAxis), DataBuffers.of(testImages, false, false)),
        labels(testLabels));
  }

  private static FloatNdArray scaled(byte[] pixels, int count, boolean channelAxis) {
    float[] values = new float[pixels.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = (pixels[i] & 0xFF) / 255f;
    }
    return NdArrays.wrap(shape(count, channelAxis), DataBuffers.of(values, false, false));
  }

  private static IntNdArray labels(int[] labels) {
    return NdArrays.wrap(Shape.of(labels.length), DataBuffers.of(labels, false, false));
  }

  private static Shape shape(int count, boolean channelAxis) {
    return channelAxis ? Shape.of(count, SIDE, SIDE, 1) : Shape.of(count, SIDE, SIDE);
  }
}
