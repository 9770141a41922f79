package dev.keraslite.internal.fast;

import static org.tensorflow.internal.c_api.global.tensorflow.TFE_Execute;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_NewOp;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_NewTensorHandle;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpAddInput;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpAddInputList;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpReset;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpSetDevice;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpSetAttrBool;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpSetAttrBoolList;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpSetAttrFloat;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpSetAttrFloatList;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpSetAttrInt;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpSetAttrIntList;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpSetAttrShape;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpSetAttrShapeList;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpSetAttrString;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpSetAttrStringList;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpSetAttrTensor;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpSetAttrType;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_OpSetAttrTypeList;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorType;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NumDims;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_Dim;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorByteSize;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_AllocateTensor;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorData;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteTensor;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_STRING;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_RESOURCE;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_VARIANT;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_OK;

import dev.keraslite.internal.NativeHandles;

import java.lang.ref.Reference;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.logging.Logger;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.tensorflow.EagerSession;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.Tensor;
import org.tensorflow.internal.c_api.TFE_Context;
import org.tensorflow.internal.c_api.TFE_Op;
import org.tensorflow.internal.c_api.TFE_TensorHandle;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.TF_Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.DataType;

/**
 * Executes the eager ops of one {@link EagerSession} through TensorFlow's eager C API, about ten
 * times faster than TensorFlow Java's builder (docs/ARCHITECTURE.md §1.5), and returns ordinary TensorFlow
 * Java {@code EagerOperation}s.
 *
 * <p>Per op: the reused {@code TFE_Op} of its type is filled ({@code TFE_OpAddInput}, the typed
 * {@code TFE_OpSetAttr*} calls, no protobuf), executed, and reset ({@code TFE_OpReset}), which also
 * drops its references to the inputs; the output handles are wrapped in an {@code EagerOperation}
 * built through its package-private constructor. The status, the output array and the C strings
 * of names are allocated once.
 *
 * <p>What the fast path does not do goes to TensorFlow Java's own builder, decided per op: op types
 * TensorFlow does not register as ops (function names), ops with function-valued or tensor-list
 * attributes, scopes with a device or control dependencies, and, met while building, an {@code
 * AttrValue}, function or tensor-list attribute, a device or a control input. The builder records
 * the calls in order and replays them onto TensorFlow Java's builder at {@code build()}. Types the
 * session disables ({@code VariableV2}, {@code Placeholder}, {@code Assign}) get TensorFlow Java's
 * builder at once, which refuses them with its own message.
 *
 * <p>Ownership: output handles belong to a {@link NativeOwner}; {@code NativeHandles.release}
 * deletes them at once, the garbage collector otherwise, the session's close at the latest. A
 * released value reads as a null handle, which this class and TensorFlow Java report as {@link
 * IllegalStateException}. TensorFlow's errors ({@code TF_Status}) become the exceptions TensorFlow
 * Java throws ({@code org.tensorflow.exceptions}), with TensorFlow's message.
 *
 * <p>Known differences from TensorFlow Java's builder: ops built on the base scope are named by
 * their default name, not a unique one (see {@link FastScope}); an {@code EagerOperation} of the
 * fast path holds no {@code TFE_Op} unless it has list outputs, so its {@code hashCode} is 0 for all
 * of them and {@code equals} is identity (key maps by identity, as keras-lite does); attribute
 * values are read at {@code build()} rather than when set (arrays are copied when set, a tensor
 * attribute must stay open until {@code build()}, as every TensorFlow Java op class does).
 *
 * <p>Confined to one thread at a time, like its {@code Eager}.
 */
public final class EagerDispatcher {
  private static final Logger LOG = Logger.getLogger(EagerDispatcher.class.getName());
  /** At least the number of outputs of any op; TensorFlow Java uses 1000. */
  private static final int MAX_OUTPUTS = 1024;
  /** The op handle of an {@code EagerOperation} that keeps no {@code TFE_Op}. */
  private static final TFE_Op NO_OP = new TFE_Op();
  private static final TFE_TensorHandle[] NO_OUTPUTS = new TFE_TensorHandle[0];
  private static volatile boolean warned;

