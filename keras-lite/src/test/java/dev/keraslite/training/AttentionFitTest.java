package dev.keraslite.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keraslite.Eager;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Flatten;
import dev.keraslite.layers.KerasTensor;
import dev.keraslite.layers.Layer;
import dev.keraslite.layers.MultiHeadAttention;
import dev.keraslite.losses.MeanSquaredError;
import dev.keraslite.models.Input;
import dev.keraslite.models.Model;
import dev.keraslite.optimizers.Adam;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;

/** A functional self-attention model trains compiled as it does eagerly, and learns. */
class AttentionFitTest {
  private static FloatNdArray data(Shape shape, long seed) {
    Random r = new Random(seed);
    FloatNdArray a = NdArrays.ofFloats(shape);
    a.scalars().forEach(s -> s.setFloat(r.nextFloat() * 2 - 1));
    return a;
  }

  private static List<Double> losses(boolean eagerly) {
    Layer.clearNameCounters();
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      KerasTensor x = Input.of(5, 4);
      KerasTensor attended =
          new MultiHeadAttention(2, 3).kernelInitializer(Initializers.glorotUniform(7)).apply(x, x);
      KerasTensor y = new Dense(1).kernelInitializer(Initializers.glorotUniform(8)).apply(new Flatten().apply(attended));
      Model m = Model.of(x, y);
      m.compile(tf, new Adam(0.01f), new MeanSquaredError());
      m.setRunEagerly(eagerly);
      FloatNdArray xs = data(Shape.of(64, 5, 4), 1);
      FloatNdArray ys = data(Shape.of(64, 1), 2);
      return m.fit(xs, ys, FitOptions.epochs(4).batchSize(16).shuffle(false).verbose(0)).history().get("loss");
    }
  }

  @Test
  void compiledAndEagerAgreeAndTheLossFalls() {
    List<Double> compiled = losses(false);
    List<Double> eager = losses(true);
    for (int i = 0; i < compiled.size(); i++) {
      assertEquals(eager.get(i), compiled.get(i), 1e-5, "epoch " + i);
    }
    assertTrue(compiled.get(3) < compiled.get(0), "loss falls: " + compiled);
  }
}
