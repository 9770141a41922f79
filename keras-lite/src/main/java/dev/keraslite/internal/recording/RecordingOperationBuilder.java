package dev.keraslite.internal.recording;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;

/**
 * Builds on the delegate environment and, when a tape is recording, remembers inputs and attributes
 * (eager operations cannot report them afterwards).
 */
final class RecordingOperationBuilder implements OperationBuilder {
  private final RecordingEnvironment env;
  private final OperationBuilder delegate;
  private final String type;
  private final List<Output<?>> inputs;
  private final OpAttributes attrs;
  private final boolean ordered;

  RecordingOperationBuilder(
      RecordingEnvironment env,
      OperationBuilder delegate,
      String type,
      boolean capture,
      boolean ordered) {
    this.ordered = ordered;
    this.env = env;
    this.delegate = delegate;
    this.type = type;
    this.inputs = capture ? new ArrayList<>(4) : null;
    this.attrs = capture ? new OpAttributes() : null;
  }

  @Override
  public Operation build() {
    Operation op = delegate.build();
    env.built(type, inputs, attrs, op, ordered);
    return op;
  }

  @Override
  public OperationBuilder addInput(Output<?> input) {
    delegate.addInput(input);
    if (inputs != null) {
      inputs.add(input);
    }
    return this;
  }

  @Override
  public OperationBuilder addInputList(Output<?>[] list) {
    delegate.addInputList(list);
    if (inputs != null) {
      inputs.addAll(Arrays.asList(list));
    }
    return this;
  }

  @Override
  public OperationBuilder addControlInput(Operation control) {
    delegate.addControlInput(control);
    return this;
  }

  @Override
  public OperationBuilder setDevice(String device) {
    delegate.setDevice(device);
    return this;
  }

  private OperationBuilder keep(String name, Object value) {
    if (attrs != null) {
      attrs.put(name, value);
    }
    return this;
  }

  @Override
  public OperationBuilder setAttr(String name, String[] value) {
    delegate.setAttr(name, value);
    return keep(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, String value) {
    delegate.setAttr(name, value);
    return keep(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, byte[] value) {
    delegate.setAttr(name, value);
    return keep(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, long value) {
    delegate.setAttr(name, value);
    return keep(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, long[] value) {
    delegate.setAttr(name, value);
    return keep(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, float value) {
    delegate.setAttr(name, value);
    return keep(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, float[] value) {
    delegate.setAttr(name, value);
    return keep(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, boolean value) {
    delegate.setAttr(name, value);
    return keep(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, boolean[] value) {
    delegate.setAttr(name, value);
    return keep(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, DataType value) {
    delegate.setAttr(name, value);
    return keep(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, DataType[] value) {
    delegate.setAttr(name, value);
    return keep(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, Tensor value) {
    delegate.setAttr(name, value);
    return this; // Only Const carries tensor attributes, and it has no gradient.
  }

  @Override
  public OperationBuilder setAttr(String name, Tensor[] value) {
    delegate.setAttr(name, value);
    return this;
  }

  @Override
  public OperationBuilder setAttr(String name, Shape value) {
    delegate.setAttr(name, value);
    return keep(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, Shape[] value) {
    delegate.setAttr(name, value);
    return keep(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, ConcreteFunction value) {
    delegate.setAttr(name, value);
    return keep(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, ConcreteFunction[] value) {
    delegate.setAttr(name, value);
    return keep(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, AttrValue value) {
    delegate.setAttr(name, value);
    return keep(name, value);
  }
}
