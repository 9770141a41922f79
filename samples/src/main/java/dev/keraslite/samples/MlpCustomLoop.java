package dev.keraslite.samples;

import dev.keraslite.Eager;
import dev.keraslite.KerasLite;
import dev.keraslite.models.Model;
import dev.keraslite.activations.Activations;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Flatten;
import dev.keraslite.layers.Layer;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Example 3 of the chapter: a multilayer perceptron trained with a custom loop.
 *
 * <p>Python original: {@code model/mnist/mlp.py} with {@code main.py} lines 8-10 and 93-110:
 * Flatten, Dense(100, relu), Dense(10), softmax; Adam 1e-3, batch 50, 6000 steps (5 epochs' worth of
 * random batches drawn with replacement), then test accuracy. Deliberate difference: Fashion-MNIST
 * when MNIST is absent (see {@link DataLoaders}); {@code batch N: loss X} is printed every
 * {@code printEvery} steps instead of every step unless asked.
 */
public final class MlpCustomLoop {
  /** The tutorial's hyperparameters. */
  static final int NUM_EPOCHS = 5;
  static final int BATCH_SIZE = 50;
  static final float LEARNING_RATE = 0.001f;

  private MlpCustomLoop() {}

  /** Flatten → Dense(100, relu) → Dense(10) → softmax. */
  static final class MLP extends Model {
    private final Flatten flatten = new Flatten();
    private final Dense dense1 = new Dense(100).activation(Activations.relu());
    private final Dense dense2 = new Dense(10);

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> inputs) {
      Operand<TFloat32> x = flatten.apply(tf, inputs); // [batch, 784]
      x = dense1.apply(tf, x); // [batch, 100]
      x = dense2.apply(tf, x); // [batch, 10]
      return tf.nn.softmax(x);
    }
  }

  /** Trains for {@code numBatches} steps and evaluates on the test set. */
  public static CustomLoop.Result run(int numBatches, int printEvery, long seed) {
    return run(numBatches, printEvery, seed, false);
  }

  /** As {@link #run(int, int, long)}; {@code function} runs the train step through {@code eager.function}. */
  public static CustomLoop.Result run(int numBatches, int printEvery, long seed, boolean function) {
    Layer.clearNameCounters();
    KerasLite.setRandomSeed(seed); // Keras's set_random_seed: the unseeded initial weights too
    DataLoaders.MNISTLoader data = new DataLoaders.MNISTLoader(seed);
    try (Eager eager = Eager.create()) {
      return CustomLoop.run(eager, new MLP(), data, numBatches, BATCH_SIZE, LEARNING_RATE, printEvery, function);
    }
  }

  /** Steps of the full tutorial run: 60000 / 50 * 5. */
  static int fullSteps(long trainSamples) {
    return (int) (trainSamples / BATCH_SIZE * NUM_EPOCHS);
  }

  /** Arguments: {@code [printEvery] [--function]} (the train step through {@code eager.function}). */
  public static void main(String[] args) {
    boolean function = java.util.Arrays.asList(args).contains("--function");
    String[] rest = java.util.Arrays.stream(args).filter(a -> !a.equals("--function")).toArray(String[]::new);
    int printEvery = rest.length > 0 ? Integer.parseInt(rest[0]) : 1;
    run(fullSteps(60000), printEvery, 0, function);
  }
}