  private final EagerSession session;
  private final TFE_Context context;
  private final NativeOwner owner = new NativeOwner();
  private final HashMap<String, OpSlot> slots = new HashMap<>();
  private final TF_Status status;
  private final PointerPointer<?> outputsArgument;
  private final LongBuffer outputs;
  private final IntPointer outputCountArgument;
  private final IntBuffer outputCount;
  private final NativeBuffer inputList = new NativeBuffer();
  private final NativeBuffer bytes = new NativeBuffer();
  @SuppressWarnings("unused") // reachable for as long as the dispatcher is
  private final SessionCloseHook closeHook;
  /** The device every op is placed on (a C string), or null for TensorFlow's choice. */
  private BytePointer device;
  private String deviceName;
  private long fastOps;
  private long javaOps;
  /** Whether the context has CPUs only; null until {@link #cpuOnly()} asks TensorFlow. */
  private Boolean cpuOnly;

  private EagerDispatcher(EagerSession session) {
    this.session = session;
    this.context = TfInternals.context(session);
    // Native scratch memory comes from malloc, with no JavaCPP deallocator: no garbage collection
    // and no PointerScope of the caller can free it under the dispatcher. The owner frees it.
    this.status = TF_NewStatus();
    // Java reads and writes the output array and count through direct buffers (no JNI call).
    Pointer outputMemory = NativeBuffer.malloc(8L * MAX_OUTPUTS);
    this.outputsArgument = new PointerPointer<>(outputMemory).capacity(MAX_OUTPUTS);
    this.outputs = new LongPointer(outputMemory).capacity(MAX_OUTPUTS).asBuffer();
    Pointer countMemory = NativeBuffer.malloc(4);
    this.outputCountArgument = new IntPointer(countMemory).capacity(1);
    this.outputCount = outputCountArgument.asBuffer();
    owner.onClose(
        () -> {
          // After the owned handles and ops: none of them is used any more.
          TF_DeleteStatus(status);
          Pointer.free(outputMemory);
          Pointer.free(countMemory);
          inputList.free();
          bytes.free();
        });
    this.closeHook = SessionCloseHook.install(session, owner::close);
  }

  /**
   * A dispatcher for {@code session}, or null when this JVM does not let keras-lite reach
   * TensorFlow Java's internals (then ops take TensorFlow Java's builder; a warning says why).
   */
  public static EagerDispatcher create(EagerSession session) {
    if (!TfInternals.available()) {
      if (!warned) {
        warned = true;
        LOG.warning(
            "keras-lite's fast eager dispatch is off ("
                + TfInternals.failure()
                + "); ops run through TensorFlow Java's builder. On the module path, add "
                + NativeHandles.addOpensFlag()
                + ".");
      }
      return null;
    }
    return new EagerDispatcher(session);
  }

  /** The base scope for {@code Ops} built on {@code env}: no per-op name work (see FastScope). */
  public Scope baseScope(ExecutionEnvironment env) {
    return new FastScope(env);
  }

  /**
   * A builder for one op: the fast path's, or TensorFlow Java's for what the fast path does not
   * handle (see the class comment).
   *
   * @throws IllegalStateException if the session is closed
   */
  public OperationBuilder opBuilder(String type, String name, Scope scope) {
    owner.checkOpen();
    OpSlot slot = slots.get(type);
    if (slot == null) {
      slot = new OpSlot(OpTraits.of(type), session.isOpEnabled(type));
      slots.put(type, slot);
    }
    if (!slot.enabled) {
      // TensorFlow Java refuses it (VariableV2, Placeholder, Assign) with its own message.
      javaOps++;
      return javaBuilder(type, name, scope);
    }
    FastOperationBuilder builder = new FastOperationBuilder(this, slot, type, name, scope);
    // Other fallbacks are replayed onto TensorFlow Java's builder at build(), which also steers
    // clear of its crashing string-list and shape-list attributes (see FastOperationBuilder).
    builder.fallback = !(slot.fast && (scope instanceof FastScope || ScopeProbe.isPlain(scope)));
    return builder;
  }

