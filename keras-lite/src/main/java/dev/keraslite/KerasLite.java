package dev.keraslite;

import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Process-wide switches, as Keras keeps them in {@code keras.utils}: the global random seed
 * ({@link #setRandomSeed}, Keras's {@code keras.utils.set_random_seed}) and whether TensorFlow runs
 * its ops deterministically ({@link #opDeterminismEnabled}).
 *
 * <pre>
 * KerasLite.setRandomSeed(0);   // the same weights, dropout masks and shuffles on every run
 * </pre>
 *
 * <p>Every random choice keras-lite makes without an explicit seed (an unseeded initializer, a
 * {@code Dropout} without {@code seed}, {@code fit}'s shuffle without {@code FitOptions.seed}) takes
 * its seed from {@link #drawSeed()}. After {@code setRandomSeed(s)} those seeds are a fixed
 * sequence determined by {@code s}, so a program that builds and trains its models in the same order
 * gets the same numbers on every run; without it each run differs, as in Keras. Code with its own
 * Java {@code Random} (the samples' batch sampling, exploration, text sampling) seeds it itself.
 *
 * <p>TensorFlow's op determinism ({@code tf.config.experimental.enable_op_determinism()}) is not
 * reachable from TensorFlow Java's C API: the native runtime reads the environment variable {@code
 * TF_DETERMINISTIC_OPS} once, the first time a kernel asks, and a running JVM cannot set its own
 * environment. Set {@code TF_DETERMINISTIC_OPS=1} before starting the JVM ({@code
 * scripts/tutorial.sh} does); {@link #opDeterminismEnabled()} tells whether it is set. With it,
 * ops that have no deterministic kernel fail instead of varying, and a stateful random op without
 * a seed fails with "When determinism is enabled, random ops must have a seed specified" (which is
 * why keras-lite always gives its random ops a seed).
 */
public final class KerasLite {
  /** The environment variable TensorFlow's native runtime reads for op determinism. */
  public static final String OP_DETERMINISM_ENV = "TF_DETERMINISTIC_OPS";

  private static final Object LOCK = new Object();
  private static Long seed;
  private static SplittableRandom seeds;

  private KerasLite() {}

  /**
   * Makes keras-lite's unseeded random choices reproducible (Keras's {@code
   * keras.utils.set_random_seed}): the seeds handed out by {@link #drawSeed()} restart as a fixed
   * sequence determined by {@code seed}. Call it once at the start of a program (or of each
   * experiment, before its models are built) so that initial weights, dropout masks and {@code fit}
   * shuffles are the same on every run.
   */
  public static void setRandomSeed(long seed) {
    synchronized (LOCK) {
      KerasLite.seed = seed;
      KerasLite.seeds = new SplittableRandom(seed);
    }
  }

  /** The seed given to the last {@link #setRandomSeed}, or empty if none was given. */
  public static OptionalLong randomSeed() {
    synchronized (LOCK) {
      return seed == null ? OptionalLong.empty() : OptionalLong.of(seed);
    }
  }

  /**
   * A seed for a random op the caller did not seed: the next of {@link #setRandomSeed}'s sequence,
   * or a fresh random value when no global seed was set.
   */
  public static long drawSeed() {
    synchronized (LOCK) {
      if (seeds != null) {
        return seeds.nextLong();
      }
    }
    return ThreadLocalRandom.current().nextLong();
  }

  /**
   * Whether TensorFlow runs in op-determinism mode in this process, i.e. whether the JVM was
   * started with {@value #OP_DETERMINISM_ENV} set to {@code 1} or {@code true} (TensorFlow's own
   * reading of that variable).
   */
  public static boolean opDeterminismEnabled() {
    String value = System.getenv(OP_DETERMINISM_ENV);
    return value != null && (value.equals("1") || value.equalsIgnoreCase("true"));
  }
}
