package dev.keraslite.saving;

import dev.keraslite.Variable;
import dev.keraslite.layers.Layer;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Keras 3's weights layout ({@code .weights.h5}, and {@code model.weights.h5} inside a {@code
 * .keras} file): for every layer at its {@link ObjectPaths object path}, a group {@code
 * <path>/vars} holding datasets {@code 0}, {@code 1}, ... in {@link Layer#ownVariables()} order
 * ({@code layers/dense/vars/0} is the kernel, {@code vars/1} the bias); the model's own group is
 * {@code vars} at the root. Layers without weights get an empty {@code vars} group, as in Keras.
 */
final class WeightsH5 {
  /**
   * A one-element dataset at the root that keras-lite adds after Keras's layout (Keras ignores
   * root entries it does not look for). It works around jhdf 0.10's writer, which appends its
   * version string at the end of the last dataset's data rather than at the end of the file, and so
   * overwrites any group header written after that data (here Keras's empty root {@code vars}
   * group, which jhdf writes after {@code layers}). A dataset written last keeps the end of the
   * file after every header. jhdf writes a group's children in its hash map's order, in which this
   * name comes last among the root's keys; {@link #write} checks that it does.
   */
  static final String WRITER_MARKER = "keras_lite";

  private WeightsH5() {}

  /** Writes the weights of {@code model} to a new HDF5 file at {@code file}. */
  static void write(Layer model, Path file) throws IOException {
    requireBuilt(model);
    List<ObjectPaths.Entry> entries = ObjectPaths.of(model);
    try (WritableHdfFile h5 = HdfFile.write(file)) {
      for (ObjectPaths.Entry e : entries) {
        WritableGroup group = e.path().isEmpty() ? h5 : groupAt(h5, e.path());
        WritableGroup vars = group.putGroup("vars");
        List<Variable> own = e.layer().ownVariables();
        for (int i = 0; i < own.size(); i++) {
          Variable v = own.get(i);
          vars.putDataset(String.valueOf(i), HostArrays.nest(HostArrays.read(v, "save"), v.shape().asArray()));
        }
      }
      h5.putDataset(WRITER_MARKER, new int[] {1});
      List<String> order = new ArrayList<>(h5.getChildren().keySet());
      if (!order.get(order.size() - 1).equals(WRITER_MARKER)) {
        throw new IllegalStateException(
            "jhdf would write the root entries in the order " + order + "; the weights file needs '"
                + WRITER_MARKER + "' last (see WeightsH5.WRITER_MARKER)");
      }
    } catch (io.jhdf.exceptions.HdfException e) {
      throw new IOException("Cannot write HDF5 file " + file + ": " + e.getMessage(), e);
    }
  }

  private static WritableGroup groupAt(WritableGroup root, String path) {
    WritableGroup g = root;
    for (String part : path.split("/")) {
      Node child = g.getChildren().get(part);
      g = child instanceof WritableGroup ? (WritableGroup) child : g.putGroup(part);
    }
    return g;
  }

  /**
   * Reads the values for every layer of {@code model} from an open file, checking counts and
   * shapes; assigns nothing.
   *
   * @param skipMismatch skip layers whose weights do not match instead of failing (Keras's {@code
   *     skip_mismatch})
   * @throws IllegalArgumentException naming the layer, the path and the expected and found weights
   */
  static Assignment read(Layer model, Group h5, String source, boolean skipMismatch) {
    requireBuilt(model);
    Assignment out = new Assignment();
    for (ObjectPaths.Entry e : ObjectPaths.of(model)) {
      List<Variable> own = e.layer().ownVariables();
      String varsPath = e.path().isEmpty() ? "vars" : e.path() + "/vars";
      Group vars = groupOrNull(h5, varsPath);
      int found = vars == null ? 0 : vars.getChildren().size();
      if (found != own.size()) {
        String problem =
            e.layer() + " at '" + varsPath + "' expects " + own.size() + " variables " + names(own)
                + ", but " + source + " holds " + found;
        if (skipMismatch) {
          out.skipped.add(problem);
          continue;
        }
        throw new IllegalArgumentException(problem);
      }
      List<float[]> values = new ArrayList<>();
      String mismatch = null;
      for (int i = 0; i < own.size(); i++) {
        Node n = vars.getChildren().get(String.valueOf(i));
        if (!(n instanceof Dataset)) {
          mismatch = varsPath + "/" + i + " is missing in " + source;
          break;
        }
        Dataset ds = (Dataset) n;
        long[] expected = own.get(i).shape().asArray();
        long[] actual = Arrays.stream(ds.getDimensions()).asLongStream().toArray();
        if (!Arrays.equals(expected, actual)) {
          mismatch =
              e.layer() + ": weight '" + own.get(i).name() + "' has shape " + Arrays.toString(expected)
                  + ", but " + source + " holds shape " + Arrays.toString(actual) + " at " + varsPath + "/" + i;
          break;
        }
        values.add(HostArrays.floats(ds.getDataFlat(), source + " " + varsPath + "/" + i));
      }
      if (mismatch != null) {
        if (skipMismatch) {
          out.skipped.add(mismatch);
          continue;
        }
        throw new IllegalArgumentException(mismatch);
      }
      out.add(own, values);
    }
    return out;
  }

  private static Group groupOrNull(Group root, String path) {
    Group g = root;
    for (String part : path.split("/")) {
      Node child = g.getChildren().get(part);
      if (!(child instanceof Group)) {
        return null;
      }
      g = (Group) child;
    }
    return g;
  }

  static void requireBuilt(Layer model) {
    if (!model.built()) {
      throw new IllegalStateException(
          model + " is not built: build it (build(tf) or build(tf, inputShape), or apply it to data)"
              + " before saving or loading weights, so that its variables exist");
    }
  }

  static List<String> names(List<Variable> vars) {
    List<String> out = new ArrayList<>();
    for (Variable v : vars) {
      out.add(v.name());
    }
    return out;
  }

  /** Values checked against their variables, assigned all together or not at all. */
  static final class Assignment {
    final List<Variable> variables = new ArrayList<>();
    final List<float[]> values = new ArrayList<>();
    final List<String> skipped = new ArrayList<>();

    void add(List<Variable> vars, List<float[]> vals) {
      variables.addAll(vars);
      values.addAll(vals);
    }

    void apply() {
      HostArrays.assign(variables, values);
    }
  }
}
