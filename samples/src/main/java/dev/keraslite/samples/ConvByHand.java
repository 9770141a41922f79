package dev.keraslite.samples;

import dev.keraslite.Eager;
import dev.keraslite.models.Sequential;
import dev.keraslite.initializers.Initializers;
import dev.keraslite.layers.Conv2D;
import dev.keraslite.layers.Layer;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Example 6 of the chapter: a convolution worked by hand, checked by a one-layer model.
 *
 * <p>Python original: {@code model/cnn/cnn_example.py}: a 7×7 single-channel image, a {@code
 * Conv2D(1, [3, 3])} whose kernel is {@code [[0,0,-1],[0,1,0],[-2,0,2]]} and bias 1 (constant
 * initializers), valid padding; it prints the 5×5 feature map. The text adds that strides of 2 give a
 * 3×3 map, which this port prints too.
 */
public final class ConvByHand {
  static final float[][] IMAGE = {
    {0, 0, 0, 0, 0, 0, 0},
    {0, 1, 0, 1, 2, 1, 0},
    {0, 0, 2, 2, 0, 1, 0},
    {0, 1, 1, 0, 2, 1, 0},
    {0, 0, 2, 1, 1, 0, 0},
    {0, 2, 1, 1, 2, 0, 0},
    {0, 0, 0, 0, 0, 0, 0}
  };
  static final float[][] KERNEL = {{0, 0, -1}, {0, 1, 0}, {-2, 0, 2}};
  static final float BIAS = 1;

  private ConvByHand() {}

  /** The feature map of the tutorial's image with the given strides, as a 2-D array. */
  public static float[][] featureMap(int strides) {
    Layer.clearNameCounters();
    try (Eager eager = Eager.create()) {
      Ops tf = eager.tf();
      float[][][][] image = new float[1][7][7][1];
      float[] kernel = new float[9];
      for (int i = 0; i < 7; i++) {
        for (int j = 0; j < 7; j++) {
          image[0][i][j][0] = IMAGE[i][j];
        }
      }
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          kernel[i * 3 + j] = KERNEL[i][j]; // [kh, kw, in=1, out=1] in row-major order
        }
      }
      Sequential model =
          new Sequential(
              new Conv2D(1, 3)
                  .strides(strides)
                  .kernelInitializer(Initializers.constant(kernel))
                  .biasInitializer(Initializers.constant(BIAS)));
      Operand<TFloat32> output = model.apply(tf, tf.constant(image));
      TFloat32 t = output.asTensor();
      int n = (int) t.shape().get(1);
      float[][] map = new float[n][n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          map[i][j] = t.getFloat(0, i, j, 0);
        }
      }
      return map;
    }
  }

  /** Formats a map as the tutorial prints it: {@code [[6, 5, -2, 1, 2], ...]}. */
  static String format(float[][] map) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < map.length; i++) {
      sb.append(i > 0 ? ", [" : "[");
      for (int j = 0; j < map[i].length; j++) {
        sb.append(j > 0 ? ", " : "").append(Math.round(map[i][j]));
      }
      sb.append(']');
    }
    return sb.append(']').toString();
  }

  public static void main(String[] args) {
    System.out.println(format(featureMap(1)));
    System.out.println("strides=2: " + format(featureMap(2)));
  }
}
