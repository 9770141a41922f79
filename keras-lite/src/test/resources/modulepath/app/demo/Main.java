package demo;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.layers.Dense;
import dev.keraslite.models.Model;
import dev.keraslite.models.Sequential;
import dev.keraslite.optimizers.SGD;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** A user program in its own module: a subclassed model with a tape, then a compiled fit. */
public class Main {
  static final class Linear extends Model {
    private final Dense dense = new Dense(1);

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> x) {
      return dense.apply(tf, x);
    }
  }

  public static void main(String[] args) {
    try (Eager eager = Eager.create()) {
      System.out.println("fast path: " + eager.fastPath());
      Ops tf = eager.tf();
      Operand<TFloat32> x = tf.constant(new float[][] {{1f, 2f, 3f}, {4f, 5f, 6f}});
      Operand<TFloat32> y = tf.constant(new float[][] {{10f}, {20f}});
      Linear model = new Linear();
      SGD optimizer = new SGD(0.01f);
      float first = Float.NaN;
      float last = Float.NaN;
      for (int i = 0; i < 50; i++) {
        try (GradientTape tape = new GradientTape(tf)) {
          Operand<TFloat32> loss =
              tf.math.mean(
                  tf.math.square(tf.math.sub(model.apply(tf, x), y)), tf.constant(new int[] {0, 1}));
          optimizer.applyGradients(tape.gradient(loss, model.variables()), model.variables());
          last = loss.asTensor().getFloat();
          first = Float.isNaN(first) ? last : first;
        }
      }
      System.out.println("eager loss " + first + " -> " + last + ", sublayer variables " + model.variables().size());
      Sequential sequential = new Sequential(new Dense(4), new Dense(1));
      sequential.compile(tf, "sgd", "mse");
      FloatNdArray xs = NdArrays.ofFloats(Shape.of(64, 3));
      FloatNdArray ys = NdArrays.ofFloats(Shape.of(64, 1));
      for (int i = 0; i < 64; i++) {
        for (int j = 0; j < 3; j++) {
          xs.setFloat(i * 0.01f + j * 0.1f, i, j);
        }
        ys.setFloat(i * 0.02f, i, 0);
      }
      System.out.println("fit loss " + sequential.fit(xs, ys, 3, 16).history().get("loss"));
    }
  }
}
