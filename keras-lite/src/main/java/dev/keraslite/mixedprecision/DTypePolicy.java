package dev.keraslite.mixedprecision;

import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TType;

/**
 * A layer's dtype policy (Keras's {@code DTypePolicy}): the dtype its computation runs in and the
 * dtype of its variables. Four policies exist:
 *
 * <ul>
 *   <li>{@code "float32"} (the default): everything in float32;
 *   <li>{@code "mixed_bfloat16"}: variables stay float32 (the optimizer updates them exactly), and
 *       the layer's heavy operation (the matrix product of {@code Dense}, the convolution of {@code
 *       Conv1D}, {@code Conv2D}, {@code DepthwiseConv2D}) runs in bfloat16 on inputs and weights
 *       cast to bfloat16, its result cast back to float32 before the bias and the activation;
 *   <li>{@code "mixed_float16"}: the same in float16, for GPUs with float16 units. float16's range is
 *       small (largest 65504, smallest normal 6.1e-5), so small gradients underflow to zero: train
 *       with a {@link dev.keraslite.optimizers.LossScaleOptimizer}, as Keras requires. On a CPU
 *       TensorFlow runs float16 products and convolutions with Eigen, slower than float32;
 *   <li>{@code "float64"}: everything in float64 (Keras's {@code dtype="float64"}, or {@code
 *       keras.config.set_floatx("float64")} for a whole model): variables are float64, floating
 *       inputs are cast to float64 when they enter the layer, and the layer's output is float64.
 *       Losses cast the predictions to float32 (the loss is float32; gradients below it stay
 *       float64) and {@code predict} returns float32 arrays.
 * </ul>
 *
 * <p>Every layer casts floating inputs of another dtype to its {@link #boundaryType() boundary
 * dtype} as they enter it, as Keras's {@code autocast} does: float64 for a float64 layer, float32
 * for the others. So a float32 layer after a float64 one gets float32 and the reverse. Inputs that
 * are not floating (integer token ids) pass unchanged. The Java signatures stay {@code
 * Operand<TFloat32>}: generics are erased, and a float64 model's tensors are float64 at run time.
 *
 * <p>One difference from Keras: between layers keras-lite passes float32, where Keras passes the
 * compute dtype. keras-lite's layers are typed on float32 tensors, and the casts cost little beside
 * the products they surround; the products' results are rounded to bfloat16 as in Keras, the
 * additions and activations after them are done in float32 (more precise, not less). The loss is
 * float32 either way, as Keras's is. The pure {@code "bfloat16"} / {@code "float16"} policies are
 * refused with the reason.
 *
 * <pre>{@code
 * DTypePolicy.setGlobalPolicy("mixed_bfloat16");   // keras.mixed_precision.set_global_policy(...)
 * Sequential model = new Sequential(...);           // its layers take the global policy
 *
 * DTypePolicy.setGlobalPolicy("float64");          // keras.config.set_floatx("float64")
 * dense.setDtypePolicy(DTypePolicy.FLOAT64);       // Dense(4, dtype="float64"), before it is built
 * }</pre>
 */
public final class DTypePolicy {
  /** Everything in float32. */
  public static final DTypePolicy FLOAT32 = new DTypePolicy("float32", null);

  /** bfloat16 products and convolutions, float32 variables. */
  public static final DTypePolicy MIXED_BFLOAT16 = new DTypePolicy("mixed_bfloat16", TBfloat16.class);

  /** float16 products and convolutions, float32 variables; needs a LossScaleOptimizer. */
  public static final DTypePolicy MIXED_FLOAT16 = new DTypePolicy("mixed_float16", TFloat16.class);

  /** Everything in float64: variables, computation and outputs. */
  public static final DTypePolicy FLOAT64 = new DTypePolicy("float64", null, TFloat64.class);

  private static final String VALID = "'float32', 'mixed_bfloat16', 'mixed_float16' and 'float64'";

  private static volatile DTypePolicy global = FLOAT32;

  private final String name;
  /** The dtype of the products and convolutions, or null for the variables' dtype (no casts). */
  private final Class<? extends TFloating> computeType;
  private final Class<? extends TFloating> variableType;

  private DTypePolicy(String name, Class<? extends TFloating> computeType) {
    this(name, computeType, TFloat32.class);
  }

  private DTypePolicy(
      String name, Class<? extends TFloating> computeType, Class<? extends TFloating> variableType) {
    this.name = name;
    this.computeType = computeType;
    this.variableType = variableType;
  }

