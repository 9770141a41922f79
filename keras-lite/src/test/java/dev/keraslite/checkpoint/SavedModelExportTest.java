package dev.keraslite.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Concatenate;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.KerasTensor;
import dev.keraslite.layers.Layer;
import dev.keraslite.models.Input;
import dev.keraslite.models.Model;
import dev.keraslite.models.Sequential;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * The exported SavedModel's signature and values, read by TensorFlow Java's own loader. (The
 * fresh-JVM round trip on Fashion-MNIST is SavedModelExportIT in integration-tests.)
 */
class SavedModelExportTest {
  @TempDir Path dir;

  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  private static float[] random(int n, long seed) {
    Random r = new Random(seed);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) r.nextGaussian();
    }
    return out;
  }

  private static List<Long> dims(Shape s) {
    return java.util.Arrays.stream(s.asArray()).boxed().toList();
  }

  private static float[] values(Tensor t) {
    float[] out = new float[(int) t.shape().size()];
    ((TFloat32) t).copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  @Test
  void aTwoInputFunctionalModelExportsKerasSignatureAndSameOutputs() throws Exception {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      KerasTensor a = Input.of("pixels", 3);
      KerasTensor b = Input.of("extra", 2);
      KerasTensor h =
          new Dense(4).activation(Activations.tanh()).kernelInitializer(Initializers.glorotUniform(3))
              .apply(new Concatenate().apply(a, b));
      KerasTensor out1 = new Dense(2).kernelInitializer(Initializers.glorotUniform(4)).apply(h);
      KerasTensor out2 = new Dense(1).kernelInitializer(Initializers.glorotUniform(5)).apply(h);
      Model model = Model.of(List.of(a, b), List.of(out1, out2));
      model.build(tf);
      Path export = dir.resolve("exported");
      model.export(export);
      assertTrue(Files.isRegularFile(export.resolve("saved_model.pb")));
      assertTrue(Files.isRegularFile(export.resolve("variables/variables.index")));

      float[] x1 = random(5 * 3, 1);
      float[] x2 = random(5 * 2, 2);
      List<org.tensorflow.Operand<TFloat32>> expected =
          model.applyOutputs(
              tf,
              List.of(
                  tf.constant(Shape.of(5, 3), DataBuffers.of(x1)),
                  tf.constant(Shape.of(5, 2), DataBuffers.of(x2))),
              false);

      try (SavedModelBundle bundle = SavedModelBundle.load(export.toString(), "serve")) {
        Signature sig = bundle.function("serving_default").signature();
        assertEquals(List.of("extra", "pixels"), sig.inputNames().stream().sorted().toList());
        assertEquals(List.of("output_0", "output_1"), sig.outputNames().stream().sorted().toList());
        assertEquals(DataType.DT_FLOAT, sig.getInputs().get("pixels").dataType);
        // Shape.equals treats unknown sizes as unequal: compare the dimensions.
        assertEquals(List.of(-1L, 3L), dims(sig.getInputs().get("pixels").shape));
        assertEquals(List.of(-1L, 1L), dims(sig.getOutputs().get("output_1").shape));
        try (TFloat32 t1 = TFloat32.tensorOf(Shape.of(5, 3), DataBuffers.of(x1));
            TFloat32 t2 = TFloat32.tensorOf(Shape.of(5, 2), DataBuffers.of(x2));
            Result r = bundle.function("serving_default").call(Map.of("pixels", t1, "extra", t2))) {
          for (int i = 0; i < 2; i++) {
            float[] want;
            try (TFloat32 e = expected.get(i).asTensor()) {
              want = values(e);
            }
            float[] got = values(r.get("output_" + i).orElseThrow());
            assertEquals(want.length, got.length);
            for (int j = 0; j < want.length; j++) {
              assertEquals(want[j], got[j], 1e-6, "output_" + i + "[" + j + "]");
            }
          }
        }
      }
    }
  }

  @Test
  void aModelWithoutKnownInputsSaysWhatExportNeeds() {
    try (Eager eager = Eager.create()) {
      Sequential model = new Sequential(new Dense(2));
      model.build(eager.tf(), Shape.of(-1, 3));
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> model.export(dir.resolve("m")));
      assertTrue(e.getMessage().contains("Input.of"), e.getMessage());
      assertTrue(!Files.exists(dir.resolve("m")));
    }
  }
}