  /**
   * Places every op executed from now on on {@code device} (null: TensorFlow's choice): set on each
   * reused {@code TFE_Op} when it is made and when it is reset, and on TensorFlow Java's builder for
   * the ops that take it.
   */
  public void placeOn(String device) {
    owner.checkOpen();
    if (device == null ? deviceName == null : device.equals(deviceName)) {
      return;
    }
    // Cached ops carry the old device until their next reset; drop them instead.
    for (OpSlot slot : slots.values()) {
      if (slot.cached != null && !slot.busy) {
        slot.cached.close();
        slot.cached = null;
      }
    }
    deviceName = device;
    // Kept reachable by the field for as long as ops may use it; JavaCPP frees the old one.
    this.device = device == null ? null : new BytePointer(device);
  }

  /**
   * Runs the graph function {@code name}, attached to this dispatcher's context, through the fast
   * path from now on: built with {@link #opBuilder} under its name, it executes as one reused
   * {@code TFE_Op} like any other op (see {@link OpTraits#registerFunction}).
   */
  public void registerFunction(String name) {
    owner.checkOpen();
    OpTraits.registerFunction(name);
    slots.remove(name); // a slot made before, without the fast traits
  }

  /**
   * Whether every device of the context is a CPU (no GPU or other accelerator): then a graph
   * function has one partition, run by one executor on the caller's device. Read once.
   */
  public boolean cpuOnly() {
    owner.checkOpen();
    if (cpuOnly == null) {
      cpuOnly = DeviceReader.cpuOnly(session);
    }
    return cpuOnly;
  }

  /** Frees the reused op of the function {@code name} once the function is gone. */
  public void forgetFunction(String name) {
    OpSlot slot = slots.remove(name);
    if (slot != null && slot.cached != null && !slot.busy && !owner.isClosed()) {
      slot.cached.close();
    }
    OpTraits.forgetFunction(name);
  }

  /**
   * Whether TensorFlow registers ops of {@code type} as stateful ({@code is_stateful}: variable
   * updates, random ops, {@code Assert}, prints); true for a type it does not register.
   */
  public static boolean isStateful(String type) {
    return OpTraits.of(type).stateful;
  }

  /** TensorFlow Java's builder for an op, on this dispatcher's device. */
  private OperationBuilder javaBuilder(String type, String name, Scope scope) {
    OperationBuilder builder = session.opBuilder(type, name, scope);
    return deviceName == null ? builder : builder.setDevice(deviceName);
  }

  /** How many ops this dispatcher executed through the C API. */
  public long fastOpCount() {
    return fastOps;
  }

  /** How many ops it handed to TensorFlow Java's builder. */
  public long javaOpCount() {
    return javaOps;
  }

  /**
   * How many native objects (output handles and ops) this dispatcher owns that are not deleted
   * yet: the reused ops, live values, and values the garbage collector dropped but the next op has
   * not deleted yet.
   */
  public int liveNativeObjects() {
    return owner.liveCount();
  }

  /** Executes the op collected by {@code op}. */
  Operation execute(FastOperationBuilder op) {
    owner.checkOpen();
    owner.drain();
    if (op.fallback) {
      javaOps++;
      return op.replayOnto(javaBuilder(op.type, op.name, op.scope)).build();
    }
    if (op.type.equals("Const")) {
      Operation constant = constant(op);
      if (constant != null) {
        return constant;
      }
    }
    OpSlot slot = op.slot;
    // An op with list outputs keeps its TFE_Op (EagerOperation.outputListLength asks it).
    boolean own = slot.traits.listOutputs || slot.busy;
    OwnedOp tfeOp = own ? newOp(slot.traits) : cachedOp(slot);
    boolean done = false;
    try {
      fill(tfeOp, op);
      outputCount.put(0, MAX_OUTPUTS);
      TFE_Execute(tfeOp, outputsArgument, outputCountArgument, status);
      check();
      int n = outputCount.get(0);
      TFE_TensorHandle[] handles = n == 0 ? NO_OUTPUTS : new TFE_TensorHandle[n];
      for (int i = 0; i < n; i++) {
        handles[i] = new OwnedHandle(outputs.get(i), owner);
      }
      Operation result =
          TfInternals.newEagerOperation(session, own ? tfeOp : NO_OP, handles, op.type, op.name);
      fastOps++;
      done = true;
      return result;
    } finally {
      if (own) {
        if (!done) {
          tfeOp.close();
        }
      } else {
        reset(slot, tfeOp);
      }
    }
  }

