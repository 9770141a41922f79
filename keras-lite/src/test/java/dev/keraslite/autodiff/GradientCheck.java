package dev.keraslite.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TFloating;

/**
 * The gradient oracles of docs/ARCHITECTURE.md §3, shared by every gradient test.
 *
 * <p>{@link #check} differentiates {@code f} three ways on the same inputs and compares: the
 * keras-lite tape (eager), central finite differences in float64, and TensorFlow's own C++ graph
 * gradients ({@code Graph.addGradients}). A non-scalar output is reduced to a scalar with fixed
 * random weights, so every output element contributes.
 */
public final class GradientCheck {
  /** The computation under test: builds outputs from the watched inputs. */
  @FunctionalInterface
  public interface Fn {
    Operand<?> apply(Ops tf, List<Operand<?>> inputs);
  }

  /** One input: a shape and its values (row-major). */
  public record Input(Shape shape, double[] values) {
    public static Input of(long[] shape, double... values) {
      return new Input(Shape.of(shape), values);
    }

    /** Values drawn uniformly from [lo, hi) with a fixed seed. */
    public static Input random(long seed, double lo, double hi, long... shape) {
      Random r = new Random(seed);
      double[] v = new double[(int) Shape.of(shape).size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = lo + (hi - lo) * r.nextDouble();
      }
      return new Input(Shape.of(shape), v);
    }
  }

  private final Class<? extends TFloating> type;
  private double fdTolerance = 1e-6;
  private double graphTolerance = 1e-9;
  private double step = 1e-6;
  private boolean useGraphOracle = true;
  private Fn graphEquivalent;

  private GradientCheck(Class<? extends TFloating> type) {
    this.type = type;
  }

  /** Checks in float64: tight tolerances. */
  public static GradientCheck float64() {
    return new GradientCheck(TFloat64.class);
  }

  /** Checks in float32, for kernels that have no float64 version. */
  public static GradientCheck float32() {
    GradientCheck c = new GradientCheck(TFloat32.class);
    c.fdTolerance = 2e-2;
    c.graphTolerance = 1e-4;
    c.step = 1e-2;
    return c;
  }

  /** Sets the finite-difference tolerance (absolute + relative). */
  public GradientCheck fdTolerance(double tol) {
    this.fdTolerance = tol;
    return this;
  }

  /** Sets the finite-difference step. */
  public GradientCheck step(double h) {
    this.step = h;
    return this;
  }

  /** Skips the Graph.addGradients oracle (for ops TensorFlow's C++ registry lacks); say why. */
  public GradientCheck withoutGraphOracle(String why) {
    assertNotNull(why);
    this.useGraphOracle = false;
    return this;
  }

  /**
   * Runs the Graph.addGradients oracle on {@code equivalent} instead of the function under test:
   * the same mathematical function built from ops TensorFlow's C++ registry can differentiate (for
   * an op it lacks). Its value must equal the function's; say why it is equivalent.
   */
  public GradientCheck graphOracleOn(Fn equivalent, String why) {
    assertNotNull(why);
    this.graphEquivalent = equivalent;
    return this;
  }

  /** Runs the three-way comparison; returns the tape's gradients. */
  public List<double[]> check(Fn f, Input... inputs) {
    List<double[]> tape = tapeGradients(f, inputs);
    List<double[]> fd = finiteDifferences(f, inputs);
    for (int i = 0; i < inputs.length; i++) {
      assertClose("tape vs finite differences, input " + i, fd.get(i), tape.get(i), fdTolerance);
    }
    if (useGraphOracle) {
      if (graphEquivalent != null) {
        try (Eager eager = Eager.create()) {
          double value = evaluate(eager.tf(), f, inputs, 0, 0, 0.0);
          double equivalent = evaluate(eager.tf(), graphEquivalent, inputs, 0, 0, 0.0);
          assertClose("the graph oracle's equivalent function vs the function", new double[] {value},
              new double[] {equivalent}, graphTolerance);
        }
      }
      List<double[]> graph = graphGradients(graphEquivalent != null ? graphEquivalent : f, inputs);
      for (int i = 0; i < inputs.length; i++) {
        assertClose("tape vs Graph.addGradients, input " + i, graph.get(i), tape.get(i), graphTolerance);
      }
    }
    return tape;
  }

  /**
   * Second order: the gradient of sum(w * dF/dx_0) with respect to every input, computed by a tape
   * inside a tape, against finite differences of the first-order tape gradient.
   */
  public void checkSecondOrder(Fn f, Input... inputs) {
    Fn firstOrder =
        (tf, xs) -> {
          try (GradientTape inner = new GradientTape(tf)) {
            for (Operand<?> x : xs) {
              inner.watch(x);
            }
            Operand<?> y = weightedSum(tf, f.apply(tf, xs));
            return inner.gradient(y, List.of(xs.get(0))).get(0);
          }
        };
    List<double[]> tape = tapeGradients(firstOrder, inputs);
    List<double[]> fd = finiteDifferences(firstOrder, inputs);
    for (int i = 0; i < inputs.length; i++) {
      assertClose("second order vs finite differences, input " + i, fd.get(i), tape.get(i), fdTolerance * 10);
    }
  }

