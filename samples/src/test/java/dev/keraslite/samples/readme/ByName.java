package dev.keraslite.samples.readme;

import dev.keraslite.layers.Dense;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.Adam;
import org.tensorflow.op.Ops;

/** README's "By name, as in Keras" lines, compiled as printed. */
class ByName {
  static Sequential model(Ops tf) {
    // README:begin
    Sequential model = new Sequential(
        Input.of(784),
        new Dense(100).activation("relu").kernelInitializer("he_normal").kernelRegularizer("l2"),
        new Dense(10).activation("softmax").kernelConstraint("max_norm"));
    model.compile(tf, "adam", "sparse_categorical_crossentropy", "acc"); // all by name
    model.compile(tf, new Adam(1e-3f).clipnorm(1f), "sparse_categorical_crossentropy", "acc"); // mixed
    // An unknown name lists the valid ones: "Unknown activation 'relux'; valid: elu, gelu, hard_sigmoid, ..."
    // README:end
    return model;
  }
}
