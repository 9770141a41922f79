package dev.keraslite.initializers;

import org.tensorflow.ndarray.Shape;

/**
 * The fan-in and fan-out of a weight, as Keras computes them for variance scaling: a matrix
 * {@code [in, out]} has fans {@code in} and {@code out}; a convolution kernel {@code [kh, kw, in,
 * out]} multiplies both by its receptive field {@code kh * kw}; a vector {@code [n]} has both fans
 * {@code n}, a scalar both 1.
 *
 * @param in the number of inputs feeding each output unit
 * @param out the number of outputs each input unit feeds
 */
record Fans(double in, double out) {
  /** The fans of a weight of {@code shape}, which must be fully known. */
  public static Fans of(Shape shape) {
    int rank = shape.numDimensions();
    if (rank < 0 || shape.hasUnknownDimension()) {
      throw new IllegalArgumentException("Fans: the shape must be fully known, received " + shape);
    }
    if (rank == 0) {
      return new Fans(1, 1);
    }
    if (rank == 1) {
      return new Fans(shape.get(0), shape.get(0));
    }
    double receptiveField = 1;
    for (int i = 0; i < rank - 2; i++) {
      receptiveField *= shape.get(i);
    }
    return new Fans(shape.get(rank - 2) * receptiveField, shape.get(rank - 1) * receptiveField);
  }

  /** {@code (in + out) / 2}, Keras's {@code fan_avg}. */
  public double average() {
    return (in + out) / 2;
  }
}
