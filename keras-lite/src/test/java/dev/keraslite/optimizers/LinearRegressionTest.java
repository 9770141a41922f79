package dev.keraslite.optimizers;

import static dev.keraslite.optimizers.TestValues.assertClose;
import static dev.keraslite.optimizers.TestValues.read;
import static dev.keraslite.optimizers.TestValues.toDoubles;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.Variable;
import dev.keraslite.internal.recording.RecordingEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The tutorial's linear regression (TUTORIAL.md E1, docs/ARCHITECTURE.md §3): X=[[1,2,3],[4,5,6]],
 * y=[[10],[20]], zero-initialised kernel [3,1] and bias [1], loss mean(square(X·k + b − y)).
 * Eagerly with a GradientTape for 100 steps against the reference numbers, and the same optimizer
 * code traced into a Graph and run by a Session against the eager numbers.
 */
class LinearRegressionTest {
  private static final float[][] X = {{1, 2, 3}, {4, 5, 6}};
  private static final float[][] Y = {{10}, {20}};

  /** The model's variables and loss, built with one Ops (eager or graph). */
  private static final class Linear {
    final Variable kernel;
    final Variable bias;
    final Operand<TFloat32> x;
    final Operand<TFloat32> y;

    Linear(Ops tf) {
      x = tf.constant(X);
      y = tf.constant(Y);
      kernel =
          new Variable(
              tf,
              "linear/dense/kernel:0",
              tf.zeros(tf.constant(new long[] {3, 1}), TFloat32.class),
              true);
      bias =
          new Variable(
              tf,
              "linear/dense/bias:0",
              tf.zeros(tf.constant(new long[] {1}), TFloat32.class),
              true);
    }

    Operand<TFloat32> loss(Ops tf, Operand<TFloat32> k, Operand<TFloat32> b) {
      Operand<TFloat32> prediction = tf.math.add(tf.linalg.matMul(x, k), b);
      return tf.math.mean(
          tf.math.square(tf.math.sub(prediction, y)), tf.constant(new int[] {0, 1}));
    }

    List<Variable> variables() {
      return List.of(kernel, bias);
    }
  }

