package dev.keraslite.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.EagerScope;
import dev.keraslite.Variable;
import dev.keraslite.layers.Layer;
import dev.keraslite.samples.DeepQLearningCartPole;
import dev.keraslite.samples.DeepQLearningCartPole.Batch;
import dev.keraslite.samples.DeepQLearningCartPole.Episode;
import dev.keraslite.samples.DeepQLearningCartPole.QNetwork;
import dev.keraslite.samples.DeepQLearningCartPole.Transition;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Example 8 (Deep Q-Learning on CartPole): the training loop's mechanics over 30 episodes and its
 * printed lines, tensor shapes, the TD targets and loss against a double-precision forward pass of
 * the network's own weights, and learning measured soundly: with gamma 1 and no target network the
 * TD loss of the running loop rises as the Q-values grow (an independent NumPy run of the same
 * recipe rises too), so learning is checked on a fixed batch with fixed targets.
 */
class DeepQLearningCartPoleIT {
  private static final Pattern LINE =
      Pattern.compile("episode +(\\d+), epsilon (\\d\\.\\d{4}), score +(\\d+)");

  @Test
  void thirtyEpisodesRunAndPrintAsThePython() {
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    DeepQLearningCartPole.Result result;
    long t0 = System.nanoTime();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      result = DeepQLearningCartPole.run(30, 0, true);
    } finally {
      System.setOut(stdout);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    List<String> printed = captured.toString(StandardCharsets.UTF_8).lines().toList();

    List<Episode> episodes = result.episodes();
    assertEquals(30, episodes.size());
    assertEquals(result.lines(), printed, "one printed line per episode, in order");
    int buffer = 0;
    int expectedSteps = 0;
    for (int i = 0; i < 30; i++) {
      Episode e = episodes.get(i);
      double epsilon = Math.max((100 - i) / 100.0, 0.01);
      assertEquals(i, e.index());
      assertEquals(epsilon, e.epsilon(), 1e-12);
      assertTrue(e.steps() >= 1 && e.steps() <= 500, "CartPole-v1 episodes last 1..500 steps");
      assertEquals(e.steps() - 1, e.score(), "the score is the last step's index t");
      Matcher m = LINE.matcher(printed.get(i));
      assertTrue(m.matches(), printed.get(i));
      assertEquals(i, Integer.parseInt(m.group(1)));
      assertEquals(String.format(Locale.ROOT, "%.4f", epsilon), m.group(2));
      assertEquals(e.score(), Integer.parseInt(m.group(3)));
      // A training step follows every step that does not end the episode once the buffer holds 32.
      int trained = 0;
      for (int t = 0; t < e.steps(); t++) {
        buffer++;
        if (t < e.steps() - 1 && buffer >= 32) {
          trained++;
        }
      }
      assertEquals(trained, e.losses().length, "training steps in episode " + i);
      expectedSteps += trained;
    }
    float[] losses = result.losses();
    assertEquals(expectedSteps, losses.length);
    assertTrue(losses.length > 100, "enough training to mean something: " + losses.length);
    for (float l : losses) {
      assertTrue(Float.isFinite(l) && l >= 0, "TD loss " + l);
    }
    int w = Math.min(50, losses.length / 2);
    System.out.printf(
        Locale.ROOT,
        "DeepQLearningCartPoleIT: 30 episodes, %d training steps in %.1f s; mean TD loss of the first"
            + " %d steps %.3f, of the last %d %.3f; scores %s%n",
        losses.length, seconds, w, mean(losses, 0, w), w, mean(losses, losses.length - w, losses.length),
        java.util.Arrays.toString(result.scores()));
  }

  @Test
  void printsPythonsFormat() {
    // "episode %4d, epsilon %.4f, score %4d" % (7, 0.93, 13) in Python:
    assertEquals("episode    7, epsilon 0.9300, score   13", DeepQLearningCartPole.line(7, 0.93, 13));
    assertEquals("episode  120, epsilon 0.0100, score  499", DeepQLearningCartPole.line(120, 0.01, 499));
    assertEquals(1.0, DeepQLearningCartPole.epsilon(0), 0.0);
    assertEquals(0.5, DeepQLearningCartPole.epsilon(50), 1e-15);
    assertEquals(0.01, DeepQLearningCartPole.epsilon(99), 1e-15);
    assertEquals(0.01, DeepQLearningCartPole.epsilon(400), 0.0);
  }

