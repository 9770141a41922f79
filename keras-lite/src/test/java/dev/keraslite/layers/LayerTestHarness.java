package dev.keraslite.layers;

import dev.keraslite.layers.internal.Shapes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keraslite.Eager;
import dev.keraslite.EagerScope;
import dev.keraslite.GradientTape;
import dev.keraslite.models.Input;
import dev.keraslite.Variable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The shared layer test (Keras's {@code LayerTestCase.run_layer_test}): give it a factory for the
 * layer, the input shapes and what to expect; {@link #run()} then checks, on fresh instances:
 *
 * <ol>
 *   <li><b>symbolic</b>: applied to {@code Input.of(...)} tensors, the output shape is the expected
 *       one (batch unknown) and no weight is created;
 *   <li><b>eager</b>: not built before the first apply, built after; output shape; weight names
 *       ({@code <layer>/<weight>:0}), shapes, trainability and order; parameter count (also equal
 *       to the sum of the weight sizes); {@code computeOutputShape} agrees with the real output; a
 *       second apply creates no weight; the output equals the {@link #oracle} within tolerance;
 *   <li><b>training step</b> (when the layer has trainable weights): under a tape, loss {@code
 *       mean((y - t)^2)} for a random target; every trainable weight gets a non-null gradient of its
 *       own shape, the tape watches exactly the trainable weights, a manual SGD step ({@code
 *       assignSub(lr * g)}) changes every trainable weight and, in inference mode, lowers the loss;
 *   <li><b>input gradient</b> (opt-in, {@link #checkInputGradient()}): non-null, input-shaped;
 *   <li><b>frozen</b>: after {@code setTrainable(false)} the weights are non-trainable and a tape
 *       watches none of them.
 * </ol>
 *
 * <pre>{@code
 * LayerTestHarness.of(() -> new Dense(4))
 *     .input(5, 3)
 *     .expectOutputShape(5, 4)
 *     .expectWeight("kernel", 3, 4)
 *     .expectWeight("bias", 4)
 *     .expectParams(16)
 *     .oracle((tf, x, w) -> tf.math.add(tf.linalg.matMul(x.get(0), w.get(0)), w.get(1)), 1e-6)
 *     .run();
 * }</pre>
 */
public final class LayerTestHarness {
  /** An independent computation of the expected output from the inputs and the layer's weights. */
  @FunctionalInterface
  public interface Oracle {
    Operand<TFloat32> expected(Ops tf, List<Operand<TFloat32>> inputs, List<Operand<TFloat32>> weights);
  }

  /** What {@link #run()} saw, for further checks by the test. */
  public record Result(Layer layer, Shape outputShape, float[] output, List<float[]> inputs, List<float[]> weights) {}

  private record WeightSpec(String name, Shape shape, boolean trainable) {}

  private final Supplier<? extends Layer> factory;
  private final List<Shape> inputShapes = new ArrayList<>();
  private final List<float[]> inputValues = new ArrayList<>();
  private final List<WeightSpec> weights = new ArrayList<>();
  private Shape expectedOutputShape;
  private Long expectedParams;
  private boolean training;
  private Oracle oracle;
  private double tolerance;
  private boolean inputGradient;
  private double learningRate = 0.01;
  private final Random random = new Random(1234);

  private LayerTestHarness(Supplier<? extends Layer> factory) {
    this.factory = factory;
  }

  /** A harness for the layers {@code factory} makes (one fresh instance per check). */
  public static LayerTestHarness of(Supplier<? extends Layer> factory) {
    return new LayerTestHarness(factory);
  }

  /** Adds an input of {@code shape} (batch first) with values uniform in [-1, 1) from a fixed seed. */
  public LayerTestHarness input(long... shape) {
    float[] v = new float[(int) Shape.of(shape).size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = random.nextFloat() * 2 - 1;
    }
    return input(shape, v);
  }

  /** Adds an input of {@code shape} with the given row-major values. */
  public LayerTestHarness input(long[] shape, float[] values) {
    if (Shape.of(shape).size() != values.length) {
      throw new IllegalArgumentException("harness: " + values.length + " values for shape " + Arrays.toString(shape));
    }
    inputShapes.add(Shape.of(shape));
    inputValues.add(values.clone());
    return this;
  }

  /** Applies the layer in training mode (default: inference). */
  public LayerTestHarness training(boolean training) {
    this.training = training;
    return this;
  }

  /** The expected output shape, batch first. */
  public LayerTestHarness expectOutputShape(long... shape) {
    this.expectedOutputShape = Shape.of(shape);
    return this;
  }

  /** The next weight, in creation order: trainable, named {@code <layer>/<name>:0}. */
  public LayerTestHarness expectWeight(String name, long... shape) {
    weights.add(new WeightSpec(name, Shape.of(shape), true));
    return this;
  }

  /** The next weight, in creation order, non-trainable (moving statistics). */
  public LayerTestHarness expectNonTrainableWeight(String name, long... shape) {
    weights.add(new WeightSpec(name, Shape.of(shape), false));
    return this;
  }

  /** The expected parameter count. */
  public LayerTestHarness expectParams(long params) {
    this.expectedParams = params;
    return this;
  }

  /** Compares the output with {@code oracle}'s, element-wise within {@code tolerance} (absolute plus relative). */
  public LayerTestHarness oracle(Oracle oracle, double tolerance) {
    this.oracle = oracle;
    this.tolerance = tolerance;
    return this;
  }

  /** Also checks that the gradient reaches every input (needs the gradients of the layer's ops). */
  public LayerTestHarness checkInputGradient() {
    this.inputGradient = true;
    return this;
  }

  /** The learning rate of the manual SGD step (default 0.01). */
  public LayerTestHarness learningRate(double learningRate) {
    this.learningRate = learningRate;
    return this;
  }

  /** Runs every check; returns what the eager apply produced. */
  public Result run() {
    if (inputShapes.isEmpty() || expectedOutputShape == null) {
      throw new IllegalStateException("harness: give input(...) and expectOutputShape(...) first");
    }
    checkSymbolic();
    Result result = checkEager();
    checkFrozen();
    return result;
  }

  private void checkSymbolic() {
    Layer layer = factory.get();
    List<KerasTensor> inputs = new ArrayList<>();
    for (Shape s : inputShapes) {
      inputs.add(Input.of(Arrays.copyOfRange(s.asArray(), 1, s.numDimensions())));
    }
    KerasTensor out = layer.applyOutputs(inputs).get(0);
    assertShape(Shapes.withUnknownBatch(expectedOutputShape), out.shape(), layer + ": symbolic output shape");
    assertFalse(layer.built(), layer + ": a symbolic apply must not build the layer");
    assertTrue(layer.variables().isEmpty(), layer + ": a symbolic apply must not create weights");
  }

  private Result checkEager() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Layer layer = factory.get();
      assertFalse(layer.built(), layer + ": built before the first apply");
      assertTrue(layer.variables().isEmpty(), layer + ": weights before the first apply");
      List<Operand<TFloat32>> xs = constants(tf);

      Operand<TFloat32> y = apply(layer, tf, xs);
      assertTrue(layer.built(), layer + ": not built after the first apply");
      assertShape(expectedOutputShape, y.shape(), layer + ": output shape");
      assertShape(y.shape(), layer.computeOutputShape(inputShapes), layer + ": computeOutputShape vs the real output");
      float[] output = values(y);

      List<Variable> vars = layer.variables();
      checkWeights(layer, vars);
      long sizes = vars.stream().mapToLong(v -> v.shape().size()).sum();
      assertEquals(sizes, layer.countParams(), layer + ": countParams vs the weight sizes");
      if (expectedParams != null) {
        assertEquals(expectedParams.longValue(), layer.countParams(), layer + ": parameter count");
      }

      apply(layer, tf, xs);
      List<Variable> again = layer.variables();
      assertEquals(vars.size(), again.size(), layer + ": a second apply created weights");
      for (int i = 0; i < vars.size(); i++) {
        assertSame(vars.get(i), again.get(i), layer + ": a second apply replaced a weight");
      }

      if (oracle != null) {
        List<Operand<TFloat32>> w = new ArrayList<>();
        for (Variable v : vars) {
          w.add(v.value(tf));
        }
        float[] expected = values(oracle.expected(tf, xs, w));
        assertClose(expected, output, tolerance, layer + ": output vs oracle");
      }

      List<float[]> weightValues = new ArrayList<>();
      for (Variable v : vars) {
        weightValues.add(values(v.value(tf)));
      }
      if (!layer.trainableVariables().isEmpty()) {
        trainingStep(eager, layer, xs, output);
      }
      if (inputGradient) {
        checkInputGradient(tf, layer, xs);
      }
      List<float[]> inputs = new ArrayList<>(inputValues);
      return new Result(layer, y.shape(), output, inputs, weightValues);
    }
  }

  private void checkWeights(Layer layer, List<Variable> vars) {
    List<String> names = new ArrayList<>();
    for (Variable v : vars) {
      names.add(v.name());
    }
    List<String> expectedNames = new ArrayList<>();
    for (WeightSpec w : weights) {
      expectedNames.add(layer.name() + "/" + w.name() + ":0");
    }
    assertEquals(expectedNames, names, layer + ": weight names, in creation order");
    for (int i = 0; i < vars.size(); i++) {
      WeightSpec w = weights.get(i);
      assertShape(w.shape(), vars.get(i).shape(), layer + ": shape of " + w.name());
      assertEquals(w.trainable(), vars.get(i).trainable(), layer + ": trainability of " + w.name());
    }
  }

  private void trainingStep(Eager eager, Layer layer, List<Operand<TFloat32>> xs, float[] output) {
    Ops tf = eager.tf();
    List<Variable> trainable = layer.trainableVariables();
    float[] t = new float[output.length];
    for (int i = 0; i < t.length; i++) {
      t[i] = random.nextFloat() * 2 - 1;
    }
    Operand<TFloat32> target = eager.keep(tf.constant(expectedOutputShape, DataBuffers.of(t)));
    List<float[]> before = new ArrayList<>();
    for (Variable v : trainable) {
      before.add(values(v.value(tf)));
    }
    float lossBefore;
    try (GradientTape tape = new GradientTape(tf)) {
      Operand<TFloat32> loss = loss(tf, apply(layer, tf, xs), target);
      lossBefore = values(loss)[0];
      List<Operand<?>> grads = tape.gradient(loss, trainable);
      Set<Variable> watched = new HashSet<>(tape.watchedVariables());
      assertEquals(new HashSet<>(trainable), watched, layer + ": the tape must watch exactly the trainable weights");
      for (int i = 0; i < trainable.size(); i++) {
        Variable v = trainable.get(i);
        assertNotNull(grads.get(i), layer + ": no gradient for " + v.name());
        assertShape(v.shape(), grads.get(i).shape(), layer + ": gradient shape of " + v.name());
        @SuppressWarnings("unchecked")
        Operand<TFloat32> g = (Operand<TFloat32>) grads.get(i);
        v.assignSub(tf, tf.math.mul(g, tf.constant((float) learningRate)));
      }
    }
    for (int i = 0; i < trainable.size(); i++) {
      float[] after = values(trainable.get(i).value(tf));
      assertFalse(Arrays.equals(before.get(i), after), layer + ": the SGD step left " + trainable.get(i).name() + " unchanged");
    }
    if (!training) {
      try (EagerScope scope = eager.scope()) {
        float lossAfter = values(loss(tf, apply(layer, tf, xs), target))[0];
        assertTrue(lossAfter < lossBefore,
            layer + ": a small gradient step must lower the loss, went " + lossBefore + " -> " + lossAfter);
      }
    }
  }

  private void checkInputGradient(Ops tf, Layer layer, List<Operand<TFloat32>> xs) {
    try (GradientTape tape = new GradientTape(tf)) {
      for (Operand<TFloat32> x : xs) {
        tape.watch(x);
      }
      Operand<TFloat32> y = apply(layer, tf, xs);
      Operand<TFloat32> loss = loss(tf, y, tf.zerosLike(y));
      List<Operand<?>> grads = tape.gradient(loss, new ArrayList<Object>(xs));
      for (int i = 0; i < xs.size(); i++) {
        assertNotNull(grads.get(i), layer + ": no gradient for input " + i);
        assertShape(xs.get(i).shape(), grads.get(i).shape(), layer + ": gradient shape of input " + i);
      }
    }
  }

  private void checkFrozen() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Layer layer = factory.get();
      layer.setTrainable(false);
      List<Operand<TFloat32>> xs = constants(tf);
      try (GradientTape tape = new GradientTape(tf)) {
        apply(layer, tf, xs);
        assertTrue(tape.watchedVariables().isEmpty(), layer + ": a tape watched weights of a frozen layer");
      }
      assertTrue(layer.trainableVariables().isEmpty(), layer + ": a frozen layer has trainable weights");
      assertEquals(weights.size(), layer.nonTrainableVariables().size(), layer + ": a frozen layer's weights");
    }
  }

  private Operand<TFloat32> apply(Layer layer, Ops tf, List<Operand<TFloat32>> xs) {
    return xs.size() == 1 ? layer.apply(tf, xs.get(0), training) : layer.apply(tf, xs, training);
  }

  private List<Operand<TFloat32>> constants(Ops tf) {
    List<Operand<TFloat32>> xs = new ArrayList<>();
    for (int i = 0; i < inputShapes.size(); i++) {
      xs.add(tf.constant(inputShapes.get(i), DataBuffers.of(inputValues.get(i))));
    }
    return xs;
  }

  private static Operand<TFloat32> loss(Ops tf, Operand<TFloat32> y, Operand<TFloat32> target) {
    int rank = y.shape().numDimensions();
    int[] axes = new int[rank];
    for (int i = 0; i < rank; i++) {
      axes[i] = i;
    }
    return tf.math.mean(tf.math.square(tf.math.sub(y, target)), tf.constant(axes));
  }

  /** The values of an eager float tensor, row-major. */
  public static float[] values(Operand<TFloat32> x) {
    TFloat32 t = x.asTensor();
    FloatDataBuffer buffer = DataBuffers.ofFloats(t.shape().size());
    t.copyTo(buffer);
    float[] out = new float[(int) t.shape().size()];
    buffer.read(out);
    return out;
  }

  /** Asserts equal ranks and dimensions (unknown ones included), with a readable message. */
  public static void assertShape(Shape expected, Shape actual, String message) {
    if (!Shapes.same(expected, actual)) {
      fail(message + ": expected " + Shapes.format(expected) + ", got " + Shapes.format(actual));
    }
  }

  /** Asserts {@code |e - a| <= tol * (1 + |e|)} element-wise. */
  public static void assertClose(float[] expected, float[] actual, double tol, String message) {
    assertEquals(expected.length, actual.length, message + ": sizes");
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(expected[i] - actual[i]) <= tol * (1 + Math.abs(expected[i])))) {
        fail(message + ": element " + i + " expected " + expected[i] + ", got " + actual[i]);
      }
    }
  }

  /** As {@link #assertClose(float[], float[], double, String)} against double-precision values. */
  public static void assertClose(double[] expected, float[] actual, double tol, String message) {
    assertEquals(expected.length, actual.length, message + ": sizes");
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(expected[i] - actual[i]) <= tol * (1 + Math.abs(expected[i])))) {
        fail(message + ": element " + i + " expected " + expected[i] + ", got " + actual[i]);
      }
    }
  }
}
