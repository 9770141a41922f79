package dev.keraslite.samples;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The main job's command line. A usage mistake is a {@link UsageException} whose message is the one
 * line {@link Tutorial#main} prints before exiting with status 2.
 *
 * @param full the tutorial's full lengths ({@code --full})
 * @param function the custom loops (MlpCustomLoop, CnnCustomLoop) run their train step through
 *     {@code eager.function}, the tutorial's {@code @tf.function} ({@code --function})
 * @param only the examples to run ({@code --only NAME[,NAME...]}), or empty for all of them
 * @param list print the examples and stop ({@code --list})
 * @param help print the usage and the examples and stop ({@code --help}, {@code -h})
 * @param markdown also print the summary as README's markdown table ({@code --markdown})
 * @param readme what to do with README's table after the run ({@code --write-readme}, {@code
 *     --check-readme})
 * @param readmePath the README to write or check (default {@code README.md})
 * @param output where the fit runs' TensorBoard logs, History plots and model graphs go ({@code
 *     --output DIR}, default {@value Tutorial#DEFAULT_OUTPUT})
 */
record TutorialArgs(
    boolean full, boolean function, Set<String> only, boolean list, boolean help, boolean markdown, Readme readme,
    String readmePath, Path output) {

  /** What the run does with README's table. */
  enum Readme {
    NONE,
    WRITE,
    CHECK
  }

  /** The usage line {@code --help} prints. */
  static final String USAGE =
      "usage: Tutorial [--full] [--function] [--only NAME[,NAME...]] [--output DIR] [--markdown]"
          + " [--write-readme|--check-readme [README]] [--list] [--help]";

  /** A usage mistake: its message is the single line to print. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  /** Parses {@code args}, checking {@code --only} against the names of {@code examples}. */
  static TutorialArgs parse(String[] args, List<Tutorial.Example> examples) throws UsageException {
    boolean full = false;
    boolean function = false;
    boolean list = false;
    boolean help = false;
    boolean markdown = false;
    Set<String> only = new LinkedHashSet<>();
    Readme readme = Readme.NONE;
    String readmePath = "README.md";
    Path output = Path.of(Tutorial.DEFAULT_OUTPUT);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--full" -> full = true;
        case "--function" -> function = true;
        case "--list" -> list = true;
        case "--help", "-h" -> help = true;
        case "--markdown" -> markdown = true;
        case "--only" -> {
          if (i + 1 == args.length || args[i + 1].startsWith("--")) {
            throw new UsageException("Tutorial: --only needs an example name, one of " + names(examples));
          }
          for (String name : args[++i].split(",")) {
            only.add(canonicalName(name.trim(), examples));
          }
        }
        case "--output" -> {
          if (i + 1 == args.length || args[i + 1].startsWith("--")) {
            throw new UsageException("Tutorial: --output needs a directory");
          }
          output = Path.of(args[++i]);
        }
        case "--write-readme", "--check-readme" -> {
          if (readme != Readme.NONE) {
            throw new UsageException("Tutorial: give only one of --write-readme and --check-readme");
          }
          readme = args[i].equals("--write-readme") ? Readme.WRITE : Readme.CHECK;
          if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
            readmePath = args[++i];
          }
        }
        default -> throw new UsageException(
            "Tutorial: unknown argument '" + args[i] + "' (try --help)");
      }
    }
    if (readme != Readme.NONE && (!only.isEmpty() || full || function)) {
      // README's table documents the default run of every example, nothing else.
      throw new UsageException(
          "Tutorial: --write-readme and --check-readme need the default run of every example"
              + " (no --only, no --full, no --function)");
    }
    return new TutorialArgs(full, function, Set.copyOf(only), list, help, markdown, readme, readmePath, output);
  }

  /** The example's name as the tutorial spells it; case does not matter on the command line. */
  private static String canonicalName(String name, List<Tutorial.Example> examples)
      throws UsageException {
    for (Tutorial.Example e : examples) {
      if (e.name().equalsIgnoreCase(name)) {
        return e.name();
      }
    }
    throw new UsageException(
        "Tutorial: no example named '" + name + "'; the examples are " + names(examples));
  }

  private static String names(List<Tutorial.Example> examples) {
    return examples.stream().map(Tutorial.Example::name).collect(Collectors.joining(", "));
  }
}
