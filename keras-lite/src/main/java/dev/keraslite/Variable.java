package dev.keraslite;

import dev.keraslite.internal.fast.FastShape;
import dev.keraslite.internal.recording.RecordingEnvironment;
import dev.keraslite.internal.recording.VariableSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.family.TType;

/**
 * A resource variable ({@code VarHandleOp}, {@code AssignVariableOp}, {@code ReadVariableOp}): mutable
 * state that survives training steps. Reads of a trainable variable under a {@link GradientTape} are
 * watched automatically, so {@code tape.gradient(loss, model.variables())} works as in Keras.
 *
 * <p>Unlike layers, optimizers and metrics, a variable takes its {@code Ops} in the constructor: its
 * initial value is an operand of that context and its resource is created there at once, so the
 * context cannot wait for a later call. Layers and metrics create theirs lazily, with the {@code Ops}
 * of their first use.
 */
public final class Variable implements VariableSource {
  private static final AtomicLong UIDS = new AtomicLong();

  private final String name;
  private final Shape shape;
  private final Class<? extends TType> type;
  private final DataType dataType;
  private final Operand<? extends TType> handle;
  private final Ops tf;
  private final String sharedName;
  private boolean trainable;

  /**
   * Creates a variable holding {@code initialValue}; its shape and dtype are those of the value.
   *
   * @param tf where the variable lives (an eager context, or a graph being traced)
   * @param name the Keras-style path, such as {@code "linear/dense/kernel:0"}
   * @param initialValue the starting value
   * @param trainable whether tapes watch its reads automatically and optimizers update it
   */
  public Variable(Ops tf, String name, Operand<? extends TType> initialValue, boolean trainable) {
    this.name = name;
    this.shape = FastShape.of(initialValue);
    this.type = initialValue.type();
    this.dataType = initialValue.asOutput().dataType();
    this.trainable = trainable;
    this.tf = tf;
    RecordingEnvironment env =
        tf.scope().env() instanceof RecordingEnvironment ? (RecordingEnvironment) tf.scope().env() : null;
    if (env != null) {
      env.checkVariableCreation(name);
    }
    this.sharedName = sharedName(name) + "_" + UIDS.incrementAndGet();
    // Creation is not part of any computation being differentiated.
    try (Recording.Paused paused = Recording.paused(tf)) {
      // In a graph, creation belongs to the initializers a Session runs before its first step.
      Ops init = tf.scope().env().isEager() ? tf : tf.withInitScope();
      this.handle =
          init.varHandleOp(
              type, shape, VarHandleOp.sharedName(sharedName));
      init.assignVariableOp(handle, initialValue);
    }
    if (env != null) {
      env.keep(handle.op());
      env.registerVariable(handle.op(), this);
    }
  }

  private static String sharedName(String name) {
    return name.replace(":", "_");
  }

  /**
   * The {@code shared_name} of the variable's resource, unique per variable: a function traced by
   * {@link Eager#function} reaches this same resource through it.
   */
  @Override
  public String sharedName() {
    return sharedName;
  }

  /** The Ops of the context the variable lives in (an eager context or a graph). */
  public Ops ops() {
    return tf;
  }

  /** The Keras-style path, such as {@code "linear/dense/kernel:0"}. */
  public String name() {
    return name;
  }

  /** The variable's shape. */
  public Shape shape() {
    return shape;
  }

  /** The variable's TensorFlow Java type class, such as {@code TFloat32.class}. */
  public Class<? extends TType> type() {
    return type;
  }

  /** The variable's dtype. */
  public DataType dataType() {
    return dataType;
  }

  @Override
  public boolean trainable() {
    return trainable;
  }

  /** Sets whether tapes watch this variable and optimizers train it. */
  public void setTrainable(boolean trainable) {
    this.trainable = trainable;
  }

  /** The resource handle in the context the variable was created in. */
  public Operand<? extends TType> handle() {
    return handle;
  }

  /**
   * The resource handle to use with {@code tf}: the variable's own in its context, or its twin in a
   * graph that traces a step for that context (a compiled training step). Code that may be traced
   * passes its {@code Ops} here rather than using {@link #handle()}.
   *
   * @throws IllegalArgumentException if {@code tf} belongs to an unrelated context
   */
  public Operand<? extends TType> handle(Ops tf) {
    ExecutionEnvironment env = tf.scope().env();
    if (env == this.tf.scope().env()) {
      return handle;
    }
    if (env instanceof RecordingEnvironment && ((RecordingEnvironment) env).hasTwins()) {
      return ((RecordingEnvironment) env).twin(this, tf);
    }
    throw new IllegalArgumentException(
        "Variable '" + name + "' belongs to another TensorFlow context than the Ops it is used with");
  }

  @Override
  public Operation handleOp() {
    return handle.op();
  }

  /** Reads the current value (a {@code ReadVariableOp}); the result has the variable's dtype. */
  @SuppressWarnings("unchecked")
  public <T extends TType> Operand<T> value(Ops tf) {
    return (Operand<T>) tf.readVariableOp(handle(tf), type);
  }

