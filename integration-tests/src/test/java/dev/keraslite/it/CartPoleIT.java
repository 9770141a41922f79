package dev.keraslite.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.samples.CartPole;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The Java CartPole-v1 against gym's equations written out again here, a first step computed in
 * Python from gym's formulas, and the episode rules (12 degree and 2.4 limits, truncation at 500,
 * reward 1, initial states in ±0.05).
 */
class CartPoleIT {
  private static final double[] START = {0.01, -0.02, 0.03, 0.04};
  private static final int[] ACTIONS = {1, 1, 0, 1, 0, 0, 1, 1, 1, 0};

  /** gym's CartPoleEnv.step, transcribed independently of the class under test. */
  private static double[] gymStep(double[] s, int action) {
    double gravity = 9.8;
    double masscart = 1.0;
    double masspole = 0.1;
    double totalMass = masspole + masscart;
    double length = 0.5;
    double polemassLength = masspole * length;
    double forceMag = 10.0;
    double tau = 0.02;
    double x = s[0];
    double xDot = s[1];
    double theta = s[2];
    double thetaDot = s[3];
    double force = action == 1 ? forceMag : -forceMag;
    double costheta = Math.cos(theta);
    double sintheta = Math.sin(theta);
    double temp = (force + polemassLength * Math.pow(thetaDot, 2) * sintheta) / totalMass;
    double thetaacc =
        (gravity * sintheta - costheta * temp)
            / (length * (4.0 / 3.0 - masspole * Math.pow(costheta, 2) / totalMass));
    double xacc = temp - polemassLength * thetaacc * costheta / totalMass;
    x = x + tau * xDot;
    xDot = xDot + tau * xacc;
    theta = theta + tau * thetaDot;
    thetaDot = thetaDot + tau * thetaacc;
    return new double[] {x, xDot, theta, thetaDot};
  }

  @Test
  void tenStepsMatchGymEquations() {
    CartPole env = new CartPole(0);
    assertArrayEquals(START, env.reset(START), 0.0);
    double[] expected = START.clone();
    for (int i = 0; i < ACTIONS.length; i++) {
      expected = gymStep(expected, ACTIONS[i]);
      CartPole.Step step = env.step(ACTIONS[i]);
      assertArrayEquals(expected, step.nextState(), 1e-12, "state after step " + (i + 1));
      assertEquals(1.0, step.reward(), 0.0);
      assertFalse(step.done(), "step " + (i + 1) + " stays well inside the limits");
      assertEquals(i + 1, env.elapsedSteps());
    }
    // The run above must have moved noticeably, or the comparison proves little.
    assertTrue(Math.abs(expected[1] - START[1]) > 0.1, Arrays.toString(expected));
  }

  @Test
  void firstStepMatchesValuesComputedInPython() {
    // Python (float64) with gym 0.21's CartPoleEnv.step formulas from the state START.
    CartPole env = new CartPole(0);
    env.reset(START);
    assertArrayEquals(
        new double[] {0.009600000000000001, 0.17467919574755525, 0.030799999999999998, -0.2430687179600081},
        env.step(CartPole.PUSH_RIGHT).nextState(),
        1e-15);
    env.reset(START);
    assertArrayEquals(
        new double[] {0.009600000000000001, -0.21553901710278936, 0.030799999999999998, 0.34199522377603914},
        env.step(CartPole.PUSH_LEFT).nextState(),
        1e-15);
  }

  @Test
  void terminatesBeyondTwelveDegrees() {
    double limit = 12 * 2 * Math.PI / 360; // 0.20944 rad
    CartPole env = new CartPole(0);
    // theta advances by tau * theta_dot = 0.01 whatever the push.
    env.reset(new double[] {0, 0, 0.2, 0.5});
    CartPole.Step over = env.step(1);
    assertTrue(over.nextState()[2] > limit);
    assertTrue(over.done());
    assertEquals(1.0, over.reward(), 0.0, "the terminal step is rewarded too, as in gym");

    env.reset(new double[] {0, 0, -0.2, -0.5});
    assertTrue(env.step(0).done());

    // Staying at 0.2 (theta_dot 0) is inside the limit.
    env.reset(new double[] {0, 0, 0.2, 0});
    CartPole.Step inside = env.step(1);
    assertEquals(0.2, inside.nextState()[2], 0.0);
    assertFalse(inside.done());
  }

  @Test
  void terminatesBeyondTrackEnds() {
    CartPole env = new CartPole(0);
    env.reset(new double[] {2.39, 1.0, 0, 0}); // x becomes 2.41
    assertTrue(env.step(1).done());
    env.reset(new double[] {-2.39, -1.0, 0, 0});
    assertTrue(env.step(0).done());
    env.reset(new double[] {2.39, 0.4, 0, 0}); // x becomes 2.398
    assertFalse(env.step(0).done());
  }

  @Test
  void truncatesAtFiveHundredSteps() {
    CartPole env = new CartPole(0);
    double[] s = env.reset(START);
    double total = 0;
    for (int t = 1; t <= 500; t++) {
      // A PD controller on angle and position that keeps the pole up for the whole episode.
      int action = 10 * s[2] + 2 * s[3] + 0.1 * s[0] + 0.5 * s[1] > 0 ? 1 : 0;
      CartPole.Step step = env.step(action);
      s = step.nextState();
      total += step.reward();
      assertTrue(Math.abs(s[0]) < 2.4 && Math.abs(s[2]) < 12 * 2 * Math.PI / 360, "balanced at " + t);
      assertEquals(t == 500, step.done(), "done at step " + t);
    }
    assertEquals(500.0, total, 0.0);
    assertThrows(IllegalStateException.class, () -> env.step(0));
    env.reset();
    assertEquals(0, env.elapsedSteps());
    assertFalse(env.step(0).done());
  }

  @Test
  void resetDrawsUniformlyWithinFiveHundredths() {
    CartPole env = new CartPole(42);
    int n = 10_000;
    double[] sum = new double[4];
    double min = 1;
    double max = -1;
    for (int i = 0; i < n; i++) {
      double[] s = env.reset();
      for (int j = 0; j < 4; j++) {
        assertTrue(s[j] >= -0.05 && s[j] < 0.05, Arrays.toString(s));
        sum[j] += s[j];
        min = Math.min(min, s[j]);
        max = Math.max(max, s[j]);
      }
    }
    // Uniform on ±0.05: standard deviation 0.0289, so the mean of 10,000 has sd 0.00029.
    for (int j = 0; j < 4; j++) {
      assertEquals(0, sum[j] / n, 0.0015, "mean of component " + j);
    }
    assertTrue(min < -0.0499 && max > 0.0499, "the whole interval is used: " + min + " .. " + max);

    assertArrayEquals(new CartPole(7).reset(), new CartPole(7).reset(), 0.0, "seeded");
    assertNotEquals(Arrays.toString(new CartPole(7).reset()), Arrays.toString(new CartPole(8).reset()));
  }

  @Test
  void rejectsBadActionsAndLifecycle() {
    CartPole env = new CartPole(0);
    assertThrows(IllegalStateException.class, () -> env.step(0), "step before reset");
    env.reset();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.step(2));
    assertTrue(e.getMessage().contains("got 2"), e.getMessage());
    assertEquals(0, env.elapsedSteps(), "a rejected action changes nothing");
    assertThrows(IllegalArgumentException.class, () -> env.reset(new double[] {0, 0, 0}));
    assertThrows(IllegalArgumentException.class, () -> env.reset(new double[] {0, 0, Double.NaN, 0}));
  }
}
