package dev.keraslite.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The main job as a user runs it, {@code bash scripts/tutorial.sh} (the build already done by this
 * Maven run, so the script goes straight to its plain {@code java} command): the fast examples print
 * bitwise the same figures on two runs, the same as README's table rows; the output holds no line
 * from Maven, apt, Abseil or TensorFlow's logger; a usage mistake is one line and exit status 2.
 */
class TutorialLauncherIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** The examples that take seconds, not minutes; MlpCustomLoop is the one issue 14 saw vary. */
  private static final String FAST =
      "ManualLinearRegression,LinearRegression,DataLoaders,MlpCustomLoop,ConvByHand,CustomLayerLossMetric,"
          + "TransformerText";

  /** Lines that are not the tutorial's: Maven, ANSI colours, apt/debconf, Abseil, TensorFlow's logger. */
  private static final List<Pattern> NOISE = List.of(
      Pattern.compile("\u001b\\["),                                        // ANSI escape codes
      Pattern.compile("^\\[(INFO|WARNING|ERROR)\\]"),                      // Maven
      Pattern.compile("debconf|apt-get|^(Get|Hit|Ign):\\d+ "),             // apt
      Pattern.compile("absl::InitializeLog"),                              // Abseil's first line
      Pattern.compile("^[IWEF]\\d{4} [0-9:. ]+ +\\d+ \\S+\\.cc:\\d+\\]"),  // Abseil's log lines
      Pattern.compile("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+: [IWEF] "), // TensorFlow's
      Pattern.compile("mlir_graph_optimization_pass|oneDNN|cpu_feature_guard"));

  record Run(int status, String stdout, String stderr) {}

  static Run tutorial(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", "scripts/tutorial.sh"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("tutorial", ".out");
    Path err = Files.createTempFile("tutorial", ".err");
    try {
      Process p = new ProcessBuilder(command).directory(ROOT.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      assertTrue(p.waitFor(15, TimeUnit.MINUTES), "tutorial.sh " + String.join(" ", args) + " timed out");
      return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** The markdown table row of example {@code name} in {@code text}. */
  static String tableRow(String text, String name) {
    return text.lines().filter(l -> l.startsWith("| `" + name + "` |")).findFirst()
        .orElseThrow(() -> new AssertionError("no table row for " + name + " in:\n" + text));
  }

  /**
   * The output with its times blanked, the only part allowed to differ: the summary's wall-time
   * column and the progress bar's ({@code - 2s 11ms/step -}) of an example that runs {@code fit}.
   */
  static String withoutWallTimes(String stdout) {
    return stdout
        .replaceAll("(?m)\\| \\d+\\.\\d s$", "| (time)")
        .replaceAll("- \\d+s \\d+(ms|us|s)/step -", "- (time) -");
  }

  @Test
  void fastExamplesPrintTheSameFiguresTwiceAndNothingButTheirOwnLines() throws Exception {
    Run first = tutorial("--only", FAST, "--markdown");
    Run second = tutorial("--only", FAST, "--markdown");
    assertEquals(0, first.status(), first.stdout() + first.stderr());
    assertEquals(0, second.status(), second.stdout() + second.stderr());
    for (String name : FAST.split(",")) {
      assertTrue(first.stdout().contains("| `" + name + "` |"), name + " ran:\n" + first.stdout());
    }
    // Bitwise: every printed figure (losses, accuracies, weights) is the same text on both runs.
    assertEquals(withoutWallTimes(first.stdout()), withoutWallTimes(second.stdout()));
    // ... and the same as README's table, which the main job wrote (--write-readme). The slow
    // examples' rows are checked by hand with --check-readme (a full run takes 10 minutes).
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    for (String name : FAST.split(",")) {
      assertEquals(tableRow(readme, name), tableRow(first.stdout(), name), name + "'s row in README");
    }

    for (Run run : List.of(first, second)) {
      for (String line : (run.stdout() + run.stderr()).lines().toList()) {
        for (Pattern noise : NOISE) {
          assertTrue(!noise.matcher(line).find(), "not the tutorial's line: " + line);
        }
      }
      assertEquals("", run.stderr(), "stderr holds only errors, and there were none");
    }
  }

  @Test
  void aUsageMistakeIsOneLineNamingTheValidExamplesAndStatusTwo() throws Exception {
    Run run = tutorial("--only", "NoSuchExample");
    assertEquals(2, run.status());
    assertEquals("", run.stdout());
    List<String> lines = run.stderr().lines().toList();
    assertEquals(1, lines.size(), run.stderr());
    assertTrue(lines.get(0).contains("NoSuchExample"), lines.get(0));
    for (String name : FAST.split(",")) {
      assertTrue(lines.get(0).contains(name), lines.get(0));
    }
  }

  @Test
  void helpListsEveryExampleOnALineOfItsOwn() throws Exception {
    Run help = tutorial("--help");
    Run list = tutorial("--list");
    assertEquals(0, help.status(), help.stderr());
    assertEquals(0, list.status(), list.stderr());
    List<String> examples = list.stdout().lines().toList();
    assertTrue(examples.size() >= 10, list.stdout());
    assertTrue(help.stdout().startsWith("usage: Tutorial"), help.stdout());
    assertTrue(help.stdout().endsWith(list.stdout()), "--help ends with --list's lines:\n" + help.stdout());
    assertEquals("", help.stderr() + list.stderr());
  }
}
