package dev.keraslite.samples;

import dev.keraslite.KerasLite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The main job: runs the chapter's examples in order with their normal output, then prints a summary
 * table (example, key result, wall time).
 *
 * <pre>
 * bash scripts/tutorial.sh                 # every example, CI-sized where an example is long
 * bash scripts/tutorial.sh --full          # the tutorial's full lengths (epochs, episodes)
 * bash scripts/tutorial.sh --only MlpCustomLoop --function   # the train step through eager.function
 * bash scripts/tutorial.sh --only CnnCustomLoop   # or several: --only ConvByHand,LinearRegression
 * bash scripts/tutorial.sh --list          # or --help: the examples, one per line
 * bash scripts/tutorial.sh --output /tmp/run   # where the fit runs' TensorBoard logs and plots go
 * bash scripts/tutorial.sh --write-readme  # run all, then write README's table (--check-readme compares)
 * </pre>
 *
 * <p>A usage mistake ({@code --only NoSuchExample}, an unknown option) prints one line naming what
 * is valid and exits with status 2; a failed example makes the run exit with status 1.
 *
 * <p>The {@code fit} runs write TensorBoard logs, History plots and model graphs under one output
 * folder ({@value #DEFAULT_OUTPUT}, relative to the working directory, unless {@code --output} says
 * otherwise); the job prints where they are at the end.
 */
public final class Tutorial {
  /**
   * One runnable example: its name and a function from the {@code --full} and {@code --function}
   * flags to its key result.
   */
  record Example(String name, String description, BiFunction<Boolean, Boolean, String> run) {
    /** An example that has no use for {@code --function}: {@code run} takes {@code --full} only. */
    Example(String name, String description, Function<Boolean, String> run) {
      this(name, description, (full, function) -> run.apply(full));
    }
  }

  /** Where the fit runs' logs and pictures go unless {@code --output} names another folder. */
  static final String DEFAULT_OUTPUT = "target/tutorial-output";

  private Tutorial() {}

  static List<Example> examples() {
    return examples(Path.of(DEFAULT_OUTPUT));
  }

  /** The examples, writing logs and pictures under {@code output}. */
  static List<Example> examples(Path output) {
    List<Example> list = new ArrayList<>();
    list.add(
        new Example(
            "ManualLinearRegression",
            "previous chapter: tape + hand-written gradient descent",
            full -> {
              ManualLinearRegression.Result r = ManualLinearRegression.run(100);
              ManualLinearRegression.print(r);
              return String.format(
                  Locale.ROOT, "a=[%.6f, %.6f, %.6f] b=%.6f", r.a()[0], r.a()[1], r.a()[2], r.b());
            }));
    list.add(
        new Example(
            "LinearRegression",
            "1. linear model as a Model class (Dense, SGD 0.01, 100 steps)",
            full -> {
              LinearRegression.Result r = LinearRegression.run(100);
              System.out.println(r.printed());
              return String.format(
                  Locale.ROOT,
                  "kernel=[%.6f, %.6f, %.6f] bias=%.6f",
                  r.kernel()[0], r.kernel()[1], r.kernel()[2], r.bias());
            }));
    list.add(
        new Example(
            "DataLoaders",
            "2. the MNISTLoader (MNIST if present, else Fashion-MNIST)",
            full -> {
              DataLoaders.MNISTLoader loader = new DataLoaders.MNISTLoader(0);
              DataLoaders.print(loader);
              return String.format(
                  Locale.ROOT, "%s train %s test %s", loader.name(), loader.trainData.shape(),
                  loader.testData.shape());
            }));
    list.add(
        new Example(
            "MlpCustomLoop",
            "3. MLP with a custom loop (Adam 1e-3, batch 50, 6000 steps)",
            (full, function) -> {
              CustomLoop.Result r = MlpCustomLoop.run(6000, full ? 1 : 500, 0, function);
              return String.format(
                  Locale.ROOT, "%s test accuracy %.4f (last loss %.4f)%s", r.dataset(), r.testAccuracy(),
                  r.lastLoss(), function ? " with eager.function" : "");
            }));
    list.add(
        new Example(
            "CnnCustomLoop",
            "4. CNN with the custom loop (1,200 steps; 6,000 with --full)",
            (full, function) -> {
              CustomLoop.Result r = CnnCustomLoop.run(full ? 6000 : 1200, full ? 1 : 200, 0, function);
              return String.format(
                  Locale.ROOT, "%s test accuracy %.4f after %d steps%s", r.dataset(), r.testAccuracy(),
                  r.steps(), function ? " with eager.function" : "");
            }));
    list.add(
        new Example(
            "MobileNetV2",
            "5. MobileNetV2(weights=None) from applications, compiled fit on Fashion-MNIST 32x32x3",
            full -> {
              MobileNetV2Flowers.Result r =
                  MobileNetV2Flowers.run(MobileNetV2Flowers.EPOCHS, MobileNetV2Flowers.TRAIN_SAMPLES, 1, 0);
              return String.format(
                  Locale.ROOT, "%s 32x32x3, %d images x %d epoch(s): test accuracy %.4f", r.dataset(),
                  r.trainSamples(), r.epochs(), r.testAccuracy());
            }));
    list.add(
        new Example(
            "ConvByHand",
            "6. a convolution by hand (7x7 image, 3x3 kernel, bias 1)",
            full -> {
              String valid = ConvByHand.format(ConvByHand.featureMap(1));
              String strided = ConvByHand.format(ConvByHand.featureMap(2));
              System.out.println(valid);
              System.out.println("strides=2: " + strided);
              return valid + " / strides=2: " + strided;
            }));
    list.add(
        new Example(
            "RnnTextGeneration",
            "7. character-level LSTM text generation (1,000 steps, 4 temperatures)",
            full -> {
              RnnTextGeneration.Result r = RnnTextGeneration.run(null, false, 1000, 400, 100, 0);
              List<Float> losses = r.losses();
              return String.format(
                  Locale.ROOT, "%s: loss %.3f -> %.3f", r.textName(), losses.get(0), losses.get(losses.size() - 1));
            }));
    list.add(
        new Example(
            "DeepQLearningCartPole",
            "8. Deep Q-Learning on CartPole-v1 (100 episodes; 500 with --full)",
            full -> {
              DeepQLearningCartPole.Result r = DeepQLearningCartPole.run(full ? 500 : 100, 0, true);
              int[] scores = r.scores();
              int best = java.util.Arrays.stream(scores).max().orElse(0);
              double last10 = java.util.Arrays.stream(scores, Math.max(0, scores.length - 10), scores.length).average().orElse(0);
              return String.format(Locale.ROOT, "%d episodes, best score %d, mean of last 10 %.1f", scores.length, best, last10);
            }));
    list.add(
        new Example(
            "KerasPipeline",
            "9. Sequential and functional models with compile/fit/evaluate",
            full -> {
              StringBuilder out = new StringBuilder();
              for (KerasPipeline.Kind kind : KerasPipeline.Kind.values()) {
                boolean cnn = kind.name().startsWith("CNN");
                // The MLPs train the tutorial's 5 epochs; the CNNs 1 epoch unless --full.
                int epochs = cnn && !full ? 1 : 5;
                KerasPipeline.Result r = KerasPipeline.run(kind, epochs, 60000, 1, 0, output);
                out.append(out.length() > 0 ? ", " : "")
                    .append(String.format(Locale.ROOT, "%s %.4f", kind, r.test().get("sparse_categorical_accuracy")));
              }
              return out.toString();
            }));
    list.add(
        new Example(
            "CustomLayerLossMetric",
            "10-12. custom layer, loss and metric (Adam 0.01, 100 steps)",
            full -> {
              CustomLayerLossMetric.Result r = CustomLayerLossMetric.run(100);
              CustomLayerLossMetric.print(r);
              return String.format(
                  Locale.ROOT,
                  "w=[%.5f, %.6f, %.6f] b=%.6f accuracy=%.2f",
                  r.w()[0], r.w()[1], r.w()[2], r.b(), r.accuracy());
            }));
    list.add(
        new Example(
            "TransformerText",
            "beyond the chapter: transformer text classifier (custom layers, fit 4 epochs) on Debian's fortunes",
            full -> {
              TransformerText.Result r =
                  TransformerText.run(TransformerText.FORTUNES, TransformerText.EPOCHS, 1, SEED);
              return String.format(
                  Locale.ROOT, "%d categories, %d test fortunes: test accuracy %.4f (majority baseline %.4f)",
                  r.categories().size(), r.testSize(), r.testAccuracy(), r.majorityBaseline());
            }));
    return list;
  }

  /** The seed every example starts from, so that each run prints the same figures. */
  static final long SEED = 0;

  public static void main(String[] args) {
    List<Example> examples = examples();
    TutorialArgs options;
    try {
      options = TutorialArgs.parse(args, examples);
    } catch (TutorialArgs.UsageException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (options.help() || options.list()) {
      if (options.help()) {
        System.out.println(TutorialArgs.USAGE);
        System.out.println("examples (--only NAME):");
      }
      examples.forEach(e -> System.out.printf("%-24s %s%n", e.name(), e.description()));
      return;
    }
    SummaryTable summary = run(examples, options);
    summary.print(System.out);
    if (options.markdown()) {
      System.out.println();
      System.out.print(summary.markdown());
    }
    Path output = options.output();
    if (Files.isDirectory(output.resolve("tensorboard"))) {
      Path abs = output.toAbsolutePath().normalize();
      System.out.println();
      System.out.println("TensorBoard logs, History plots and model graphs: " + abs);
      System.out.println("  tensorboard --logdir " + abs.resolve("tensorboard"));
    }
    boolean failed = summary.rows().stream().anyMatch(r -> r.result().startsWith(FAILED));
    if (options.readme() != TutorialArgs.Readme.NONE) {
      failed |= !readme(summary, options);
    }
    if (failed) {
      System.exit(1);
    }
  }

  private static final String FAILED = "FAILED: ";

  /** Runs the chosen examples in order, each from {@link #SEED}, printing their own output. */
  private static SummaryTable run(List<Example> examples, TutorialArgs options) {
    SummaryTable summary = new SummaryTable();
    int n = 0;
    for (Example e : examples(options.output())) {
      n++;
      if (!options.only().isEmpty() && !options.only().contains(e.name())) {
        continue;
      }
      System.out.printf("%n=== %d. %s: %s ===%n", n, e.name(), e.description());
      // Each example starts from the same global seed, so it prints the same alone (--only) as
      // after the others; the examples with a seed argument also set it themselves.
      KerasLite.setRandomSeed(SEED);
      long t0 = System.nanoTime();
      String result;
      try {
        result = e.run().apply(options.full(), options.function());
      } catch (RuntimeException ex) {
        result = FAILED + ex;
        ex.printStackTrace();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      summary.add(new SummaryTable.Row(e.name(), e.description(), result, seconds));
    }
    return summary;
  }

  /** Writes or checks README's table; false when the check finds a difference. */
  private static boolean readme(SummaryTable summary, TutorialArgs options) {
    Path path = Path.of(options.readmePath());
    try {
      if (options.readme() == TutorialArgs.Readme.WRITE) {
        summary.write(path);
        System.out.println("wrote the table into " + path);
        return true;
      }
      boolean same = summary.check(path, System.err);
      if (same) {
        System.out.println(path + "'s tutorial table equals this run's");
      }
      return same;
    } catch (IOException | IllegalArgumentException e) {
      String verb = options.readme() == TutorialArgs.Readme.WRITE ? "write" : "check";
      System.err.println("Tutorial: cannot " + verb + " " + path + "'s table: " + e.getMessage());
      return false;
    }
  }
}
