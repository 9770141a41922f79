package dev.keraslite.saving;

import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * One variable's value held on the host: its name, dtype, shape and raw bytes (row-major, each
 * element little-endian), the unit that snapshots store.
 */
record WeightValue(String name, DataType dtype, Shape shape, byte[] data) {

  /** {@code [3, 2]}; {@code []} for a scalar. */
  static String shapeString(Shape shape) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.numDimensions(); i++) {
      sb.append(i > 0 ? ", " : "").append(shape.get(i));
    }
    return sb.append(']').toString();
  }
}
