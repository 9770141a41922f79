package dev.keraslite.saving;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;

/** Reads the Keras-written test files under {@code keras/dl4j-test-resources/} (see its README). */
final class KerasFixtures {
  private KerasFixtures() {}

  /** A file under the fixture folder. */
  static Path file(String relative) {
    try {
      return Paths.get(KerasFixtures.class.getResource("/keras/dl4j-test-resources/" + relative).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing test resource keras/dl4j-test-resources/" + relative, e);
    }
  }

  /** A float dataset as an array of its shape. */
  static FloatNdArray array(Dataset d) {
    float[] flat = HostArrays.floats(d.getDataFlat(), d.getPath());
    long[] shape = Arrays.stream(d.getDimensions()).asLongStream().toArray();
    return NdArrays.wrap(Shape.of(shape), DataBuffers.of(flat, true, false));
  }

  /** The datasets of a group, in name order. */
  static List<Dataset> datasets(HdfFile h5, String group) {
    Node g = h5.getChildren().get(group);
    List<Dataset> out = new ArrayList<>();
    if (g instanceof Group) {
      for (Map.Entry<String, Node> e : new java.util.TreeMap<>(((Group) g).getChildren()).entrySet()) {
        if (e.getValue() instanceof Dataset) {
          out.add((Dataset) e.getValue());
        }
      }
    }
    return out;
  }

  /** Every value of an array, row-major. */
  static float[] flat(FloatNdArray a) {
    float[] out = new float[Math.toIntExact(a.size())];
    a.copyTo(DataBuffers.of(out, false, false));
    return out;
  }
}
