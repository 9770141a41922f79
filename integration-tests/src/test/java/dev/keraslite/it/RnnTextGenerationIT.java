package dev.keraslite.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.samples.RnnTextGeneration;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Example 7 on a local English text: the LSTM learns and generates from its vocabulary.
 *
 * <p>The text is Debian's licence texts read as one (/usr/share/common-licenses, every Debian
 * machine has it): 237 KB and 60 distinct characters, the closest local text to Nietzsche's 600 KB
 * and 57. Oracles: the untrained model's first loss is ln(vocabulary); after 300 steps the loss
 * (mean of steps 291-300, one batch is noisy) is at least 27% below the first step's; and it is
 * below the text's own character-frequency (unigram) entropy, so the model predicts from the
 * context, not just from how common each character is.
 *
 * <p>Why 27% and not the 30%: an independent PyTorch implementation of the same recipe
 * (Keras initialisers and Adam, 1 thread; integration-tests/reference/lstm_reference.py, run on demand
 * with PyTorch, never in CI) falls by 30.3% on this text with seed 0 and by 24.9%,
 * 27.6% and 28.8% on the GPL-3 text alone with seeds 0-2, so 30% in 300 steps is within seed noise
 * of what the recipe reaches at all; keras-lite measured 29.5% here. A fall clearly short of the
 * reference (a broken gradient, initialiser or optimizer) fails.
 */
class RnnTextGenerationIT {
  private static final Path TEXT = Path.of("/usr/share/common-licenses");

  @Test
  void threeHundredStepsCutTheLossByMoreThanAQuarter() throws java.io.IOException {
    RnnTextGeneration.Result r = RnnTextGeneration.run(TEXT, false, 300, 60, 50, 0);
    List<Float> losses = r.losses();
    assertEquals(300, losses.size());
    double first = losses.get(0);
    double last = mean(losses.subList(290, 300));
    System.out.printf(
        "RnnTextGenerationIT: %d characters; loss at step 1 %.4f (ln %d = %.4f), mean of steps 291-300 %.4f:"
            + " %.1f%% lower%n",
        r.numChars(), first, r.numChars(), Math.log(r.numChars()), last, 100 * (1 - last / first));
    // The untrained model is close to uniform over the vocabulary: its first loss is near ln(numChars).
    assertEquals(Math.log(r.numChars()), first, 0.05);
    assertTrue(last <= 0.73 * first, "loss fell from " + first + " to " + last + ", less than 27%");
    // Beating the text's own character frequencies shows the model uses the context, not just counts.
    double unigram = unigramEntropy(RnnTextGeneration.readText(TEXT));
    assertTrue(last < unigram, "loss " + last + " vs unigram entropy " + unigram);
    assertEquals(4, r.samples().size());
    for (String s : r.samples()) {
      assertEquals(60, s.length());
    }
  }

  /** Entropy in nats of the lower-cased text's character frequencies. */
  private static double unigramEntropy(String rawText) {
    String text = rawText.toLowerCase(java.util.Locale.ROOT);
    java.util.Map<Integer, Long> counts = text.chars().boxed()
        .collect(java.util.stream.Collectors.groupingBy(c -> c, java.util.stream.Collectors.counting()));
    double h = 0;
    for (long c : counts.values()) {
      double p = (double) c / text.length();
      h -= p * Math.log(p);
    }
    return h;
  }

  private static double mean(List<Float> values) {
    return values.stream().mapToDouble(Float::doubleValue).average().orElseThrow();
  }
}
