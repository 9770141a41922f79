package dev.keraslite.samples;

import dev.keraslite.Eager;
import dev.keraslite.KerasLite;
import dev.keraslite.models.Model;
import dev.keraslite.activations.Activations;
import dev.keraslite.layers.Conv2D;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Layer;
import dev.keraslite.layers.MaxPooling2D;
import dev.keraslite.layers.Reshape;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Example 4 of the chapter: a convolutional network trained with the custom loop of example 3.
 *
 * <p>Python original: {@code model/mnist/cnn.py} with {@code main.py}'s loop: Conv2D(32, 5×5, same,
 * relu), MaxPool2D(2, strides 2), Conv2D(64, 5×5, same, relu), MaxPool2D(2, strides 2), Reshape(7·7·64),
 * Dense(1024, relu), Dense(10), softmax; Adam 1e-3, batch 50. Deliberate differences: Fashion-MNIST
 * when MNIST is absent; the tutorial runner trains 1,200 steps (one epoch's worth) by default and the
 * full 6,000 with {@code --full}, since the full run takes tens of minutes on a CPU.
 */
public final class CnnCustomLoop {
  private CnnCustomLoop() {}

  /** The chapter's CNN (3,274,634 parameters). */
  static final class CNN extends Model {
    private final Conv2D conv1 =
        new Conv2D(32, 5).padding("same").activation(Activations.relu()); // [b, 28, 28, 32]
    private final MaxPooling2D pool1 = new MaxPooling2D(2).strides(2); // [b, 14, 14, 32]
    private final Conv2D conv2 =
        new Conv2D(64, 5).padding("same").activation(Activations.relu()); // [b, 14, 14, 64]
    private final MaxPooling2D pool2 = new MaxPooling2D(2).strides(2); // [b, 7, 7, 64]
    private final Reshape flatten = new Reshape(7 * 7 * 64);
    private final Dense dense1 = new Dense(1024).activation(Activations.relu());
    private final Dense dense2 = new Dense(10);

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> inputs) {
      Operand<TFloat32> x = conv1.apply(tf, inputs);
      x = pool1.apply(tf, x);
      x = conv2.apply(tf, x);
      x = pool2.apply(tf, x);
      x = flatten.apply(tf, x);
      x = dense1.apply(tf, x);
      x = dense2.apply(tf, x);
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
      return CustomLoop.run(
          eager, new CNN(), data, numBatches, MlpCustomLoop.BATCH_SIZE, MlpCustomLoop.LEARNING_RATE,
          printEvery, function);
    }
  }

  /** Arguments: {@code [numBatches] [printEvery] [--function]} (the train step through {@code eager.function}). */
  public static void main(String[] args) {
    boolean function = java.util.Arrays.asList(args).contains("--function");
    String[] rest = java.util.Arrays.stream(args).filter(a -> !a.equals("--function")).toArray(String[]::new);
    int numBatches = rest.length > 0 ? Integer.parseInt(rest[0]) : 6000;
    int printEvery = rest.length > 1 ? Integer.parseInt(rest[1]) : 1;
    run(numBatches, printEvery, 0, function);
  }
}
