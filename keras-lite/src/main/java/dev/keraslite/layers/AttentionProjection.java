package dev.keraslite.layers;

import dev.keraslite.Recording;
import dev.keraslite.Variable;
import dev.keraslite.constraints.Constraint;
import dev.keraslite.initializers.Initializer;
import dev.keraslite.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * One of {@link MultiHeadAttention}'s four projections, with the weights of Keras's {@code
 * EinsumDense} sublayers: into heads ({@code abc,cde->abde}: kernel {@code [dim, heads, headDim]},
 * bias {@code [heads, headDim]}) or out of them ({@code abcd,cde->abe}: kernel {@code [heads,
 * headDim, dim]}, bias {@code [dim]}). Computed as one matmul on flattened axes, which has a gradient
 * everywhere (TensorFlow Java has no gradient for {@code Einsum}).
 */
final class AttentionProjection extends Layer {
  private final long[] outputDims;
  private final int contractedRank;
  // transient: the owner is not a sublayer of its projection (sublayer tracking skips it).
  private final transient MultiHeadAttention owner;
  private Variable kernel;
  private Variable bias;

  /**
   * @param outputDims the trailing output dimensions ({@code heads, headDim} or {@code dim})
   * @param contractedRank how many trailing input axes are contracted (1 into heads, 2 out of them)
   */
  AttentionProjection(String name, MultiHeadAttention owner, int contractedRank, long... outputDims) {
    super("attention_projection");
    name(name);
    this.owner = owner;
    this.contractedRank = contractedRank;
    this.outputDims = outputDims.clone();
  }

  Variable kernel() {
    return kernel;
  }

  Variable bias() {
    return bias;
  }

  @Override
  protected void build(Shape inputShape) {
    int rank = inputShape.numDimensions();
    long[] kernelDims = new long[contractedRank + outputDims.length];
    for (int i = 0; i < contractedRank; i++) {
      kernelDims[i] = inputShape.get(rank - contractedRank + i);
    }
    System.arraycopy(outputDims, 0, kernelDims, contractedRank, outputDims.length);
    kernel =
        addWeight("kernel", Shape.of(kernelDims), owner.kernelInitializer(), owner.kernelRegularizer(),
            owner.kernelConstraint());
    if (owner.useBias()) {
      bias =
          addWeight("bias", Shape.of(outputDims), owner.biasInitializer(), owner.biasRegularizer(),
              owner.biasConstraint());
    }
  }

  @Override
  protected Operand<TFloat32> call(Ops tf, Operand<TFloat32> input) {
    Shape shape = Recording.shape(input);
    int rank = shape.numDimensions();
    long in = 1;
    for (int i = rank - contractedRank; i < rank; i++) {
      in *= shape.get(i);
    }
    long out = 1;
    for (long d : outputDims) {
      out *= d;
    }
    Operand<TFloat32> rows = tf.reshape(input, tf.constant(new long[] {-1, in}));
    Operand<TFloat32> w = tf.reshape(kernel.value(tf), tf.constant(new long[] {in, out}));
    Operand<TFloat32> y = tf.reshape(tf.linalg.matMul(rows, w), outputShape(tf, input, rank));
    // The bias has the trailing output shape and broadcasts over the leading axes.
    return bias == null ? y : tf.math.add(y, bias.value(tf));
  }

  /** The leading axes of {@code input} followed by the output dimensions. */
  private Operand<TInt64> outputShape(Ops tf, Operand<TFloat32> input, int rank) {
    Shape shape = Recording.shape(input);
    int leading = rank - contractedRank;
    boolean known = true;
    for (int i = 1; i < leading; i++) {
      known &= shape.get(i) >= 0;
    }
    if (known) {
      long[] dims = new long[leading + outputDims.length];
      dims[0] = -1;
      for (int i = 1; i < leading; i++) {
        dims[i] = shape.get(i);
      }
      System.arraycopy(outputDims, 0, dims, leading, outputDims.length);
      return tf.constant(dims);
    }
    // Unknown inner sizes (a traced graph): take them from the input at run time.
    Operand<TInt64> lead =
        tf.slice(tf.shape(input, TInt64.class), tf.constant(new long[] {0}), tf.constant(new long[] {leading}));
    List<Operand<TInt64>> parts = new ArrayList<>();
    parts.add(lead);
    parts.add(tf.constant(outputDims));
    return tf.concat(parts, tf.constant(0));
  }

  @Override
  public Shape computeOutputShape(Shape inputShape) {
    int leading = inputShape.numDimensions() - contractedRank;
    long[] dims = new long[leading + outputDims.length];
    for (int i = 0; i < leading; i++) {
      dims[i] = inputShape.get(i);
    }
    System.arraycopy(outputDims, 0, dims, leading, outputDims.length);
    return Shape.of(dims);
  }
}
