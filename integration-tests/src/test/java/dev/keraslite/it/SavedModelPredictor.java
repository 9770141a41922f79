package dev.keraslite.it;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * The independent reader of SavedModelExportIT, run in a fresh JVM whose class path holds only
 * TensorFlow Java's jars and this class: loads a SavedModel, feeds its {@code serving_default}
 * signature the float32 tensor in a file, and writes {@code output_0} to another file. It uses
 * nothing from keras-lite.
 *
 * <p>Arguments: model directory, input name, input file, output file. Files: int32 rank, int64
 * dims, then float32 values, all big-endian ({@code DataOutputStream}).
 */
public final class SavedModelPredictor {
  private SavedModelPredictor() {}

  public static void main(String[] args) throws IOException {
    Path model = Path.of(args[0]);
    String inputName = args[1];
    long[] dims;
    float[] values;
    try (DataInputStream in = new DataInputStream(Files.newInputStream(Path.of(args[2])))) {
      dims = new long[in.readInt()];
      long size = 1;
      for (int i = 0; i < dims.length; i++) {
        dims[i] = in.readLong();
        size *= dims[i];
      }
      values = new float[(int) size];
      for (int i = 0; i < values.length; i++) {
        values[i] = in.readFloat();
      }
    }
    try (SavedModelBundle bundle = SavedModelBundle.load(model.toString(), "serve");
        TFloat32 x = TFloat32.tensorOf(Shape.of(dims), DataBuffers.of(values));
        Result r = bundle.function("serving_default").call(Map.of(inputName, x));
        DataOutputStream out = new DataOutputStream(Files.newOutputStream(Path.of(args[3])))) {
      TFloat32 y = (TFloat32) r.get("output_0").orElseThrow();
      long[] outDims = y.shape().asArray();
      out.writeInt(outDims.length);
      for (long d : outDims) {
        out.writeLong(d);
      }
      float[] outValues = new float[(int) y.shape().size()];
      y.copyTo(DataBuffers.of(outValues, false, false));
      for (float v : outValues) {
        out.writeFloat(v);
      }
    }
  }
}
