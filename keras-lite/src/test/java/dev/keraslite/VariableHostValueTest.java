package dev.keraslite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.BooleanNdArray;
import org.tensorflow.ndarray.DoubleNdArray;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.LongNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** {@link Variable#numpy()} and {@link Variable#assign(NdArray)}: host values of every weight dtype. */
class VariableHostValueTest {

  @Test
  void numpyCopiesTheValueOfEachDtypeAndAssignPutsItBack() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable f = new Variable(tf, "f:0", tf.constant(new float[][] {{1.5f, -2f, 3f}, {4f, 5f, 6.25f}}), true);
      Variable d = new Variable(tf, "d:0", tf.constant(new double[] {1e-300, 2.5}), true);
      Variable i = new Variable(tf, "i:0", tf.constant(new int[] {7, -8}), false);
      Variable l = new Variable(tf, "l:0", tf.constant(1L << 40), false);
      Variable b = new Variable(tf, "b:0", tf.constant(new boolean[] {true, false}), false);

      FloatNdArray fv = (FloatNdArray) f.numpy();
      assertEquals(Shape.of(2, 3), fv.shape());
      assertEquals(6.25f, fv.getFloat(1, 2));
      assertEquals(-2f, fv.getFloat(0, 1));
      assertEquals(1e-300, ((DoubleNdArray) d.numpy()).getDouble(0));
      assertEquals(-8, ((IntNdArray) i.numpy()).getInt(1));
      assertEquals(1L << 40, ((LongNdArray) l.numpy()).getLong());
      assertEquals(false, ((BooleanNdArray) b.numpy()).getBoolean(1));

      // A copy: changing it changes nothing until assigned.
      fv.setFloat(-1f, 0, 0);
      assertEquals(1.5f, ((FloatNdArray) f.numpy()).getFloat(0, 0));
      f.assign(fv);
      try (TFloat32 t = f.<TFloat32>value(tf).asTensor()) {
        assertEquals(-1f, t.getFloat(0, 0), "the assigned value, read by an op");
      }
      LongNdArray big = NdArrays.scalarOf(-(1L << 50));
      l.assign(big);
      try (TInt64 t = l.<TInt64>value(tf).asTensor()) {
        assertEquals(-(1L << 50), t.getLong());
      }
    }
  }

  /** A copy to host memory and back, between the ops of a tape, is not part of the tape's math. */
  @Test
  void hostCopiesAreNotRecordedByAnOpenTape() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable w = new Variable(tf, "w:0", tf.constant(new float[] {3f}), true);
      try (GradientTape tape = new GradientTape(tf)) {
        Operand<TFloat32> y = tf.math.square(w.<TFloat32>value(tf));
        w.assign(w.numpy());
        List<Operand<?>> grads = tape.gradient(y, List.of(w));
        try (TFloat32 t = (TFloat32) grads.get(0).asTensor()) {
          assertEquals(6f, t.getFloat(0)); // d(w^2)/dw at 3, untouched by the copy
        }
      }
    }
  }

  @Test
  void aValueOfAnotherTypeOrShapeIsRefusedNamingBothAndChangesNothing() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable f = new Variable(tf, "dense/kernel:0", tf.constant(new float[][] {{1f, 2f}}), true);
      IllegalArgumentException shape =
          assertThrows(IllegalArgumentException.class, () -> f.assign(NdArrays.ofFloats(Shape.of(2, 1))));
      assertTrue(shape.getMessage().contains("dense/kernel:0"), shape.getMessage());
      assertTrue(shape.getMessage().contains("expected shape [1, 2], received shape [2, 1]"), shape.getMessage());
      IllegalArgumentException type =
          assertThrows(IllegalArgumentException.class, () -> f.assign(NdArrays.ofDoubles(Shape.of(1, 2))));
      assertTrue(type.getMessage().contains("expected a FloatNdArray (dtype float32), received a DoubleNdArray"),
          type.getMessage());
      assertEquals(2f, ((FloatNdArray) f.numpy()).getFloat(0, 1));

      Variable g = new Variable(tf, "g:0", tf.constant(new float[] {0f, 0f}), true);
      FloatNdArray good = NdArrays.vectorOf(3f, 4f);
      // assignAll checks every value first: the bad second value leaves the first variable alone.
      assertThrows(IllegalArgumentException.class,
          () -> Variable.assignAll(List.of(g, f), List.of(good, NdArrays.ofFloats(Shape.of(3)))));
      assertEquals(0f, ((FloatNdArray) g.numpy()).getFloat(0));
      Variable.assignAll(List.of(g), List.of(good));
      assertEquals(4f, ((FloatNdArray) g.numpy()).getFloat(1));
    }
  }

  @Test
  void aGraphVariableHasNoHostValue() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable v = new Variable(tf, "v:0", tf.constant(1f), true);
      IllegalStateException e = assertThrows(IllegalStateException.class, v::numpy);
      assertTrue(e.getMessage().contains("lives in a graph"), e.getMessage());
    }
  }
}
