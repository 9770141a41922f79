package dev.keraslite.applications;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.Model;
import dev.keraslite.Variable;
import dev.keraslite.callbacks.Callback;
import dev.keraslite.layers.Layer;
import dev.keraslite.losses.SparseCategoricalCrossentropy;
import dev.keraslite.optimizers.SGD;
import dev.keraslite.saving.WeightsSnapshot;
import dev.keraslite.training.FitOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Issue 16: one eager GradientTape step and one compiled fit step of MobileNetV2 (alpha 0.35,
 * 96x96x3, batch 8) give the same loss. Two steps each, from the same starting weights (a
 * snapshot restored between the runs): the first loss checks the forward pass in training mode
 * (batch statistics), the second that both runs applied the same SGD update (same gradients
 * through every DepthwiseConv2D, BatchNormalization, ReLU6, ZeroPadding2D and Add).
 */
class MobileNetV2TrainingStepTest {
  private static final int BATCH = 8;
  private static final int CLASSES = 5;

  /**
   * SGD rather than Adam: Adam's first step moves every weight by about the learning rate times
   * the sign of its gradient, so gradients that are zero in exact arithmetic (BatchNormalization
   * makes many) but differ by float rounding between the eager and the graph kernels would move
   * weights in opposite directions. SGD's step is proportional to the gradient.
   */
  private static final float LEARNING_RATE = 0.05f;

  @Test
  void eagerTapeStepsAndCompiledFitStepsGiveTheSameLosses() {
    Layer.clearNameCounters();
    FloatNdArray x = NdArrays.ofFloats(Shape.of(BATCH, 96, 96, 3));
    Random r = new Random(16);
    x.scalars().forEach(s -> s.setFloat(r.nextFloat()));
    IntNdArray y = NdArrays.ofInts(Shape.of(BATCH));
    for (int i = 0; i < BATCH; i++) {
      y.setInt(i % CLASSES, i);
    }
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Model model = MobileNetV2.builder().inputShape(96, 96, 3).alpha(0.35).classes(CLASSES).build();
      model.build(tf);
      WeightsSnapshot start = WeightsSnapshot.of(model.variables());

      List<Double> tape = new ArrayList<>();
      SGD sgd = new SGD(LEARNING_RATE);
      SparseCategoricalCrossentropy loss = new SparseCategoricalCrossentropy();
      Operand<TFloat32> images = eager.keep(tf.constant(x));
      Operand<TInt32> labels = eager.keep(tf.constant(y));
      for (int step = 0; step < 2; step++) {
        List<Variable> vars = model.trainableVariables();
        try (GradientTape t = new GradientTape(tf)) {
          Operand<TFloat32> value = loss.apply(tf, labels, model.apply(tf, images, true));
          tape.add((double) value.asTensor().getFloat());
          sgd.applyGradients(tf, t.gradient(value, vars), vars);
        }
      }

      start.restore();
      model.compile(tf, new SGD(LEARNING_RATE), new SparseCategoricalCrossentropy());
      List<Double> fit = new ArrayList<>();
      Callback perBatch =
          new Callback() {
            @Override
            public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
              fit.add(logs.get("loss"));
            }
          };
      // One batch per epoch: each logged loss is that step's, not a running mean.
      model.fit(x, y, FitOptions.epochs(2).batchSize(BATCH).shuffle(false).verbose(0).callbacks(perBatch));

      assertEquals(2, fit.size());
      assertEquals(tape.get(0), fit.get(0), 1e-5, "first step's loss");
      assertEquals(tape.get(1), fit.get(1), 1e-5, "second step's loss");
      assertNotEquals(tape.get(0), tape.get(1), "the first step changed the weights");
    }
  }
}
