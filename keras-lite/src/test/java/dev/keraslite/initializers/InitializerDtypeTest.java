package dev.keraslite.initializers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.Variable;
import dev.keraslite.layers.Layer;
import dev.keraslite.mixedprecision.DTypePolicy;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The one {@link Initializer} type in every dtype: built-ins make their values in the dtype asked
 * for (float64 values drawn in float64, integer zeros and ones for counters), lambdas are cast, and
 * {@code Layer.addWeight} takes a dtype.
 */
class InitializerDtypeTest {
  private static final List<String> RANDOM =
      List.of("glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform",
          "lecun_normal", "random_normal", "random_uniform", "truncated_normal", "orthogonal");

  private static double[] doubles(Operand<TFloat64> x) {
    try (TFloat64 t = x.asTensor()) {
      double[] out = new double[(int) t.size()];
      t.copyTo(DataBuffers.of(out, false, false));
      return out;
    }
  }

  private static float[] floats(Operand<TFloat32> x) {
    try (TFloat32 t = x.asTensor()) {
      float[] out = new float[(int) t.size()];
      t.copyTo(DataBuffers.of(out, false, false));
      return out;
    }
  }

  /**
   * Every random initializer draws float64 values in float64: nearly all are off the float32 grid
   * (widened float32 draws would all be on it), with the spread of the float32 draws.
   */
  @Test
  void randomInitializersDrawInFloat64() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      for (String name : RANDOM) {
        Operand<TFloat64> v = Initializers.get(name).apply(tf, Shape.of(40, 30), TFloat64.class);
        assertSame(TFloat64.class, v.type(), name);
        assertEquals(Shape.of(40, 30), v.shape(), name);
        double[] d = doubles(v);
        int offGrid = 0;
        double sumSq = 0;
        for (double x : d) {
          offGrid += (double) (float) x != x ? 1 : 0;
          sumSq += x * x;
        }
        assertTrue(offGrid > d.length * 0.99, name + ": " + offGrid + " of " + d.length + " off the float32 grid");
        float[] f = floats(Initializers.get(name).apply(tf, Shape.of(40, 30)));
        double sumSq32 = 0;
        for (float x : f) {
          sumSq32 += (double) x * x;
        }
        // Same distribution: the mean squares agree within sampling error (1200 draws).
        assertEquals(sumSq32 / f.length, sumSq / d.length, 0.15 * sumSq32 / f.length, name + " spread");
      }
    }
  }

  @Test
  void seededInitializersRepeatInFloat64() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Initializer a = Initializers.heNormal(7);
      double[] first = doubles(a.apply(tf, Shape.of(5, 4), TFloat64.class));
      double[] second = doubles(Initializers.heNormal(7).apply(tf, Shape.of(5, 4), TFloat64.class));
      for (int i = 0; i < first.length; i++) {
        assertEquals(first[i], second[i], 0.0, "element " + i);
      }
    }
  }

  /** Orthonormal columns to float64 precision, which the float32 matrix does not reach. */
  @Test
  void orthogonalIsOrthonormalToFloat64Precision() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat64> q = Initializers.orthogonal(1.0, 3).apply(tf, Shape.of(30, 20), TFloat64.class);
      Operand<TFloat32> q32 = Initializers.orthogonal(1.0, 3).apply(tf, Shape.of(30, 20));
      double[] gram = doubles(tf.linalg.matMul(q, q, org.tensorflow.op.linalg.MatMul.transposeA(true)));
      float[] gram32 = floats(tf.linalg.matMul(q32, q32, org.tensorflow.op.linalg.MatMul.transposeA(true)));
      double worst = 0;
      double worst32 = 0;
      for (int i = 0; i < 20; i++) {
        for (int j = 0; j < 20; j++) {
          double identity = i == j ? 1 : 0;
          worst = Math.max(worst, Math.abs(gram[i * 20 + j] - identity));
          worst32 = Math.max(worst32, Math.abs(gram32[i * 20 + j] - identity));
        }
      }
      assertTrue(worst < 1e-13, "float64 Q^T Q - I: " + worst);
      assertTrue(worst32 > 1e-9, "float32 cannot reach it: " + worst32);
    }
  }

  @Test
  void constantsInEveryDtypeAndRandomOnesRefuseIntegers() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      assertEquals(0.1, doubles(Initializers.constant(0.1).apply(tf, Shape.of(2), TFloat64.class))[0], 0.0);
      assertEquals(0.1f, floats(Initializers.constant(0.1).apply(tf, Shape.of(2)))[0], 0.0f);
      assertEquals(0.5, doubles(Initializers.constant(new float[] {0.5f, 2f}).apply(tf, Shape.of(2), TFloat64.class))[0], 0.0);
      try (TInt32 ones = Initializers.ones().apply(tf, Shape.of(3), TInt32.class).asTensor()) {
        assertEquals(1, ones.getInt(2));
      }
      try (TInt64 zeros = Initializers.zeros().apply(tf, Shape.of(3), TInt64.class).asTensor()) {
        assertEquals(0L, zeros.getLong(1));
      }
      try (TInt64 threes = Initializers.constant(3f).apply(tf, Shape.scalar(), TInt64.class).asTensor()) {
        assertEquals(3L, threes.getLong());
      }
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Initializers.glorotUniform().apply(tf, Shape.of(2, 2), TInt32.class));
      assertEquals(
          "initializer glorot_uniform makes floating-point values: expected a weight dtype of float16,"
              + " bfloat16, float32 or float64, received int32",
          e.getMessage());
      // A lambda writes float32; the default method casts it.
      Initializer halves = (o, shape) -> o.fill(o.constant(shape.asArray()), o.constant(0.5f));
      Operand<TFloat64> h = halves.apply(tf, Shape.of(2, 2), TFloat64.class);
      assertSame(TFloat64.class, h.type());
      assertEquals(0.5, doubles(h)[3], 0.0);
    }
  }

  /** A layer's weights take the policy's dtype, or the one given to addWeight. */
  static class Counting extends Layer {
    Variable kernel;
    Variable precise;
    Variable steps;

    @Override
    protected void build(Shape inputShape) {
      kernel = addWeight("kernel", Shape.of(inputShape.get(1), 2), Initializers.glorotUniform());
      precise = addWeight("precise", Shape.of(2), Initializers.constant(0.1), TFloat64.class);
      steps = addWeight("steps", Shape.scalar(), Initializers.zeros(), false, TInt64.class);
    }

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
      return tf.linalg.matMul(input, kernel.value(tf));
    }
  }

  @Test
  void addWeightTakesADtypeAndDefaultsToThePolicy() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Counting single = new Counting();
      Counting dbl = new Counting();
      dbl.setDtypePolicy(DTypePolicy.FLOAT64);
      Operand<TFloat32> x = tf.constant(new float[][] {{1, 2, 3}});
      single.apply(tf, x);
      dbl.apply(tf, x);
      assertEquals(DataType.DT_FLOAT, single.kernel.dataType());
      assertEquals(DataType.DT_DOUBLE, dbl.kernel.dataType());
      for (Counting layer : List.of(single, dbl)) {
        assertEquals(DataType.DT_DOUBLE, layer.precise.dataType());
        assertEquals(0.1, doubles(layer.precise.value(tf))[1], 0.0);
        assertEquals(DataType.DT_INT64, layer.steps.dataType());
        assertEquals(List.of(layer.kernel, layer.precise), layer.trainableVariables());
      }
    }
  }
}
