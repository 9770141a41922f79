package dev.keraslite.autodiff;

import java.util.Collections;
import java.util.List;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.proto.DataType;

/**
 * One operation as the tape saw it being built: its type, its inputs (input lists flattened, in the
 * order TensorFlow declares them), its attributes and the operation it produced. Gradient functions
 * read everything they need from here; eager operations cannot report their attributes, so the
 * recording builder keeps them.
 */
public final class RecordedOp {
  private final String type;
  private final List<Output<?>> inputs;
  private final OpAttributes attrs;
  private final Operation operation;
  private boolean[] needed;

  RecordedOp(String type, List<Output<?>> inputs, OpAttributes attrs, Operation operation) {
    this.type = type;
    this.inputs = Collections.unmodifiableList(inputs);
    this.attrs = attrs;
    this.operation = operation;
  }

  /** TensorFlow op type, such as {@code "MatMul"}. */
  public String type() {
    return type;
  }

  /** The operation's name. */
  public String name() {
    return operation.name();
  }

  /** The built operation. */
  public Operation operation() {
    return operation;
  }

  /** Inputs in TensorFlow's order, input lists flattened. */
  public List<Output<?>> inputs() {
    return inputs;
  }

  /** The {@code i}-th flattened input. */
  public Output<?> input(int i) {
    return inputs.get(i);
  }

  /** Number of flattened inputs. */
  public int numInputs() {
    return inputs.size();
  }

  /**
   * Whether the gradient being computed needs the gradient of input {@code i}: false for inputs
   * that no source reaches (a first layer's input, constant labels), so a gradient function can
   * skip building it (TensorFlow's {@code skip_input_indices}). Always true outside a backward pass.
   */
  public boolean needsGradient(int i) {
    return needed == null || needed[i];
  }

  void setNeeded(boolean[] needed) {
    this.needed = needed;
  }

  /** The {@code i}-th output. */
  public Output<?> output(int i) {
    return operation.output(i);
  }

  /** Number of outputs. */
  public int numOutputs() {
    return operation.numOutputs();
  }

  /** Attribute value as it was set on the builder, or null when the op used its default. */
  public Object attr(String name) {
    return attrs.get(name);
  }

  /** Boolean attribute, or {@code defaultValue} when it was not set. */
  public boolean attrBool(String name, boolean defaultValue) {
    Object v = attrs.get(name);
    return v == null ? defaultValue : (Boolean) v;
  }

  /** Integer attribute, or {@code defaultValue} when it was not set. */
  public long attrLong(String name, long defaultValue) {
    Object v = attrs.get(name);
    return v == null ? defaultValue : (Long) v;
  }

  /** Float attribute, or {@code defaultValue} when it was not set. */
  public float attrFloat(String name, float defaultValue) {
    Object v = attrs.get(name);
    return v == null ? defaultValue : (Float) v;
  }

  /** Integer-list attribute, or {@code defaultValue} when it was not set. */
  public long[] attrLongs(String name, long[] defaultValue) {
    Object v = attrs.get(name);
    return v == null ? defaultValue : (long[]) v;
  }

  /** String attribute, or {@code defaultValue} when it was not set. */
  public String attrString(String name, String defaultValue) {
    Object v = attrs.get(name);
    if (v == null) {
      return defaultValue;
    }
    return v instanceof byte[] ? new String((byte[]) v, java.nio.charset.StandardCharsets.UTF_8) : (String) v;
  }

  /** Type attribute, or null when it was not set. */
  public DataType attrType(String name) {
    return (DataType) attrs.get(name);
  }

  @Override
  public String toString() {
    return type + " '" + operation.name() + "'";
  }
}
