package dev.keraslite.datasets;

import org.tensorflow.ndarray.ByteNdArray;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArray;

/**
 * An image classification dataset in Keras's {@code load_data()} layout, {@code (x_train, y_train),
 * (x_test, y_test)}: images {@code [N, rows, cols]} (or {@code [N, rows, cols, 1]} with a channel
 * axis) and int32 class labels {@code [N]}. All arrays live on the Java heap.
 *
 * <p>{@code X} is {@link FloatNdArray} for images scaled to {@code [0, 1]} ({@code pixel / 255f}),
 * or {@link ByteNdArray} for the raw {@code uint8} pixels, which Java holds as signed bytes: read a
 * pixel as {@code byteValue & 0xFF}.
 *
 * @param xTrain training images
 * @param yTrain training labels
 * @param xTest test images
 * @param yTest test labels
 */
public record ImageData<X extends NdArray<?>>(
    X xTrain, IntNdArray yTrain, X xTest, IntNdArray yTest) {

  @Override
  public String toString() {
    String type = xTrain instanceof FloatNdArray ? "float32" : "uint8";
    return "ImageData(xTrain: "
        + type
        + " "
        + xTrain.shape()
        + ", yTrain: int32 "
        + yTrain.shape()
        + ", xTest: "
        + type
        + " "
        + xTest.shape()
        + ", yTest: int32 "
        + yTest.shape()
        + ")";
  }
}