  @Test
  void seededRunsRepeat() {
    DeepQLearningCartPole.Result a = DeepQLearningCartPole.run(3, 11, false);
    DeepQLearningCartPole.Result b = DeepQLearningCartPole.run(3, 11, false);
    assertArrayEquals(a.scores(), b.scores());
    assertArrayEquals(a.losses(), b.losses());
  }

  @Test
  void shapesTargetsAndLossMatchADoublePrecisionForwardPass() {
    Layer.clearNameCounters();
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      DeepQLearningCartPole agent = new DeepQLearningCartPole(eager, 3);
      fill(agent, 100);
      QNetwork model = agent.model();

      assertEquals(770, model.countParams());
      List<Variable> vars = model.variables();
      assertEquals(6, vars.size());
      long[][] shapes = {{4, 24}, {24}, {24, 24}, {24}, {24, 2}, {2}};
      for (int i = 0; i < 6; i++) {
        assertEquals(Shape.of(shapes[i]), vars.get(i).shape(), vars.get(i).name());
      }
      double[][][] weights = readWeights(tf, vars);

      List<Transition> batch = mixedBatch(agent.replayBuffer(), 32);
      try (EagerScope scope = eager.scope()) {
        Batch b = Batch.of(tf, batch);
        assertEquals(Shape.of(32, 4), b.states().shape());
        assertEquals(Shape.of(32), b.actions().shape());
        assertEquals(TInt32.class, b.actions().type());
        assertEquals(Shape.of(32), b.rewards().shape());
        assertEquals(Shape.of(32, 4), b.nextStates().shape());
        assertEquals(Shape.of(32), b.dones().shape());
        assertEquals(Shape.of(32, 2), model.apply(tf, b.states()).shape());

        Operand<TFloat32> y = DeepQLearningCartPole.tdTargets(tf, model, b);
        assertEquals(Shape.of(32), y.shape());
        Operand<TFloat32> loss = DeepQLearningCartPole.tdLoss(tf, model, b, y);
        assertEquals(Shape.of(), loss.shape());

        double sq = 0;
        for (int i = 0; i < 32; i++) {
          Transition t = batch.get(i);
          double[] qNext = forward(weights, t.nextState());
          double expectedY = t.reward() + 1.0 * Math.max(qNext[0], qNext[1]) * (t.done() ? 0 : 1);
          double actualY = y.asTensor().getFloat(i);
          assertEquals(expectedY, actualY, 1e-4 * (1 + Math.abs(expectedY)), "target " + i);
          double q = forward(weights, t.state())[t.action()];
          sq += (expectedY - q) * (expectedY - q);
        }
        double expectedLoss = sq / 32;
        assertEquals(expectedLoss, loss.asTensor().getFloat(), 1e-4 * expectedLoss);
      }

      // Greedy actions: shape [batch], int64, the argmax of the double-precision Q-values.
      try (EagerScope scope = eager.scope()) {
        Operand<TInt64> a = model.chooseAction(tf, tf.constant(new float[][] {{0, 0, 0, 0}}));
        assertEquals(Shape.of(1), a.shape());
      }
      for (Transition t : batch) {
        double[] q = forward(weights, t.state());
        if (Math.abs(q[0] - q[1]) > 1e-4) {
          assertEquals(q[1] > q[0] ? 1 : 0, agent.greedyAction(t.state()));
        }
      }
    }
  }

  @Test
  void trainingStepsLowerTheLossOfAFixedBatch() {
    Layer.clearNameCounters();
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      DeepQLearningCartPole agent = new DeepQLearningCartPole(eager, 5);
      fill(agent, 100);
      List<Transition> batch = mixedBatch(agent.replayBuffer(), 32);

      // Targets computed once and frozen: the regression each training step makes, held still.
      float[] fitted = new float[100];
      float before;
      float after;
      try (EagerScope scope = eager.scope()) {
        Batch b = Batch.of(tf, batch);
        Operand<TFloat32> y = DeepQLearningCartPole.tdTargets(tf, agent.model(), b);
        before = DeepQLearningCartPole.tdLoss(tf, agent.model(), b, y).asTensor().getFloat();
        for (int i = 0; i < fitted.length; i++) {
          fitted[i] = agent.fitTargets(b, y);
        }
        after = DeepQLearningCartPole.tdLoss(tf, agent.model(), b, y).asTensor().getFloat();
      }
      assertEquals(before, fitted[0], 1e-5f * before, "fitTargets returns the loss before its update");
      System.out.printf(
          Locale.ROOT,
          "DeepQLearningCartPoleIT: fixed batch, frozen targets: loss %.4f -> %.4f after %d steps (step 10: %.4f)%n",
          before, after, fitted.length, fitted[10]);
      // Adam moves each weight by at most about the learning rate (1e-3) per step, so 100 steps
      // cannot fit the batch; they must still descend. Ten seeds of this test gave ratios 0.37-0.89.
      assertTrue(after < 0.95f * before, "loss " + before + " -> " + after);

      // The loop's own trainStep on terminal transitions, whose targets do not depend on the network
      // (r = -10, times (1 - done) = 0), is the same kind of fixed regression.
      List<Transition> terminal =
          agent.replayBuffer().stream().filter(Transition::done).toList();
      float terminalBefore = agent.evaluateTdLoss(terminal);
      for (int i = 0; i < 100; i++) {
        agent.trainStep(terminal);
      }
      float terminalAfter = agent.evaluateTdLoss(terminal);
      System.out.printf(
          Locale.ROOT,
          "DeepQLearningCartPoleIT: %d terminal transitions: TD loss %.4f -> %.4f after 100 trainSteps%n",
          terminal.size(), terminalBefore, terminalAfter);
      // Ten seeds gave ratios 0.00-0.15.
      assertTrue(terminalAfter < 0.5f * terminalBefore, terminalBefore + " -> " + terminalAfter);
    }
  }

  /** Plays episodes until the buffer holds at least {@code n} transitions. */
  private static void fill(DeepQLearningCartPole agent, int n) {
    for (int i = 0; agent.replayBuffer().size() < n; i++) {
      agent.runEpisode(i);
    }
  }

  /** {@code n} transitions from the buffer, every terminal one first, then the latest others. */
  private static List<Transition> mixedBatch(List<Transition> buffer, int n) {
    List<Transition> out = new ArrayList<>();
    buffer.stream().filter(Transition::done).limit(n / 4).forEach(out::add);
    assertTrue(!out.isEmpty(), "the buffer holds terminal transitions");
    for (int i = buffer.size() - 1; out.size() < n; i--) {
      if (!buffer.get(i).done()) {
        out.add(buffer.get(i));
      }
    }
    return out;
  }

  /** Kernels and biases as doubles: [layer*2][rows][cols], biases as one row. */
  private static double[][][] readWeights(Ops tf, List<Variable> vars) {
    double[][][] w = new double[vars.size()][][];
    for (int v = 0; v < vars.size(); v++) {
      TFloat32 t = vars.get(v).<TFloat32>value(tf).asTensor();
      long[] dims = vars.get(v).shape().asArray();
      if (dims.length == 2) {
        w[v] = new double[(int) dims[0]][(int) dims[1]];
        for (int i = 0; i < dims[0]; i++) {
          for (int j = 0; j < dims[1]; j++) {
            w[v][i][j] = t.getFloat(i, j);
          }
        }
      } else {
        w[v] = new double[1][(int) dims[0]];
        for (int j = 0; j < dims[0]; j++) {
          w[v][0][j] = t.getFloat(j);
        }
      }
    }
    return w;
  }

  /** relu(relu(s W1 + b1) W2 + b2) W3 + b3 in double precision, on the float32-rounded state. */
  private static double[] forward(double[][][] w, double[] state) {
    double[] x = new double[state.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) state[i];
    }
    for (int layer = 0; layer < 3; layer++) {
      double[][] kernel = w[2 * layer];
      double[] bias = w[2 * layer + 1][0];
      double[] out = new double[bias.length];
      for (int j = 0; j < out.length; j++) {
        double s = bias[j];
        for (int i = 0; i < x.length; i++) {
          s += x[i] * kernel[i][j];
        }
        out[j] = layer < 2 ? Math.max(0, s) : s;
      }
      x = out;
    }
    return x;
  }

  private static double mean(float[] v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += v[i];
    }
    return s / (to - from);
  }
}
