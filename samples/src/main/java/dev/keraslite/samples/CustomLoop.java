package dev.keraslite.samples;

import dev.keraslite.Eager;
import dev.keraslite.EagerFunction;
import dev.keraslite.EagerScope;
import dev.keraslite.GradientTape;
import dev.keraslite.models.Model;
import dev.keraslite.data.Batch;
import dev.keraslite.data.Dataset;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.metrics.SparseCategoricalAccuracy;
import dev.keraslite.optimizers.Adam;
import java.util.List;
import java.util.Locale;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The chapter's custom training loop, shared by the MLP and the CNN examples ({@code
 * model/mnist/main.py} lines 93-110): random batches, a tape, sparse cross-entropy on the softmax
 * output, Adam; then sparse categorical accuracy over the test set in batches of 50.
 */
public final class CustomLoop {
  /** What the loop printed last: the final batch loss and the test accuracy. */
  public record Result(String dataset, float lastLoss, float testAccuracy, int steps) {}

  private CustomLoop() {}

  /**
   * @param model a model whose output is class probabilities (softmax)
   * @param numBatches training steps (the tutorial: 60000 / 50 * 5 = 6000)
   * @param printEvery print {@code batch N: loss X} every this many steps (1 = every step)
   */
  static Result run(Eager eager, Model model, DataLoaders.MNISTLoader data, int numBatches,
      int batchSize, float learningRate, int printEvery) {
    return run(eager, model, data, numBatches, batchSize, learningRate, printEvery, false);
  }

  /**
   * As above; with {@code function}, the train step runs through {@code eager.function} (the
   * tutorial's {@code @tf.function}): the model and the optimizer are built eagerly first, because
   * a traced step may not create variables.
   */
  static Result run(Eager eager, Model model, DataLoaders.MNISTLoader data, int numBatches,
      int batchSize, float learningRate, int printEvery, boolean function) {
    Ops tf = eager.tf();
    System.out.println("data: " + data.name() + (function ? " (train step traced by eager.function)" : ""));
    Adam optimizer = new Adam(learningRate);
    SparseCategoricalCrossentropy crossEntropy = new SparseCategoricalCrossentropy();
    EagerFunction<Operand<TFloat32>> trainStep = null;
    if (function) {
      model.build(tf, List.of(Shape.of(-1, 28, 28, 1)));
      optimizer.build(model.variables());
      trainStep =
          eager.function(
              (Ops g, Operand<TFloat32> x, Operand<TInt32> y) -> {
                try (GradientTape tape = new GradientTape(g)) {
                  Operand<TFloat32> lossValue = crossEntropy.apply(g, y, model.apply(g, x));
                  optimizer.applyGradients(g, tape.gradient(lossValue, model.variables()), model.variables());
                  return lossValue;
                }
              });
      trainStep.named("train_step");
    }
    float loss = Float.NaN;
    for (int batchIndex = 0; batchIndex < numBatches; batchIndex++) {
      if (trainStep != null) {
        try (Batch batch = data.getBatch(batchSize);
            EagerScope scope = eager.scope()) {
          Operand<TFloat32> lossValue =
              trainStep.call(tf.constantOf(batch.x()), tf.constantOf((TInt32) batch.y()));
          loss = lossValue.asTensor().getFloat();
        }
      } else {
        try (Batch batch = data.getBatch(batchSize);
            GradientTape tape = new GradientTape(tf)) {
          Operand<TFloat32> x = tf.constantOf(batch.x());
          Operand<TInt32> y = tf.constantOf((TInt32) batch.y());
          Operand<TFloat32> yPred = model.apply(tf, x);
          Operand<TFloat32> lossValue = crossEntropy.apply(tf, y, yPred); // mean over the batch
          var grads = tape.gradient(lossValue, model.variables());
          optimizer.applyGradients(grads, model.variables());
          loss = lossValue.asTensor().getFloat();
        }
      }
      if (printEvery > 0 && (batchIndex % printEvery == 0 || batchIndex == numBatches - 1)) {
        System.out.printf(Locale.ROOT, "batch %d: loss %f%n", batchIndex, loss);
      }
    }
    if (trainStep != null) {
      trainStep.close();
    }

    SparseCategoricalAccuracy accuracy = new SparseCategoricalAccuracy();
    Dataset test = Dataset.of(data.testData, data.testLabel).batch(batchSize);
    for (Batch batch : test) {
      try (batch;
          EagerScope scope = eager.scope()) {
        Operand<TFloat32> yPred = model.apply(tf, tf.constantOf(batch.x()));
        accuracy.updateState(tf, tf.constantOf((TInt32) batch.y()), yPred);
      }
    }
    float testAccuracy = accuracy.result(tf).asTensor().getFloat();
    System.out.printf(Locale.ROOT, "test accuracy: %f%n", testAccuracy);
    return new Result(data.name(), loss, testAccuracy, numBatches);
  }
}
