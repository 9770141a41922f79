package dev.keraslite.internal.fast;

import org.tensorflow.ConcreteFunction;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;

/**
 * Finds out what a scope would add to an op: {@link org.tensorflow.op.Scope#apply} sets the
 * device and adds control inputs, and nothing else. A scope that adds neither is plain and its ops
 * can take the fast path.
 */
final class ScopeProbe implements OperationBuilder {
  private boolean plain = true;

  /** Whether {@code scope} sets no device and adds no control input. */
  static boolean isPlain(org.tensorflow.op.Scope scope) {
    ScopeProbe probe = new ScopeProbe();
    scope.apply(probe);
    return probe.plain;
  }

  @Override
  public OperationBuilder setDevice(String device) {
    if (device != null && !device.isEmpty()) {
      plain = false;
    }
    return this;
  }

  @Override
  public OperationBuilder addControlInput(Operation control) {
    plain = false;
    return this;
  }

  private static UnsupportedOperationException notAScope() {
    return new UnsupportedOperationException("a scope only sets devices and control inputs");
  }

  @Override
  public Operation build() {
    throw notAScope();
  }

  @Override
  public OperationBuilder addInput(Output<?> input) {
    throw notAScope();
  }

  @Override
  public OperationBuilder addInputList(Output<?>[] inputs) {
    throw notAScope();
  }

  @Override
  public OperationBuilder setAttr(String name, String value) {
    throw notAScope();
  }

  @Override
  public OperationBuilder setAttr(String name, String[] value) {
    throw notAScope();
  }

  @Override
  public OperationBuilder setAttr(String name, byte[] value) {
    throw notAScope();
  }

  @Override
  public OperationBuilder setAttr(String name, long value) {
    throw notAScope();
  }

  @Override
  public OperationBuilder setAttr(String name, long[] value) {
    throw notAScope();
  }

  @Override
  public OperationBuilder setAttr(String name, float value) {
    throw notAScope();
  }

  @Override
  public OperationBuilder setAttr(String name, float[] value) {
    throw notAScope();
  }

  @Override
  public OperationBuilder setAttr(String name, boolean value) {
    throw notAScope();
  }

  @Override
  public OperationBuilder setAttr(String name, boolean[] value) {
    throw notAScope();
  }

  @Override
  public OperationBuilder setAttr(String name, DataType value) {
    throw notAScope();
  }

  @Override
  public OperationBuilder setAttr(String name, DataType[] value) {
    throw notAScope();
  }

  @Override
  public OperationBuilder setAttr(String name, Tensor value) {
    throw notAScope();
  }

  @Override
  public OperationBuilder setAttr(String name, Tensor[] value) {
    throw notAScope();
  }

  @Override
  public OperationBuilder setAttr(String name, Shape value) {
    throw notAScope();
  }

  @Override
  public OperationBuilder setAttr(String name, Shape[] value) {
    throw notAScope();
  }

  @Override
  public OperationBuilder setAttr(String name, ConcreteFunction value) {
    throw notAScope();
  }

  @Override
  public OperationBuilder setAttr(String name, ConcreteFunction[] value) {
    throw notAScope();
  }

  @Override
  public OperationBuilder setAttr(String name, AttrValue value) {
    throw notAScope();
  }
}
