package dev.keraslite.internal.fast;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteBuffer;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GraphGetOpDef;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewBuffer;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewGraph;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_OK;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.javacpp.BytePointer;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TF_Buffer;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.OpDef;

/**
 * What the dispatcher needs to know about an op type, read once per type from TensorFlow's op
 * registry ({@code TF_GraphGetOpDef}; one registry lookup instead of parsing the whole op list).
 *
 * <ul>
 *   <li>{@link #fast}: whether the fast path may run it. Not for types TensorFlow does not register
 *       as ops (function names, which TensorFlow Java reaches through {@code PartitionedCall}), nor
 *       for ops with function-valued ({@code func}, {@code list(func)}) or tensor-list attributes,
 *       which need TensorFlow Java's function and tensor bookkeeping.
 *   <li>{@link #listOutputs}: whether an output argument is a list. The op classes of TensorFlow
 *       Java ask such an operation for {@code outputListLength}, which it answers from the {@code
 *       TFE_Op} that ran it, so such ops get a {@code TFE_Op} of their own instead of the reused one.
 *   <li>{@link #stateful}: the OpDef's {@code is_stateful}, for tracers that must keep such ops.
 * </ul>
 */
final class OpTraits {
  private static final ConcurrentHashMap<String, OpTraits> CACHE = new ConcurrentHashMap<>();
  private static TF_Graph registryGraph;

  final String type;
  final BytePointer cType;
  final boolean fast;
  final boolean listOutputs;
  /** Whether the OpDef says the op is stateful; true for types without an OpDef (functions). */
  final boolean stateful;

  private OpTraits(String type, boolean fast, boolean listOutputs, boolean stateful) {
    this.type = type;
    this.cType = CStrings.of(type);
    this.fast = fast;
    this.listOutputs = listOutputs;
    this.stateful = stateful;
  }

  /**
   * Lets the fast path run the graph function {@code name} as an op of that type (TFE_NewOp
   * accepts a function the context knows): a function has one output argument per result, none a
   * list, and its attributes ({@code config_proto}, {@code executor_type}) are strings. The
   * registry holds no OpDef for it, so {@link #of} would otherwise send it to TensorFlow Java's
   * builder, ~20 µs a call.
   */
  static void registerFunction(String name) {
    CACHE.put(name, new OpTraits(name, true, false, true));
  }

  /** Forgets a function registered by {@link #registerFunction}. */
  static void forgetFunction(String name) {
    CACHE.remove(name);
  }

  /** The traits of {@code type}. */
  static OpTraits of(String type) {
    OpTraits cached = CACHE.get(type);
    return cached != null ? cached : CACHE.computeIfAbsent(type, OpTraits::lookUp);
  }

  private static OpTraits lookUp(String type) {
    OpDef def = opDef(type);
    if (def == null) {
      return new OpTraits(type, false, false, true);
    }
    boolean fast = true;
    for (OpDef.AttrDef attr : def.getAttrList()) {
      switch (attr.getType()) {
        case "func":
        case "list(func)":
        case "list(tensor)":
          fast = false;
          break;
        default:
          break;
      }
    }
    boolean listOutputs = false;
    for (OpDef.ArgDef out : def.getOutputArgList()) {
      if (!out.getNumberAttr().isEmpty() || !out.getTypeListAttr().isEmpty()) {
        listOutputs = true;
      }
    }
    return new OpTraits(type, fast, listOutputs, def.getIsStateful());
  }

  /** The registered OpDef of {@code type}, or null if TensorFlow registers no such op. */
  private static synchronized OpDef opDef(String type) {
    if (registryGraph == null) {
      TensorFlow.version(); // loads the native library
      // An empty graph, kept for the life of the JVM, through which the op registry is read.
      registryGraph = TF_NewGraph();
    }
    TF_Status status = TF_NewStatus();
    TF_Buffer buffer = TF_NewBuffer();
    try {
      TF_GraphGetOpDef(registryGraph, CStrings.of(type), buffer, status);
      if (TF_GetCode(status) != TF_OK) {
        return null;
      }
      byte[] bytes = new byte[(int) buffer.length()];
      new BytePointer(buffer.data()).capacity(bytes.length).get(bytes);
      return OpDef.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("Unreadable OpDef of " + type, e);
    } finally {
      TF_DeleteBuffer(buffer);
      TF_DeleteStatus(status);
    }
  }
}
