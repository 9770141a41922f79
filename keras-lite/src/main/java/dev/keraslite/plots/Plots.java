package dev.keraslite.plots;

import dev.keraslite.plots.LayerGraph.LayerNode;
import dev.keraslite.models.Model;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Keras's {@code plot_model}: the layer graph of a model as Graphviz DOT text and, where Graphviz's
 * {@code dot} program is installed (Debian's {@code graphviz}), as a PNG.
 *
 * <pre>{@code
 * Plots.modelGraph(model, Path.of("model.png"));   // writes model.dot, and model.png when dot exists
 * }</pre>
 *
 * <p>Each box shows what {@code plot_model(show_shapes=True, show_layer_names=True)} shows: the layer's
 * name and class, and its input and output shapes as Keras prints them ({@code (None, 28, 28, 1)}).
 */
public final class Plots {
  /** The Graphviz program used for pictures, found on the {@code PATH}. */
  public static final String DOT_PROGRAM = "dot";

  private static final long DOT_TIMEOUT_SECONDS = 60;

  private Plots() {}

  /** What {@link #modelGraph} wrote: the DOT file, and the PNG or null when {@code dot} is missing. */
  public record Written(Path dot, Path png) {}

  /**
   * Writes the layer graph of {@code model} next to {@code file}: {@code <name>.dot} always, and
   * {@code file} itself as a PNG rendered by Graphviz when {@code dot} is on the {@code PATH}.
   *
   * @param file the picture's path; its {@code .png} extension (if any) is replaced by {@code .dot}
   *     for the DOT text
   * @throws IllegalStateException if the model is not built, or {@code dot} fails
   */
  public static Written modelGraph(Model model, Path file) {
    if (model == null || file == null) {
      throw new IllegalArgumentException("Plots.modelGraph: the model and the file are required");
    }
    String dotText = toDot(model);
    String name = file.getFileName().toString();
    String base = name.toLowerCase(java.util.Locale.ROOT).endsWith(".png") ? name.substring(0, name.length() - 4) : name;
    Path dotFile = file.resolveSibling(base + ".dot");
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(dotFile, dotText, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Plots.modelGraph: cannot write " + dotFile, e);
    }
    if (!dotAvailable()) {
      return new Written(dotFile, null);
    }
    render(dotFile, file);
    return new Written(dotFile, file);
  }

  /** The DOT text of the model's layer graph (top to bottom, one box per layer). */
  public static String toDot(Model model) {
    List<LayerNode> nodes = LayerGraph.of(model);
    Map<String, String> shapes = new HashMap<>();
    for (LayerNode n : nodes) {
      shapes.put(n.name(), n.outputShape());
    }
    StringBuilder dot = new StringBuilder();
    dot.append("digraph ").append(quote(model.name())).append(" {\n");
    dot.append("  graph [rankdir=TB, dpi=96];\n");
    dot.append("  node [shape=record, fontname=\"Helvetica\", fontsize=11];\n");
    for (LayerNode n : nodes) {
      List<String> inputs = new ArrayList<>();
      for (String in : n.inbound()) {
        inputs.add(shapes.getOrDefault(in, "?"));
      }
      String inputShape = inputs.isEmpty() ? "" : String.join(", ", inputs);
      // A record label: the name row, then input and output shapes side by side.
      String label =
          "{" + escape(n.name() + " (" + n.typeName() + ")")
              + (inputShape.isEmpty()
                  ? "|{Output shape:|" + escape(n.outputShape()) + "}"
                  : "|{Input shape:|" + escape(inputShape) + "}|{Output shape:|" + escape(n.outputShape()) + "}")
              + "}";
      dot.append("  ").append(quote(n.name())).append(" [label=").append(quoteLabel(label)).append("];\n");
    }
    for (LayerNode n : nodes) {
      for (String in : n.inbound()) {
        dot.append("  ").append(quote(in)).append(" -> ").append(quote(n.name())).append(";\n");
      }
    }
    dot.append("}\n");
    return dot.toString();
  }

  /** Whether Graphviz's {@code dot} can be run here. */
  public static boolean dotAvailable() {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, DOT_PROGRAM))) {
        return true;
      }
    }
    return false;
  }

  private static void render(Path dotFile, Path png) {
    Path log;
    try {
      log = Files.createTempFile("keraslite-dot", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Process p =
          new ProcessBuilder(DOT_PROGRAM, "-Tpng", "-o", png.toString(), dotFile.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!p.waitFor(DOT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("Plots.modelGraph: dot did not finish in " + DOT_TIMEOUT_SECONDS + " s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "Plots.modelGraph: dot failed (exit " + p.exitValue() + ") on " + dotFile + ": "
                + Files.readString(log, StandardCharsets.UTF_8).strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Plots.modelGraph: cannot run dot", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Plots.modelGraph: interrupted while dot ran", e);
    } finally {
      try {
        Files.deleteIfExists(log);
      } catch (IOException ignored) {
        // a leftover log in the temp directory is harmless
      }
    }
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** A label already escaped for records: only its quotes need escaping. */
  private static String quoteLabel(String label) {
    return "\"" + label.replace("\"", "\\\"") + "\"";
  }

  /** Characters with a meaning inside a record label. */
  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("|", "\\|")
        .replace("<", "\\<").replace(">", "\\>");
  }
}
