package dev.keraslite.checkpoint;

import dev.keraslite.EagerScope;
import dev.keraslite.Recording;
import dev.keraslite.Variable;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.family.TType;

/**
 * Copies variable values to the host and back, between training steps.
 *
 * <p>The copies are not part of any computation: recording tapes are paused while they run, and
 * the eager values they create (reads, constants) are released as soon as the copy is done, so
 * snapshots taken every epoch do not accumulate native memory.
 */
final class VariableValues {
  private static final boolean BIG_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;

  private VariableValues() {}

  /** Reads the current values of {@code variables}, in order. */
  static List<WeightValue> read(List<Variable> variables, String user) {
    checkVariables(variables, user);
    List<WeightValue> out = new ArrayList<>(variables.size());
    for (Variable v : variables) {
      Ops tf = v.ops();
      try (Region region = new Region(tf);
          Tensor t = v.value(tf).asTensor()) {
        byte[] data = new byte[Math.toIntExact(t.numBytes())];
        t.asRawTensor().data().read(data);
        out.add(new WeightValue(v.name(), v.dataType(), v.shape(), toLittleEndian(data, v)));
      }
    }
    return out;
  }

  /**
   * Assigns {@code values.get(i)} to {@code variables.get(i)}; the caller has checked that names,
   * dtypes and shapes agree.
   */
  static void assign(List<Variable> variables, List<WeightValue> values) {
    for (int i = 0; i < variables.size(); i++) {
      Variable v = variables.get(i);
      Ops tf = v.ops();
      try (Region region = new Region(tf)) {
        byte[] data = toLittleEndian(values.get(i).data(), v); // the swap is its own inverse
        v.assign(tf, constant(tf, v.type(), v, data));
      }
    }
  }

  private static <T extends TType> org.tensorflow.Operand<T> constant(
      Ops tf, Class<T> type, Variable v, byte[] data) {
    return tf.constant(type, v.shape(), DataBuffers.of(data, true, false));
  }

  /**
   * Rejects what cannot be copied: null entries, duplicate names (values are matched by name),
   * variables of a graph (they need a Session), and strings (no fixed-size layout).
   */
  static void checkVariables(List<Variable> variables, String user) {
    if (variables == null) {
      throw new IllegalArgumentException(user + ": the list of variables is null");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < variables.size(); i++) {
      Variable v = variables.get(i);
      if (v == null) {
        throw new IllegalArgumentException(user + ": variable " + i + " is null");
      }
      if (!names.add(v.name())) {
        throw new IllegalArgumentException(
            user + ": two variables are named '" + v.name() + "'; values are matched by name,"
                + " so names must be unique");
      }
      if (!v.ops().scope().env().isEager()) {
        throw new IllegalStateException(
            user + ": variable '" + v.name() + "' lives in a graph; only variables of an eager"
                + " context (Eager.create()) can be copied to the host here");
      }
      if (v.dataType() == DataType.DT_STRING) {
        throw new IllegalArgumentException(
            user + ": variable '" + v.name() + "' has dtype string, which has no fixed-size"
                + " layout; only numeric and bool variables can be saved");
      }
    }
  }

  /** TensorFlow's host buffers use the machine's byte order; the stored form is little-endian. */
  private static byte[] toLittleEndian(byte[] data, Variable v) {
    long elements = v.shape().size();
    if (!BIG_ENDIAN || elements == 0) {
      return data;
    }
    int width = (int) (data.length / elements);
    byte[] out = new byte[data.length];
    for (int i = 0; i < data.length; i += width) {
      for (int j = 0; j < width; j++) {
        out[i + j] = data[i + width - 1 - j];
      }
    }
    return out;
  }

  /**
   * The eager ops built between its creation and {@link #close}, unrecorded and then released: an
   * {@link EagerScope} with the tapes paused, so that it releases even inside a recording tape.
   */
  static final class Region implements AutoCloseable {
    private final Recording.Paused paused;
    private final EagerScope scope;

    Region(Ops tf) {
      paused = Recording.paused(tf);
      scope = EagerScope.open(tf);
    }

    @Override
    public void close() {
      try {
        scope.close();
      } finally {
        paused.close();
      }
    }
  }
}
