package dev.keraslite.samples.readme;

import dev.keraslite.Eager;
import dev.keraslite.GradientTape;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Dense;
import dev.keraslite.models.Model;
import dev.keraslite.optimizers.SGD;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** README's "A first example", compiled as printed (ReadmeTest checks the two are the same text). */
public class FirstExample {
  // README:begin
  static final class Linear extends Model {
    private final Dense dense = new Dense(1)
        .activation("linear")
        .kernelInitializer(Initializers.zeros())
        .biasInitializer(Initializers.zeros());

    @Override
    protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
      return dense.apply(tf, input);
    }
  }

  public static void main(String[] args) {
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      Operand<TFloat32> x = tf.constant(new float[][] {{1f, 2f, 3f}, {4f, 5f, 6f}});
      Operand<TFloat32> y = tf.constant(new float[][] {{10f}, {20f}});
      Linear model = new Linear();
      SGD optimizer = new SGD(0.01f);
      for (int i = 0; i < 100; i++) {
        try (GradientTape tape = new GradientTape(tf)) {
          Operand<TFloat32> yPred = model.apply(tf, x);
          Operand<TFloat32> loss = tf.math.mean(tf.math.square(tf.math.sub(yPred, y)), tf.constant(new int[] {0, 1}));
          var grads = tape.gradient(loss, model.variables());
          optimizer.applyGradients(grads, model.variables());
        }
      }
      System.out.println(model.variables());
      // [<Variable 'linear/dense/kernel:0' shape=(3, 1) dtype=float32, numpy=[[0.40784496], [1.191065], [1.9742855]]>,
      //  <Variable 'linear/dense/bias:0' shape=(1,) dtype=float32, numpy=[0.78322077]>]
    }
  }
  // README:end
}
