package dev.keraslite.internal.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.EagerScope;
import dev.keraslite.GradientTape;
import dev.keraslite.Variable;
import dev.keraslite.internal.NativeHandles;
import dev.keraslite.internal.recording.RecordingEnvironment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;

/** Cached eager constants, and the backward pass building only what the sources need. */
class KeptConstantsTest {

  @Test
  void eagerConstantsAreMadeOnceAndOutliveScopesAndTapes() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TInt32> axes;
      try (EagerScope scope = eager.scope()) {
        axes = KeptConstants.ints(tf, 0, 1);
      }
      try (GradientTape tape = new GradientTape(tf)) {
        assertSame(axes, KeptConstants.ints(tf, new long[] {0, 1}));
      }
      assertFalse(NativeHandles.isReleased(axes.op()));
      assertArrayEquals(new int[] {0, 1}, StdArrays.array1dCopyOf(axes.asTensor()));
      Operand<TFloat32> two = KeptConstants.scalar(tf, TFloat32.class, 2);
      assertSame(two, KeptConstants.scalar(tf, TFloat32.class, 2));
      assertEquals(2f, two.asTensor().getFloat());
      // The dtype is part of the key.
      Operand<TFloat64> twoDouble = KeptConstants.scalar(tf, TFloat64.class, 2);
      assertEquals(2.0, twoDouble.asTensor().getDouble());
      assertNotSame(KeptConstants.ints(tf, 1, 0), axes);
    }
  }

  @Test
  void theLeastRecentlyUsedAreReleasedPastTheCapacity() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TInt32> first = KeptConstants.ints(tf, -1);
      Operand<TInt32> recent = KeptConstants.ints(tf, -2);
      for (int i = 0; i < 1_000; i++) {
        KeptConstants.ints(tf, i);
        if (i % 100 == 0) {
          KeptConstants.ints(tf, -2); // used again: stays
        }
      }
      assertTrue(NativeHandles.isReleased(first.op()), "bounded: the oldest unused constant is freed");
      assertFalse(NativeHandles.isReleased(recent.op()));
      assertSame(recent, KeptConstants.ints(tf, -2));
      Operand<TInt32> again = KeptConstants.ints(tf, -1);
      assertNotSame(first, again);
      assertEquals(-1, StdArrays.array1dCopyOf(again.asTensor())[0]);
    }
  }

  @Test
  void graphsGetAPlainConstantPerCall() {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      assertNotSame(KeptConstants.ints(tf, 0).op(), KeptConstants.ints(tf, 0).op());
    }
  }

  @Test
  void theBackwardPassBuildsNoGradientForInputsNoSourceReaches() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      RecordingEnvironment env = (RecordingEnvironment) tf.scope().env();
      Variable w = new Variable(tf, "w", tf.constant(new float[][] {{1}, {2}}), true);
      Operand<TFloat32> x = tf.constant(new float[][] {{1, 2}, {3, 4}});
      Operand<TFloat32> labels = tf.constant(new float[][] {{1}, {0}});
      Operand<TInt32> axes = tf.constant(new int[] {0, 1});
      // A first pass fills the cache, so that the counted one shows a training loop's steady state.
      gradient(tf, w, x, labels, axes);
      env.pushArena(); // an enclosing region: it, not the tape, owns the values built below
      float[][] g = gradient(tf, w, x, labels, axes);
      List<String> types = new ArrayList<>();
      for (Operation op : env.popArena()) {
        types.add(op.type());
      }
      // d/dw mean((x w - labels)^2) = 2/N x^T (x w - labels), N = 2, x w - labels = [[4], [11]].
      assertArrayEquals(new float[] {1 * 4 + 3 * 11, 2 * 4 + 4 * 11}, new float[] {g[0][0], g[1][0]}, 1e-4f);
      // The labels and x are constants: no Neg for Sub's second input, no MatMul for x's gradient
      // (one MatMul forward, one backward), and the seed and the reductions' constants are cached.
      assertFalse(types.contains("Neg"), types.toString());
      assertFalse(types.contains("OnesLike"), types.toString());
      assertFalse(types.contains("Const"), types.toString());
      assertEquals(2, types.stream().filter("MatMul"::equals).count(), types.toString());
      // mean's gradient under the seed is folded into a kept constant (1/N everywhere).
      assertFalse(types.contains("BroadcastTo") || types.contains("Div"), types.toString());
    }
  }

  @Test
  void reductionGradientsFoldOnlyAKeptSeed() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> x = tf.constant(new float[][] {{1, 2, 3}, {4, 5, 6}});
      Operand<TInt32> axes = tf.constant(new int[] {0, 1});
      try (GradientTape tape = GradientTape.persistent(tf)) {
        tape.watch(x);
        Operand<TFloat32> mean = tf.math.mean(x, axes);
        Operand<TFloat32> sum = tf.sum(x, axes);
        float[][] seeded = StdArrays.array2dCopyOf((TFloat32) tape.gradient(mean, x).asTensor());
        float[][] summed = StdArrays.array2dCopyOf((TFloat32) tape.gradient(sum, x).asTensor());
        // An upstream gradient that is not a kept constant takes the general path.
        Operand<?> scaled = tape.gradient(mean, List.of(x), tf.constant(3f)).get(0);
        float[][] three = StdArrays.array2dCopyOf((TFloat32) scaled.asTensor());
        for (int i = 0; i < 2; i++) {
          for (int j = 0; j < 3; j++) {
            assertEquals(1f / 6, seeded[i][j], 1e-7f);
            assertEquals(1f, summed[i][j], 0f);
            assertEquals(3f / 6, three[i][j], 1e-7f);
          }
        }
      }
    }
  }

  private static float[][] gradient(
      Ops tf, Variable w, Operand<TFloat32> x, Operand<TFloat32> labels, Operand<TInt32> axes) {
    try (GradientTape tape = new GradientTape(tf)) {
      Operand<TFloat32> diff = tf.math.sub(tf.linalg.matMul(x, w.<TFloat32>value(tf)), labels);
      Operand<TFloat32> loss = tf.math.mean(tf.math.square(diff), axes);
      Operand<?> grad = tape.gradient(loss, List.of(w)).get(0);
      return StdArrays.array2dCopyOf((TFloat32) grad.asTensor());
    }
  }

  @Test
  void theCrossEntropyGradientDispatchesNoZerosForItsUnusedBackpropOutput() {
    // The tape hands the unused backprop output a kept zero constant, which the gradient skips.
    try (Eager eager = Eager.create(true)) {
      Ops tf = eager.tf();
      Operand<org.tensorflow.types.TFloat32> logits = eager.keep(tf.constant(new float[][] {{1f, 2f, 3f}}));
      Operand<org.tensorflow.types.TInt32> labels = eager.keep(tf.constant(new int[] {2}));
      long[] ops = new long[2];
      for (int step = 0; step < 2; step++) {
        long before = FastAndSlow.dispatcher(eager).fastOpCount();
        try (GradientTape tape = new GradientTape(tf)) {
          tape.watch(logits);
          var loss = tf.nn.sparseSoftmaxCrossEntropyWithLogits(logits, labels).loss();
          Operand<?> g = tape.gradient(loss, logits);
          assertEquals(1, ((org.tensorflow.types.TFloat32) g.asTensor()).shape().get(0));
        }
        ops[step] = FastAndSlow.dispatcher(eager).fastOpCount() - before;
      }
      // Steady state: four ops per step; five when the tape built a ZerosLike at every step.
      assertEquals(4, ops[1]);
      assertTrue(KeptConstants.isZeros(tf, KeptConstants.filled(tf, org.tensorflow.types.TFloat32.class,
          org.tensorflow.ndarray.Shape.of(1, 3), 0)));
      assertFalse(KeptConstants.isZeros(tf, KeptConstants.filled(tf, org.tensorflow.types.TFloat32.class,
          org.tensorflow.ndarray.Shape.of(1, 3), 1)));
    }
  }
}
