package dev.keraslite.samples;

import dev.keraslite.Eager;
import dev.keraslite.models.Model;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;

/**
 * Loads a model written by Python Keras and predicts with it, as {@code
 * keras.saving.load_model("m.h5").predict(x)} does: {@code Model.load(tf, path)} reads the
 * architecture and the weights (legacy {@code .h5} or Keras 3 {@code .keras}), then {@code
 * predict} runs it. With no arguments it loads the bundled Keras 2.3.1 model (Dense then Softmax)
 * and compares with the predictions Keras recorded for the same inputs.
 *
 * <pre>
 * java ... dev.keraslite.samples.LoadKerasModel [model.h5|model.keras inputs_and_outputs.h5]
 * </pre>
 */
public final class LoadKerasModel {
  private LoadKerasModel() {}

  /** The largest difference from Keras's predictions. */
  public static double run(Path modelFile, Path inputsAndOutputs) throws IOException {
    try (Eager eager = Eager.create();
        HdfFile io = new HdfFile(inputsAndOutputs)) {
      Ops tf = eager.tf();
      Model model = Model.load(tf, modelFile);
      model.summary();
      FloatNdArray x = first(io, "inputs");
      FloatNdArray keras = first(io, "predictions");
      FloatNdArray ours = model.predict(x, 32);
      double worst = 0;
      float[] a = flat(ours);
      float[] b = flat(keras);
      for (int i = 0; i < a.length; i++) {
        worst = Math.max(worst, Math.abs(a[i] - b[i]));
      }
      System.out.println("first prediction: " + Arrays.toString(Arrays.copyOf(a, 5)) + " ...");
      System.out.println("Keras predicted:  " + Arrays.toString(Arrays.copyOf(b, 5)) + " ...");
      System.out.println("largest difference from Keras over " + a.length + " values: " + worst);
      return worst;
    }
  }

  private static FloatNdArray first(HdfFile h5, String group) {
    Dataset d = (Dataset) ((Group) h5.getChild(group)).getChildren().values().iterator().next();
    float[] values = (float[]) d.getDataFlat();
    long[] shape = Arrays.stream(d.getDimensions()).asLongStream().toArray();
    return NdArrays.wrap(Shape.of(shape), DataBuffers.of(values, true, false));
  }

  private static float[] flat(FloatNdArray a) {
    float[] out = new float[Math.toIntExact(a.size())];
    a.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  /** Copies a bundled resource to a temporary file (jhdf and Model.load read files). */
  private static Path resource(String name) throws IOException {
    Path file = Files.createTempFile("keras-lite-", "-" + name);
    file.toFile().deleteOnExit();
    try (InputStream in = LoadKerasModel.class.getResourceAsStream("/keras/" + name)) {
      Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return file;
  }

  public static void main(String[] args) throws IOException {
    Path model = args.length > 0 ? Paths.get(args[0]) : resource("Softmax_0_model.h5");
    Path io = args.length > 1 ? Paths.get(args[1]) : resource("Softmax_0_inputs_and_outputs.h5");
    run(model, io);
  }
}
