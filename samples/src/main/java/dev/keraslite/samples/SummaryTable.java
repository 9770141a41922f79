package dev.keraslite.samples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The main job's results: the text table printed at the end of a run (with wall times), and README's
 * markdown table (without them, so that it is the same on every run), which the run can write into
 * README between {@link #BEGIN} and {@link #END} or check against it.
 */
final class SummaryTable {
  /** The line before README's generated table. */
  static final String BEGIN = "<!-- tutorial-table:begin (bash scripts/tutorial.sh --write-readme) -->";

  /** The line after README's generated table. */
  static final String END = "<!-- tutorial-table:end -->";

  /** One example's row. */
  record Row(String name, String description, String result, double seconds) {}

  private final List<Row> rows = new ArrayList<>();

  void add(Row row) {
    rows.add(row);
  }

  List<Row> rows() {
    return rows;
  }

  /** The aligned text table: example, key result, wall time. */
  void print(PrintStream out) {
    int w0 = "example".length();
    int w1 = "key result".length();
    for (Row r : rows) {
      w0 = Math.max(w0, r.name().length());
      w1 = Math.max(w1, r.result().length());
    }
    String format = "%-" + w0 + "s | %-" + w1 + "s | %s%n";
    out.println();
    out.printf(format, "example", "key result", "wall time");
    out.println("-".repeat(w0) + "-+-" + "-".repeat(w1) + "-+-" + "-".repeat(9));
    for (Row r : rows) {
      out.printf(format, r.name(), r.result(), String.format(Locale.ROOT, "%.1f s", r.seconds()));
    }
  }

  /** README's table: one row per example with what it runs and its key result; no timings. */
  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("| example (`--only`) | what it runs | result printed by the main job |\n");
    md.append("|---|---|---|\n");
    for (Row r : rows) {
      md.append("| `").append(r.name()).append("` | ").append(cell(r.description())).append(" | ")
          .append(cell(r.result())).append(" |\n");
    }
    return md.toString();
  }

  /** {@code text} with {@code table} between the markers in place of what was there. */
  static String replaceIn(String text, String table) {
    int from = markersStart(text);
    return text.substring(0, from) + "\n" + table + text.substring(text.indexOf(END, from));
  }

  /** The table found between the markers of {@code text}. */
  static String extractFrom(String text) {
    int from = markersStart(text);
    String table = text.substring(from, text.indexOf(END, from));
    return table.startsWith("\n") ? table.substring(1) : table;
  }

  /** Where the table starts: right after {@link #BEGIN}. */
  private static int markersStart(String text) {
    int begin = text.indexOf(BEGIN);
    if (begin < 0 || text.indexOf(END, begin) < 0) {
      throw new IllegalArgumentException(
          "README has no tutorial table: expected a line " + BEGIN + " and, after it, " + END);
    }
    return begin + BEGIN.length();
  }

  /** Writes this run's table into {@code readme}. */
  void write(Path readme) throws IOException {
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    Files.writeString(readme, replaceIn(text, markdown()), StandardCharsets.UTF_8);
  }

  /**
   * Compares this run's table with {@code readme}'s; on a difference prints the differing rows to
   * {@code err} and returns false.
   */
  boolean check(Path readme, PrintStream err) throws IOException {
    String documented = extractFrom(Files.readString(readme, StandardCharsets.UTF_8));
    String produced = markdown();
    if (documented.equals(produced)) {
      return true;
    }
    err.println("Tutorial: " + readme + "'s tutorial table differs from this run's"
        + " (bash scripts/tutorial.sh --write-readme rewrites it):");
    List<String> was = documented.lines().toList();
    List<String> now = produced.lines().toList();
    for (int i = 0; i < Math.max(was.size(), now.size()); i++) {
      String a = i < was.size() ? was.get(i) : "";
      String b = i < now.size() ? now.get(i) : "";
      if (!a.equals(b)) {
        err.println("- " + a);
        err.println("+ " + b);
      }
    }
    return false;
  }

  /** A markdown table cell: pipes escaped, so a result may contain them. */
  private static String cell(String s) {
    return s.replace("|", "\\|");
  }
}
