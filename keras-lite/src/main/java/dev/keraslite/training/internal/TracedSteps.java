package dev.keraslite.training.internal;

import dev.keraslite.CompiledFunction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.GraphDef;

/**
 * The steps a trainer has traced, by kind and input signature, with the names of their outputs:
 * kept across {@code fit}/{@code evaluate}/{@code predict} calls so that each is traced once, and
 * closed (graphs and sessions released) with the trainer.
 */
final class TracedSteps implements AutoCloseable {

  /** A traced step and the names of its outputs, in order. */
  record Traced(CompiledFunction function, List<String> outputNames) {}

  private final Map<String, Traced> byKey = new LinkedHashMap<>();

  Traced get(String key) {
    return byKey.get(key);
  }

  void put(String key, Traced traced) {
    byKey.put(key, traced);
  }

  /** Every traced step, by key, in tracing order. */
  Map<String, Traced> all() {
    return java.util.Collections.unmodifiableMap(byKey);
  }

  /** The graph of the first step of {@code kind} ("train", "test", ...) traced, or null. */
  GraphDef firstGraph(String kind) {
    for (Map.Entry<String, Traced> e : byKey.entrySet()) {
      if (e.getKey().startsWith(kind)) {
        return e.getValue().function().graphDef();
      }
    }
    return null;
  }

  @Override
  public void close() {
    byKey.values().forEach(t -> t.function().close());
    byKey.clear();
  }
}
