package dev.keraslite.samples.readme;

import dev.keraslite.Eager;
import dev.keraslite.activations.Activations;
import dev.keraslite.callbacks.EarlyStopping;
import dev.keraslite.callbacks.History;
import dev.keraslite.datasets.FashionMnist;
import dev.keraslite.datasets.ImageData;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Flatten;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import java.util.Map;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.op.Ops;

/** README's compile / fit / evaluate / predict, compiled as printed. */
class Training {
  static void train() {
    // README:begin
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      ImageData<FloatNdArray> data = FashionMnist.load();          // or Mnist.load()
      Sequential model = new Sequential(
          new Flatten(), new Dense(100).activation(Activations.relu()), new Dense(10));
      model.compile(tf, new Adam(1e-3f), new SparseCategoricalCrossentropy(true), "accuracy");
      History history = model.fit(data.xTrain(), data.yTrain(),
          FitOptions.epochs(5).batchSize(50).validationSplit(0.1)
              .callbacks(new EarlyStopping().monitor("val_loss").patience(2).restoreBestWeights(true)));
      Map<String, Double> test = model.evaluate(data.xTest(), data.yTest());   // {loss=..., accuracy=...}
      FloatNdArray logits = model.predict(data.xTest(), 64);
    }
    // README:end
  }
}
