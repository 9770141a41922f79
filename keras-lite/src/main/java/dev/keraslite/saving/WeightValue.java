package dev.keraslite.saving;

import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * One variable's value held on the host: its name, dtype, shape and raw bytes (row-major, each
 * element little-endian), the unit that snapshots and weights files store.
 */
record WeightValue(String name, DataType dtype, Shape shape, byte[] data) {

  /** {@code float32}, {@code int64}, ...: NumPy's dtype names, as Keras prints them. */
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

  /** Bytes per element of a fixed-size dtype, or -1 when this class does not know it. */
  static int byteWidth(DataType t) {
    switch (t) {
      case DT_BOOL:
      case DT_INT8:
      case DT_UINT8:
        return 1;
      case DT_HALF:
      case DT_BFLOAT16:
      case DT_INT16:
      case DT_UINT16:
        return 2;
      case DT_FLOAT:
      case DT_INT32:
      case DT_UINT32:
        return 4;
      case DT_DOUBLE:
      case DT_INT64:
      case DT_UINT64:
        return 8;
      default:
        return -1;
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
