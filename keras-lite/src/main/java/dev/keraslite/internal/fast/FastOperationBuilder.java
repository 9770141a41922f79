package dev.keraslite.internal.fast;

import com.google.protobuf.ByteString;
import java.util.Arrays;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Collects an op's inputs and attributes in call order and hands them to the {@link
 * EagerDispatcher} on {@link #build()}. Nothing native happens before {@code build}: the reused
 * {@code TFE_Op} of the type is only touched while the op executes, and an op that turns out to
 * need TensorFlow Java's builder (a function-valued or {@code AttrValue} attribute, a device, a
 * control input) is replayed onto it in the same order.
 */
final class FastOperationBuilder implements OperationBuilder {
  /** Entry key of an input list ({@code Output[]}); a single input has the key {@code null}. */
  static final String INPUT_LIST = new String("<input list>");
  /** Entry key of a device. */
  static final String DEVICE = new String("<device>");
  /** Entry key of a control input. */
  static final String CONTROL_INPUT = new String("<control input>");

  final EagerDispatcher dispatcher;
  final OpSlot slot;
  final String type;
  final String name;
  final Scope scope;
  /** Entry i is an input (key null or INPUT_LIST), a device, a control input or attribute key[i]. */
  String[] keys = new String[4];
  Object[] values = new Object[4];
  int size;
  /** Set when an entry needs TensorFlow Java's builder. */
  boolean fallback;
  private boolean built;

  FastOperationBuilder(
      EagerDispatcher dispatcher, OpSlot slot, String type, String name, Scope scope) {
    this.dispatcher = dispatcher;
    this.slot = slot;
    this.type = type;
    this.name = name;
    this.scope = scope;
  }

  @Override
  public Operation build() {
    if (built) {
      throw new IllegalStateException("Operation " + type + " has already been built");
    }
    built = true;
    return dispatcher.execute(this);
  }