  private Operand<?> constant(Ops tf, Input in, double[] values) {
    Operand<TFloat64> c = tf.constant(in.shape(), DataBuffers.of(values, true, false));
    return type == TFloat64.class ? c : tf.dtypes.cast(c, type);
  }

  /** sum(y * w) with w fixed pseudo-random weights in [0.5, 1.5): a scalar that sees every output. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Operand<?> weightedSum(Ops tf, Operand<?> y) {
    Shape s = y.shape();
    double[] w = new double[(int) Math.max(1, s.size())];
    Random r = new Random(1234);
    for (int i = 0; i < w.length; i++) {
      w[i] = 0.5 + r.nextDouble();
    }
    Operand weights = tf.dtypes.cast(tf.constant(s, DataBuffers.of(w, true, false)), (Class) y.type());
    Operand prod = tf.math.mul((Operand) y, weights);
    int[] axes = new int[s.numDimensions()];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = i;
    }
    return tf.sum(prod, tf.constant(axes));
  }

  private List<double[]> tapeGradients(Fn f, Input... inputs) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      List<Operand<?>> xs = new ArrayList<>();
      for (Input in : inputs) {
        xs.add(constant(tf, in, in.values()));
      }
      try (GradientTape tape = new GradientTape(tf)) {
        xs.forEach(tape::watch);
        Operand<?> y = weightedSum(tf, f.apply(tf, xs));
        List<Operand<?>> g = tape.gradient(y, xs);
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
          if (g.get(i) == null) {
            fail("tape returned no gradient for input " + i);
          }
          assertEquals(inputs[i].shape(), g.get(i).shape(), "gradient shape of input " + i);
          out.add(toDoubles(tf, g.get(i)));
        }
        return out;
      }
    }
  }

  private List<double[]> finiteDifferences(Fn f, Input... inputs) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      List<double[]> out = new ArrayList<>();
      for (int i = 0; i < inputs.length; i++) {
        double[] grad = new double[inputs[i].values().length];
        for (int k = 0; k < grad.length; k++) {
          double plus = evaluate(tf, f, inputs, i, k, step);
          double minus = evaluate(tf, f, inputs, i, k, -step);
          grad[k] = (plus - minus) / (2 * step);
        }
        out.add(grad);
      }
      return out;
    }
  }

  private double evaluate(Ops tf, Fn f, Input[] inputs, int which, int k, double delta) {
    List<Operand<?>> xs = new ArrayList<>();
    for (int i = 0; i < inputs.length; i++) {
      double[] v = inputs[i].values().clone();
      if (i == which) {
        v[k] += delta;
      }
      xs.add(constant(tf, inputs[i], v));
    }
    // A throwaway tape so that ops which build nested tapes (second order) see one.
    try (GradientTape tape = new GradientTape(tf)) {
      xs.forEach(tape::watch);
      return toDoubles(tf, weightedSum(tf, f.apply(tf, xs)))[0];
    }
  }

  private List<double[]> graphGradients(Fn f, Input... inputs) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      List<Operand<?>> xs = new ArrayList<>();
      for (Input in : inputs) {
        xs.add(constant(tf, in, in.values()));
      }
      Operand<?> y = weightedSum(tf, f.apply(tf, xs));
      Output<?>[] xo = xs.stream().map(Operand::asOutput).toArray(Output<?>[]::new);
      Output<?>[] grads = g.addGradients(y.asOutput(), xo);
      Session.Runner runner = s.runner();
      for (Output<?> gr : grads) {
        runner.fetch(tf.dtypes.cast((Operand) gr, TFloat64.class));
      }
      List<double[]> out = new ArrayList<>();
      try (Result r = runner.run()) {
        for (int i = 0; i < grads.length; i++) {
          out.add(read((TFloat64) r.get(i)));
        }
      }
      return out;
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static double[] toDoubles(Ops tf, Operand<?> x) {
    Operand<TFloat64> d = x.type() == TFloat64.class ? (Operand<TFloat64>) x : tf.dtypes.cast((Operand) x, TFloat64.class);
    try (TFloat64 t = d.asTensor()) {
      return read(t);
    }
  }

  private static double[] read(TFloat64 t) {
    double[] v = new double[(int) t.shape().size()];
    t.copyTo(DataBuffers.of(v, false, false));
    return v;
  }

  private static void assertClose(String what, double[] expected, double[] actual, double tol) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double err = Math.abs(expected[i] - actual[i]);
      if (err > tol * (1 + Math.abs(expected[i]))) {
        fail(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i]
            + "\n expected " + Arrays.toString(expected) + "\n actual   " + Arrays.toString(actual));
      }
    }
  }

}