  /**
   * A constant becomes a tensor handle over a private copy of the attribute's buffer, without
   * executing a {@code Const} kernel: TensorFlow would fingerprint the value to look up its
   * kernel and, for every new value, create and cache one forever (docs/ARCHITECTURE.md §1.4), which for a
   * batch of images costs more than copying it. The copy keeps TensorFlow Java's semantics (a
   * constant does not change when the tensor it was made from does). The handle lives in host
   * memory; an op on another device receives a copy, as with TensorFlow Python's constants.
   * Strings, resources and variants, whose buffers hold pointers, take the kernel.
   */
  private Operation constant(FastOperationBuilder op) {
    Tensor value = null;
    for (int i = 0; i < op.size; i++) {
      if ("value".equals(op.keys[i])) {
        value = (Tensor) op.values[i];
      }
    }
    TF_Tensor source = value == null ? null : TfInternals.nativeTensor(value.asRawTensor());
    if (source == null || source.isNull()) {
      return null; // the kernel reports what is missing, with TensorFlow's message
    }
    int dtype = TF_TensorType(source);
    if (dtype == TF_STRING || dtype == TF_RESOURCE || dtype == TF_VARIANT) {
      return null;
    }
    int rank = TF_NumDims(source);
    long[] dims = new long[rank];
    for (int i = 0; i < rank; i++) {
      dims[i] = TF_Dim(source, i);
    }
    long bytes = TF_TensorByteSize(source);
    TF_Tensor copy = TF_AllocateTensor(dtype, dims, rank, bytes);
    try {
      if (bytes > 0) {
        Pointer.memcpy(TF_TensorData(copy), TF_TensorData(source), bytes);
      }
      TFE_TensorHandle handle = TFE_NewTensorHandle(copy, status);
      check();
      TFE_TensorHandle[] handles = {new OwnedHandle(handle.address(), owner)};
      fastOps++;
      return TfInternals.newEagerOperation(session, NO_OP, handles, op.type, op.name);
    } finally {
      // The handle holds its own reference to the copy's buffer.
      TF_DeleteTensor(copy);
      Reference.reachabilityFence(value);
    }
  }

  private OwnedOp cachedOp(OpSlot slot) {
    OwnedOp op = slot.cached;
    if (op == null) {
      op = newOp(slot.traits);
      slot.cached = op;
    }
    slot.busy = true;
    return op;
  }

  /** Returns the reused op to its idle state: no inputs (so it keeps none alive), no attributes. */
  private void reset(OpSlot slot, OwnedOp op) {
    slot.busy = false;
    TFE_OpReset(op, slot.traits.cType, device, status);
    if (TF_GetCode(status) != TF_OK) {
      // Never seen; a fresh op next time is the safe answer.
      slot.cached = null;
      op.close();
    }
  }

  private OwnedOp newOp(OpTraits traits) {
    TFE_Op op = TFE_NewOp(context, traits.cType, status);
    check();
    if (device != null) {
      TFE_OpSetDevice(op, device, status);
      check();
    }
    return new OwnedOp(op.address(), owner);
  }

  private void check() {
    if (TF_GetCode(status) != TF_OK) {
      status.throwExceptionIfNotOK();
    }
  }

