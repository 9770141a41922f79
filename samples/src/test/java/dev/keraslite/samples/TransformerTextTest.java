package dev.keraslite.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.layers.Layer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** TransformerText's corpus reader, tokenizer and vocabulary, and its custom layers, on small inputs. */
class TransformerTextTest {
  @TempDir Path dir;

  @Test
  void fortunesAreTheTextsBetweenPercentLines() throws IOException {
    Path file = dir.resolve("cat");
    Files.writeString(file, "First one,\n  two lines.\n%\n%\nSecond.\n%\n100%\nthird\n");
    List<String> fortunes = TransformerText.readFortunes(file);
    // The empty fortune between two % lines is dropped; a % inside a line is text.
    assertEquals(List.of("First one,\n  two lines.\n", "Second.\n", "100%\nthird\n"), fortunes);
  }

  @Test
  void wordsAreLowerCasedLetterAndDigitRunsWithOverstrikingRemoved() {
    // "B\bBold" prints a bold B; "_\bu" an underlined u: both read as the letter.
    assertEquals(
        List.of("bold", "under", "it", "s", "2nd", "x"),
        TransformerText.words("B\bBold _\bunder -- It's 2nd:X!"));
  }

  @Test
  void theVocabularyKeepsTheMostFrequentWordsAndPadsOrCuts() {
    // Counts: b 3, a 2, c 2, d 1. Size 4 keeps 2 words: b, then a before c (alphabetical tie-break).
    TransformerText.Vocabulary vocabulary =
        new TransformerText.Vocabulary(List.of("b a c", "b c a d", "B"), 4);
    assertEquals(4, vocabulary.size());
    FloatNdArray x = vocabulary.encode(List.of("a b c", "d d d d d b"), 4);
    assertEquals(Shape.of(2, 4), x.shape());
    // a=3, b=2, c and d are out of the vocabulary (1); the short text is padded with 0, the long cut.
    assertArrayEquals(new float[] {3, 2, 1, 0}, row(x, 0));
    assertArrayEquals(new float[] {1, 1, 1, 1}, row(x, 1));
  }

  @Test
  void aMissingCategoryFileNamesThePackage() {
    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> TransformerText.loadCorpus(dir, List.of("nope")));
    assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("fortunes"), e.getMessage());
  }

  @Test
  void theSplitIsFixedAndStratified() throws IOException {
    StringBuilder a = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      a.append("alpha ").append(i).append("\n%\n");
    }
    Files.writeString(dir.resolve("a"), a);
    Files.writeString(dir.resolve("b"), "beta 1\n%\nbeta 2\n%\nbeta 3\n%\nbeta 4\n%\nbeta 5\n");
    TransformerText.Corpus first = TransformerText.loadCorpus(dir, List.of("a", "b"));
    TransformerText.Corpus again = TransformerText.loadCorpus(dir, List.of("a", "b"));
    assertEquals(first.test().texts(), again.test().texts());
    assertEquals(first.train().texts(), again.train().texts());
    // 20% of each category: 2 of a's 10, 1 of b's 5.
    assertArrayEquals(new int[] {0, 0, 1}, first.test().labels());
    assertEquals(12, first.train().size());
    assertEquals(3, first.test().size());
  }

  @Test
  void tokenAndPositionEmbeddingAddsTheRowsOfBothTables() {
    Layer.clearNameCounters();
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      TransformerText.TokenAndPositionEmbedding layer =
          new TransformerText.TokenAndPositionEmbedding(3, 7, 2);
      Operand<TFloat32> ids = tf.constant(new float[][] {{4, 0, 6}, {1, 1, 2}});
      FloatNdArray out = NdArrays.ofFloats(Shape.of(2, 3, 2));
      layer.apply(tf, ids).asTensor().copyTo(out);
      // Oracle: the weights read back, token table first (field order), then the position table.
      FloatNdArray tokens = (FloatNdArray) layer.variables().get(0).numpy();
      FloatNdArray positions = (FloatNdArray) layer.variables().get(1).numpy();
      assertEquals(Shape.of(7, 2), tokens.shape());
      assertEquals(Shape.of(3, 2), positions.shape());
      float[][] idValues = {{4, 0, 6}, {1, 1, 2}};
      for (int b = 0; b < 2; b++) {
        for (int t = 0; t < 3; t++) {
          for (int d = 0; d < 2; d++) {
            float expected = tokens.getFloat((long) idValues[b][t], d) + positions.getFloat(t, d);
            assertEquals(expected, out.getFloat(b, t, d), 1e-7f, "b" + b + " t" + t + " d" + d);
          }
        }
      }
    }
  }

  @Test
  void tokenAndPositionEmbeddingRejectsAnotherSequenceLength() {
    Layer.clearNameCounters();
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      TransformerText.TokenAndPositionEmbedding layer =
          new TransformerText.TokenAndPositionEmbedding(3, 7, 2);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> layer.apply(tf, tf.constant(new float[][] {{1, 2, 3, 4}})));
      assertTrue(
          e.getMessage().contains("token_and_position_embedding") && e.getMessage().contains("[batch, 3]")
              && e.getMessage().contains("4"),
          e.getMessage());
    }
  }

  @Test
  void theTransformerBlockKeepsTheShapeAndNormalizesEachToken() {
    Layer.clearNameCounters();
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      TransformerText.TransformerBlock block = new TransformerText.TransformerBlock(4, 2, 8, 0.1);
      float[][][] x = new float[2][5][4];
      for (int b = 0; b < 2; b++) {
        for (int t = 0; t < 5; t++) {
          for (int d = 0; d < 4; d++) {
            x[b][t][d] = (float) Math.sin(1 + b * 20 + t * 4 + d);
          }
        }
      }
      Operand<TFloat32> y = block.apply(tf, tf.constant(x));
      assertEquals(Shape.of(2, 5, 4), y.shape());
      FloatNdArray out = NdArrays.ofFloats(Shape.of(2, 5, 4));
      y.asTensor().copyTo(out);
      // The last step is LayerNormalization with gamma 1 and beta 0 (as initialized): each token's
      // vector has mean 0 and variance 1 (up to epsilon 1e-6).
      for (int b = 0; b < 2; b++) {
        for (int t = 0; t < 5; t++) {
          double mean = 0;
          double square = 0;
          for (int d = 0; d < 4; d++) {
            mean += out.getFloat(b, t, d) / 4.0;
            square += out.getFloat(b, t, d) * out.getFloat(b, t, d) / 4.0;
          }
          assertEquals(0, mean, 1e-5);
          assertEquals(1, square - mean * mean, 1e-3);
        }
      }
      // Its sublayers are tracked: attention (query, key, value and output kernels and biases: 8),
      // the feed-forward Dense pair (4) and two layer normalizations (2 each).
      assertEquals(16, block.variables().size());
    }
  }

  private static float[] row(FloatNdArray x, long i) {
    float[] r = new float[(int) x.shape().get(1)];
    for (int j = 0; j < r.length; j++) {
      r[j] = x.getFloat(i, j);
    }
    return r;
  }
}
