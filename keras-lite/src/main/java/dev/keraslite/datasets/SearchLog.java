package dev.keraslite.datasets;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The places a loader looked in and why each did not serve, for a not-found message. */
final class SearchLog {
  private final List<String> lines = new ArrayList<>();

  void miss(Path location, String reason) {
    lines.add("  " + location + ": " + reason);
  }

  /** "Searched:" and one line per location. */
  String describe() {
    return "Searched:\n" + String.join("\n", lines);
  }
}
