package dev.keraslite.samples.readme;

import dev.keraslite.Eager;
import dev.keraslite.Recording;
import dev.keraslite.models.Sequential;
import dev.keraslite.training.FitOptions;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;

/** README's device and XLA lines, compiled as printed. */
class Devices {
  static void train(Sequential model, FloatNdArray x, IntNdArray y) {
    // README:begin
    try (Eager eager = Eager.builder().device("/GPU:0").softPlacement(true).memoryGrowth(true).create()) {
      model.compile(eager.tf(), "adam", "sparse_categorical_crossentropy", "accuracy");
      model.setJitCompile(true); // Keras's jit_compile=True: XLA compiles the traced steps
      model.fit(x, y, FitOptions.epochs(1).batchSize(50));
      System.out.println(Recording.device(model.variables().get(0).value(eager.tf())));
      // /job:localhost/replica:0/task:0/device:GPU:0, or device:CPU:0 on a machine without a GPU
    }
    // README:end
  }
}
