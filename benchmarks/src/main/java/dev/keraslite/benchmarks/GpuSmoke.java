package dev.keraslite.benchmarks;

import dev.keraslite.Eager;
import dev.keraslite.KerasLite;
import dev.keraslite.Recording;
import dev.keraslite.activations.Activations;
import dev.keraslite.callbacks.History;
import dev.keraslite.layers.Dense;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import java.util.Locale;
import java.util.Random;
import org.tensorflow.Operand;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The smoke test of a native build on a device ({@code scripts/gpu-smoke.sh} runs it with the
 * {@code linux-x86_64-gpu} native jar): trains a few steps, eager and compiled, in a context placed
 * on {@code /GPU:0} (argument 1) with soft placement and memory growth, and prints which native
 * library loaded and the device each kind of value was computed on. On a machine without a GPU the
 * values say CPU: soft placement ran them there.
 */
public final class GpuSmoke {
  private GpuSmoke() {}

  public static void main(String[] args) {
    String device = args.length > 0 ? args[0] : "/GPU:0";
    System.out.println("TensorFlow " + TensorFlow.version() + ", native library from "
        + TensorFlow.class.getProtectionDomain().getCodeSource().getLocation());
    try (Eager eager = Eager.builder().device(device).softPlacement(true).memoryGrowth(true).create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> y = tf.linalg.matMul(tf.constant(new float[][] {{1, 2}}), tf.constant(new float[][] {{3}, {4}}));
      System.out.printf(Locale.ROOT, "context device %s: eager matmul = %.1f computed on %s%n",
          eager.device(), y.asTensor().getFloat(0, 0), Recording.device(y));

      KerasLite.setRandomSeed(0);
      Sequential model = new Sequential(Input.of(4), new Dense(16).activation(Activations.relu()), new Dense(3));
      model.compile(tf, new Adam(1e-2f), new SparseCategoricalCrossentropy(true), "accuracy");
      FloatNdArray x = NdArrays.ofFloats(Shape.of(256, 4));
      IntNdArray labels = NdArrays.ofInts(Shape.of(256));
      Random r = new Random(1);
      for (int i = 0; i < 256; i++) {
        int best = 0;
        for (int j = 0; j < 4; j++) {
          x.setFloat(r.nextFloat(), i, j);
          if (j < 3 && x.getFloat(i, j) > x.getFloat(i, best)) {
            best = j;
          }
        }
        labels.setInt(best, i);
      }
      for (boolean eagerly : new boolean[] {true, false}) {
        model.setRunEagerly(eagerly);
        History h = model.fit(x, labels, FitOptions.epochs(3).batchSize(32).verbose(0).seed(2));
        System.out.printf(Locale.ROOT, "%s fit, 24 steps: loss %s, accuracy %s%n",
            eagerly ? "eager   " : "compiled", h.history().get("loss"), h.history().get("accuracy"));
      }
      System.out.println("trained kernel lives on " + Recording.device(model.variables().get(0).value(tf)));
      model.close();
    }
  }
}
