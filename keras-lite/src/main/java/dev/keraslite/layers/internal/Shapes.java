package dev.keraslite.layers.internal;

import org.tensorflow.ndarray.Shape;

/**
 * Shape helpers for layers: Keras-style formatting and comparisons that treat unknown dimensions
 * ({@code -1}, printed {@code None}) as Keras does. (TensorFlow Java's {@code Shape.equals} is false
 * whenever a dimension is unknown.)
 */
public final class Shapes {
  private Shapes() {}

  /** {@code [50, 28, 28]}, or {@code [None, 784]} with an unknown dimension: the form of error messages. */
  public static String format(Shape shape) {
    if (shape.isUnknown()) {
      return "<unknown rank>";
    }
    StringBuilder sb = new StringBuilder("[");
    appendDims(sb, shape);
    return sb.append(']').toString();
  }

  /** Python's tuple form, as Keras prints shapes in summaries: {@code (None, 10)}, {@code (None,)}. */
  public static String formatTuple(Shape shape) {
    if (shape.isUnknown()) {
      return "?";
    }
    StringBuilder sb = new StringBuilder("(");
    appendDims(sb, shape);
    if (shape.numDimensions() == 1) {
      sb.append(',');
    }
    return sb.append(')').toString();
  }

  private static void appendDims(StringBuilder sb, Shape shape) {
    for (int i = 0; i < shape.numDimensions(); i++) {
      long d = shape.get(i);
      sb.append(i > 0 ? ", " : "").append(d < 0 ? "None" : Long.toString(d));
    }
  }

  /** Whether two shapes have the same rank and the same dimensions, unknown ones included. */
  public static boolean same(Shape a, Shape b) {
    if (a.isUnknown() || b.isUnknown()) {
      return a.isUnknown() && b.isUnknown();
    }
    if (a.numDimensions() != b.numDimensions()) {
      return false;
    }
    for (int i = 0; i < a.numDimensions(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }

  /** {@code shape} with its first (batch) dimension unknown, as Keras shows output shapes. */
  public static Shape withUnknownBatch(Shape shape) {
    if (shape.isUnknown() || shape.numDimensions() == 0) {
      return shape;
    }
    long[] dims = shape.asArray();
    dims[0] = Shape.UNKNOWN_SIZE;
    return Shape.of(dims);
  }

  /** The product of dimensions {@code from..rank-1}, or -1 if any of them is unknown. */
  public static long sizeFrom(Shape shape, int from) {
    long size = 1;
    for (int i = from; i < shape.numDimensions(); i++) {
      if (shape.get(i) < 0) {
        return Shape.UNKNOWN_SIZE;
      }
      size *= shape.get(i);
    }
    return size;
  }
}