  /** Assigns {@code value}, which must have the variable's shape and dtype. */
  public void assign(Ops tf, Operand<? extends TType> value) {
    check("assign", value);
    tf.assignVariableOp(handle(tf), value);
  }

  /**
   * A host copy of the current value (Keras's {@code variable.numpy()}): a {@code FloatNdArray} for
   * float32, {@code DoubleNdArray} for float64, {@code IntNdArray} for int32, {@code LongNdArray}
   * for int64, {@code BooleanNdArray} for bool. The read is not recorded by any tape and its eager
   * value is released at once, so calling it every step does not accumulate native memory.
   *
   * @throws IllegalStateException for a variable of a graph (it needs a Session)
   * @throws IllegalArgumentException for a dtype without a host array type above
   */
  public NdArray<?> numpy() {
    requireEager("numpy");
    try (Recording.Paused paused = Recording.paused(tf);
        EagerScope scope = EagerScope.open(tf);
        Tensor t = value(tf).asTensor()) {
      return HostValues.copyOf(t, this);
    }
  }

  /**
   * Assigns a host value (Keras's {@code variable.assign(numpy_array)}), which must have this
   * variable's shape and element type (a {@code FloatNdArray} for float32, ...). Unrecorded, and
   * the constant it makes is released at once.
   *
   * @throws IllegalArgumentException naming the variable, the expected and the received shape or
   *     type; the value is then unchanged
   * @throws IllegalStateException for a variable of a graph
   */
  public void assign(NdArray<?> value) {
    requireEager("assign");
    HostValues.check(this, value);
    try (Recording.Paused paused = Recording.paused(tf);
        EagerScope scope = EagerScope.open(tf)) {
      assign(tf, HostValues.constant(tf, value));
    }
  }

  /**
   * Assigns {@code values.get(i)} to {@code variables.get(i)}, as {@link #assign(NdArray)}, after
   * checking all of them first: a list with one wrong shape or type leaves every variable
   * unchanged.
   *
   * @throws IllegalArgumentException if the sizes differ or a value does not fit its variable
   */
  public static void assignAll(List<Variable> variables, List<? extends NdArray<?>> values) {
    if (values == null || values.size() != variables.size()) {
      throw new IllegalArgumentException(
          "expected " + variables.size() + " values, received " + (values == null ? "null" : values.size()));
    }
    for (int i = 0; i < variables.size(); i++) {
      variables.get(i).requireEager("assign");
      HostValues.check(variables.get(i), values.get(i));
    }
    for (int i = 0; i < variables.size(); i++) {
      variables.get(i).assign(values.get(i));
    }
  }

  private void requireEager(String what) {
    if (!tf.scope().env().isEager()) {
      throw new IllegalStateException(
          "Variable '" + name + "'." + what + ": the variable lives in a graph; only variables of an"
              + " eager context (Eager.create()) have a host value");
    }
  }

  /** Adds {@code delta} to the value. */
  public void assignAdd(Ops tf, Operand<? extends TType> delta) {
    check("assignAdd", delta);
    tf.assignAddVariableOp(handle(tf), delta);
  }

  /** Subtracts {@code delta} from the value. */
  public void assignSub(Ops tf, Operand<? extends TType> delta) {
    check("assignSub", delta);
    tf.assignSubVariableOp(handle(tf), delta);
  }

  private void check(String what, Operand<? extends TType> value) {
    if (value.type() != type) {
      throw new IllegalArgumentException(
          "Variable '" + name + "'." + what + ": expected dtype " + dtypeName(dataType)
              + ", received " + dtypeName(value.asOutput().dataType()));
    }
    Shape s = FastShape.of(value);
    if (!s.isUnknown() && !shape.isCompatibleWith(s)) {
      throw new IllegalArgumentException(
          "Variable '" + name + "'." + what + ": expected shape " + shape + ", received shape " + s);
    }
  }

  /** NumPy's name of a dtype ({@code float32}, {@code int64}, ...), as Keras prints it. */
  static String dtypeName(DataType t) {
    switch (t) {
      case DT_FLOAT:
        return "float32";
      case DT_DOUBLE:
        return "float64";
      case DT_HALF:
        return "float16";
      default:
        return t.name().substring(3).toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Keras's form: {@code <Variable 'dense/kernel:0' shape=(3, 1) dtype=float32, numpy=[[0.4], ...]>}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("<Variable '").append(name).append("' shape=(");
    long[] dims = shape.asArray();
    for (int i = 0; i < dims.length; i++) {
      sb.append(i > 0 ? ", " : "").append(dims[i]);
    }
    if (dims.length == 1) {
      sb.append(',');
    }
    sb.append(") dtype=").append(dtypeName(dataType));
    if (tf.scope().env().isEager()) {
      try (Tensor t = value(tf).asTensor()) {
        sb.append(", numpy=");
        format(sb, (NdArray<?>) t, 0);
      }
    }
    return sb.append('>').toString();
  }

  private static void format(StringBuilder sb, NdArray<?> array, int depth) {
    if (array.rank() == 0) {
      sb.append(array.getObject());
      return;
    }
    sb.append('[');
    long n = array.shape().get(0);
    for (long i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      format(sb, array.get(i), depth + 1);
    }
    sb.append(']');
  }
}