  private OperationBuilder add(String key, Object value) {
    if (size == keys.length) {
      keys = Arrays.copyOf(keys, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    keys[size] = key;
    values[size] = value;
    size++;
    return this;
  }

  private OperationBuilder addForJava(String key, Object value) {
    fallback = true;
    return add(key, value);
  }

  @Override
  public OperationBuilder addInput(Output<?> input) {
    return add(null, input);
  }

  @Override
  public OperationBuilder addInputList(Output<?>[] inputs) {
    return add(INPUT_LIST, inputs.clone());
  }

  @Override
  public OperationBuilder addControlInput(Operation control) {
    return addForJava(CONTROL_INPUT, control);
  }

  @Override
  public OperationBuilder setDevice(String device) {
    return device == null || device.isEmpty() ? this : addForJava(DEVICE, device);
  }

  @Override
  public OperationBuilder setAttr(String name, String value) {
    return add(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, String[] value) {
    return add(name, value.clone());
  }

  @Override
  public OperationBuilder setAttr(String name, byte[] value) {
    return add(name, value.clone());
  }

  @Override
  public OperationBuilder setAttr(String name, long value) {
    return add(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, long[] value) {
    return add(name, value.clone());
  }

  @Override
  public OperationBuilder setAttr(String name, float value) {
    return add(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, float[] value) {
    return add(name, value.clone());
  }

  @Override
  public OperationBuilder setAttr(String name, boolean value) {
    return add(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, boolean[] value) {
    return add(name, value.clone());
  }

  @Override
  public OperationBuilder setAttr(String name, DataType value) {
    return add(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, DataType[] value) {
    return add(name, value.clone());
  }

  @Override
  public OperationBuilder setAttr(String name, Tensor value) {
    return add(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, Tensor[] value) {
    return addForJava(name, value.clone());
  }

  @Override
  public OperationBuilder setAttr(String name, Shape value) {
    return add(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, Shape[] value) {
    return add(name, value.clone());
  }

  @Override
  public OperationBuilder setAttr(String name, ConcreteFunction value) {
    return addForJava(name, value);
  }

  @Override
  public OperationBuilder setAttr(String name, ConcreteFunction[] value) {
    return addForJava(name, value.clone());
  }

  @Override
  public OperationBuilder setAttr(String name, AttrValue value) {
    return addForJava(name, value);
  }

  /** Replays the collected calls, in order, onto TensorFlow Java's builder {@code java}. */
  OperationBuilder replayOnto(OperationBuilder java) {
    for (int i = 0; i < size; i++) {
      String key = keys[i];
      Object value = values[i];
      if (key == null) {
        java.addInput((Output<?>) value);
      } else if (key == INPUT_LIST) {
        java.addInputList((Output<?>[]) value);
      } else if (key == DEVICE) {
        java.setDevice((String) value);
      } else if (key == CONTROL_INPUT) {
        java.addControlInput((Operation) value);
      } else {
        setAttrOn(java, key, value);
      }
    }
    return java;
  }

  private static void setAttrOn(OperationBuilder java, String name, Object value) {
    if (value instanceof String) {
      java.setAttr(name, (String) value);
    } else if (value instanceof String[]) {
      // TensorFlow Java 1.1.0's eager builder crashes on string lists (setAttrStringList passes
      // its PointerPointer by reference); the same list as an AttrValue takes a working route.
      java.setAttr(name, stringList((String[]) value));
    } else if (value instanceof byte[]) {
      java.setAttr(name, (byte[]) value);
    } else if (value instanceof Long) {
      java.setAttr(name, (long) (Long) value);
    } else if (value instanceof long[]) {
      java.setAttr(name, (long[]) value);
    } else if (value instanceof Float) {
      java.setAttr(name, (float) (Float) value);
    } else if (value instanceof float[]) {
      java.setAttr(name, (float[]) value);
    } else if (value instanceof Boolean) {
      java.setAttr(name, (boolean) (Boolean) value);
    } else if (value instanceof boolean[]) {
      java.setAttr(name, (boolean[]) value);
    } else if (value instanceof DataType) {
      java.setAttr(name, (DataType) value);
    } else if (value instanceof DataType[]) {
      java.setAttr(name, (DataType[]) value);
    } else if (value instanceof Tensor) {
      java.setAttr(name, (Tensor) value);
    } else if (value instanceof Tensor[]) {
      java.setAttr(name, (Tensor[]) value);
    } else if (value instanceof Shape) {
      java.setAttr(name, (Shape) value);
    } else if (value instanceof Shape[]) {
      // Its shape lists misplace every shape after the first (a pointer offset counted in bytes
      // where JavaCPP counts elements); as an AttrValue they arrive intact.
      java.setAttr(name, shapeList((Shape[]) value));
    } else if (value instanceof ConcreteFunction) {
      java.setAttr(name, (ConcreteFunction) value);
    } else if (value instanceof ConcreteFunction[]) {
      java.setAttr(name, (ConcreteFunction[]) value);
    } else if (value instanceof AttrValue) {
      java.setAttr(name, (AttrValue) value);
    } else {
      throw new IllegalStateException("Unexpected attribute value " + value.getClass());
    }
  }

  private static AttrValue stringList(String[] values) {
    AttrValue.ListValue.Builder list = AttrValue.ListValue.newBuilder();
    for (String value : values) {
      list.addS(ByteString.copyFromUtf8(value));
    }
    return AttrValue.newBuilder().setList(list).build();
  }

  private static AttrValue shapeList(Shape[] shapes) {
    AttrValue.ListValue.Builder list = AttrValue.ListValue.newBuilder();
    for (Shape shape : shapes) {
      TensorShapeProto.Builder proto = TensorShapeProto.newBuilder();
      if (shape.isUnknown()) {
        proto.setUnknownRank(true);
      } else {
        for (int i = 0; i < shape.numDimensions(); i++) {
          proto.addDim(TensorShapeProto.Dim.newBuilder().setSize(shape.get(i)));
        }
      }
      list.addShape(proto);
    }
    return AttrValue.newBuilder().setList(list).build();
  }
}