  /**
   * The policy named {@code name}: {@code "float32"}, {@code "mixed_bfloat16"} or {@code
   * "mixed_float16"} or {@code "float64"}.
   *
   * @throws IllegalArgumentException for other names, with the reason and the valid names
   */
  public static DTypePolicy of(String name) {
    String n = name == null ? "null" : name.toLowerCase(Locale.ROOT);
    switch (n) {
      case "float32":
        return FLOAT32;
      case "mixed_bfloat16":
        return MIXED_BFLOAT16;
      case "float64":
        return FLOAT64;
      case "mixed_float16":
        return MIXED_FLOAT16;
      case "bfloat16":
      case "float16":
        throw new IllegalArgumentException(
            "dtype policy '" + n + "' is not supported: keras-lite keeps variables in float32 or"
                + " float64; the policies are " + VALID);
      default:
        throw new IllegalArgumentException(
            "unknown dtype policy '" + name + "'; the policies are " + VALID);
    }
  }

  /**
   * The policy layers take when they are created (Keras's {@code set_global_policy}); set it
   * before building a model. Layers created earlier keep theirs.
   */
  public static void setGlobalPolicy(String name) {
    setGlobalPolicy(of(name));
  }

  /** As {@link #setGlobalPolicy(String)}. */
  public static void setGlobalPolicy(DTypePolicy policy) {
    if (policy == null) {
      throw new IllegalArgumentException("the global dtype policy must not be null");
    }
    global = policy;
  }

  /** The policy new layers take (Keras's {@code global_policy()}); {@code "float32"} by default. */
  public static DTypePolicy globalPolicy() {
    return global;
  }

  /**
   * Keras's name of the policy: {@code "float32"}, {@code "mixed_bfloat16"}, {@code "mixed_float16"},
   * {@code "float64"}.
   */
  public String name() {
    return name;
  }

  /**
   * The dtype computations run in: {@code "float32"}, {@code "bfloat16"}, {@code "float16"} or
   * {@code "float64"}.
   */
  public String computeDtype() {
    if (computeType == null) {
      return variableDtype();
    }
    return computeType == TBfloat16.class ? "bfloat16" : "float16";
  }

  /** The dtype of variables: {@code "float32"}, or {@code "float64"} under float64. */
  public String variableDtype() {
    return variableType == TFloat64.class ? "float64" : "float32";
  }

  /** The type of variables: {@code TFloat32.class}, or {@code TFloat64.class} under float64. */
  public Class<? extends TFloating> variableType() {
    return variableType;
  }

  /**
   * The dtype of the tensors that enter and leave a layer of this policy: float64 under float64,
   * float32 otherwise (mixed_bfloat16 casts to bfloat16 inside the layer only).
   */
  public Class<? extends TFloating> boundaryType() {
    return variableType;
  }

  /**
   * {@code x} in {@link #boundaryType()} when it is floating and of another dtype (Keras's
   * autocast of a layer's inputs); itself otherwise, integer inputs included.
   */
  @SuppressWarnings("unchecked")
  public <T extends TType> Operand<T> autocast(Ops tf, Operand<T> x) {
    Class<? extends TType> type = x.type();
    if (type == variableType || !isFloating(type)) {
      return x;
    }
    return (Operand<T>) tf.dtypes.cast(x, variableType);
  }

  private static boolean isFloating(Class<?> type) {
    return type == TFloat32.class
        || type == TFloat64.class
        || type == TBfloat16.class
        || type == TFloat16.class;
  }

  /**
   * {@code x} in the compute dtype: itself under float32, cast to bfloat16 or float16 under the
   * mixed policies.
   * The type parameter lets both operands of a product take the same compute type.
   */
  @SuppressWarnings("unchecked")
  public <T extends TFloating> Operand<T> toCompute(Ops tf, Operand<TFloat32> x) {
    return (Operand<T>) (computeType != null ? tf.dtypes.cast(x, computeType) : x);
  }

  /** A result of the compute dtype back in float32 (no op under float32). */
  @SuppressWarnings("unchecked")
  public Operand<TFloat32> fromCompute(Ops tf, Operand<? extends TFloating> y) {
    return computeType != null ? tf.dtypes.cast(y, TFloat32.class) : (Operand<TFloat32>) y;
  }

  /**
   * {@code x} rounded to the compute dtype and back to float32 (no op under float32): the values a
   * compute-dtype kernel would see, for an op computed in float32 instead (see {@code Conv2D}).
   */
  public Operand<TFloat32> rounded(Ops tf, Operand<TFloat32> x) {
    return computeType != null ? tf.dtypes.cast(tf.dtypes.cast(x, computeType), TFloat32.class) : x;
  }

  @Override
  public String toString() {
    return "<DTypePolicy \"" + name + "\">";
  }
}
