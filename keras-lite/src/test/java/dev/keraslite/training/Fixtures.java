package dev.keraslite.training;

import dev.keraslite.activations.Activations;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Dense;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.Adam;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;

/** A small seeded classifier and data for the reliability tests. */
final class Fixtures {
  private Fixtures() {}

  static final int FEATURES = 4;
  static final int CLASSES = 3;

  /** Input 4, Dense 8 ReLU, Dense 3 logits; seeded initializers; Adam and sparse cross-entropy. */
  static Sequential classifier(Ops tf, boolean eagerly) {
    Sequential model =
        new Sequential(
            Input.of(FEATURES),
            new Dense(8).activation(Activations.relu()).kernelInitializer(Initializers.glorotUniform(1)),
            new Dense(CLASSES).kernelInitializer(Initializers.glorotUniform(2)));
    model.build(tf); // the weights exist before any fit, so "unchanged" compares them
    model.compile(tf, new Adam(0.01f), new SparseCategoricalCrossentropy(true), "accuracy");
    model.setRunEagerly(eagerly);
    return model;
  }

  static float[][] features(int n) {
    float[][] x = new float[n][FEATURES];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < FEATURES; j++) {
        x[i][j] = (float) Math.sin(0.7 * i + 1.3 * j) + (i % CLASSES) * 0.5f * (j + 1);
      }
    }
    return x;
  }

  static int[] labels(int n) {
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % CLASSES;
    }
    return y;
  }

  static FloatNdArray x(float[][] values) {
    return StdArrays.ndCopyOf(values);
  }

  static IntNdArray y(int[] values) {
    return StdArrays.ndCopyOf(values);
  }

  static FloatNdArray emptyX() {
    return NdArrays.ofFloats(org.tensorflow.ndarray.Shape.of(0, FEATURES));
  }

  static IntNdArray emptyY() {
    return NdArrays.ofInts(org.tensorflow.ndarray.Shape.of(0));
  }
}
