package dev.keraslite.mixedprecision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.KerasLite;
import dev.keraslite.Variable;
import dev.keraslite.callbacks.History;
import dev.keraslite.layers.Conv2D;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Flatten;
import dev.keraslite.layers.Layer;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The {@code mixed_bfloat16} policy (issue 19): products and convolutions in bfloat16, variables,
 * gradients, layer outputs and the loss in float32. The oracle for a product is plain Java
 * arithmetic on bfloat16-rounded operands with the result rounded to bfloat16, which is what
 * oneDNN's bfloat16 kernels compute (float32 accumulation, bfloat16 output).
 */
class MixedBfloat16Test {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  @AfterEach
  void restoreGlobalPolicy() {
    DTypePolicy.setGlobalPolicy(DTypePolicy.FLOAT32);
  }

  /** float32 rounded to the nearest bfloat16 (ties to even), as TensorFlow's Cast does. */
  static float bf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return Float.intBitsToFloat((bits + rounding) & 0xFFFF0000);
  }

  private static float[] read(Operand<?> x) {
    try (TFloat32 t = (TFloat32) x.asTensor()) {
      float[] out = new float[(int) t.size()];
      t.copyTo(DataBuffers.of(out, false, false));
      return out;
    }
  }

  private static float[][] random(Random r, int rows, int cols) {
    float[][] a = new float[rows][cols];
    for (float[] row : a) {
      for (int j = 0; j < cols; j++) {
        row[j] = r.nextFloat() * 2 - 1;
      }
    }
    return a;
  }

  @Test
  void policiesByNameAndTheReasonsForTheOthers() {
    assertSame(DTypePolicy.FLOAT32, DTypePolicy.globalPolicy(), "float32 by default");
    assertSame(DTypePolicy.MIXED_BFLOAT16, DTypePolicy.of("mixed_bfloat16"));
    assertEquals("bfloat16", DTypePolicy.MIXED_BFLOAT16.computeDtype());
    assertEquals("float32", DTypePolicy.MIXED_BFLOAT16.variableDtype());
    assertSame(DTypePolicy.MIXED_FLOAT16, DTypePolicy.of("mixed_float16"));
    assertEquals("float16", DTypePolicy.MIXED_FLOAT16.computeDtype());
    assertEquals("float32", DTypePolicy.MIXED_FLOAT16.variableDtype());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> DTypePolicy.of("float16"))
        .getMessage().contains("'float32', 'mixed_bfloat16', 'mixed_float16' and 'float64'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> DTypePolicy.of("bf16"))
        .getMessage().startsWith("unknown dtype policy 'bf16'"));
  }

  @Test
  void layersTakeTheGlobalPolicyWhenCreatedAndWriteItInTheirConfig() {
    Dense before = new Dense(2);
    DTypePolicy.setGlobalPolicy("mixed_bfloat16");
    Dense after = new Dense(2);
    assertSame(DTypePolicy.FLOAT32, before.dtypePolicy());
    assertSame(DTypePolicy.MIXED_BFLOAT16, after.dtypePolicy());
    assertEquals("mixed_bfloat16", after.getConfig().get("dtype"));
    Dense copy = Dense.fromConfig(after.getConfig());
    assertSame(DTypePolicy.MIXED_BFLOAT16, copy.dtypePolicy());
    // Keras 3 writes the policy as a nested object.
    Map<String, Object> config = new java.util.LinkedHashMap<>(before.getConfig());
    config.put("dtype", Map.of("module", "keras", "class_name", "DTypePolicy", "config", Map.of("name", "mixed_bfloat16")));
    assertSame(DTypePolicy.MIXED_BFLOAT16, Dense.fromConfig(config).dtypePolicy());
  }

  @Test
  void denseMultipliesInBfloat16AndKeepsFloat32VariablesAndGradients() {
    Random r = new Random(11);
    float[][] x = random(r, 4, 8);
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      DTypePolicy.setGlobalPolicy("mixed_bfloat16");
      Dense mixed = new Dense(3);
      DTypePolicy.setGlobalPolicy(DTypePolicy.FLOAT32);
      Dense full = new Dense(3);
      Operand<TFloat32> input = eager.keep(tf.constant(x));
      mixed.apply(tf, input);
      full.apply(tf, input);
      full.setWeights(mixed.getWeights());
      float[][] w = new float[8][3];
      float[] flatW = read(mixed.kernel().value(tf));
      for (int i = 0; i < 8; i++) {
        System.arraycopy(flatW, i * 3, w[i], 0, 3);
      }
      float[] bias = read(mixed.bias().value(tf));
      assertEquals(org.tensorflow.proto.DataType.DT_FLOAT, mixed.kernel().dataType());

      float[] yMixed = read(mixed.apply(tf, input));
      float[] yFull = read(full.apply(tf, input));
      int differing = 0;
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 3; j++) {
          double dot = 0;
          for (int k = 0; k < 8; k++) {
            dot += (double) bf16(x[i][k]) * bf16(w[k][j]);
          }
          float expected = bf16((float) dot) + bias[j];
          float got = yMixed[i * 3 + j];
          // One bfloat16 step of the product: float32 accumulation order may flip its rounding.
          assertEquals(expected, got, Math.ulp(bf16((float) dot)) * 65536f + 1e-6f, "y[" + i + "][" + j + "]");
          if (got != yFull[i * 3 + j]) {
            differing++;
          }
        }
      }
      assertTrue(differing > 6, "the product ran in bfloat16: " + differing + " of 12 outputs differ from float32");

      try (GradientTape tape = GradientTape.persistent(tf)) {
        Operand<TFloat32> loss = tf.reduceSum(tf.math.square(mixed.apply(tf, input)), tf.constant(new int[] {0, 1}));
        Operand<TFloat32> fullLoss = tf.reduceSum(tf.math.square(full.apply(tf, input)), tf.constant(new int[] {0, 1}));
        List<Operand<?>> g = tape.gradient(loss, List.of(mixed.kernel()));
        List<Operand<?>> gFull = tape.gradient(fullLoss, List.of(full.kernel()));
        assertEquals(TFloat32.class, g.get(0).type(), "the gradient of a float32 variable is float32");
        float[] a = read(g.get(0));
        float[] b = read(gFull.get(0));
        double scale = 0;
        for (float v : b) {
          scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < a.length; i++) {
          assertEquals(b[i], a[i], 0.02 * scale, "kernel gradient " + i + " near the float32 one");
        }
      }
    }
  }

  @Test
  void conv2DConvolvesInBfloat16() {
    Random r = new Random(5);
    FloatNdArray images = NdArrays.ofFloats(Shape.of(2, 6, 6, 3));
    images.scalars().forEach(s -> s.setFloat(r.nextFloat()));
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Conv2D full = new Conv2D(4, 3).padding("same");
      Conv2D mixed = new Conv2D(4, 3).padding("same");
      mixed.setDtypePolicy(DTypePolicy.MIXED_BFLOAT16);
      Operand<TFloat32> x = eager.keep(tf.constant(images));
      full.apply(tf, x);
      mixed.apply(tf, x);
      mixed.setWeights(full.getWeights());
      float[] a = read(full.apply(tf, x));
      float[] b = read(mixed.apply(tf, x));
      // The oracle: the float32 convolution of the bfloat16-rounded image and kernel, rounded.
      FloatNdArray rounded = NdArrays.ofFloats(images.shape());
      images.scalars().forEachIndexed((idx, s) -> rounded.setFloat(bf16(s.getFloat()), idx));
      FloatNdArray kernel = (FloatNdArray) full.kernel().numpy();
      kernel.scalars().forEach(s -> s.setFloat(bf16(s.getFloat())));
      float[] expected = read(tf.nn.conv2d(tf.constant(rounded), tf.constant(kernel), List.of(1L, 1L, 1L, 1L), "SAME"));
      int differing = 0;
      for (int i = 0; i < a.length; i++) {
        assertEquals(bf16(expected[i]), b[i], Math.abs(expected[i]) / 128 + 1e-6, "output " + i);
        if (a[i] != b[i]) {
          differing++;
        }
      }
      assertTrue(differing > a.length / 2, differing + " of " + a.length + " outputs differ from float32");
    }
  }

  /**
   * A small classifier trains under the policy, compiled (bfloat16 kernels in the graph, forward and
   * backward, the second convolution over 4 channels) and eager (rounded float32 convolutions)
   * alike.
   */
  @Test
  void aMixedModelTrainsWithFitCompiledAndEagerAlike() {
    Random r = new Random(2);
    FloatNdArray x = NdArrays.ofFloats(Shape.of(256, 4, 4, 1));
    IntNdArray y = NdArrays.ofInts(Shape.of(256));
    for (int i = 0; i < 256; i++) {
      int label = i % 2;
      y.setInt(label, i);
      for (int p = 0; p < 16; p++) {
        // Class 1 is bright on the left half, class 0 on the right.
        boolean left = p % 4 < 2;
        x.setFloat((left == (label == 1) ? 1f : 0f) + 0.3f * r.nextFloat(), i, p / 4, p % 4, 0);
      }
    }
    double[] finalLoss = new double[2];
    for (int run = 0; run < 2; run++) {
      try (Eager eager = Eager.create()) {
        KerasLite.setRandomSeed(9);
        DTypePolicy.setGlobalPolicy("mixed_bfloat16");
        Sequential model =
            new Sequential(Input.of(4, 4, 1), new Conv2D(4, 3).padding("same"), new Conv2D(3, 3).padding("same"),
                new Flatten(), new Dense(2));
        model.compile(eager.tf(), new Adam(1e-2f), new SparseCategoricalCrossentropy(true), "accuracy");
        model.setRunEagerly(run == 1);
        History h = model.fit(x, y, FitOptions.epochs(3).batchSize(32).shuffle(false).verbose(0));
        List<Double> loss = h.history().get("loss");
        assertTrue(loss.get(2) < loss.get(0) * 0.5, "loss falls: " + loss);
        assertTrue(h.history().get("accuracy").get(2) > 0.95, "accuracy " + h.history().get("accuracy"));
        for (Variable v : model.variables()) {
          assertEquals(org.tensorflow.proto.DataType.DT_FLOAT, v.dataType(), v.name());
        }
        finalLoss[run] = loss.get(2);
      }
    }
    assertEquals(finalLoss[0], finalLoss[1], 1e-3 * finalLoss[0] + 1e-4, "compiled and eager");
  }
}
