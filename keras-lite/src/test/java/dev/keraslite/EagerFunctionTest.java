package dev.keraslite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.activations.Activations;
import dev.keraslite.internal.fast.EagerDispatcher;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Flatten;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.models.Model;
import dev.keraslite.optimizers.Adam;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.SwitchCond;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * {@code eager.function}: a traced step gives the eager step's numbers, traces once per signature,
 * shares variables with eager code both ways, and refuses bad input clearly.
 */
class EagerFunctionTest {
  /** The tutorial's MLP shape, small: Flatten, Dense(16, relu), Dense(3), softmax. */
  static final class Mlp extends Model {
    private final Flatten flatten = new Flatten();
    private final Dense dense1 = new Dense(16).activation(Activations.relu());
    private final Dense dense2 = new Dense(3);

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> inputs) {
      return tf.nn.softmax(dense2.apply(tf, dense1.apply(tf, flatten.apply(tf, inputs))));
    }
  }

  private static final int STEPS = 8;

  private static float[][][] batchX(int step) {
    Random r = new Random(100 + step);
    float[][][] x = new float[6][4][4];
    for (float[][] a : x) {
      for (float[] b : a) {
        for (int i = 0; i < b.length; i++) {
          b[i] = r.nextFloat() * 2 - 1;
        }
      }
    }
    return x;
  }

  private static int[] batchY(int step) {
    Random r = new Random(200 + step);
    int[] y = new int[6];
    for (int i = 0; i < y.length; i++) {
      y[i] = r.nextInt(3);
    }
    return y;
  }

  /** Losses of STEPS Adam steps, then every variable's values (weights and Adam state). */
  private static List<float[]> train(boolean function) {
    KerasLite.setRandomSeed(3);
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Mlp model = new Mlp();
      Adam optimizer = new Adam(0.01f);
      SparseCategoricalCrossentropy loss = new SparseCategoricalCrossentropy();
      model.build(tf, List.of(Shape.of(-1, 4, 4)));
      optimizer.build(model.variables());
      EagerFunction<Operand<TFloat32>> step =
          eager.function(
              (Ops g, Operand<TFloat32> x, Operand<TInt32> y) -> {
                try (GradientTape tape = new GradientTape(g)) {
                  Operand<TFloat32> value = loss.apply(g, y, model.apply(g, x));
                  optimizer.applyGradients(g, tape.gradient(value, model.variables()), model.variables());
                  return value;
                }
              });
      float[] losses = new float[STEPS];
      for (int i = 0; i < STEPS; i++) {
        try (EagerScope scope = eager.scope()) {
          Operand<TFloat32> x = tf.constant(batchX(i));
          Operand<TInt32> y = tf.constant(batchY(i));
          Operand<TFloat32> value;
          if (function) {
            value = step.call(x, y);
          } else {
            try (GradientTape tape = new GradientTape(tf)) {
              value = loss.apply(tf, y, model.apply(tf, x));
              optimizer.applyGradients(tape.gradient(value, model.variables()), model.variables());
            }
          }
          losses[i] = (float) Recording.readScalar(value);
        }
      }
      assertEquals(function ? 1 : 0, step.tracingCount());
      List<float[]> out = new ArrayList<>();
      out.add(losses);
      List<Variable> all = new ArrayList<>(model.variables());
      all.addAll(optimizer.variables());
      for (Variable v : all) {
        out.add(flat(v));
      }
      step.close();
      return out;
    }
  }

  private static float[] flat(Variable v) {
    if (v.type() != TFloat32.class) {
      return new float[] {(float) ((Number) v.numpy().getObject()).doubleValue()};
    }
    FloatNdArray a = (FloatNdArray) v.numpy();
    if (a.rank() == 0) {
      return new float[] {a.getFloat()};
    }
    float[] f = new float[(int) a.size()];
    a.scalars().forEachIndexed((idx, s) -> f[(int) linear(idx, a.shape())] = s.getFloat());
    return f;
  }

  private static long linear(long[] idx, Shape shape) {
    long k = 0;
    for (int i = 0; i < idx.length; i++) {
      k = k * shape.get(i) + idx[i];
    }
    return k;
  }

  @Test
  void mlpStepsGiveTheEagerNumbers() {
    List<float[]> eager = train(false);
    List<float[]> traced = train(true);
    assertEquals(eager.size(), traced.size());
    // The loss falls: the step really trains, so equal numbers are not two idle models.
    assertTrue(eager.get(0)[STEPS - 1] < eager.get(0)[0], "loss " + java.util.Arrays.toString(eager.get(0)));
    for (int i = 0; i < eager.size(); i++) {
      assertArrayEquals(eager.get(i), traced.get(i), 1e-5f, "output " + i);
    }
  }

  @Test
  void variablesAreSharedBothWays() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable v = new Variable(tf, "v", tf.constant(1f), true);
      EagerFunction<Operand<TFloat32>> f =
          eager.function(
              (Ops g, Operand<TFloat32> x) -> {
                Operand<TFloat32> before = v.value(g);
                v.assignAdd(g, x);
                return before;
              });
      assertEquals(1f, (float) Recording.readScalar(f.call(tf.constant(2f))));
      assertEquals(3f, (float) Recording.readScalar(v.value(tf)));
      v.assign(tf, tf.constant(10f)); // an eager update before a call is seen inside
      assertEquals(10f, (float) Recording.readScalar(f.call(tf.constant(2f))));
      assertEquals(12f, v.numpy().getObject()); // and the update inside is seen eagerly
      assertEquals(1, f.tracingCount());
    }
  }

  @Test
  void tracesOncePerSignatureAndJavaCodeRunsOnlyWhileTracing() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      int[] javaRuns = {0};
      EagerFunction<Operand<TFloat32>> f =
          eager.function(
              (Ops g, Operand<TFloat32> x) -> {
                javaRuns[0]++;
                return g.math.mul(x, x);
              });
      assertEquals(9f, (float) Recording.readScalar(f.call(tf.constant(3f))));
      assertEquals(16f, (float) Recording.readScalar(f.call(tf.constant(4f))));
      assertEquals(1, f.tracingCount());
      assertEquals(1, javaRuns[0]);
      f.call(tf.constant(new float[] {1, 2})); // new shape: retrace
      f.call(tf.constant(new float[] {3, 4}));
      assertEquals(2, f.tracingCount());
      f.call(tf.constant(new float[] {1, 2, 3})); // another batch size: retrace
      assertEquals(3, f.tracingCount());
      assertEquals(3, javaRuns[0]);
    }
  }

  @Test
  void reduceRetracingSharesOneTraceAcrossBatchSizes() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      EagerFunction<Operand<TFloat32>> f =
          eager.function((Ops g, Operand<TFloat32> x) -> (Operand<TFloat32>) g.reduceSum(x, g.constant(new int[] {0, 1})));
      f.reduceRetracing(true);
      assertEquals(3f, (float) Recording.readScalar(f.call(tf.constant(new float[][] {{1, 2}}))));
      assertEquals(10f, (float) Recording.readScalar(f.call(tf.constant(new float[][] {{1, 2}, {3, 4}}))));
      assertEquals(1, f.tracingCount());
      f.call(tf.constant(new float[][] {{1, 2, 3}})); // another feature size still retraces
      assertEquals(2, f.tracingCount());
    }
  }

  @Test
  void inputSignatureRefusesWhatDoesNotFitNamingBothSignatures() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable v = new Variable(tf, "count", tf.constant(0f), false);
      EagerFunction<Operand<TFloat32>> f =
          eager.function(
              (Ops g, Operand<TFloat32> x) -> {
                v.assignAdd(g, g.reduceSum(x, g.constant(new int[] {0, 1})));
                return v.<TFloat32>value(g);
              });
      f.named("accumulate").inputSignature(new CompiledFunction.Spec(TFloat32.class, Shape.of(-1, 2)));
      assertEquals(10f, (float) Recording.readScalar(f.call(tf.constant(new float[][] {{1, 2}, {3, 4}}))));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> f.call(tf.constant(new float[][] {{1, 2, 3}})));
      assertEquals(
          "EagerFunction 'accumulate': argument 1 does not fit the input signature: expected"
              + " (float32 (None, 2)), received (float32 (1, 3))",
          e.getMessage());
      IllegalArgumentException type =
          assertThrows(IllegalArgumentException.class, () -> f.call(tf.constant(new int[][] {{1, 2}})));
      assertTrue(type.getMessage().contains("received (int32 (1, 2))"), type.getMessage());
      IllegalArgumentException arity =
          assertThrows(IllegalArgumentException.class, () -> f.call(tf.constant(1f), tf.constant(2f)));
      assertEquals("EagerFunction 'accumulate': expected 1 argument(s), received 2", arity.getMessage());
      assertEquals(10f, v.numpy().getObject()); // refused calls ran nothing
      assertEquals(1, f.tracingCount());
      assertThrows(IllegalStateException.class, () -> f.reduceRetracing(true)); // after tracing
    }
  }

  @Test
  void refusesValuesOfAnotherContextAndVariablesCreatedWhileTracing() {
    try (Eager eager = Eager.create();
        Eager other = Eager.create()) {
      Ops tf = eager.tf();
      EagerFunction<Operand<TFloat32>> square = eager.function((Ops g, Operand<TFloat32> x) -> g.math.square(x));
      IllegalArgumentException foreign =
          assertThrows(IllegalArgumentException.class, () -> square.call(other.tf().constant(1f)));
      assertTrue(foreign.getMessage().startsWith("EagerFunction 'function': argument 1"), foreign.getMessage());

      Mlp unbuilt = new Mlp();
      EagerFunction<Operand<TFloat32>> forward =
          eager.function((Ops g, Operand<TFloat32> x) -> unbuilt.apply(g, x)).named("forward");
      IllegalStateException create =
          assertThrows(IllegalStateException.class, () -> forward.call(tf.constant(new float[1][4][4])));
      assertTrue(
          create.getMessage().startsWith("EagerFunction 'forward' creates variable '")
              && create.getMessage().contains("kernel:0"),
          create.getMessage());
      assertEquals(0, forward.tracingCount());

      Variable foreignVariable = new Variable(other.tf(), "elsewhere", other.tf().constant(1f), true);
      EagerFunction<Operand<TFloat32>> usesForeign =
          eager.function((Ops g, Operand<TFloat32> x) -> g.math.add(x, foreignVariable.value(g)));
      IllegalArgumentException wrongHome =
          assertThrows(IllegalArgumentException.class, () -> usesForeign.call(tf.constant(1f)));
      assertTrue(wrongHome.getMessage().contains("'elsewhere'"), wrongHome.getMessage());
    }
  }

  /** A record result: rebuilt from the function's outputs. */
  public record Pair(Operand<TFloat32> sum, Operand<TFloat32> product) {}

  @Test
  void returnsListsAndRecordsWithArgumentsInOrder() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      EagerFunction<List<Operand<?>>> f =
          eager.function(
              (Ops g, Operand<TFloat32> a, Operand<TInt32> b, Operand<TFloat32> c) ->
                  List.of(c, g.math.sub(a, c), b));
      List<Operand<?>> out = f.call(tf.constant(5f), tf.constant(7), tf.constant(2f));
      assertEquals(2.0, Recording.readScalar(out.get(0)));
      assertEquals(3.0, Recording.readScalar(out.get(1)));
      assertEquals(7.0, Recording.readScalar(out.get(2)));
      assertSame(TInt32.class, out.get(2).type());

      EagerFunction<Pair> p =
          eager.function((Ops g, Operand<TFloat32> a, Operand<TFloat32> b) -> new Pair(g.math.add(a, b), g.math.mul(a, b)));
      Pair r = p.call(tf.constant(3f), tf.constant(4f));
      assertEquals(7.0, Recording.readScalar(r.sum()));
      assertEquals(12.0, Recording.readScalar(r.product()));
    }
  }

  private static long residentKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  @Test
  void resultsAreReleasedByTheirScopeOverThousandsOfCalls() throws IOException {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      // Each call returns a 256x256 float result (256 KB): 1,000 leaked calls would be 256 MB.
      Operand<TFloat32> x = eager.keep(tf.fill(tf.constant(new int[] {256, 256}), tf.constant(0.5f)));
      EagerFunction<Operand<TFloat32>> f =
          eager.function((Ops g, Operand<TFloat32> a) -> g.math.add(g.linalg.matMul(a, a), a));
      Runnable thousand =
          () -> {
            for (int i = 0; i < 1_000; i++) {
              try (EagerScope scope = eager.scope()) {
                f.call(x);
              }
            }
          };
      thousand.run(); // warm-up: kernels, allocator, JIT
      thousand.run();
      long before = residentKb();
      for (int round = 0; round < 3; round++) {
        thousand.run();
      }
      long grown = residentKb() - before;
      assertTrue(grown < 64 * 1024, "resident memory grew by " + grown + " KB over 3,000 calls");
      assertEquals(1, f.tracingCount());
    }
  }

  @Test
  void aCallIsOneOpOfTheFastPathAndCloseFreesIt() {
    // The fast path asked for explicitly: the suite also runs with it off by default.
    try (Eager eager = Eager.create(true)) {
      assertTrue(eager.fastPath(), "the fast path is on when asked for");
      Ops tf = eager.tf();
      EagerFunction<Operand<TFloat32>> f =
          eager.function((Ops g, Operand<TFloat32> a) -> g.math.add(a, g.constant(1f)));
      Operand<TFloat32> x = eager.keep(tf.constant(2f));
      try (EagerScope scope = eager.scope()) {
        assertEquals(3.0, Recording.readScalar(f.call(x))); // traces
      }
      EagerDispatcher dispatcher = Eager.environmentOf(tf, "test").fastPath();
      long fast = dispatcher.fastOpCount();
      long java = dispatcher.javaOpCount();
      try (EagerScope scope = eager.scope()) {
        Operand<TFloat32> y = f.call(x);
        assertEquals(fast + 1, dispatcher.fastOpCount(), "the call is one op of the fast path");
        assertEquals(java, dispatcher.javaOpCount(), "and none of TensorFlow Java's builder");
        assertEquals(3.0, Recording.readScalar(y));
      }
      assertEquals(List.of(EagerFunction.SINGLE_THREADED_EXECUTOR), f.executors());
      int live = dispatcher.liveNativeObjects();
      f.close();
      assertEquals(live - 1, dispatcher.liveNativeObjects(), "closing frees the call's reused op");
    }
  }

  @Test
  void aBodyTheSingleThreadedExecutorRefusesRunsOnceOnTheDefaultOne() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Variable calls = new Variable(tf, "calls", tf.constant(0f), false);
      // Old-style control flow (Switch, Merge), which the single-threaded executor refuses.
      EagerFunction<Operand<TFloat32>> f =
          eager.function(
              (Ops g, Operand<TFloat32> x, Operand<TBool> p) -> {
                calls.assignAdd(g, g.constant(1f));
                SwitchCond<TFloat32> s = g.switchCond(x, p);
                return g.merge(List.of(g.math.neg(s.outputFalse()), g.math.mul(s.outputTrue(), g.constant(10f))))
                    .output();
              });
      assertEquals(20.0, Recording.readScalar(f.call(tf.constant(2f), tf.constant(true))));
      assertEquals(List.of(""), f.executors(), "the trace fell back to the default executor");
      assertEquals(1f, calls.numpy().getObject(), "the refused attempt ran nothing");
      assertEquals(-2.0, Recording.readScalar(f.call(tf.constant(2f), tf.constant(false))));
      assertEquals(2f, calls.numpy().getObject());
      assertEquals(1, f.tracingCount());
    }
  }

  @Test
  void statefulOpsWhoseResultsAreUnusedStillRun() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      // An Assert whose output nothing consumes: TensorFlow's optimizer prunes what the results do
      // not need, which must not include a check (tf.function keeps it as a control output).
      EagerFunction<Operand<TFloat32>> f =
          eager.function(
              (Ops g, Operand<TFloat32> x) -> {
                g.assertThat(g.math.greater(x, g.constant(0f)), List.of(g.constant("x must be positive")));
                return g.math.mul(x, x);
              });
      assertEquals(4.0, Recording.readScalar(f.call(tf.constant(2f))));
      TFInvalidArgumentException e =
          assertThrows(TFInvalidArgumentException.class, () -> f.call(tf.constant(-2f)));
      assertTrue(e.getMessage().contains("x must be positive"), e.getMessage());
    }
  }
}
