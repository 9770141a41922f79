package dev.keraslite.data;

import java.util.Arrays;
import java.util.List;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.ndarray.buffer.IntDataBuffer;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * One element of a {@link Dataset} on the Java heap: features {@code x} (float32) and optional
 * labels {@code y} (int32 or float32). Before {@link Dataset#batch} an element is one sample; after
 * it, a batch whose arrays have a leading batch dimension, as in {@code tf.data}.
 *
 * <p>Elements are immutable: the array accessors return copies, and the {@code with...} methods
 * return new elements. They are what a {@link Dataset#map} function receives and returns:
 *
 * <pre>{@code
 * // one-hot labels for 10 classes, one sample at a time
 * Dataset oneHot = dataset.map(e -> {
 *   float[] y = new float[10];
 *   y[e.yInts()[0]] = 1f;
 *   return e.withY(Shape.of(10), y);
 * });
 * }</pre>
 */
public final class Element {
  // A sample of an ArraySource is only a row index until its arrays are asked for (x and y stay
  // null until then): batching copies the rows straight from the source.
  private FloatNdArray x;
  private NdArray<?> y;
  private final ArraySource source;
  private final long row;
  /** For a batch of an ArraySource's samples: their rows, stacked only when asked for. */
  private final long[] rows;

  /** {@code y} is an {@link IntNdArray}, a {@link FloatNdArray} or null; both may be views. */
  Element(FloatNdArray x, NdArray<?> y) {
    this.x = x;
    this.y = y;
    this.source = null;
    this.row = -1;
    this.rows = null;
  }

  /** Sample {@code row} of {@code source}. */
  Element(ArraySource source, long row) {
    this.source = source;
    this.row = row;
    this.rows = null;
  }

  /** The batch of samples {@code rows} of {@code source}. */
  Element(ArraySource source, long[] rows) {
    this.source = source;
    this.row = -1;
    this.rows = rows;
  }

  /** An element with features only, as {@link Dataset#of(FloatNdArray)} gives for prediction. */
  public static Element of(Shape xShape, float[] x) {
    return new Element(floats("x", xShape, x), null);
  }

  /** An element with int32 labels (class indices). */
  public static Element of(Shape xShape, float[] x, Shape yShape, int[] y) {
    return new Element(floats("x", xShape, x), ints("y", yShape, y));
  }

  /** An element with float32 labels (one-hot vectors, regression targets). */
  public static Element of(Shape xShape, float[] x, Shape yShape, float[] y) {
    return new Element(floats("x", xShape, x), floats("y", yShape, y));
  }

  /** This element with new features; the labels are kept. */
  public Element withX(Shape shape, float[] values) {
    return new Element(floats("x", shape, values), yArray());
  }

  /** This element with new int32 labels. */
  public Element withY(Shape shape, int[] values) {
    return new Element(xArray(), ints("y", shape, values));
  }

  /** This element with new float32 labels. */
  public Element withY(Shape shape, float[] values) {
    return new Element(xArray(), floats("y", shape, values));
  }

  /** The shape of the features: the sample shape, or {@code [B, ...]} after batching. */
  public Shape xShape() {
    return xArray().shape();
  }

  /** A copy of the features, row-major. */
  public float[] x() {
    FloatNdArray xs = xArray();
    float[] values = new float[Math.toIntExact(xs.size())];
    xs.copyTo(DataBuffers.of(values, false, false));
    return values;
  }

  /** Whether this element has labels. */
  public boolean hasLabels() {
    return yArray() != null;
  }

  /** {@code TInt32.class} or {@code TFloat32.class}, the type the labels batch to; null if none. */
  public Class<? extends TNumber> labelType() {
    NdArray<?> ys = yArray();
    if (ys == null) {
      return null;
    }
    return ys instanceof IntNdArray ? TInt32.class : TFloat32.class;
  }

  /** The shape of the labels. */
  public Shape yShape() {
    return requireLabels().shape();
  }

  /** A copy of int32 labels, row-major. */
  public int[] yInts() {
    NdArray<?> ys = requireLabels();
    if (!(ys instanceof IntNdArray)) {
      throw new IllegalStateException("Element: labels are float32; use yFloats()");
    }
    int[] values = new int[Math.toIntExact(ys.size())];
    ((IntNdArray) ys).copyTo(DataBuffers.of(values, false, false));
    return values;
  }

  /** A copy of float32 labels, row-major. */
  public float[] yFloats() {
    NdArray<?> ys = requireLabels();
    if (!(ys instanceof FloatNdArray)) {
      throw new IllegalStateException("Element: labels are int32; use yInts()");
    }
    float[] values = new float[Math.toIntExact(ys.size())];
    ((FloatNdArray) ys).copyTo(DataBuffers.of(values, false, false));
    return values;
  }

  FloatNdArray xArray() {
    if (x == null) {
      x = rows != null ? source.xRows(rows) : source.xRow(row);
    }
    return x;
  }

  NdArray<?> yArray() {
    if (y == null && source != null) {
      y = rows != null ? source.yRows(rows) : source.yRow(row);
    }
    return y;
  }

  /** This element as tensors: a batch of a source's rows is filled straight from the arrays. */
  Batch toBatch() {
    return rows != null ? source.tensors(rows) : Batch.of(this);
  }

  @Override
  public String toString() {
    NdArray<?> ys = yArray();
    return "Element(x: float32 "
        + xArray().shape()
        + (ys == null ? "" : ", y: " + (ys instanceof IntNdArray ? "int32 " : "float32 ") + ys.shape())
        + ")";
  }

  /**
   * Stacks elements along a new leading axis, as {@code tf.data}'s {@code batch} does. All elements
   * must agree in shapes and label type; {@code context} names the caller in error messages.
   */
  static Element stack(List<Element> elements, String context) {
    Element first = elements.get(0);
    if (first.source != null && first.rows == null && fromOneSource(elements, first.source)) {
      return first.source.stack(elements);
    }
    for (int i = 1; i < elements.size(); i++) {
      checkCompatible(first, elements.get(i), i, context);
    }
    int n = elements.size();
    FloatNdArray xs = stackFloats(elements, n, true);
    NdArray<?> ys = null;
    if (first.yArray() instanceof IntNdArray) {
      ys = stackInts(elements, n);
    } else if (first.yArray() != null) {
      ys = stackFloats(elements, n, false);
    }
    return new Element(xs, ys);
  }

  private static boolean fromOneSource(List<Element> elements, ArraySource source) {
    for (int i = 1; i < elements.size(); i++) {
      if (elements.get(i).source != source || elements.get(i).rows != null) {
        return false;
      }
    }
    return true;
  }

  /** The row of its source this element is, or -1 if it is not one. */
  long sourceRow() {
    return row;
  }

  private static void checkCompatible(Element first, Element other, int index, String context) {
    if (!first.xArray().shape().equals(other.xArray().shape())) {
      throw new IllegalArgumentException(
          context
              + ": cannot batch elements with different shapes: element 0 has x shape "
              + first.xArray().shape()
              + " but element "
              + index
              + " has "
              + other.xArray().shape()
              + "; map them to a common shape first");
    }
    if (first.labelType() != other.labelType()) {
      throw new IllegalArgumentException(
          context
              + ": cannot batch elements with different labels: element 0 has "
              + describeLabels(first)
              + " but element "
              + index
              + " has "
              + describeLabels(other));
    }
    if (first.yArray() != null && !first.yArray().shape().equals(other.yArray().shape())) {
      throw new IllegalArgumentException(
          context
              + ": cannot batch elements with different shapes: element 0 has y shape "
              + first.yArray().shape()
              + " but element "
              + index
              + " has "
              + other.yArray().shape());
    }
  }

  private static String describeLabels(Element e) {
    if (e.yArray() == null) {
      return "no labels";
    }
    return (e.yArray() instanceof IntNdArray ? "int32" : "float32") + " labels";
  }

  private static FloatNdArray stackFloats(List<Element> elements, int n, boolean features) {
    FloatNdArray first = features ? elements.get(0).xArray() : (FloatNdArray) elements.get(0).yArray();
    int rowSize = Math.toIntExact(first.size());
    float[] values = new float[Math.multiplyExact(n, rowSize)];
    FloatDataBuffer buffer = DataBuffers.of(values, false, false);
    for (int i = 0; i < n; i++) {
      FloatNdArray row = features ? elements.get(i).xArray() : (FloatNdArray) elements.get(i).yArray();
      row.copyTo(buffer.offset((long) i * rowSize).narrow(rowSize));
    }
    return NdArrays.wrap(first.shape().prepend(n), buffer);
  }

  private static IntNdArray stackInts(List<Element> elements, int n) {
    IntNdArray first = (IntNdArray) elements.get(0).yArray();
    int rowSize = Math.toIntExact(first.size());
    int[] values = new int[Math.multiplyExact(n, rowSize)];
    IntDataBuffer buffer = DataBuffers.of(values, false, false);
    for (int i = 0; i < n; i++) {
      ((IntNdArray) elements.get(i).yArray()).copyTo(buffer.offset((long) i * rowSize).narrow(rowSize));
    }
    return NdArrays.wrap(first.shape().prepend(n), buffer);
  }

  private NdArray<?> requireLabels() {
    NdArray<?> ys = yArray();
    if (ys == null) {
      throw new IllegalStateException("Element: this element has no labels (features only)");
    }
    return ys;
  }

  private static FloatNdArray floats(String name, Shape shape, float[] values) {
    checkSize(name, shape, values.length);
    return NdArrays.wrap(shape, DataBuffers.of(Arrays.copyOf(values, values.length), false, false));
  }

  private static IntNdArray ints(String name, Shape shape, int[] values) {
    checkSize(name, shape, values.length);
    return NdArrays.wrap(shape, DataBuffers.of(Arrays.copyOf(values, values.length), false, false));
  }

  private static void checkSize(String name, Shape shape, int length) {
    if (shape.hasUnknownDimension() || shape.size() != length) {
      throw new IllegalArgumentException(
          "Element: "
              + name
              + " has "
              + length
              + " values but shape "
              + shape
              + " needs "
              + (shape.hasUnknownDimension() ? "known dimensions" : shape.size()));
    }
  }
}
