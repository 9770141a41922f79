package dev.keraslite.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.KerasLite;
import dev.keraslite.layers.Layer;
import dev.keraslite.models.Model;
import dev.keraslite.samples.TransformerText;
import dev.keraslite.training.FitOptions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.op.Ops;

/**
 * The transformer text classifier on a real corpus: fortunes of five categories of Debian's {@code
 * fortunes} package ({@code bash scripts/setup.sh} installs it; without it these tests fail, saying
 * so, as the Fashion-MNIST tests do without their data).
 */
class TransformerTextIT {
  @Test
  void beatsTheMajorityBaselineByFar() {
    // Seeds 0 to 4 reached 0.8099, 0.8179, 0.7791, 0.8059 and 0.8019 after the sample's 4 epochs;
    // the majority baseline (always "definitions") is 0.3226. The floor is below every seed and more
    // than twice the baseline: a model that learnt only the class frequencies, or nothing, fails.
    TransformerText.Result r = TransformerText.run(TransformerText.FORTUNES, 4, 0, 0);
    System.out.printf(
        "TransformerTextIT: %s, %d training / %d test fortunes, vocabulary %d: test accuracy %.4f,"
            + " majority baseline %.4f, loss by epoch %s%n",
        r.categories(), r.trainSize(), r.testSize(), r.vocabularySize(), r.testAccuracy(),
        r.majorityBaseline(), r.history().history().get("loss"));
    assertEquals(5, r.categories().size());
    assertTrue(r.testSize() >= 700, "test fortunes: " + r.testSize());
    // The baseline bounds what the floor means: at most a third of the test set is one category.
    assertTrue(r.majorityBaseline() < 0.35, "majority baseline " + r.majorityBaseline());
    assertTrue(r.testAccuracy() >= 0.70, "test accuracy " + r.testAccuracy());
    List<Double> loss = r.history().history().get("loss");
    assertTrue(loss.get(loss.size() - 1) < 0.5 * loss.get(0), "training loss " + loss);
  }

  /**
   * With the sample's dropout (0.1) on: both runs start from {@code KerasLite.setRandomSeed(0)}, so
   * every Dropout layer draws the same op seed in both, and TensorFlow's seeded random op gives the
   * same sequence of masks whether its kernel runs eagerly or inside the traced step. The run without
   * dropout starts from the same weights (a Dropout draws its seed on its first training call, after
   * the weights exist) and shows the masks were really applied, so the equality covers them too.
   */
  @Test
  void eagerAndCompiledFitGiveTheSameTenLosses() {
    TransformerText.Data data = TransformerText.loadData(TransformerText.FORTUNES);
    List<Double> compiled = tenStepLosses(data, false, 0.1);
    List<Double> eager = tenStepLosses(data, true, 0.1);
    List<Double> withoutDropout = tenStepLosses(data, false, 0);
    System.out.println("TransformerTextIT compiled: " + compiled);
    System.out.println("TransformerTextIT eager:    " + eager);
    assertEquals(10, compiled.size());
    assertEquals(10, eager.size());
    for (int i = 0; i < 10; i++) {
      assertEquals(compiled.get(i), eager.get(i), 1e-5, "loss of step " + (i + 1));
    }
    // The steps really train: the loss moves between the first and the last step.
    assertTrue(Math.abs(compiled.get(9) - compiled.get(0)) > 1e-3, "losses " + compiled);
    // Dropout acted in training: the first step's loss differs from the same model's without it.
    assertTrue(
        Math.abs(withoutDropout.get(0) - compiled.get(0)) > 1e-4,
        "first loss with dropout " + compiled.get(0) + ", without " + withoutDropout.get(0));
  }

  /**
   * The loss of each of 10 {@code fit} steps of the sample's model with {@code dropout}, built from
   * seed 0, run eagerly ({@code setRunEagerly(true)}) or as compiled steps (the default): one batch of
   * 32 per epoch ({@code stepsPerEpoch(1)}: the epochs continue through one pass over the training
   * data, shuffled with seed 0), so that {@code fit}'s per-epoch loss is each step's own loss.
   */
  private static List<Double> tenStepLosses(TransformerText.Data data, boolean eagerly, double dropout) {
    Layer.clearNameCounters();
    KerasLite.setRandomSeed(0);
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Model model = TransformerText.build(data.vocabularySize(), data.categories().size(), dropout);
      TransformerText.compile(tf, model);
      model.setRunEagerly(eagerly);
      FitOptions options = FitOptions.epochs(10).stepsPerEpoch(1).batchSize(32).seed(0).verbose(0);
      return model.fit(data.xTrain(), data.yTrain(), options).history().get("loss");
    }
  }
}
