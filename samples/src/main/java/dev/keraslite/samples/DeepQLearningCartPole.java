package dev.keraslite.samples;

import dev.keraslite.Eager;
import dev.keraslite.EagerScope;
import dev.keraslite.GradientTape;
import dev.keraslite.KerasLite;
import dev.keraslite.models.Model;
import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Layer;
import dev.keraslite.losses.MeanSquaredError;
import dev.keraslite.optimizers.Adam;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Example 8 of the chapter: Deep Q-Learning on CartPole.
 *
 * <p>Python original: {@code model/rl/qlearning.py} of snowkylin/tensorflow-handbook. A {@code
 * QNetwork} ({@code Dense(24, relu)}, {@code Dense(24, relu)}, {@code Dense(2)}: 770 parameters)
 * estimates the value of each action; actions are epsilon-greedy, epsilon falling linearly from 1 to
 * 0.01 over the first 100 episodes; transitions go to a replay buffer of 10,000 (the reward becomes
 * -10 on the step that ends the episode); once the buffer holds 32, every step that does not end the
 * episode trains on 32 transitions sampled uniformly: target {@code y = r + gamma * max_a' Q(s', a')
 * * (1 - done)} computed outside the tape (no target network, gamma 1), loss the mean squared error
 * between {@code y} and {@code Q(s, a)}, one Adam(1e-3) step. Each episode prints {@code "episode
 * %4d, epsilon %.4f, score %4d"}, the score being the index of the last step, as in Python.
 *
 * <p>Deliberate differences: the environment is {@link CartPole}, a Java CartPole-v1, so episodes are
 * truncated at 500 steps and the tutorial's {@code max_len_episode = 1000} is never reached (as with
 * gym's v1); there is no rendering; all randomness (initial states, exploration, replay sampling,
 * initial weights) derives from one seed, so a run is reproducible; the Python method {@code
 * predict} is {@link QNetwork#chooseAction}, since {@code predict} is Keras's batch inference.
 *
 * <p>Memory: each training step runs in an {@link EagerScope} that encloses the target computation
 * and the tape, so the step's tensors are freed when it ends; action choices run in a scope too.
 * What remains is TensorFlow's eager kernel cache, which keeps one {@code Const} kernel per distinct
 * constant value (about 2 KB for each batch tensor this program feeds), until the context closes.
 */
public final class DeepQLearningCartPole {
  /** Training episodes. */
  public static final int NUM_EPISODES = 500;
  /** Episodes over which epsilon falls from its initial to its final value. */
  public static final int NUM_EXPLORATION_EPISODES = 100;
  /** Longest episode the loop allows (CartPole-v1 truncates at 500 first). */
  public static final int MAX_LEN_EPISODE = 1000;
  /** Transitions per training step. */
  public static final int BATCH_SIZE = 32;
  /** Adam's learning rate. */
  public static final float LEARNING_RATE = 1e-3f;
  /** Discount factor. */
  public static final float GAMMA = 1f;
  /** Exploration rate at episode 0. */
  public static final double INITIAL_EPSILON = 1.0;
  /** Exploration rate from episode {@value #NUM_EXPLORATION_EPISODES} on. */
  public static final double FINAL_EPSILON = 0.01;
  /** Capacity of the replay buffer; the oldest transitions are dropped beyond it. */
  public static final int REPLAY_CAPACITY = 10_000;
  /** The reward stored for the step that ends an episode. */
  public static final double DONE_REWARD = -10.0;

  private static final MeanSquaredError MEAN_SQUARED_ERROR = new MeanSquaredError();

  /** The Q-network: state (4 values) to one Q-value per action. */
  public static final class QNetwork extends Model {
    private final Dense dense1;
    private final Dense dense2;
    private final Dense dense3;

    /**
     * A network whose kernels are drawn by seeded {@code glorot_uniform} initializers (seeds {@code
     * seed}, {@code seed + 1}, {@code seed + 2}); biases start at zero, as in Keras.
     */
    public QNetwork(long seed) {
      dense1 =
          new Dense(24)
              .activation(Activations.relu())
              .kernelInitializer(Initializers.glorotUniform(seed));
      dense2 =
          new Dense(24)
              .activation(Activations.relu())
              .kernelInitializer(Initializers.glorotUniform(seed + 1));
      dense3 = new Dense(CartPole.NUM_ACTIONS).kernelInitializer(Initializers.glorotUniform(seed + 2));
    }

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> inputs) {
      Operand<TFloat32> x = dense1.apply(tf, inputs);
      x = dense2.apply(tf, x);
      return dense3.apply(tf, x);
    }

    /** The greedy action for each state of {@code [batch, 4]}: {@code argmax(Q, -1)}, shape {@code [batch]}. */
    public Operand<TInt64> chooseAction(Ops tf, Operand<TFloat32> states) {
      return tf.math.argMax(apply(tf, states), tf.constant(-1));
    }
  }

  /** One replay entry; {@code reward} is already {@value #DONE_REWARD} when {@code done}. */
  public record Transition(
      double[] state, int action, double reward, double[] nextState, boolean done) {}

  /**
   * A sampled batch as tensors: states and next states {@code [n, 4]}, actions {@code [n]} int32,
   * rewards and done flags (1 or 0) {@code [n]} float32.
   */
  public record Batch(
      Operand<TFloat32> states,
      Operand<TInt32> actions,
      Operand<TFloat32> rewards,
      Operand<TFloat32> nextStates,
      Operand<TFloat32> dones) {

    /** The transitions as tensors (what {@code map(np.array, zip(*batch))} gives in Python). */
    public static Batch of(Ops tf, List<Transition> transitions) {
      int n = transitions.size();
      if (n == 0) {
        throw new IllegalArgumentException("DeepQLearningCartPole.Batch: no transitions");
      }
      float[][] states = new float[n][];
      int[] actions = new int[n];
      float[] rewards = new float[n];
      float[][] nextStates = new float[n][];
      float[] dones = new float[n];
      for (int i = 0; i < n; i++) {
        Transition t = transitions.get(i);
        states[i] = toFloats(t.state());
        actions[i] = t.action();
        rewards[i] = (float) t.reward();
        nextStates[i] = toFloats(t.nextState());
        dones[i] = t.done() ? 1f : 0f;
      }
      return new Batch(
          tf.constant(states),
          tf.constant(actions),
          tf.constant(rewards),
          tf.constant(nextStates),
          tf.constant(dones));
    }
  }

  /** One finished episode: its index, epsilon, score (last step index), steps, TD losses, printed line. */
  public record Episode(
      int index, double epsilon, int score, int steps, float[] losses, String line) {}

  /** A run: its episodes in order. */
  public record Result(List<Episode> episodes) {
    /** Each episode's score. */
    public int[] scores() {
      return episodes.stream().mapToInt(Episode::score).toArray();
    }

    /** The TD loss of every training step, in order. */
    public float[] losses() {
      int n = episodes.stream().mapToInt(e -> e.losses().length).sum();
      float[] all = new float[n];
      int k = 0;
      for (Episode e : episodes) {
        System.arraycopy(e.losses(), 0, all, k, e.losses().length);
        k += e.losses().length;
      }
      return all;
    }

    /** The lines the run prints, one per episode. */
    public List<String> lines() {
      return episodes.stream().map(Episode::line).toList();
    }
  }

  private final Eager eager;
  private final Ops tf;
  private final CartPole env;
  private final Random random;
  private final QNetwork model;
  private final Adam optimizer = new Adam(LEARNING_RATE);
  private final ReplayBuffer replayBuffer = new ReplayBuffer(REPLAY_CAPACITY);

  /**
   * An agent with a fresh network, optimizer, replay buffer and environment, all randomness derived
   * from {@code seed}. Its tensors live in {@code eager}.
   */
  public DeepQLearningCartPole(Eager eager, long seed) {
    this.eager = eager;
    this.tf = eager.tf();
    SplittableRandom seeds = new SplittableRandom(seed);
    this.env = new CartPole(seeds.nextLong());
    this.random = new Random(seeds.nextLong());
    this.model = new QNetwork(seeds.nextLong());
    // Built up front, as Keras's model.build(input_shape), so countParams() and summary() work
    // before the first step.
    model.build(tf, Shape.of(-1, 4));
  }

  /** The Q-network being trained. */
  public QNetwork model() {
    return model;
  }

  /** A copy of the replay buffer's transitions, oldest first. */
  public List<Transition> replayBuffer() {
    return replayBuffer.toList();
  }

  /** Epsilon in episode {@code episodeId}: linear from 1 to 0.01 over the exploration episodes. */
  public static double epsilon(int episodeId) {
    return Math.max(
        INITIAL_EPSILON * (NUM_EXPLORATION_EPISODES - episodeId) / NUM_EXPLORATION_EPISODES,
        FINAL_EPSILON);
  }

  /** The printed line of an episode, Python's {@code "episode %4d, epsilon %.4f, score %4d"}. */
  public static String line(int episodeId, double epsilon, int score) {
    return String.format(Locale.ROOT, "episode %4d, epsilon %.4f, score %4d", episodeId, epsilon, score);
  }

  /** TD targets {@code r + gamma * max(Q(s'), axis 1) * (1 - done)}, shape {@code [n]}. */
  public static Operand<TFloat32> tdTargets(Ops tf, QNetwork model, Batch batch) {
    Operand<TFloat32> qNext = model.apply(tf, batch.nextStates());
    Operand<TFloat32> maxNext = tf.math.mul(tf.constant(GAMMA), tf.max(qNext, tf.constant(1)));
    return tf.math.add(
        batch.rewards(), tf.math.mul(maxNext, tf.math.sub(tf.constant(1f), batch.dones())));
  }

  /**
   * The TD loss: {@code mean_squared_error(y, reduce_sum(Q(s) * one_hot(a, 2), axis 1))}, a scalar.
   */
  public static Operand<TFloat32> tdLoss(
      Ops tf, QNetwork model, Batch batch, Operand<TFloat32> targets) {
    Operand<TFloat32> q = model.apply(tf, batch.states());
    Operand<TFloat32> actionMask =
        tf.oneHot(
            batch.actions(),
            tf.constant(CartPole.NUM_ACTIONS),
            tf.constant(1f),
            tf.constant(0f));
    Operand<TFloat32> qTaken = tf.reduceSum(tf.math.mul(q, actionMask), tf.constant(1));
    return MEAN_SQUARED_ERROR.apply(tf, targets, qTaken);
  }

  /**
   * One training step of the tutorial's loop on {@code transitions}: targets from the current
   * network outside the tape, then {@link #fitTargets}. Returns the TD loss before the update.
   */
  public float trainStep(List<Transition> transitions) {
    try (EagerScope step = eager.scope()) {
      Batch batch = Batch.of(tf, transitions);
      return fitTargets(batch, tdTargets(tf, model, batch));
    }
  }

  /**
   * One Adam step moving {@code Q(s, a)} of {@code batch} toward fixed {@code targets}; returns the
   * loss before the update. Its tensors are freed when it returns; {@code batch} and {@code
   * targets} are not touched.
   */
  public float fitTargets(Batch batch, Operand<TFloat32> targets) {
    try (EagerScope step = eager.scope()) {
      Operand<TFloat32> loss;
      GradientTape tape = new GradientTape(tf);
      try (tape) {
        loss = tdLoss(tf, model, batch, targets);
      }
      // As in Python: the gradient is taken after the tape's block; the enclosing scope keeps the
      // recorded values alive for it.
      var grads = tape.gradient(loss, model.variables());
      optimizer.applyGradients(grads, model.variables());
      return loss.asTensor().getFloat();
    }
  }

  /** The TD loss of the current network on {@code transitions}, without training. */
  public float evaluateTdLoss(List<Transition> transitions) {
    try (EagerScope scope = eager.scope()) {
      Batch batch = Batch.of(tf, transitions);
      return tdLoss(tf, model, batch, tdTargets(tf, model, batch)).asTensor().getFloat();
    }
  }

  /** The greedy action for one state, as {@code model.predict(np.expand_dims(state, 0))[0]}. */
  public int greedyAction(double[] state) {
    try (EagerScope scope = eager.scope()) {
      Operand<TInt64> action = model.chooseAction(tf, tf.constant(new float[][] {toFloats(state)}));
      return (int) action.asTensor().getLong(0);
    }
  }

  /** Plays and learns one episode (the body of Python's {@code for episode_id} loop). */
  public Episode runEpisode(int episodeId) {
    double[] state = env.reset();
    double epsilon = epsilon(episodeId);
    List<Float> losses = new ArrayList<>();
    for (int t = 0; t < MAX_LEN_EPISODE; t++) {
      int action =
          random.nextDouble() < epsilon ? random.nextInt(CartPole.NUM_ACTIONS) : greedyAction(state);
      CartPole.Step step = env.step(action);
      boolean done = step.done();
      double reward = done ? DONE_REWARD : step.reward();
      replayBuffer.append(new Transition(state, action, reward, step.nextState(), done));
      state = step.nextState();
      if (done) {
        return episode(episodeId, epsilon, t, losses);
      }
      if (replayBuffer.size() >= BATCH_SIZE) {
        losses.add(trainStep(replayBuffer.sample(random, BATCH_SIZE)));
      }
    }
    // Unreachable with CartPole-v1, which ends every episode by step 500 (the Python would print
    // nothing for such an episode).
    return episode(episodeId, epsilon, MAX_LEN_EPISODE - 1, losses);
  }

  private static Episode episode(int episodeId, double epsilon, int t, List<Float> losses) {
    float[] l = new float[losses.size()];
    for (int i = 0; i < l.length; i++) {
      l[i] = losses.get(i);
    }
    return new Episode(episodeId, epsilon, t, t + 1, l, line(episodeId, epsilon, t));
  }

  /**
   * Trains a fresh agent for {@code episodes} episodes.
   *
   * @param verbose whether to print each episode's line as it ends
   */
  public static Result run(int episodes, long seed, boolean verbose) {
    if (episodes < 0) {
      throw new IllegalArgumentException(
          "DeepQLearningCartPole.run: episodes must be >= 0, got " + episodes);
    }
    Layer.clearNameCounters(); // a fresh program, as each Python run is
    KerasLite.setRandomSeed(seed); // Keras's set_random_seed: the unseeded initial weights too
    try (Eager eager = Eager.create()) {
      DeepQLearningCartPole agent = new DeepQLearningCartPole(eager, seed);
      List<Episode> list = new ArrayList<>(episodes);
      for (int i = 0; i < episodes; i++) {
        Episode e = agent.runEpisode(i);
        if (verbose) {
          System.out.println(e.line());
        }
        list.add(e);
      }
      return new Result(Collections.unmodifiableList(list));
    }
  }

  /** {@code [episodes [seed]]}: the tutorial's 500 episodes and seed 0 by default. */
  public static void main(String[] args) {
    int episodes = args.length > 0 ? Integer.parseInt(args[0]) : NUM_EPISODES;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 0L;
    run(episodes, seed, true);
  }

  private static float[] toFloats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  /** Python's {@code deque(maxlen=capacity)} with {@code random.sample}: a ring of transitions. */
  private static final class ReplayBuffer {
    private final Transition[] items;
    private int start;
    private int size;

    ReplayBuffer(int capacity) {
      items = new Transition[capacity];
    }

    int size() {
      return size;
    }

    void append(Transition t) {
      if (size < items.length) {
        items[(start + size) % items.length] = t;
        size++;
      } else {
        items[start] = t; // overwrite the oldest, as a full deque(maxlen) drops its left end
        start = (start + 1) % items.length;
      }
    }

    Transition get(int i) {
      return items[(start + i) % items.length];
    }

    /** {@code k} distinct transitions chosen uniformly, as {@code random.sample} does. */
    List<Transition> sample(Random random, int k) {
      if (k > size) {
        throw new IllegalArgumentException(
            "ReplayBuffer.sample: sample of " + k + " larger than the buffer's " + size);
      }
      Set<Integer> chosen = new HashSet<>();
      List<Transition> out = new ArrayList<>(k);
      while (out.size() < k) {
        int i = random.nextInt(size);
        if (chosen.add(i)) {
          out.add(get(i));
        }
      }
      return out;
    }

    List<Transition> toList() {
      List<Transition> out = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        out.add(get(i));
      }
      return out;
    }
  }
}
