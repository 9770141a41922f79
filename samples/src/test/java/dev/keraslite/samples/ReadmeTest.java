package dev.keraslite.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * README's code blocks are the project's code: each {@code java} block is the text of a file the
 * build compiles (named by the {@code <!-- snippet: PATH -->} line above the block: that file's
 * imports, a blank line, then the lines between its {@code // README:begin} and {@code //
 * README:end}, unindented); each {@code xml} block names this project's artifacts at their real
 * versions; each {@code bash} block runs scripts that exist with arguments the main job accepts; a
 * plain block listing directories names ones that exist (the other plain block is printed output,
 * not code); README's tutorial table has the markers the main job writes between.
 */
class ReadmeTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern SNIPPET = Pattern.compile("<!-- snippet: (\\S+) -->");
  private static final Path SNIPPETS = ROOT.resolve("samples/src/test/java/dev/keraslite/samples/readme");

  /** A fenced block: its language (may be empty), its text and the line before its fence. */
  record Block(String language, String text, String lineBefore, int line) {}

  static List<Block> blocks(String readme) {
    List<Block> blocks = new ArrayList<>();
    List<String> lines = readme.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.startsWith("```")) {
        int start = i;
        StringBuilder text = new StringBuilder();
        for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
          text.append(lines.get(i)).append('\n');
        }
        assertTrue(i < lines.size(), "README line " + (start + 1) + ": unclosed code block");
        blocks.add(new Block(line.substring(3).trim(), text.toString(),
            start > 0 ? lines.get(start - 1) : "", start + 1));
      }
    }
    return blocks;
  }

  private static String readme() throws IOException {
    return Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
  }

  @Test
  void everyJavaBlockIsACompiledFileShownWithItsImports() throws IOException {
    Set<Path> used = new HashSet<>();
    int javaBlocks = 0;
    for (Block b : blocks(readme())) {
      if (!b.language().equals("java")) {
        continue;
      }
      javaBlocks++;
      Matcher m = SNIPPET.matcher(b.lineBefore());
      assertTrue(m.matches(), "README line " + b.line() + ": a java block needs a line"
          + " <!-- snippet: path/to/File.java --> right above it, naming the compiled file it shows");
      Path file = ROOT.resolve(m.group(1));
      assertTrue(Files.isRegularFile(file), "README line " + b.line() + ": no file " + file);
      used.add(file.normalize());
      assertEquals(snippet(file), b.text(), "README line " + b.line() + " differs from " + m.group(1));
    }
    assertTrue(javaBlocks >= 6, "README's java blocks: " + javaBlocks);
    // Every file kept for README is shown there, so none drifts unnoticed.
    try (Stream<Path> files = Files.list(SNIPPETS)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        assertTrue(used.contains(f.normalize()), f + " is not shown in README");
      }
    }
  }

  /** What README shows of {@code file}: its imports, a blank line, its README region unindented. */
  static String snippet(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      if (line.startsWith("import ")) {
        out.append(line).append('\n');
      }
    }
    int begin = indexOfTrimmed(lines, "// README:begin");
    int end = indexOfTrimmed(lines, "// README:end");
    assertTrue(begin >= 0 && end > begin, file + ": needs // README:begin and // README:end");
    List<String> region = lines.subList(begin + 1, end);
    int indent = region.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    out.append('\n');
    for (String line : region) {
      out.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
    }
    return out.toString();
  }

  private static int indexOfTrimmed(List<String> lines, String marker) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).trim().equals(marker)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void xmlBlocksNameThisProjectsArtifactsAtTheirVersions() throws IOException {
    String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
    String projectVersion = tag(pom.substring(pom.indexOf("<artifactId>keras-lite-parent</artifactId>")), "version");
    String tensorflowVersion = tag(pom, "tensorflow.version");
    Pattern dependency = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);
    int checked = 0;
    for (Block b : blocks(readme())) {
      if (!b.language().equals("xml")) {
        continue;
      }
      Matcher m = dependency.matcher(b.text());
      assertTrue(m.find(), "README line " + b.line() + ": an xml block without a <dependency>");
      m.reset();
      while (m.find()) {
        String d = m.group(1);
        String group = tag(d, "groupId");
        String version = tag(d, "version");
        if (group.equals("dev.keraslite")) {
          assertEquals(projectVersion, version, "README line " + b.line() + ": keras-lite's version");
          assertTrue(Files.isRegularFile(ROOT.resolve(tag(d, "artifactId")).resolve("pom.xml")),
              "README line " + b.line() + ": no module " + tag(d, "artifactId"));
        } else {
          assertEquals("org.tensorflow", group, "README line " + b.line());
          assertEquals(tensorflowVersion, version, "README line " + b.line() + ": TensorFlow Java's version");
        }
        checked++;
      }
    }
    assertTrue(checked >= 3, "dependencies checked: " + checked);
  }

  private static String tag(String xml, String name) {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</" + Pattern.quote(name) + ">").matcher(xml);
    assertTrue(m.find(), "no <" + name + "> in " + xml);
    return m.group(1).trim();
  }

  @Test
  void bashBlocksRunScriptsThatExistWithArgumentsTheMainJobAccepts() throws Exception {
    Pattern script = Pattern.compile("bash (scripts/\\S+\\.sh)((?: [^#]*?)?)\\s*(?:#.*)?$");
    int checked = 0;
    for (Block b : blocks(readme())) {
      if (!b.language().equals("bash")) {
        continue;
      }
      for (String line : b.text().lines().toList()) {
        Matcher m = script.matcher(line.trim());
        if (!m.matches()) {
          continue;
        }
        assertTrue(Files.isRegularFile(ROOT.resolve(m.group(1))), "README: no " + m.group(1));
        if (m.group(1).equals("scripts/tutorial.sh")) {
          String[] args = m.group(2).isBlank() ? new String[0] : m.group(2).trim().split("\\s+");
          assertNotNull(TutorialArgs.parse(args, Tutorial.examples()), line);
        }
        checked++;
      }
    }
    assertTrue(checked >= 2, "README's script lines checked: " + checked);
  }

  @Test
  void theProjectLayoutNamesDirectoriesAndFilesThatExist() throws IOException {
    Pattern entry = Pattern.compile("^(\\S+/)\\s{2,}(.*)$");
    int checked = 0;
    for (Block b : blocks(readme())) {
      List<String> lines = b.text().lines().filter(l -> !l.isBlank()).toList();
      if (!b.language().isEmpty() || !lines.stream().allMatch(l -> entry.matcher(l).matches())) {
        continue;
      }
      for (String line : lines) {
        Matcher m = entry.matcher(line);
        assertTrue(m.matches());
        Path dir = ROOT.resolve(m.group(1));
        assertTrue(Files.isDirectory(dir), "README line " + b.line() + ": no directory " + dir);
        if (m.group(1).equals("scripts/")) {
          for (String script : m.group(2).split(",\\s*")) {
            assertTrue(Files.isRegularFile(dir.resolve(script)), "README: no scripts/" + script);
          }
        }
        checked++;
      }
    }
    assertTrue(checked >= 5, "layout entries checked: " + checked);
  }

  @Test
  void theTutorialTableSitsBetweenTheMarkersTheMainJobWrites() throws IOException {
    String readme = readme();
    String table = SummaryTable.extractFrom(readme);
    List<String> rows = table.lines().skip(2).toList();
    List<Tutorial.Example> examples = Tutorial.examples();
    assertEquals(examples.size(), rows.size(), "one row per example:\n" + table);
    for (int i = 0; i < rows.size(); i++) {
      assertTrue(rows.get(i).startsWith("| `" + examples.get(i).name() + "` | "),
          "row " + (i + 1) + " is " + examples.get(i).name() + "'s: " + rows.get(i));
    }
    assertFalse(table.contains(" s |"), "README's table has no wall times (they differ per run)");
  }

  @Test
  void aMissingMarkerIsReportedNotIgnored() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> SummaryTable.extractFrom("# README without table\n"));
    assertTrue(e.getMessage().contains(SummaryTable.BEGIN), e.getMessage());
    String replaced = SummaryTable.replaceIn(
        "a\n" + SummaryTable.BEGIN + "\nold\n" + SummaryTable.END + "\nb\n", "| new |\n");
    assertEquals("a\n" + SummaryTable.BEGIN + "\n| new |\n" + SummaryTable.END + "\nb\n", replaced);
    assertEquals("| new |\n", SummaryTable.extractFrom(replaced));
  }
}
