package dev.keraslite.samples;

import java.util.Arrays;
import java.util.Random;

/**
 * The classic cart-pole balancing task, as gym's {@code CartPole-v1}: a pole hinged on a cart that
 * moves along a frictionless track; each step pushes the cart left or right with a fixed force.
 *
 * <p>The constants and the (explicit Euler) dynamics are gym's, including the order in which the
 * four state variables are integrated: positions advance with the old velocities, velocities with
 * the accelerations of the old state. An episode terminates when the pole leans more than 12
 * degrees or the cart leaves {@code [-2.4, 2.4]}, and is truncated after {@value
 * #MAX_EPISODE_STEPS} steps (the {@code TimeLimit} gym puts around v1). Every step, the terminal one
 * included, earns reward 1.
 *
 * <p>The API is the old gym one the tutorial uses: {@link #reset()} returns the state {@code [x,
 * x_dot, theta, theta_dot]}, {@link #step(int)} returns the next state, the reward and one {@code
 * done} flag for termination or truncation. Unlike gym, the state stays in double precision (gym
 * 0.21 computes in float64 but returns float32 observations), there is no rendering, and the initial
 * states come from a seeded {@link Random}, so runs are reproducible.
 */
public final class CartPole {
  /** Gravitational acceleration, m/s². */
  public static final double GRAVITY = 9.8;
  /** Mass of the cart, kg. */
  public static final double MASS_CART = 1.0;
  /** Mass of the pole, kg. */
  public static final double MASS_POLE = 0.1;
  /** Cart plus pole. */
  public static final double TOTAL_MASS = MASS_POLE + MASS_CART;
  /** Half the pole's length, m (gym's {@code length}). */
  public static final double LENGTH = 0.5;
  /** Pole mass times half length. */
  public static final double POLE_MASS_LENGTH = MASS_POLE * LENGTH;
  /** Magnitude of the push, N. */
  public static final double FORCE_MAG = 10.0;
  /** Seconds between state updates. */
  public static final double TAU = 0.02;
  /** The pole angle beyond which an episode terminates: 12 degrees in radians. */
  public static final double THETA_THRESHOLD_RADIANS = 12 * 2 * Math.PI / 360;
  /** The cart position beyond which an episode terminates. */
  public static final double X_THRESHOLD = 2.4;
  /** v1's time limit: the step at which an episode is truncated. */
  public static final int MAX_EPISODE_STEPS = 500;
  /** Initial states are drawn uniformly from {@code [-INITIAL_BOUND, INITIAL_BOUND)} per component. */
  public static final double INITIAL_BOUND = 0.05;
  /** Action 0 pushes the cart left. */
  public static final int PUSH_LEFT = 0;
  /** Action 1 pushes the cart right. */
  public static final int PUSH_RIGHT = 1;
  /** The number of actions ({@code env.action_space.n}). */
  public static final int NUM_ACTIONS = 2;

  /** What {@link #step} returns: gym's {@code (next_state, reward, done)} without {@code info}. */
  public record Step(double[] nextState, double reward, boolean done) {}

  private final Random random;
  private double[] state;
  private int elapsedSteps;
  private boolean done;

  /** An environment whose initial states are drawn from a {@link Random} seeded with {@code seed}. */
  public CartPole(long seed) {
    this.random = new Random(seed);
  }

  /** Starts an episode from a random state, each component uniform in ±{@value #INITIAL_BOUND}. */
  public double[] reset() {
    double[] s = new double[4];
    for (int i = 0; i < 4; i++) {
      s[i] = -INITIAL_BOUND + 2 * INITIAL_BOUND * random.nextDouble();
    }
    return start(s);
  }

  /**
   * Starts an episode from a given state {@code [x, x_dot, theta, theta_dot]} (what assigning
   * {@code env.unwrapped.state} does in gym), for tests and demonstrations.
   *
   * @throws IllegalArgumentException unless {@code initialState} has 4 finite values
   */
  public double[] reset(double[] initialState) {
    if (initialState == null || initialState.length != 4) {
      throw new IllegalArgumentException(
          "CartPole.reset: the state must have 4 values [x, x_dot, theta, theta_dot], got "
              + (initialState == null ? "null" : initialState.length + " values"));
    }
    for (double v : initialState) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException(
            "CartPole.reset: the state must be finite, got " + Arrays.toString(initialState));
      }
    }
    return start(initialState.clone());
  }

  private double[] start(double[] s) {
    state = s;
    elapsedSteps = 0;
    done = false;
    return state.clone();
  }

  /**
   * Advances the simulation by {@value #TAU} seconds under a push left ({@code 0}) or right ({@code
   * 1}).
   *
   * @throws IllegalArgumentException if {@code action} is neither 0 nor 1
   * @throws IllegalStateException before the first {@link #reset} or after an episode has ended
   */
  public Step step(int action) {
    if (action != PUSH_LEFT && action != PUSH_RIGHT) {
      throw new IllegalArgumentException(
          "CartPole.step: action must be 0 (push left) or 1 (push right), got " + action);
    }
    if (state == null) {
      throw new IllegalStateException("CartPole.step: call reset() before the first step");
    }
    if (done) {
      throw new IllegalStateException(
          "CartPole.step: the episode has ended (done was returned); call reset() first");
    }
    double x = state[0];
    double xDot = state[1];
    double theta = state[2];
    double thetaDot = state[3];
    double force = action == PUSH_RIGHT ? FORCE_MAG : -FORCE_MAG;
    double cosTheta = Math.cos(theta);
    double sinTheta = Math.sin(theta);
    // Products grouped as gym's Python groups them (theta_dot ** 2, costheta ** 2), so the
    // rounding is gym's too.
    double temp = (force + POLE_MASS_LENGTH * (thetaDot * thetaDot) * sinTheta) / TOTAL_MASS;
    double thetaAcc =
        (GRAVITY * sinTheta - cosTheta * temp)
            / (LENGTH * (4.0 / 3.0 - MASS_POLE * (cosTheta * cosTheta) / TOTAL_MASS));
    double xAcc = temp - POLE_MASS_LENGTH * thetaAcc * cosTheta / TOTAL_MASS;
    // gym's "euler" integrator, in gym's order.
    x = x + TAU * xDot;
    xDot = xDot + TAU * xAcc;
    theta = theta + TAU * thetaDot;
    thetaDot = thetaDot + TAU * thetaAcc;
    state = new double[] {x, xDot, theta, thetaDot};
    elapsedSteps++;
    boolean terminated =
        x < -X_THRESHOLD
            || x > X_THRESHOLD
            || theta < -THETA_THRESHOLD_RADIANS
            || theta > THETA_THRESHOLD_RADIANS;
    boolean truncated = elapsedSteps >= MAX_EPISODE_STEPS;
    done = terminated || truncated;
    return new Step(state.clone(), 1.0, done);
  }

  /** The steps taken since the last {@link #reset}. */
  public int elapsedSteps() {
    return elapsedSteps;
  }
}
