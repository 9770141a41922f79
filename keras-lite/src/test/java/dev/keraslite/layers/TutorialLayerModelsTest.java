package dev.keraslite.layers;

import static dev.keraslite.layers.LayerTestHarness.assertShape;
import static dev.keraslite.layers.LayerTestHarness.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.models.Input;
import dev.keraslite.models.Sequential;
import dev.keraslite.activations.Activations;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The tutorial's models built from these layers: parameter counts and shapes as the tutorial gives them. */
class TutorialLayerModelsTest {
  @BeforeEach
  void freshNames() {
    Layer.clearNameCounters();
  }

  @Test
  void tutorialCnnHas3274634Parameters() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential cnn =
          new Sequential(
              Input.of(28, 28, 1),
              new Conv2D(32, new int[] {5, 5}).padding("same").activation(Activations.relu()),
              new MaxPool2D(new int[] {2, 2}).strides(2),
              new Conv2D(64, new int[] {5, 5}).padding("same").activation(Activations.relu()),
              new MaxPool2D(new int[] {2, 2}).strides(2),
              new Reshape(7 * 7 * 64),
              new Dense(1024).activation(Activations.relu()),
              new Dense(10),
              new Softmax());
      cnn.build(tf);
      assertEquals(3_274_634, cnn.countParams());
      String summary = cnn.summary(s -> {});
      assertTrue(summary.contains("MaxPooling2D"), summary);
      Operand<TFloat32> y = cnn.apply(tf, tf.zeros(tf.constant(new long[] {2, 28, 28, 1}), TFloat32.class));
      assertShape(Shape.of(2, 10), y.shape(), "CNN output");
      float[] p = values(y);
      assertEquals(1.0, p[0] + p[1] + p[2] + p[3] + p[4] + p[5] + p[6] + p[7] + p[8] + p[9], 1e-5);
    }
  }

  @Test
  void textModelOfEmbeddingLstmAndDenseInferShapes() {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Sequential model =
          new Sequential(Input.of(40), new Embedding(57, 16), new LSTM(32), new Dense(57));
      model.build(tf);
      // 57*16 + (16*128 + 32*128 + 128) + (32*57 + 57)
      assertEquals(57 * 16 + (16 * 128 + 32 * 128 + 128) + (32 * 57 + 57), model.countParams());
      Operand<TFloat32> y = model.apply(tf, tf.zeros(tf.constant(new long[] {3, 40}), TFloat32.class));
      assertShape(Shape.of(3, 57), y.shape(), "logits");
    }
  }
}
