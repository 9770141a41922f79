package dev.keraslite.samples;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.models.Model;
import dev.keraslite.Variable;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Dense;
import dev.keraslite.layers.Layer;
import dev.keraslite.optimizers.SGD;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Example 1 of the chapter: linear regression written as a model class.
 *
 * <p>Python original: {@code model/linear/linear.py} (a {@code tf.keras.Model} holding one {@code
 * Dense(units=1)} with zero initialisers, SGD 0.01, 100 steps, {@code print(model.variables)}). The
 * Java port reads line by line the same; {@link #run} returns the variables so tests can check them.
 */
public final class LinearRegression {
  private LinearRegression() {}

  static final class Linear extends Model {
    private final Dense dense =
        new Dense(1)
            .activation("linear")
            .kernelInitializer(Initializers.zeros())
            .biasInitializer(Initializers.zeros());

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
      return dense.apply(tf, input);
    }
  }

  /** The trained kernel (3 values), the bias and {@code model.variables()} as printed. */
  public record Result(float[] kernel, float bias, String printed) {}

  /** Trains the model for {@code steps} steps of SGD(0.01). */
  public static Result run(int steps) {
    Layer.clearNameCounters(); // a fresh program, as each Python run is: names start at "linear"
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> x = tf.constant(new float[][] {{1f, 2f, 3f}, {4f, 5f, 6f}});
      Operand<TFloat32> y = tf.constant(new float[][] {{10f}, {20f}});
      Linear model = new Linear();
      SGD optimizer = new SGD(0.01f);
      for (int i = 0; i < steps; i++) {
        try (GradientTape tape = new GradientTape(tf)) {
          Operand<TFloat32> yPred = model.apply(tf, x);
          Operand<TFloat32> loss =
              tf.math.mean(tf.math.square(tf.math.sub(yPred, y)), tf.constant(new int[] {0, 1}));
          var grads = tape.gradient(loss, model.variables());
          optimizer.applyGradients(grads, model.variables());
        }
      }
      String printed = model.variables().toString();
      List<Variable> vars = model.variables();
      float[] kernel = new float[3];
      try (TFloat32 k = vars.get(0).<TFloat32>value(tf).asTensor()) {
        for (int i = 0; i < 3; i++) {
          kernel[i] = k.getFloat(i, 0);
        }
      }
      float bias;
      try (TFloat32 b = vars.get(1).<TFloat32>value(tf).asTensor()) {
        bias = b.getFloat(0);
      }
      return new Result(kernel, bias, printed);
    }
  }

  public static void main(String[] args) {
    System.out.println(run(100).printed());
  }
}