  private void fill(TFE_Op tfeOp, FastOperationBuilder op) {
    String[] keys = op.keys;
    Object[] values = op.values;
    for (int i = 0; i < op.size; i++) {
      String key = keys[i];
      if (key == null) {
        TFE_OpAddInput(tfeOp, handleOf((Output<?>) values[i], op.type), status);
        check();
      } else if (key == FastOperationBuilder.INPUT_LIST) {
        addInputList(tfeOp, (Output<?>[]) values[i], op.type);
      } else {
        setAttr(tfeOp, key, values[i], op.type);
      }
    }
  }

  /** The live tensor handle behind {@code input}. */
  private static TFE_TensorHandle handleOf(Output<?> input, String type) {
    Operation producer = input.op();
    if (!TfInternals.isEagerOperation(producer)) {
      throw new IllegalArgumentException(
          "Can't use graph operation " + producer + " in eager mode (input of " + type + ").");
    }
    TFE_TensorHandle handle = TfInternals.outputHandles(producer)[input.index()];
    if (dev.keraslite.internal.ReleasedValues.isReleased(handle)) {
      throw new IllegalStateException(
          dev.keraslite.internal.ReleasedValues.message(
              "The input of "
                  + type
                  + " (output "
                  + input.index()
                  + " of "
                  + producer.type()
                  + " '"
                  + producer.name()
                  + "')"));
    }
    if (handle == null || handle.isNull()) {
      throw new IllegalStateException(
          "Input of " + type + " was freed with its eager session: Eager session has been closed");
    }
    return handle;
  }

  private void addInputList(TFE_Op tfeOp, Output<?>[] list, String type) {
    LongBuffer addresses = inputList.longs(list.length);
    for (int i = 0; i < list.length; i++) {
      addresses.put(i, handleOf(list[i], type).address());
    }
    TFE_OpAddInputList(tfeOp, inputList.asPointers(), list.length, status);
    // Only addresses crossed into native code: the handles' owners must stay reachable until here.
    Reference.reachabilityFence(list);
    check();
  }

  private void setAttr(TFE_Op tfeOp, String key, Object value, String type) {
    BytePointer name = CStrings.of(key);
    if (value instanceof DataType) {
      TFE_OpSetAttrType(tfeOp, name, ((DataType) value).getNumber());
    } else if (value instanceof Long) {
      TFE_OpSetAttrInt(tfeOp, name, (Long) value);
    } else if (value instanceof Boolean) {
      TFE_OpSetAttrBool(tfeOp, name, (byte) ((Boolean) value ? 1 : 0));
    } else if (value instanceof Float) {
      TFE_OpSetAttrFloat(tfeOp, name, (Float) value);
    } else if (value instanceof Shape) {
      Shape shape = (Shape) value;
      TFE_OpSetAttrShape(tfeOp, name, shape.asArray(), shape.numDimensions(), status);
      check();
    } else if (value instanceof long[]) {
      long[] ints = (long[]) value;
      TFE_OpSetAttrIntList(tfeOp, name, ints, ints.length);
    } else if (value instanceof Tensor) {
      TF_Tensor tensor = TfInternals.nativeTensor(((Tensor) value).asRawTensor());
      if (tensor == null || tensor.isNull()) {
        throw new IllegalStateException(
            "Tensor attribute '" + key + "' of " + type + " was closed before build()");
      }
      TFE_OpSetAttrTensor(tfeOp, name, tensor, status);
      check();
    } else if (value instanceof String) {
      setString(tfeOp, name, ((String) value).getBytes(StandardCharsets.UTF_8));
    } else if (value instanceof byte[]) {
      setString(tfeOp, name, (byte[]) value);
    } else if (value instanceof float[]) {
      float[] floats = (float[]) value;
      TFE_OpSetAttrFloatList(tfeOp, name, floats, floats.length);
    } else if (value instanceof boolean[]) {
      boolean[] bools = (boolean[]) value;
      byte[] flags = new byte[bools.length];
      for (int i = 0; i < bools.length; i++) {
        flags[i] = (byte) (bools[i] ? 1 : 0);
      }
      TFE_OpSetAttrBoolList(tfeOp, name, flags, flags.length);
    } else if (value instanceof DataType[]) {
      DataType[] types = (DataType[]) value;
      int[] codes = new int[types.length];
      for (int i = 0; i < types.length; i++) {
        codes[i] = types[i].getNumber();
      }
      TFE_OpSetAttrTypeList(tfeOp, name, codes, codes.length);
    } else if (value instanceof String[]) {
      setStringList(tfeOp, name, (String[]) value);
    } else if (value instanceof Shape[]) {
      setShapeList(tfeOp, name, (Shape[]) value);
    } else {
      // FastOperationBuilder sends every other kind to TensorFlow Java's builder.
      throw new IllegalStateException(
          "Attribute '" + key + "' of " + type + ": unexpected " + value.getClass().getName());
    }
  }