  /** Trains eagerly; returns kernel then bias after each of {@code steps} steps. */
  private static List<double[]> trainEagerly(Optimizer optimizer, int steps) {
    List<double[]> history = new ArrayList<>();
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Linear model = new Linear(tf);
      for (int i = 0; i < steps; i++) {
        try (GradientTape tape = new GradientTape(tf)) {
          Operand<TFloat32> loss = model.loss(tf, model.kernel.value(tf), model.bias.value(tf));
          List<Operand<?>> grads = tape.gradient(loss, model.variables());
          optimizer.applyGradients(grads, model.variables());
        }
        history.add(concat(read(tf, model.kernel), read(tf, model.bias)));
      }
      assertEquals(steps, (long) read(tf, optimizer.iterations())[0]);
    }
    return history;
  }

  private static double[] concat(double[] a, double[] b) {
    double[] out = new double[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void sgdMatchesTheTutorial() {
    List<double[]> history = trainEagerly(new SGD(0.01f), 100);
    // One step from zero: grad k = 2/2 * X^T (0 - y) = [-90, -120, -150], grad b = -30.
    assertClose("after step 1", new double[] {0.9, 1.2, 1.5, 0.3}, history.get(0), 1e-6);
    assertClose(
        "after 100 steps",
        new double[] {0.407845, 1.191065, 1.974286, 0.783221},
        history.get(99),
        1e-4);
  }

  @Test
  void adamMatchesTheTutorial() {
    List<double[]> history = trainEagerly(new Adam(0.01f), 100);
    // Adam's first step is lr * sign(-g) for every parameter (up to epsilon / |g|).
    assertClose("after step 1", new double[] {0.01, 0.01, 0.01, 0.01}, history.get(0), 1e-6);
    assertClose(
        "after 100 steps",
        new double[] {0.83141, 0.833086, 0.834087, 0.838057},
        history.get(99),
        1e-4);
  }

  // ---- the same optimizer traced into a Graph ----------------------------------------------

  /** How a graph test obtains its gradients. */
  private interface GraphGradients {
    List<Operand<?>> of(Graph graph, Ops tf, Linear model);
  }

  /**
   * Builds the step once in a graph, runs it {@code steps} times; returns the values after each.
   */
  private static List<double[]> trainInGraph(
      Supplier<Optimizer> optimizer, int steps, boolean recording, GraphGradients gradients) {
    List<double[]> history = new ArrayList<>();
    try (Graph graph = new Graph()) {
      Ops tf = recording ? Ops.create(new RecordingEnvironment(graph)) : Ops.create(graph);
      Linear model = new Linear(tf);
      List<Operand<?>> grads = gradients.of(graph, tf, model);
      Optimizer opt = optimizer.get();
      Op step = opt.applyGradients(tf, grads, model.variables());
      Operand<TFloat32> k = model.kernel.value(tf);
      Operand<TFloat32> b = model.bias.value(tf);
      Operand<?> iterations = opt.iterations().value(tf);
      try (Session session = new Session(graph)) {
        for (int i = 0; i < steps; i++) {
          session.runner().addTarget(step).run().close();
          try (Result r = session.runner().fetch(k).fetch(b).run()) {
            history.add(concat(toDoubles(r.get(0)), toDoubles(r.get(1))));
          }
        }
        try (Result r = session.runner().fetch(iterations).run()) {
          assertEquals(steps, (long) toDoubles(r.get(0))[0], "iterations");
        }
      }
    }
    return history;
  }

  /** Gradients from a keras-lite GradientTape recording graph ops. */
  private static List<Operand<?>> tapeGradients(Graph graph, Ops tf, Linear model) {
    try (GradientTape tape = new GradientTape(tf)) {
      Operand<TFloat32> loss = model.loss(tf, model.kernel.value(tf), model.bias.value(tf));
      return tape.gradient(loss, model.variables());
    }
  }

  /** Gradients from TensorFlow's C++ graph gradients, with respect to the variable reads. */
  private static List<Operand<?>> graphGradients(Graph graph, Ops tf, Linear model) {
    Operand<TFloat32> k = model.kernel.value(tf);
    Operand<TFloat32> b = model.bias.value(tf);
    Operand<TFloat32> loss = model.loss(tf, k, b);
    Output<?>[] grads =
        graph.addGradients(loss.asOutput(), new Output<?>[] {k.asOutput(), b.asOutput()});
    return List.of(grads[0], grads[1]);
  }

  private static void assertSameHistory(List<double[]> eager, List<double[]> graph) {
    assertEquals(eager.size(), graph.size());
    for (int i = 0; i < eager.size(); i++) {
      assertClose("step " + (i + 1), eager.get(i), graph.get(i), 1e-6);
    }
  }

  @Test
  void sgdInAGraphWithTapeGradients() {
    assertSameHistory(
        trainEagerly(new SGD(0.01f), 3),
        trainInGraph(() -> new SGD(0.01f), 3, true, LinearRegressionTest::tapeGradients));
  }

  @Test
  void adamInAGraphWithTapeGradients() {
    assertSameHistory(
        trainEagerly(new Adam(0.01f), 3),
        trainInGraph(() -> new Adam(0.01f), 3, true, LinearRegressionTest::tapeGradients));
  }

  @Test
  void adamInAGraphWithTensorFlowGradients() {
    assertSameHistory(
        trainEagerly(new Adam(0.01f), 3),
        trainInGraph(() -> new Adam(0.01f), 3, false, LinearRegressionTest::graphGradients));
  }

  @Test
  void aNewLearningRateReachesTheTracedStepWithoutRebuildingIt() {
    // Eagerly: one step at 0.01, setLearningRate(0.002), two more steps.
    List<double[]> eager = new ArrayList<>();
    try (Eager context = Eager.create()) {
      Ops tf = context.tf();
      Linear model = new Linear(tf);
      Adam adam = new Adam(0.01f);
      for (int i = 0; i < 3; i++) {
        if (i == 1) {
          adam.setLearningRate(0.002f);
        }
        try (GradientTape tape = new GradientTape(tf)) {
          Operand<TFloat32> loss = model.loss(tf, model.kernel.value(tf), model.bias.value(tf));
          adam.applyGradients(tape.gradient(loss, model.variables()), model.variables());
        }
        eager.add(concat(read(tf, model.kernel), read(tf, model.bias)));
      }
    }
    // Traced once; the learning-rate variable is assigned through the Session between runs.
    List<double[]> traced = new ArrayList<>();
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(new RecordingEnvironment(graph));
      Linear model = new Linear(tf);
      Adam adam = new Adam(0.01f);
      Op step = adam.applyGradients(tf, tapeGradients(graph, tf, model), model.variables());
      Op lower = tf.assignVariableOp(adam.learningRateVariable().handle(), tf.constant(0.002f));
      Operand<TFloat32> k = model.kernel.value(tf);
      Operand<TFloat32> b = model.bias.value(tf);
      try (Session session = new Session(graph)) {
        for (int i = 0; i < 3; i++) {
          if (i == 1) {
            session.runner().addTarget(lower).run().close();
          }
          session.runner().addTarget(step).run().close();
          try (Result r = session.runner().fetch(k).fetch(b).run()) {
            traced.add(concat(toDoubles(r.get(0)), toDoubles(r.get(1))));
          }
        }
      }
    }
    assertSameHistory(eager, traced);
    // The lower rate mattered: the second step moved every parameter by about 0.002, not 0.01.
    assertClose("second step", new double[] {0.012, 0.012, 0.012, 0.012}, eager.get(1), 5e-4);
  }

  @Test
  void compositeUpdatesInAGraph() {
    // Nadam, centered RMSprop without momentum and Adagrad are built from several stateful ops:
    // their order in the graph must be the eager order.
    List<Supplier<Optimizer>> optimizers =
        List.of(
            () -> new Nadam(0.05f).weightDecay(0.1f),
            () -> new RMSprop(0.05f).centered(true).globalClipnorm(5f),
            () -> new Adagrad(0.5f).clipnorm(10f),
            () -> new SGD(new ExponentialDecay(0.01f, 1, 0.5f)).momentum(0.9f).nesterov(true));
    for (Supplier<Optimizer> optimizer : optimizers) {
      assertSameHistory(
          trainEagerly(optimizer.get(), 3),
          trainInGraph(optimizer, 3, true, LinearRegressionTest::tapeGradients));
    }
  }
}
