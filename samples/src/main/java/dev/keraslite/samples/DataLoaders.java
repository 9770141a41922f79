package dev.keraslite.samples;

import dev.keraslite.data.Batch;
import dev.keraslite.data.Dataset;
import dev.keraslite.datasets.FashionMnist;
import dev.keraslite.datasets.ImageData;
import dev.keraslite.datasets.LoadOptions;
import dev.keraslite.datasets.Mnist;
import java.io.UncheckedIOException;
import java.util.Random;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;

/**
 * Example 2 of the chapter: the tutorial's {@code MNISTLoader} as a Java class.
 *
 * <p>Python original: {@code model/utils.py} lines 5-19 ({@code tf.keras.datasets.mnist.load_data()},
 * images float32 / 255 with a channel axis, int32 labels, {@code get_batch} drawing indices with
 * {@code np.random.randint}, i.e. with replacement). Deliberate difference: this machine has no
 * network, so MNIST is used when its files are already present ({@code ~/.keras/datasets/mnist.npz}
 * or the IDX files), and Fashion-MNIST (same format; Debian's {@code dataset-fashion-mnist}) otherwise.
 * {@link MNISTLoader#name()} says which one ran.
 */
public final class DataLoaders {
  private DataLoaders() {}

  /** The tutorial's data loader: the whole data set in memory, random batches on request. */
  public static final class MNISTLoader {
    private final String name;
    public final FloatNdArray trainData;
    public final IntNdArray trainLabel;
    public final FloatNdArray testData;
    public final IntNdArray testLabel;
    public final long numTrainData;
    public final long numTestData;
    private final Dataset train;
    private final Random random;

    /** Loads MNIST if present locally, else Fashion-MNIST; {@code seed} drives {@link #getBatch}. */
    public MNISTLoader(long seed) {
      ImageData<FloatNdArray> data;
      String which;
      LoadOptions options = new LoadOptions().channelAxis(true).offline(true);
      try {
        data = Mnist.load(options);
        which = "MNIST";
      } catch (UncheckedIOException noMnist) {
        try {
          data = FashionMnist.load(options);
          which = "Fashion-MNIST";
        } catch (UncheckedIOException noFashion) {
          noFashion.addSuppressed(noMnist);
          throw new UncheckedIOException(
              "Neither MNIST nor Fashion-MNIST is available: " + noFashion.getMessage(),
              noFashion.getCause());
        }
      }
      this.name = which;
      this.trainData = data.xTrain(); // [60000, 28, 28, 1], float32 in [0, 1]
      this.trainLabel = data.yTrain(); // [60000], int32
      this.testData = data.xTest(); // [10000, 28, 28, 1]
      this.testLabel = data.yTest(); // [10000]
      this.numTrainData = trainData.shape().get(0);
      this.numTestData = testData.shape().get(0);
      this.train = Dataset.of(trainData, trainLabel);
      this.random = new Random(seed);
    }

    /** Which data set was loaded: "MNIST" or "Fashion-MNIST". */
    public String name() {
      return name;
    }

    /**
     * {@code batchSize} random training samples, drawn with replacement as {@code
     * np.random.randint(0, N, batch_size)} does; the caller closes the batch.
     */
    public Batch getBatch(int batchSize) {
      return train.sampleBatch(random, batchSize);
    }
  }

  public static void main(String[] args) {
    print(new MNISTLoader(0));
  }

  /** What the example prints: the dataset's arrays and one sampled batch. */
  static void print(MNISTLoader loader) {
    System.out.printf(
        "%s: train %s %s, test %s %s%n",
        loader.name(), loader.trainData.shape(), loader.trainLabel.shape(),
        loader.testData.shape(), loader.testLabel.shape());
    try (Batch batch = loader.getBatch(50)) {
      System.out.printf("a batch: x %s, y %s%n", batch.x().shape(), batch.y().shape());
    }
  }
}
