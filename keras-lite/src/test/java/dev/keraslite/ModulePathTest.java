package dev.keraslite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keras-lite as the named module {@code dev.keraslite}, seen from a user's module: the exported
 * packages compile and train, the internal ones do not compile, and the one JVM flag the fast path
 * needs is the one its warning names. The other tests run on the class path; this one compiles a
 * consumer module (src/test/resources/modulepath) against target/classes and runs it in a fresh JVM.
 */
class ModulePathTest {
  private static final String OPENS = "--add-opens=tensorflow/org.tensorflow=dev.keraslite";

  @TempDir static Path work;
  private static String modulePath;
  private static Path app;

  @BeforeAll
  static void compileConsumer() throws Exception {
    modulePath = libraryModulePath();
    app = work.resolve("app");
    CompileResult result = compile("app", app);
    assertEquals(0, result.exitCode, "the consumer module should compile:\n" + result.output);
  }

  @Test
  void internalPackagesAreNotVisibleToUsers() throws Exception {
    CompileResult result = compile("internal", work.resolve("internal"));
    assertFalse(result.exitCode == 0, "a user module compiled against dev.keraslite.internal.fast");
    assertTrue(
        result.output.contains("package dev.keraslite.internal.fast is not visible")
            && result.output.contains("package dev.keraslite.layers.internal is not visible")
            && result.output.contains("package dev.keraslite.losses.internal is not visible")
            && result.output.contains("package dev.keraslite.training.internal is not visible")
            && result.output.contains("does not export it"),
        result.output);
  }

  @Test
  void everyPackageButInternalIsExported() throws IOException, URISyntaxException {
    Path classes = Path.of(Eager.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ModuleDescriptor descriptor;
    Set<String> packages;
    try (Stream<Path> files = Files.walk(classes)) {
      packages =
          files
              .filter(f -> f.toString().endsWith(".class") && !f.endsWith("module-info.class"))
              .map(f -> classes.relativize(f.getParent()).toString().replace(File.separatorChar, '.'))
              .collect(Collectors.toSet());
    }
    try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
      descriptor = ModuleDescriptor.read(in, () -> packages);
    }
    Set<String> exported =
        descriptor.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
    Set<String> expected =
        descriptor.packages().stream()
            .filter(p -> !p.endsWith(".internal") && !p.contains(".internal."))
            .collect(Collectors.toSet());
    assertEquals(new TreeSet<>(expected), new TreeSet<>(exported));
    assertTrue(descriptor.packages().contains("dev.keraslite.internal.fast"), descriptor.packages()::toString);
  }

  @Test
  void userModuleTrainsWithTheFastPath() throws Exception {
    String out = run(List.of(OPENS));
    assertTrue(out.contains("fast path: true"), out);
    assertTrains(out);
  }

  @Test
  void withoutTheFlagTheFastPathTurnsOffAndItsWarningNamesTheFlag() throws Exception {
    String out = run(List.of());
    assertTrue(out.contains("fast path: false"), out);
    assertTrue(out.contains("add --add-opens tensorflow/org.tensorflow=dev.keraslite."), out);
    assertTrains(out);
  }

  private static void assertTrains(String out) {
    String eager = line(out, "eager loss ");
    String[] losses = eager.substring("eager loss ".length(), eager.indexOf(',')).split(" -> ");
    assertTrue(
        Float.parseFloat(losses[1]) < 0.1f * Float.parseFloat(losses[0]),
        "the tape loop should train: " + eager);
    // Dense's kernel and bias, found through the model's field (the consumer opens demo to us).
    assertTrue(eager.endsWith("sublayer variables 2"), eager);
    String fit = line(out, "fit loss ");
    List<Double> epochs =
        Arrays.stream(fit.substring("fit loss [".length(), fit.length() - 1).split(", "))
            .map(Double::valueOf)
            .collect(Collectors.toList());
    assertEquals(3, epochs.size(), fit);
    assertTrue(epochs.get(2) < epochs.get(0), "compiled fit should train: " + fit);
  }

  private static String line(String out, String prefix) {
    return out.lines()
        .filter(l -> l.startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line '" + prefix + "' in:\n" + out));
  }

  private static String run(List<String> flags) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(flags);
    command.add("--module-path");
    command.add(app + File.pathSeparator + modulePath);
    command.add("-m");
    command.add("app/demo.Main");
    Path log = work.resolve("run-" + flags.size() + ".log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertTrue(process.waitFor(240, TimeUnit.SECONDS), "the consumer did not finish in 240 s");
    } finally {
      process.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), out);
    return out;
  }

  private record CompileResult(int exitCode, String output) {}

  private static CompileResult compile(String module, Path out)
      throws IOException, URISyntaxException, InterruptedException {
    Path sources = Path.of(ModulePathTest.class.getResource("/modulepath/" + module).toURI());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "javac").toString());
    command.addAll(List.of("-d", out.toString(), "--module-path", modulePath));
    try (Stream<Path> files = Files.walk(sources)) {
      files.filter(f -> f.toString().endsWith(".java")).forEach(f -> command.add(f.toString()));
    }
    Process javac = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(javac.waitFor(120, TimeUnit.SECONDS), "javac did not finish in 120 s");
    return new CompileResult(javac.exitValue(), output);
  }

  /**
   * The library's classes (with module-info.class) and its runtime dependencies, without the test
   * tools: surefire names the test class path in {@code surefire.test.class.path}.
   */
  private static String libraryModulePath() {
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return Arrays.stream(classPath.split(File.pathSeparator))
        .filter(e -> !e.endsWith("test-classes"))
        .filter(e -> !Path.of(e).getFileName().toString()
            .matches("(junit|archunit|jazzer|opentest4j|apiguardian|surefire).*"))
        .collect(Collectors.joining(File.pathSeparator));
  }
}
