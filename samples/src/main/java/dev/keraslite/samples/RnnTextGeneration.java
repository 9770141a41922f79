package dev.keraslite.samples;

import dev.keraslite.Eager;
import dev.keraslite.EagerScope;
import dev.keraslite.GradientTape;
import dev.keraslite.KerasLite;
import dev.keraslite.models.Model;
import dev.keraslite.datasets.KerasFiles;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.LSTMCell;
import dev.keraslite.layers.Layer;
import dev.keraslite.layers.RecurrentStep;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.optimizers.Adam;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeSet;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Example 7 of the chapter: character-level text generation with an LSTM cell unrolled by hand.
 *
 * <p>Python original: {@code model/text_generation/rnn.py}: a {@code DataLoader} over Nietzsche's
 * text (lower-cased, sorted character vocabulary, random windows of 40 characters and the next one),
 * a model holding {@code LSTMCell(256)} and {@code Dense(num_chars)} stepped over the 40 one-hot
 * characters, sparse cross-entropy from logits, Adam 1e-3, batch 50, then sampling 400 characters at
 * temperatures 0.2, 0.5, 1.0 and 1.2. Deliberate differences: the text is {@code nietzsche.txt} from
 * the Keras cache ({@code ~/.keras/datasets/}), downloaded Keras-style only when asked for ({@code
 * --download}: keras-lite makes no network access nobody opted into), any text file given by path, or
 * else a local English text every Debian machine has (its licence texts, {@code
 * /usr/share/common-licenses}, read as one text: 237 KB and 60 distinct characters after
 * lower-casing on Debian 12, near Nietzsche's 600 KB and 57); the model takes the
 * character indices as float32, as keras-lite models take float32 inputs; the initial state is sized
 * by the real batch (TUTORIAL.md §6); the tutorial's {@code predict} is named {@link RNN#sample}.
 */
public final class RnnTextGeneration {
  static final String NIETZSCHE = "nietzsche.txt";
  static final String NIETZSCHE_URL = "https://s3.amazonaws.com/text-datasets/nietzsche.txt";
  static final Path LOCAL_TEXT = Path.of("/usr/share/common-licenses");
  static final int SEQ_LENGTH = 40;
  static final int BATCH_SIZE = 50;
  static final float LEARNING_RATE = 1e-3f;
  static final double[] DIVERSITY = {0.2, 0.5, 1.0, 1.2};

  private RnnTextGeneration() {}

  /** The tutorial's DataLoader: the text, its sorted vocabulary, and random windows. */
  public static final class DataLoader {
    final String name;
    final String text;
    final char[] chars;
    final int[] indices; // the text as vocabulary indices
    private final Random random;

    DataLoader(String name, String rawText, long seed) {
      this.name = name;
      this.text = rawText.toLowerCase(Locale.ROOT);
      TreeSet<Character> vocabulary = new TreeSet<>();
      for (char c : text.toCharArray()) {
        vocabulary.add(c);
      }
      chars = new char[vocabulary.size()];
      int k = 0;
      for (char c : vocabulary) {
        chars[k++] = c;
      }
      indices = new int[text.length()];
      for (int i = 0; i < indices.length; i++) {
        indices[i] = java.util.Arrays.binarySearch(chars, text.charAt(i));
      }
      this.random = new Random(seed);
    }

    /** Size of the character vocabulary. */
    public int numChars() {
      return chars.length;
    }

    /** {@code batchSize} random windows of {@code seqLength} indices and the index that follows each. */
    float[][][] getBatch(int seqLength, int batchSize) {
      float[][] seq = new float[batchSize][seqLength];
      float[][] next = new float[1][batchSize];
      for (int b = 0; b < batchSize; b++) {
        int start = random.nextInt(indices.length - seqLength - 1);
        for (int t = 0; t < seqLength; t++) {
          seq[b][t] = indices[start + t];
        }
        next[0][b] = indices[start + seqLength];
      }
      return new float[][][] {seq, next};
    }
  }

  /** LSTMCell(256) stepped over one-hot characters, then Dense to the vocabulary (logits). */
  static final class RNN extends Model {
    private final int numChars;
    private final LSTMCell cell = new LSTMCell(256);
    private final Dense dense;

    RNN(int numChars) {
      this.numChars = numChars;
      this.dense = new Dense(numChars);
    }

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> inputs) {
      // [batch, seq] indices -> [batch, seq, numChars] one-hot vectors
      Operand<TFloat32> oneHot =
          tf.oneHot(tf.dtypes.cast(inputs, TInt32.class), tf.constant(numChars), tf.constant(1f), tf.constant(0f));
      long seqLength = inputs.shape().get(1);
      List<Operand<TFloat32>> state = cell.getInitialState(tf, inputs);
      Operand<TFloat32> output = null;
      for (long t = 0; t < seqLength; t++) {
        Operand<TFloat32> xt =
            tf.squeeze(
                tf.slice(oneHot, tf.constant(new long[] {0, t, 0}), tf.constant(new long[] {-1, 1, -1})),
                org.tensorflow.op.core.Squeeze.axis(List.of(1L)));
        RecurrentStep step = cell.apply(tf, xt, state);
        output = step.output();
        state = step.states();
      }
      return dense.apply(tf, output); // logits
    }

    /** The tutorial's {@code predict}: one character index per row, drawn from softmax(logits / T). */
    int[] sample(Ops tf, float[][] inputs, double temperature, Random random) {
      Operand<TFloat32> logits = apply(tf, tf.constant(inputs));
      Operand<TFloat32> probs = tf.nn.softmax(tf.math.div(logits, tf.constant((float) temperature)));
      int[] out = new int[inputs.length];
      try (TFloat32 p = probs.asTensor()) {
        for (int b = 0; b < inputs.length; b++) {
          double u = random.nextDouble();
          double cumulative = 0;
          int choice = numChars - 1;
          for (int c = 0; c < numChars; c++) {
            cumulative += p.getFloat(b, c);
            if (u < cumulative) {
              choice = c;
              break;
            }
          }
          out[b] = choice;
        }
      }
      return out;
    }
  }

  /** Losses of the training steps and the generated texts, one per temperature. */
  public record Result(String textName, int numChars, List<Float> losses, List<String> samples) {}

  /**
   * Loads the text: a path if given (a file, or a directory whose files are read as one text), else
   * the cached (or, if allowed, downloaded) Nietzsche, else the local text.
   */
  static DataLoader load(Path path, boolean download, long seed) {
    try {
      if (path != null) {
        return new DataLoader(path.toString(), readText(path), seed);
      }
      try {
        Path nietzsche = KerasFiles.getFile(NIETZSCHE, NIETZSCHE_URL, null, "datasets", KerasFiles.kerasHome(), !download);
        return new DataLoader(NIETZSCHE, Files.readString(nietzsche, StandardCharsets.UTF_8), seed);
      } catch (IOException unavailable) {
        System.out.println(NIETZSCHE + " is not cached (run with --download to fetch it Keras-style); using " + LOCAL_TEXT);
        return new DataLoader(LOCAL_TEXT.toString(), readText(LOCAL_TEXT), seed);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A file's text, or the texts of a directory's regular files in name order, one after the other
   * (symbolic links skipped, as they repeat a file; bytes that are not UTF-8 read as U+FFFD).
   */
  public static String readText(Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      return Files.readString(path, StandardCharsets.UTF_8);
    }
    List<Path> files;
    try (var entries = Files.list(path)) {
      files = entries.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
    }
    StringBuilder text = new StringBuilder();
    for (Path file : files) {
      text.append(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    }
    return text.toString();
  }

  /**
   * Trains for {@code numBatches} steps, then samples {@code generateLength} characters at each of
   * the tutorial's temperatures.
   */
  public static Result run(Path path, boolean download, int numBatches, int generateLength, int printEvery, long seed) {
    Layer.clearNameCounters();
    KerasLite.setRandomSeed(seed); // Keras's set_random_seed: the unseeded initial weights too
    DataLoader data = load(path, download, seed);
    System.out.printf("text: %s, %d characters, %d distinct%n", data.name, data.text.length(), data.numChars());
    List<Float> losses = new ArrayList<>();
    List<String> samples = new ArrayList<>();
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      RNN model = new RNN(data.numChars());
      Adam optimizer = new Adam(LEARNING_RATE);
      SparseCategoricalCrossentropy crossEntropy = new SparseCategoricalCrossentropy(true);
      for (int batchIndex = 0; batchIndex < numBatches; batchIndex++) {
        float[][][] batch = data.getBatch(SEQ_LENGTH, BATCH_SIZE);
        try (GradientTape tape = new GradientTape(tf)) {
          Operand<TFloat32> yPred = model.apply(tf, tf.constant(batch[0]));
          Operand<TFloat32> loss = crossEntropy.apply(tf, tf.constant(batch[1][0]), yPred);
          optimizer.applyGradients(tape.gradient(loss, model.variables()), model.variables());
          float value = loss.asTensor().getFloat();
          losses.add(value);
          if (printEvery > 0 && (batchIndex % printEvery == 0 || batchIndex == numBatches - 1)) {
            System.out.printf(Locale.ROOT, "batch %d: loss %f%n", batchIndex, value);
          }
        }
      }
      Random random = new Random(seed);
      int start = random.nextInt(data.indices.length - SEQ_LENGTH - 1);
      for (double diversity : DIVERSITY) {
        float[][] window = new float[1][SEQ_LENGTH];
        for (int t = 0; t < SEQ_LENGTH; t++) {
          window[0][t] = data.indices[start + t];
        }
        StringBuilder generated = new StringBuilder();
        System.out.printf(Locale.ROOT, "diversity %f:%n", diversity);
        for (int i = 0; i < generateLength; i++) {
          int next;
          try (EagerScope scope = eager.scope()) {
            next = model.sample(tf, window, diversity, random)[0];
          }
          generated.append(data.chars[next]);
          System.arraycopy(window[0], 1, window[0], 0, SEQ_LENGTH - 1);
          window[0][SEQ_LENGTH - 1] = next;
        }
        System.out.println(generated);
        samples.add(generated.toString());
      }
    }
    return new Result(data.name, data.numChars(), losses, samples);
  }

  public static void main(String[] args) {
    Path path = null;
    boolean download = false;
    int numBatches = 1000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--download" -> download = true;
        case "--batches" -> numBatches = Integer.parseInt(args[++i]);
        default -> path = Path.of(args[i]);
      }
    }
    run(path, download, numBatches, 400, 100, 0);
  }
}
