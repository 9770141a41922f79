package dev.keraslite.training;

import dev.keraslite.CompiledFunction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The steps a trainer has traced, by kind and input signature, with the names of their outputs:
 * kept across {@code fit}/{@code evaluate}/{@code predict} calls so that each is traced once, and
 * closed (graphs and sessions released) with the trainer.
 */
final class TracedSteps implements AutoCloseable {

  /** A traced step and the names of its outputs, in order. */
  record Traced(CompiledFunction function, List<String> outputNames) {}

  private final Map<String, Traced> byKey = new HashMap<>();

  Traced get(String key) {
    return byKey.get(key);
  }

  void put(String key, Traced traced) {
    byKey.put(key, traced);
  }

  @Override
  public void close() {
    byKey.values().forEach(t -> t.function().close());
    byKey.clear();
  }
}
