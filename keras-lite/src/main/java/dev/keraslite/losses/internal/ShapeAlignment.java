package dev.keraslite.losses.internal;

import dev.keraslite.Recording;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.family.TType;

/**
 * Keras's rule for pairing tensors whose ranks differ by a trailing dimension of 1 ({@code
 * squeeze_or_expand_to_same_rank}), on operands and on static shapes, shared by losses and metrics.
 * Labels of shape {@code [batch, 1]} thus meet predictions of shape {@code [batch]}, and per-sample
 * weights of shape {@code [batch]} meet per-sample losses of shape {@code [batch, 1]}.
 */
public final class ShapeAlignment {
  private ShapeAlignment() {}

  /**
   * Class-index labels given as {@code [batch, 1]} (rank equal to the predictions', last dimension
   * 1) become {@code [batch]}, as in Keras's sparse losses and metrics; other labels are returned as
   * given.
   */
  public static <T extends TType> Operand<T> squeezeSparseLabels(
      Ops tf, Operand<T> labels, Operand<?> yPred) {
    Shape shape = Recording.shape(labels);
    int rank = shape.numDimensions();
    if (rank > 0 && rank == Recording.shape(yPred).numDimensions() && shape.get(rank - 1) == 1) {
      return tf.squeeze(labels, Squeeze.axis((long) rank - 1));
    }
    return labels;
  }

  /** Two operands after alignment. */
  public record Pair<A extends TType, B extends TType>(Operand<A> first, Operand<B> second) {}

  /** Aligns {@code x1} and {@code x2}, expanding a rank-1 operand rather than squeezing the other. */
  public static <A extends TType, B extends TType> Pair<A, B> squeezeOrExpandToSameRank(
      Ops tf, Operand<A> x1, Operand<B> x2) {
    return squeezeOrExpandToSameRank(tf, x1, x2, true);
  }

  /**
   * Aligns two operands whose ranks differ by exactly one when the larger one ends in a dimension of
   * 1: that dimension is squeezed, or, if the smaller operand has rank 1 and {@code expandRank1} is
   * set, the smaller one gains a trailing dimension of 1 instead. Other pairs are returned as given.
   */
  public static <A extends TType, B extends TType> Pair<A, B> squeezeOrExpandToSameRank(
      Ops tf, Operand<A> x1, Operand<B> x2, boolean expandRank1) {
    Shape s1 = Recording.shape(x1);
    Shape s2 = Recording.shape(x2);
    if (s1.isUnknown() || s2.isUnknown()) {
      return new Pair<>(x1, x2);
    }
    int r1 = s1.numDimensions();
    int r2 = s2.numDimensions();
    if (r1 == r2 + 1 && s1.get(r1 - 1) == 1) {
      if (r2 == 1 && expandRank1) {
        return new Pair<>(x1, tf.expandDims(x2, tf.constant(-1)));
      }
      return new Pair<>(tf.squeeze(x1, Squeeze.axis((long) r1 - 1)), x2);
    }
    if (r2 == r1 + 1 && s2.get(r2 - 1) == 1) {
      if (r1 == 1 && expandRank1) {
        return new Pair<>(tf.expandDims(x1, tf.constant(-1)), x2);
      }
      return new Pair<>(x1, tf.squeeze(x2, Squeeze.axis((long) r2 - 1)));
    }
    return new Pair<>(x1, x2);
  }

  /** The static shapes {@link #squeezeOrExpandToSameRank(Ops, Operand, Operand, boolean)} produces. */
  public static Shape[] alignedShapes(Shape s1, Shape s2, boolean expandRank1) {
    if (s1.isUnknown() || s2.isUnknown()) {
      return new Shape[] {s1, s2};
    }
    int r1 = s1.numDimensions();
    int r2 = s2.numDimensions();
    if (r1 == r2 + 1 && s1.get(r1 - 1) == 1) {
      return r2 == 1 && expandRank1
          ? new Shape[] {s1, s2.append(1)}
          : new Shape[] {s1.take(r1 - 1), s2};
    }
    if (r2 == r1 + 1 && s2.get(r2 - 1) == 1) {
      return r1 == 1 && expandRank1
          ? new Shape[] {s1.append(1), s2}
          : new Shape[] {s1, s2.take(r2 - 1)};
    }
    return new Shape[] {s1, s2};
  }

  /**
   * Whether two shapes describe the same tensor layout once aligned: equal ranks and equal dimensions,
   * unknown dimensions matching anything.
   */
  public static boolean sameShapeAfterAlignment(Shape s1, Shape s2) {
    Shape[] aligned = alignedShapes(s1, s2, true);
    return aligned[0].isCompatibleWith(aligned[1]);
  }

  /** Whether NumPy broadcasting (right-aligned, dimensions equal or 1) can combine the two shapes. */
  public static boolean broadcastable(Shape s1, Shape s2) {
    if (s1.isUnknown() || s2.isUnknown()) {
      return true;
    }
    int r1 = s1.numDimensions();
    int r2 = s2.numDimensions();
    for (int i = 1; i <= Math.min(r1, r2); i++) {
      long d1 = s1.get(r1 - i);
      long d2 = s2.get(r2 - i);
      if (d1 != d2 && d1 != 1 && d2 != 1 && d1 != Shape.UNKNOWN_SIZE && d2 != Shape.UNKNOWN_SIZE) {
        return false;
      }
    }
    return true;
  }
}
