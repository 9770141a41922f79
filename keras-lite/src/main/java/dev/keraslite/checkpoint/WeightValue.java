package dev.keraslite.checkpoint;

import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * One variable's value held on the host: its name, dtype, shape and raw bytes (row-major, each
 * element little-endian), the unit that snapshots store.
 */
record WeightValue(String name, DataType dtype, Shape shape, byte[] data) {

  /** Keras's name of a dtype: {@code float32} for {@code DT_FLOAT}. */
  static String dtypeName(DataType t) {
    switch (t) {
      case DT_FLOAT:
        return "float32";
      case DT_DOUBLE:
        return "float64";
      case DT_HALF:
        return "float16";
      default:
        return t.name().substring(3).toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** {@code [3, 2]}; {@code []} for a scalar. */
  static String shapeString(Shape shape) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.numDimensions(); i++) {
      sb.append(i > 0 ? ", " : "").append(shape.get(i));
    }
    return sb.append(']').toString();
  }
}
