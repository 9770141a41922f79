package dev.keraslite.autodiff;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.proto.DataType;

/**
 * One operation as the tape saw it being built: its type, its inputs (input lists flattened, in the
 * order TensorFlow declares them), its attributes and the operation it produced. Gradient functions
 * read everything they need from here; eager operations cannot report their attributes, so the
 * recording machinery keeps them. (The tape implements this; user code only reads it.)
 */
public interface RecordedOp {

  /** TensorFlow op type, such as {@code "MatMul"}. */
  String type();

  /** The built operation. */
  Operation operation();

  /** Inputs in TensorFlow's order, input lists flattened. */
  List<Output<?>> inputs();

  /**
   * Whether the gradient being computed needs the gradient of input {@code i}: false for inputs
   * that no source reaches (a first layer's input, constant labels), so a gradient function can
   * skip building it (TensorFlow's {@code skip_input_indices}). Always true outside a backward pass.
   */
  boolean needsGradient(int i);

  /** Attribute value as it was set on the builder, or null when the op used its default. */
  Object attr(String name);

  /** The operation's name. */
  default String name() {
    return operation().name();
  }

  /** The {@code i}-th flattened input. */
  default Output<?> input(int i) {
    return inputs().get(i);
  }

  /** Number of flattened inputs. */
  default int numInputs() {
    return inputs().size();
  }

  /** The {@code i}-th output. */
  default Output<?> output(int i) {
    return operation().output(i);
  }

  /** Number of outputs. */
  default int numOutputs() {
    return operation().numOutputs();
  }

  /** Boolean attribute, or {@code defaultValue} when it was not set. */
  default boolean attrBool(String name, boolean defaultValue) {
    Object v = attr(name);
    return v == null ? defaultValue : (Boolean) v;
  }

  /** Integer attribute, or {@code defaultValue} when it was not set. */
  default long attrLong(String name, long defaultValue) {
    Object v = attr(name);
    return v == null ? defaultValue : (Long) v;
  }

  /** Float attribute, or {@code defaultValue} when it was not set. */
  default float attrFloat(String name, float defaultValue) {
    Object v = attr(name);
    return v == null ? defaultValue : (Float) v;
  }

  /** Integer-list attribute, or {@code defaultValue} when it was not set. */
  default long[] attrLongs(String name, long[] defaultValue) {
    Object v = attr(name);
    return v == null ? defaultValue : (long[]) v;
  }

  /** String attribute, or {@code defaultValue} when it was not set. */
  default String attrString(String name, String defaultValue) {
    Object v = attr(name);
    if (v == null) {
      return defaultValue;
    }
    return v instanceof byte[] ? new String((byte[]) v, StandardCharsets.UTF_8) : (String) v;
  }

  /** Type attribute, or null when it was not set. */
  default DataType attrType(String name) {
    return (DataType) attr(name);
  }
}