  private void setString(TFE_Op tfeOp, BytePointer name, byte[] value) {
    BytePointer memory = bytes.bytes(value.length);
    memory.put(value, 0, value.length);
    TFE_OpSetAttrString(tfeOp, name, memory, value.length);
  }

  private static void setStringList(TFE_Op tfeOp, BytePointer name, String[] values) {
    byte[][] encoded = new byte[values.length][];
    long total = 0;
    for (int i = 0; i < values.length; i++) {
      encoded[i] = values[i].getBytes(StandardCharsets.UTF_8);
      total += encoded[i].length;
    }
    // TensorFlow copies the strings: temporary memory, freed here.
    Pointer data = NativeBuffer.malloc(Math.max(1, total));
    Pointer starts = NativeBuffer.malloc(8L * Math.max(1, values.length));
    Pointer lengths = NativeBuffer.malloc(8L * Math.max(1, values.length));
    try {
      BytePointer bytes = new BytePointer(data).capacity(Math.max(1, total));
      LongPointer startAddresses = new LongPointer(starts).capacity(Math.max(1, values.length));
      SizeTPointer sizes = new SizeTPointer(lengths).capacity(Math.max(1, values.length));
      long offset = 0;
      for (int i = 0; i < values.length; i++) {
        bytes.position(offset).put(encoded[i], 0, encoded[i].length);
        startAddresses.put(i, data.address() + offset);
        sizes.put(i, encoded[i].length);
        offset += encoded[i].length;
      }
      bytes.position(0);
      TFE_OpSetAttrStringList(tfeOp, name, new PointerPointer<>(starts), sizes, values.length);
    } finally {
      Pointer.free(data);
      Pointer.free(starts);
      Pointer.free(lengths);
    }
  }

  private void setShapeList(TFE_Op tfeOp, BytePointer name, Shape[] shapes) {
    long total = 0;
    for (Shape shape : shapes) {
      total += Math.max(0, shape.numDimensions());
    }
    Pointer dims = NativeBuffer.malloc(8L * Math.max(1, total));
    Pointer starts = NativeBuffer.malloc(8L * Math.max(1, shapes.length));
    Pointer ranks = NativeBuffer.malloc(4L * Math.max(1, shapes.length));
    try {
      LongPointer dimValues = new LongPointer(dims).capacity(Math.max(1, total));
      LongPointer startAddresses = new LongPointer(starts).capacity(Math.max(1, shapes.length));
      IntPointer rankValues = new IntPointer(ranks).capacity(Math.max(1, shapes.length));
      long offset = 0;
      for (int i = 0; i < shapes.length; i++) {
        int rank = shapes[i].numDimensions();
        rankValues.put(i, rank);
        startAddresses.put(i, dims.address() + 8 * offset);
        for (int d = 0; d < rank; d++) {
          dimValues.put(offset + d, shapes[i].get(d));
        }
        offset += Math.max(0, rank);
      }
      TFE_OpSetAttrShapeList(
          tfeOp, name, new PointerPointer<>(starts), rankValues, shapes.length, status);
      check();
    } finally {
      Pointer.free(dims);
      Pointer.free(starts);
      Pointer.free(ranks);
    }
  }
}
