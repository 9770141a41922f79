package dev.keraslite.samples;

import dev.keraslite.Eager;
import dev.keraslite.KerasLite;
import dev.keraslite.activations.Activations;
import dev.keraslite.callbacks.History;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Dropout;
import dev.keraslite.layers.Embedding;
import dev.keraslite.layers.GlobalAveragePooling1D;
import dev.keraslite.layers.KerasTensor;
import dev.keraslite.layers.Layer;
import dev.keraslite.layers.LayerNormalization;
import dev.keraslite.layers.MultiHeadAttention;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.metrics.SparseCategoricalAccuracy;
import dev.keraslite.models.Input;
import dev.keraslite.models.Model;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A transformer text classifier trained with {@code compile} / {@code fit} / {@code evaluate}:
 * which category file of Debian's {@code fortunes} package a fortune comes from.
 *
 * <p>Python original: Keras's example "Text classification with Transformer" (keras.io,
 * {@code examples/nlp/text_classification_with_transformer.py}): a {@code TokenAndPositionEmbedding}
 * layer (token embedding plus a learned position embedding) and a {@code TransformerBlock} layer
 * (multi-head self-attention, dropout, residual and layer normalization, then a two-layer
 * feed-forward network with the same), both written as custom layers, followed by global average
 * pooling, dropout, {@code Dense(20, relu)}, dropout and a softmax over the classes; Adam,
 * sparse categorical cross-entropy and accuracy. The custom layers here are Java classes built from
 * keras-lite's layers exactly as the Python ones are built from Keras's.
 *
 * <p>Deliberate differences: no network here, so instead of the IMDB reviews the text is a corpus
 * every Debian machine can install: the fortune cookies of {@code fortunes} ({@code
 * /usr/share/games/fortunes/<category>}, fortunes separated by lines holding only {@code %}), each
 * labelled with its category. Five categories with distinct vocabularies and a few hundred to a thousand
 * fortunes each ({@link #CATEGORIES}); the split into training and test fortunes is fixed (a seeded
 * shuffle within each category, 80% / 20%) so that every run and every training seed sees the same
 * test set. Tokenization is the simplest that works: lower-cased runs of letters and digits, a
 * vocabulary of the training split's {@link #VOCAB_SIZE} most frequent words (0 pads, 1 stands for a
 * word outside the vocabulary, as Keras's {@code TextVectorization} does), truncated or padded to
 * {@link #MAX_LEN} words. Token ids go into the model as float32, as keras-lite's model inputs are;
 * {@code Embedding} truncates them back to int32, exactly.
 */
public final class TransformerText {
  /** Where Debian's {@code fortunes} package puts its category files. */
  public static final Path FORTUNES = Path.of("/usr/share/games/fortunes");

  /** The categories classified, in label order. */
  public static final List<String> CATEGORIES = List.of("computers", "definitions", "politics", "startrek", "zippy");

  /** Vocabulary size, the padding (0) and out-of-vocabulary (1) ids included. */
  static final int VOCAB_SIZE = 5000;
  /** Words kept per fortune. */
  static final int MAX_LEN = 64;
  /** Keras's example's sizes: embedding size per token, attention heads, feed-forward width. */
  static final int EMBED_DIM = 32;
  static final int NUM_HEADS = 2;
  static final int FF_DIM = 32;
  /** Keras's example's dropout rate, in the transformer block and before and after Dense(20). */
  static final double DROPOUT = 0.1;
  static final int BATCH_SIZE = 32;
  static final int EPOCHS = 4;
  static final float LEARNING_RATE = 1e-3f;
  /** Share of each category's fortunes held out for testing, and the seed of that split. */
  static final double TEST_FRACTION = 0.2;
  static final long SPLIT_SEED = 20;

  private TransformerText() {}

  // ---- the corpus -------------------------------------------------------------------------------

  /** The fortunes of one category file: the texts between the {@code %} lines, without empty ones. */
  public static List<String> readFortunes(Path file) throws IOException {
    List<String> fortunes = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    // The files are ASCII with a few Latin-1 bytes; ISO-8859-1 decodes every byte.
    for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
      if (line.equals("%")) {
        addIfNotBlank(fortunes, current);
        current.setLength(0);
      } else {
        current.append(line).append('\n');
      }
    }
    addIfNotBlank(fortunes, current);
    return fortunes;
  }

  private static void addIfNotBlank(List<String> fortunes, StringBuilder text) {
    if (!text.toString().isBlank()) {
      fortunes.add(text.toString());
    }
  }

  /**
   * A text's words: lower-cased runs of letters and digits. Some fortunes print bold or underlined
   * text by overstriking ({@code c\bc}, {@code _\bc}); a character followed by a backspace is dropped
   * first, so that such words read as written.
   */
  public static List<String> words(String text) {
    String plain = text.replaceAll(".\b", "").toLowerCase(Locale.ROOT);
    List<String> words = new ArrayList<>();
    for (String w : plain.split("[^a-z0-9]+")) {
      if (!w.isEmpty()) {
        words.add(w);
      }
    }
    return words;
  }

  /** Labelled texts of one split. */
  public record Split(List<String> texts, int[] labels) {
    public int size() {
      return labels.length;
    }
  }

  /** The labelled fortunes split into training and test texts. */
  public record Corpus(List<String> categories, Split train, Split test) {}

  /**
   * Reads {@code categories} from {@code dir} and splits each one's fortunes 80/20 after a shuffle
   * seeded with {@link #SPLIT_SEED}.
   *
   * @throws UncheckedIOException naming the package to install when a category file is missing
   */
  public static Corpus loadCorpus(Path dir, List<String> categories) {
    List<String> trainTexts = new ArrayList<>();
    List<Integer> trainLabels = new ArrayList<>();
    List<String> testTexts = new ArrayList<>();
    List<Integer> testLabels = new ArrayList<>();
    Random random = new Random(SPLIT_SEED);
    for (int label = 0; label < categories.size(); label++) {
      Path file = dir.resolve(categories.get(label));
      if (!Files.isRegularFile(file)) {
        throw new UncheckedIOException(
            new IOException(
                "TransformerText: no fortune file " + file + ": install Debian's fortunes package"
                    + " (bash scripts/setup.sh does, or apt-get install fortunes)"));
      }
      List<String> fortunes;
      try {
        fortunes = new ArrayList<>(readFortunes(file));
      } catch (IOException e) {
        throw new UncheckedIOException("TransformerText: cannot read " + file, e);
      }
      Collections.shuffle(fortunes, random);
      int numTest = (int) Math.round(fortunes.size() * TEST_FRACTION);
      for (int i = 0; i < fortunes.size(); i++) {
        boolean test = i < numTest;
        (test ? testTexts : trainTexts).add(fortunes.get(i));
        (test ? testLabels : trainLabels).add(label);
      }
    }
    return new Corpus(
        List.copyOf(categories),
        new Split(trainTexts, trainLabels.stream().mapToInt(Integer::intValue).toArray()),
        new Split(testTexts, testLabels.stream().mapToInt(Integer::intValue).toArray()));
  }

  /** Word ids: 0 pads, 1 is any word outside the vocabulary, 2.. the most frequent words. */
  public static final class Vocabulary {
    static final int PAD = 0;
    static final int OOV = 1;
    private final Map<String, Integer> ids = new HashMap<>();

    /**
     * The {@code size - 2} most frequent words of {@code texts} (ties in alphabetical order, so that
     * the ids do not depend on hash order).
     */
    public Vocabulary(List<String> texts, int size) {
      Map<String, Integer> counts = new HashMap<>();
      for (String text : texts) {
        for (String w : words(text)) {
          counts.merge(w, 1, Integer::sum);
        }
      }
      List<Map.Entry<String, Integer>> byCount = new ArrayList<>(counts.entrySet());
      byCount.sort(
          Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
      for (int i = 0; i < Math.min(size - 2, byCount.size()); i++) {
        ids.put(byCount.get(i).getKey(), i + 2);
      }
    }

    /** Ids in use: the two reserved ones and the words'. */
    public int size() {
      return ids.size() + 2;
    }

    /** The texts as {@code [n, maxLen]} word ids, truncated or padded with 0 at the end. */
    public FloatNdArray encode(List<String> texts, int maxLen) {
      FloatNdArray x = NdArrays.ofFloats(Shape.of(texts.size(), maxLen));
      for (int i = 0; i < texts.size(); i++) {
        List<String> words = words(texts.get(i));
        for (int t = 0; t < Math.min(maxLen, words.size()); t++) {
          x.setFloat(ids.getOrDefault(words.get(t), OOV), i, t);
        }
      }
      return x;
    }
  }

  /** The encoded splits the model trains and is tested on. */
  public record Data(
      List<String> categories,
      int vocabularySize,
      FloatNdArray xTrain,
      IntNdArray yTrain,
      FloatNdArray xTest,
      IntNdArray yTest) {
    /** The test accuracy of always answering the training split's most frequent category. */
    public double majorityBaseline() {
      int[] counts = new int[categories.size()];
      yTrain.scalars().forEach(s -> counts[s.getInt()]++);
      int majority = 0;
      for (int c = 1; c < counts.length; c++) {
        majority = counts[c] > counts[majority] ? c : majority;
      }
      long hits = 0;
      for (long i = 0; i < yTest.shape().get(0); i++) {
        hits += yTest.getInt(i) == majority ? 1 : 0;
      }
      return (double) hits / yTest.shape().get(0);
    }
  }

  /** Loads {@link #CATEGORIES} from {@code dir}, builds the vocabulary on the training split, encodes both. */
  public static Data loadData(Path dir) {
    Corpus corpus = loadCorpus(dir, CATEGORIES);
    Vocabulary vocabulary = new Vocabulary(corpus.train().texts(), VOCAB_SIZE);
    return new Data(
        corpus.categories(),
        vocabulary.size(),
        vocabulary.encode(corpus.train().texts(), MAX_LEN),
        NdArrays.vectorOf(corpus.train().labels()),
        vocabulary.encode(corpus.test().texts(), MAX_LEN),
        NdArrays.vectorOf(corpus.test().labels()));
  }

  // ---- the custom layers --------------------------------------------------------------------

  /**
   * Keras's example's {@code TokenAndPositionEmbedding}: a token's vector is its word's embedding
   * plus a learned embedding of its position, so that attention, which by itself ignores order,
   * can tell where a word is.
   */
  public static final class TokenAndPositionEmbedding extends Layer {
    private final int maxLen;
    private final Embedding tokenEmb;
    private final Embedding posEmb;

    public TokenAndPositionEmbedding(int maxLen, int vocabSize, int embedDim) {
      this.maxLen = maxLen;
      this.tokenEmb = new Embedding(vocabSize, embedDim);
      this.posEmb = new Embedding(maxLen, embedDim);
    }

    @Override
    protected void checkInputShapes(List<Shape> shapes) {
      Shape shape = shapes.get(0);
      if (shape.numDimensions() != 2 || shape.get(1) != maxLen) {
        throw inputError("expected token ids of shape [batch, " + maxLen + "]", shape);
      }
    }

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x) {
      Operand<TInt32> positions = tf.range(tf.constant(0), tf.constant(maxLen), tf.constant(1));
      // [batch, maxLen, embedDim] + [maxLen, embedDim]: every sequence gets the same position vectors.
      return tf.math.add(tokenEmb.apply(tf, x), posEmb.lookup(tf, positions));
    }

    @Override
    public Shape computeOutputShape(Shape inputShape) {
      return inputShape.append(tokenEmb.outputDim());
    }
  }

  /**
   * Keras's example's {@code TransformerBlock}: self-attention and a feed-forward network, each
   * followed by dropout, a residual connection and layer normalization (the original transformer's
   * post-norm order).
   */
  public static final class TransformerBlock extends Layer {
    private final MultiHeadAttention att;
    private final Sequential ffn;
    private final LayerNormalization layernorm1 = new LayerNormalization().epsilon(1e-6f);
    private final LayerNormalization layernorm2 = new LayerNormalization().epsilon(1e-6f);
    private final Dropout dropout1;
    private final Dropout dropout2;

    public TransformerBlock(int embedDim, int numHeads, int ffDim, double rate) {
      this.att = new MultiHeadAttention(numHeads, embedDim);
      this.ffn = new Sequential(new Dense(ffDim).activation(Activations.relu()), new Dense(embedDim));
      this.dropout1 = new Dropout(rate);
      this.dropout2 = new Dropout(rate);
    }

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> inputs) {
      return call(tf, inputs, false);
    }

    // The sublayers' apply(tf, x) runs in this call's mode: dropout is active only in training.
    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> inputs, boolean training) {
      Operand<TFloat32> attnOutput = dropout1.apply(tf, att.apply(tf, inputs, inputs));
      Operand<TFloat32> out1 = layernorm1.apply(tf, tf.math.add(inputs, attnOutput));
      Operand<TFloat32> ffnOutput = dropout2.apply(tf, ffn.apply(tf, out1));
      return layernorm2.apply(tf, tf.math.add(out1, ffnOutput));
    }

    @Override
    public Shape computeOutputShape(Shape inputShape) {
      return inputShape;
    }
  }

  /**
   * The example's model, functional: token and position embedding, one transformer block, global
   * average pooling, dropout, Dense(20, relu), dropout, softmax over {@code numClasses}.
   *
   * @param dropout the rate of all four dropout layers (Keras's example: 0.1)
   */
  public static Model build(int vocabSize, int numClasses, double dropout) {
    KerasTensor inputs = Input.of(MAX_LEN);
    KerasTensor x = new TokenAndPositionEmbedding(MAX_LEN, vocabSize, EMBED_DIM).apply(inputs);
    x = new TransformerBlock(EMBED_DIM, NUM_HEADS, FF_DIM, dropout).apply(x);
    x = new GlobalAveragePooling1D().apply(x);
    x = new Dropout(dropout).apply(x);
    x = new Dense(20).activation(Activations.relu()).apply(x);
    x = new Dropout(dropout).apply(x);
    KerasTensor outputs = new Dense(numClasses).activation(Activations.softmax()).apply(x);
    return Model.of(inputs, outputs);
  }

  /** Compiles as the example does: Adam, sparse categorical cross-entropy, accuracy. */
  public static void compile(Ops tf, Model model) {
    model.compile(
        tf, new Adam(LEARNING_RATE), new SparseCategoricalCrossentropy(), new SparseCategoricalAccuracy());
  }

  // ---- the run ------------------------------------------------------------------------------

  /** The data's sizes, the baseline, the test metrics and the training history. */
  public record Result(
      List<String> categories,
      int vocabularySize,
      long trainSize,
      long testSize,
      double majorityBaseline,
      Map<String, Double> test,
      History history) {
    public double testAccuracy() {
      return test.get("sparse_categorical_accuracy");
    }
  }

  /**
   * Loads the corpus from {@code dir}, builds, compiles and fits the model from {@code seed} for
   * {@code epochs}, and evaluates it on the test split.
   *
   * @param verbose Keras's verbosity for {@code fit}
   */
  public static Result run(Path dir, int epochs, int verbose, long seed) {
    Data data = loadData(dir);
    double baseline = data.majorityBaseline();
    System.out.printf(
        Locale.ROOT,
        "fortunes %s: %d training, %d test fortunes; vocabulary %d words; majority baseline %.4f%n",
        data.categories(), data.yTrain().shape().get(0), data.yTest().shape().get(0),
        data.vocabularySize(), baseline);
    Layer.clearNameCounters();
    KerasLite.setRandomSeed(seed); // Keras's set_random_seed: initial weights and dropout masks
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Model model = build(data.vocabularySize(), data.categories().size(), DROPOUT);
      compile(tf, model);
      History history =
          model.fit(
              data.xTrain(), data.yTrain(),
              FitOptions.epochs(epochs).batchSize(BATCH_SIZE).seed(seed).verbose(verbose));
      if (verbose > 0) {
        model.summary();
      }
      Map<String, Double> test = model.evaluate(data.xTest(), data.yTest(), BATCH_SIZE);
      System.out.println("test: " + test);
      return new Result(
          data.categories(), data.vocabularySize(), data.yTrain().shape().get(0),
          data.yTest().shape().get(0), baseline, test, history);
    }
  }

  public static void main(String[] args) {
    Path dir = args.length > 0 ? Path.of(args[0]) : FORTUNES;
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : EPOCHS;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 0;
    Result r = run(dir, epochs, 1, seed);
    System.out.printf(
        Locale.ROOT, "test accuracy %.4f (majority baseline %.4f)%n", r.testAccuracy(), r.majorityBaseline());
  }
}
