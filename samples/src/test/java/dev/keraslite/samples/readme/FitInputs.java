package dev.keraslite.samples.readme;

import dev.keraslite.Eager;
import dev.keraslite.callbacks.History;
import dev.keraslite.layers.Concatenate;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.KerasTensor;
import dev.keraslite.losses.MeanSquaredError;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.models.Input;
import dev.keraslite.models.Model;
import dev.keraslite.optimizers.Adam;
import dev.keraslite.training.FitOptions;
import java.util.List;
import java.util.Map;
import org.tensorflow.ndarray.ByteNdArray;
import org.tensorflow.ndarray.DoubleNdArray;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.LongNdArray;
import org.tensorflow.op.Ops;

/** README's "fit's inputs": a two-input, two-output functional model trained on maps by name. */
class FitInputs {
  static History train(ByteNdArray pixels, DoubleNdArray extras, FloatNdArray price, LongNdArray kind,
      FloatNdArray weights) {
    // README:begin
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      KerasTensor image = Input.of("image", 64);
      KerasTensor meta = Input.of("meta", 3);
      KerasTensor h = new Concatenate().apply(new Dense(16).apply(image), new Dense(4).apply(meta));
      KerasTensor priceOut = new Dense(1).name("price").apply(h);
      KerasTensor kindOut = new Dense(5).name("kind").apply(h);
      Model model = Model.of(List.of(image, meta), List.of(priceOut, kindOut));
      model.compile(tf, new Adam(1e-3f),
          Map.of("price", new MeanSquaredError(), "kind", new SparseCategoricalCrossentropy(true)),
          Map.of("price", 0.5f, "kind", 1f),                  // loss = 0.5 price_loss + kind_loss
          Map.of("kind", "accuracy"));
      // uint8 pixels and float64 extras are cast to float32, int64 labels to int32, as in Keras
      return model.fit(Map.of("image", pixels, "meta", extras), Map.of("price", price, "kind", kind),
          FitOptions.epochs(3).batchSize(32).validationSplit(0.2).sampleWeight(weights));
      // logs: loss, price_loss, kind_loss, kind_accuracy, val_loss, val_price_loss, ...
    }
    // README:end
  }
}
