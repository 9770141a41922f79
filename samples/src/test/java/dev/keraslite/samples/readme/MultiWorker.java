package dev.keraslite.samples.readme;

import dev.keraslite.distribute.MultiWorkerStrategy;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.models.Model;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.op.Ops;

/** README's "Training on several machines", compiled as printed. */
class MultiWorker {
  static void train(Ops tf, Model model, FloatNdArray x, IntNdArray y) {
    // README:begin
    MultiWorkerStrategy strategy = MultiWorkerStrategy.fromEnvironment(); // reads TF_CONFIG
    try (var scope = strategy.scope()) {                                   // compile under the scope
      model.compile(tf, new Adam(1e-3f), new SparseCategoricalCrossentropy());
    }
    model.fit(x, y, FitOptions.epochs(5).batchSize(100)); // 100 = the global batch
    // README:end
  }
}
