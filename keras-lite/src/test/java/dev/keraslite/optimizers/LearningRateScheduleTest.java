package dev.keraslite.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Each schedule's values over a range of steps against its closed form (Keras's docstrings). */
class LearningRateScheduleTest {
  private static final long[] STEPS = {0, 1, 2, 3, 4, 5, 7, 9, 10, 11, 15, 20, 99, 100, 101, 1000};

  private static void assertSequence(
      LearningRateSchedule schedule, LongToDoubleFunction closedForm) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      for (long step : STEPS) {
        double expected = closedForm.applyAsDouble(step);
        float actual;
        try (Tensor t = schedule.call(tf, tf.constant(step)).asTensor()) {
          actual = ((TFloat32) t).getFloat();
        }
        assertEquals(expected, actual, 1e-6 * Math.max(1, Math.abs(expected)), "step " + step);
      }
    }
  }

  @Test
  void exponentialDecay() {
    assertSequence(
        new ExponentialDecay(0.1f, 10, 0.5f), step -> 0.1f * Math.pow(0.5f, step / 10.0));
  }

  @Test
  void exponentialDecayStaircase() {
    assertSequence(
        new ExponentialDecay(0.1f, 10, 0.5f, true),
        step -> 0.1f * Math.pow(0.5f, Math.floor(step / 10.0)));
  }

  @Test
  void piecewiseConstantDecay() {
    // Keras: values[0] while step <= boundaries[0], values[i] in (b[i-1], b[i]], last after.
    assertSequence(
        new PiecewiseConstantDecay(new long[] {4, 10, 100}, new float[] {1f, 0.5f, 0.1f, 0.01f}),
        step -> step <= 4 ? 1f : step <= 10 ? 0.5f : step <= 100 ? 0.1f : 0.01f);
  }

  @Test
  void cosineDecay() {
    assertSequence(
        new CosineDecay(0.1f, 20, 0.2f),
        step ->
            0.1f * ((1 - 0.2f) * 0.5 * (1 + Math.cos(Math.PI * Math.min(step, 20) / 20.0)) + 0.2f));
  }

  @Test
  void cosineDecayDefaultsToAlphaZero() {
    assertSequence(
        new CosineDecay(0.1f, 20),
        step -> 0.1f * 0.5 * (1 + Math.cos(Math.PI * Math.min(step, 20) / 20.0)));
  }

  @Test
  void cosineDecayWithWarmup() {
    // Linear from 0.0 to 0.1 over 5 steps, then cosine from 0.1 over 10 steps.
    assertSequence(
        new CosineDecay(0f, 10, 0f, 0.1f, 5),
        step -> {
          double s = Math.min(step, 15);
          if (s < 5) {
            return 0.1f * s / 5;
          }
          return 0.1f * 0.5 * (1 + Math.cos(Math.PI * (s - 5) / 10.0));
        });
  }

  @Test
  void badArguments() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ExponentialDecay(0.1f, 0, 0.5f));
    assertTrue(e.getMessage().contains("decaySteps must be > 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new CosineDecay(0.1f, -1));
    assertTrue(e.getMessage().contains("decaySteps must be > 0"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new PiecewiseConstantDecay(new long[] {1, 2}, new float[] {1f, 2f}));
    assertTrue(e.getMessage().contains("one more value than boundaries"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new PiecewiseConstantDecay(new long[] {5, 2}, new float[] {1f, 2f, 3f}));
    assertTrue(e.getMessage().contains("strictly increasing"), e.getMessage());
  }
}
