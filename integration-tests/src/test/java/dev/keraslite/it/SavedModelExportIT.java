package dev.keraslite.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import dev.keraslite.activations.Activations;
import dev.keraslite.datasets.FashionMnist;
import dev.keraslite.datasets.ImageData;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Flatten;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;

/**
 * {@code model.export} read by an independent reader: a fresh JVM with only TensorFlow Java on its
 * class path ({@link SavedModelPredictor}) loads the SavedModel and predicts 100 Fashion-MNIST test
 * images; its outputs equal keras-lite's in-process predictions to 1e-6.
 */
class SavedModelExportIT {
  @TempDir Path dir;

  @Test
  void aFreshJvmWithOnlyTensorFlowJavaPredictsWhatKerasLitePredicts() throws Exception {
    ImageData<FloatNdArray> data = FashionMnist.load();
    FloatNdArray test = data.xTest().slice(Indices.range(0, 100));
    float[] expected;
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential model =
          new Sequential(
              Input.of("image", 28, 28),
              new Flatten(),
              new Dense(64).activation(Activations.relu()),
              new Dense(10));
      model.compile(tf, new Adam(1e-3f), new SparseCategoricalCrossentropy(true));
      model.fit(
          data.xTrain().slice(Indices.range(0, 3000)),
          data.yTrain().slice(Indices.range(0, 3000)),
          FitOptions.epochs(1).batchSize(50).verbose(0));
      FloatNdArray predicted = model.predict(test, 100);
      assertEquals(List.of(100L, 10L), dims(predicted.shape().asArray()));
      expected = new float[100 * 10];
      predicted.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(expected, false, false));
      model.export(dir.resolve("model"));
    }

    Path in = dir.resolve("in.bin");
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(in))) {
      out.writeInt(3);
      for (long d : new long[] {100, 28, 28}) {
        out.writeLong(d);
      }
      float[] pixels = new float[100 * 28 * 28];
      test.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(pixels, false, false));
      for (float p : pixels) {
        out.writeFloat(p);
      }
    }
    Path outFile = dir.resolve("out.bin");
    runFreshJvm(dir.resolve("model"), "image", in, outFile);

    try (DataInputStream res = new DataInputStream(Files.newInputStream(outFile))) {
      assertEquals(2, res.readInt());
      assertEquals(100L, res.readLong());
      assertEquals(10L, res.readLong());
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], res.readFloat(), 1e-6, "output " + i);
      }
    }
  }

  private static List<Long> dims(long[] d) {
    List<Long> out = new ArrayList<>();
    for (long x : d) {
      out.add(x);
    }
    return out;
  }

  /**
   * Runs {@link SavedModelPredictor} in a new JVM whose class path is TensorFlow Java's jars (and
   * what they need: protobuf, JavaCPP, ndarray) plus a directory holding only that class.
   */
  private void runFreshJvm(Path model, String input, Path in, Path out) throws Exception {
    String name = SavedModelPredictor.class.getName().replace('.', '/') + ".class";
    Path classes = dir.resolve("predictor-classes");
    Path classFile = classes.resolve(name);
    Files.createDirectories(classFile.getParent());
    try (var s = SavedModelPredictor.class.getClassLoader().getResourceAsStream(name)) {
      Files.copy(s, classFile);
    }
    List<String> cp = new ArrayList<>();
    cp.add(classes.toString());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.contains("/org/tensorflow/")
          || entry.contains("/com/google/protobuf/")
          || entry.contains("/org/bytedeco/")) {
        cp.add(entry);
      }
    }
    for (String entry : cp) {
      assertTrue(!entry.contains("keras-lite") || entry.equals(classes.toString()), entry);
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                String.join(File.pathSeparator, cp),
                SavedModelPredictor.class.getName(),
                model.toString(),
                input,
                in.toString(),
                out.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM finished in time");
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("child.log")));
  }
}
