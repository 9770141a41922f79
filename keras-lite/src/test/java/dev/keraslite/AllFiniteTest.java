package dev.keraslite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TFloat32;

/**
 * {@link Recording#allFinite}: the test of a step's gradients before an update, element by element
 * (a loss scale's) or by sums (fit's guard), eagerly and in a traced graph alike.
 */
class AllFiniteTest {

  private static boolean allFinite(boolean traced, boolean elementWise, float[]... values) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      if (!traced) {
        try (EagerScope scope = EagerScope.open(tf)) {
          List<Operand<?>> ops = new java.util.ArrayList<>();
          for (float[] v : values) {
            ops.add(tf.constant(v));
          }
          return Recording.readScalar(Recording.allFinite(tf, ops, elementWise)) != 0;
        }
      }
      List<CompiledFunction.Spec> specs =
          Arrays.stream(values)
              .map(v -> new CompiledFunction.Spec(TFloat32.class, org.tensorflow.ndarray.Shape.of(v.length)))
              .toList();
      List<org.tensorflow.Tensor> args =
          Arrays.stream(values).map(v -> (org.tensorflow.Tensor) TFloat32.vectorOf(v)).toList();
      try (CompiledFunction fn =
              CompiledFunction.trace(
                  specs, (g, in) -> List.of(g.dtypes.cast(Recording.allFinite(g, in, elementWise), TFloat32.class)));
          org.tensorflow.Result r = fn.call(args)) {
        return ((TFloat32) r.get(0)).getFloat() != 0;
      } finally {
        args.forEach(org.tensorflow.Tensor::close);
      }
    }
  }

  @Test
  void aNanOrAnInfinityAnywhereFailsBothTestsEagerAndTraced() {
    for (boolean traced : new boolean[] {false, true}) {
      for (boolean elementWise : new boolean[] {false, true}) {
        String context = (traced ? "traced" : "eager") + (elementWise ? ", element-wise" : ", sums");
        assertEquals(true, allFinite(traced, elementWise, new float[] {1, -2}, new float[] {3e38f}), context);
        assertEquals(false, allFinite(traced, elementWise, new float[] {1, Float.NaN}, new float[] {0}), context);
        assertEquals(false, allFinite(traced, elementWise, new float[] {1}, new float[] {0, Float.NEGATIVE_INFINITY}), context);
        assertEquals(
            false, allFinite(traced, elementWise, new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}),
            context + ": +inf and -inf sum to NaN, not to a finite value");
      }
    }
  }

  @Test
  void sumsBeyondTheRangeCountAsNonFiniteOnlyWithoutElementWise() {
    // Two float32 values near the top of the range: each finite, their sum infinite.
    assertEquals(true, allFinite(false, true, new float[] {3e38f, 3e38f}));
    assertEquals(false, allFinite(false, false, new float[] {3e38f, 3e38f}));
    // In float16 (a mixed_float16 gradient), 40,000 twice overflows the sum, not the elements.
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      try (EagerScope scope = EagerScope.open(tf)) {
        Operand<TFloat16> half = tf.dtypes.cast(tf.constant(new float[] {40000f, 40000f}), TFloat16.class);
        Operand<TBool> exact = Recording.allFinite(tf, List.of(half), true);
        Operand<TBool> summed = Recording.allFinite(tf, List.of(half), false);
        assertEquals(1.0, Recording.readScalar(exact), "element-wise: every float16 value is finite");
        assertEquals(0.0, Recording.readScalar(summed), "the float16 sum overflows");
      }
    }
  }

  @Test
  void noOperandsOrOnlyNullsAreFinite() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      try (EagerScope scope = EagerScope.open(tf)) {
        assertEquals(1.0, Recording.readScalar(Recording.allFinite(tf, List.of(), false)));
        assertEquals(1.0, Recording.readScalar(Recording.allFinite(tf, Arrays.asList(null, null), true)));
      }
    }
  }
}
