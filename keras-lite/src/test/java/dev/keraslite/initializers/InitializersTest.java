package dev.keraslite.initializers;

import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;

/**
 * Keras 3's initializer defaults, pinned statistically on large samples against their closed
 * forms (limits, standard deviations, orthogonality), computed here in double precision.
 */
class InitializersTest {
  /** sqrt(var) of a standard normal truncated to [-2, 2]. */
  static final double TRUNCATED_STD = 0.87962566103423978;

  static float[] sample(Initializer init, long... shape) {
    try (Eager eager = Eager.create()) {
      return values(init.apply(eager.tf(), Shape.of(shape)));
    }
  }

  record Stats(double mean, double std, double min, double max) {
    double maxAbs() {
      return Math.max(-min, max);
    }
  }

  static Stats stats(float[] v) {
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (float x : v) {
      sum += x;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    double mean = sum / v.length;
    double sq = 0;
    for (float x : v) {
      sq += (x - mean) * (x - mean);
    }
    return new Stats(mean, Math.sqrt(sq / v.length), min, max);
  }

  /** Five standard errors of the sample standard deviation, relative (about 1/sqrt(2n) per error). */
  private static double stdTolerance(int n) {
    return 5 / Math.sqrt(2.0 * n);
  }

  private static void assertUniform(float[] v, double limit) {
    Stats s = stats(v);
    double std = limit / Math.sqrt(3);
    assertTrue(s.maxAbs() <= limit * (1 + 1e-6), "within the limit " + limit + ": " + s);
    assertTrue(s.maxAbs() >= 0.99 * limit, "reaches the limit " + limit + ": " + s);
    assertEquals(std, s.std(), stdTolerance(v.length) * std, "uniform std limit/sqrt(3)");
    assertEquals(0, s.mean(), 5 * std / Math.sqrt(v.length));
  }

  private static void assertTruncatedNormal(float[] v, double stddev) {
    Stats s = stats(v);
    assertEquals(stddev, s.std(), stdTolerance(v.length) * stddev, "standard deviation");
    assertEquals(0, s.mean(), 5 * stddev / Math.sqrt(v.length));
    double bound = 2 * stddev / TRUNCATED_STD; // truncated at two pre-truncation deviations
    assertTrue(s.maxAbs() <= bound * (1 + 1e-6), "truncated at " + bound + ": " + s);
    assertTrue(s.maxAbs() >= 0.95 * bound, "close to the truncation bound " + bound + ": " + s);
  }

  @Test
  void glorotUniformLimitIsSqrtSixOverFanSum() {
    assertUniform(sample(Initializers.glorotUniform(1), 200, 300), Math.sqrt(6.0 / (200 + 300)));
    // Unseeded, the default form: same distribution (within five standard errors).
    assertUniform(sample(Initializers.glorotUniform(), 200, 300), Math.sqrt(6.0 / (200 + 300)));
  }

  @Test
  void convolutionKernelsMultiplyFansByTheReceptiveField() {
    assertUniform(sample(Initializers.glorotUniform(2), 5, 5, 32, 64), Math.sqrt(6.0 / (25 * 32 + 25 * 64)));
    assertTruncatedNormal(sample(Initializers.heNormal(3), 3, 3, 16, 32), Math.sqrt(2.0 / (9 * 16)));
    assertEquals(new Fans(800, 1600), Fans.of(Shape.of(5, 5, 32, 64)));
    assertEquals(new Fans(3, 4), Fans.of(Shape.of(3, 4)));
    assertEquals(new Fans(7, 7), Fans.of(Shape.of(7)));
    assertEquals(new Fans(1, 1), Fans.of(Shape.scalar()));
  }

  @Test
  void glorotNormalHeAndLecun() {
    assertTruncatedNormal(sample(Initializers.glorotNormal(4), 200, 300), Math.sqrt(2.0 / 500));
    assertTruncatedNormal(sample(Initializers.heNormal(5), 400, 100), Math.sqrt(2.0 / 400));
    assertUniform(sample(Initializers.heUniform(6), 400, 100), Math.sqrt(6.0 / 400));
    assertTruncatedNormal(sample(Initializers.lecunNormal(7), 400, 100), Math.sqrt(1.0 / 400));
    assertUniform(sample(Initializers.lecunUniform(8), 400, 100), Math.sqrt(3.0 / 400));
    assertUniform(sample(Initializers.varianceScaling(4, "fan_out", "uniform", 9), 100, 400), Math.sqrt(12.0 / 400));
    Stats s = stats(sample(Initializers.varianceScaling(1, "fan_in", "untruncated_normal", 3), 400, 100));
    assertEquals(Math.sqrt(1.0 / 400), s.std(), stdTolerance(40000) * Math.sqrt(1.0 / 400));
    assertTrue(s.maxAbs() > 3 * s.std(), "untruncated: tails beyond two deviations");
  }

  @Test
  void plainRandomDefaults() {
    Stats normal = stats(sample(Initializers.randomNormal(), 300, 200));
    assertEquals(0.05, normal.std(), stdTolerance(60000) * 0.05, "Keras 3 RandomNormal stddev 0.05");
    assertEquals(0, normal.mean(), 5 * 0.05 / Math.sqrt(60000));
    Stats shifted = stats(sample(Initializers.randomNormal(1, 2, 9), 300, 200));
    assertEquals(1, shifted.mean(), 5 * 2 / Math.sqrt(60000));
    assertEquals(2, shifted.std(), stdTolerance(60000) * 2);

    Stats uniform = stats(sample(Initializers.randomUniform(), 300, 200));
    assertTrue(uniform.min() >= -0.05 && uniform.max() < 0.05, "Keras 3 RandomUniform [-0.05, 0.05): " + uniform);
    assertTrue(uniform.min() < -0.0499 && uniform.max() > 0.0499, uniform.toString());
    Stats ranged = stats(sample(Initializers.randomUniform(2, 3, 1), 300, 200));
    assertTrue(ranged.min() >= 2 && ranged.max() < 3, ranged.toString());

    Stats truncated = stats(sample(Initializers.truncatedNormal(), 300, 200));
    assertTrue(truncated.maxAbs() <= 0.1 * (1 + 1e-6), "Keras 3 TruncatedNormal: within two deviations of 0.05");
    assertEquals(0.05 * TRUNCATED_STD, truncated.std(), stdTolerance(60000) * 0.05);
  }

  /** The Gram matrix of the columns ({@code transposed}: of the rows) of a rows x cols matrix. */
  private static double[][] gram(float[] m, int rows, int cols, boolean transposed) {
    int n = transposed ? rows : cols;
    int k = transposed ? cols : rows;
    double[][] g = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int t = 0; t < k; t++) {
          s += transposed ? (double) m[i * cols + t] * m[j * cols + t] : (double) m[t * cols + i] * m[t * cols + j];
        }
        g[i][j] = s;
      }
    }
    return g;
  }

  private static void assertScaledIdentity(double[][] g, double scale) {
    for (int i = 0; i < g.length; i++) {
      for (int j = 0; j < g.length; j++) {
        assertEquals(i == j ? scale : 0, g[i][j], 1e-5 * scale, "Gram[" + i + "][" + j + "]");
      }
    }
  }

  @Test
  void orthogonalGivesOrthonormalColumnsOrRows() {
    assertScaledIdentity(gram(sample(Initializers.orthogonal(), 6, 4), 6, 4, false), 1); // Q^T Q = I
    assertScaledIdentity(gram(sample(Initializers.orthogonal(), 4, 6), 4, 6, true), 1); // Q Q^T = I
    assertScaledIdentity(gram(sample(Initializers.orthogonal(), 3, 3, 2, 4), 18, 4, false), 1);
    assertScaledIdentity(gram(sample(Initializers.orthogonal(2.0), 5, 5), 5, 5, false), 4);
    try (Eager eager = Eager.create()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Initializers.orthogonal().apply(eager.tf(), Shape.of(5)));
      assertTrue(e.getMessage().contains("at least two-dimensional"), e.getMessage());
    }
  }

  @Test
  void seededInitializersRepeatThemselvesUnseededOnesDoNot() {
    assertArrayEquals(sample(Initializers.glorotUniform(7), 30, 20), sample(Initializers.glorotUniform(7), 30, 20));
    Initializer seeded = Initializers.heNormal(3);
    try (Eager eager = Eager.create()) {
      assertArrayEquals(
          values(seeded.apply(eager.tf(), Shape.of(10, 10))), values(seeded.apply(eager.tf(), Shape.of(10, 10))),
          "a seeded initializer returns the same values on every call (Keras 3)");
    }
    assertFalse(Arrays.equals(sample(Initializers.glorotUniform(7), 30, 20), sample(Initializers.glorotUniform(8), 30, 20)));
    Initializer unseeded = Initializers.glorotUniform();
    assertFalse(Arrays.equals(sample(unseeded, 30, 20), sample(unseeded, 30, 20)));
    assertArrayEquals(sample(Initializers.orthogonal(1, 5), 4, 4), sample(Initializers.orthogonal(1, 5), 4, 4));
  }

  @Test
  void constantsFillReshapeOrBroadcast() {
    assertArrayEquals(new float[6], sample(Initializers.zeros(), 2, 3));
    assertArrayEquals(new float[] {1, 1, 1}, sample(Initializers.ones(), 3));
    assertArrayEquals(new float[] {2.5f, 2.5f}, sample(Initializers.constant(2.5f), 2, 1));
    // The tutorial's hand-made convolution kernel: a 3x3 list filling a [3, 3, 1, 1] kernel.
    float[][] w = {{0, 0, -1}, {0, 1, 0}, {-2, 0, 2}};
    assertArrayEquals(new float[] {0, 0, -1, 0, 1, 0, -2, 0, 2}, sample(Initializers.constant(w), 3, 3, 1, 1));
    assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, sample(Initializers.constant(new float[] {1, 2, 3}), 2, 3));
    try (Eager eager = Eager.create()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Initializers.constant(new float[] {1, 2}).apply(eager.tf(), Shape.of(3, 3)));
      assertEquals(
          "Initializers.constant: 2 values of shape [2] can neither fill nor broadcast to the weight shape [3, 3]",
          e.getMessage());
    }
  }

  @Test
  void lookupByKerasName() {
    assertEquals("glorot_uniform", Initializers.get("glorot_uniform").toString());
    assertUniform(sample(Initializers.get("he_uniform"), 400, 100), Math.sqrt(6.0 / 400));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Initializers.get("xavier"));
    assertEquals(
        "Unknown initializer 'xavier'; valid: GlorotNormal, GlorotUniform, HeNormal, HeUniform,"
            + " LecunNormal, LecunUniform, Ones, Orthogonal, RandomNormal, RandomUniform, TruncatedNormal,"
            + " Zeros, glorot_normal, glorot_uniform, he_normal, he_uniform, lecun_normal, lecun_uniform, ones, orthogonal, random_normal, random_uniform,"
            + " truncated_normal, zeros",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Initializers.varianceScaling(1, "fan_sum", "uniform"));
    assertThrows(IllegalArgumentException.class, () -> Initializers.randomUniform(1, 1));
  }
}
