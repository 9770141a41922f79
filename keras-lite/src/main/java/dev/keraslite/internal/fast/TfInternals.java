package dev.keraslite.internal.fast;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.bytedeco.javacpp.Pointer;
import org.tensorflow.EagerSession;
import org.tensorflow.Operation;
import org.tensorflow.RawTensor;
import org.tensorflow.internal.c_api.TFE_Context;
import org.tensorflow.internal.c_api.TFE_Op;
import org.tensorflow.internal.c_api.TFE_TensorHandle;
import org.tensorflow.internal.c_api.TF_Tensor;

/**
 * The package-private corners of TensorFlow Java 1.1.0 the dispatcher needs, resolved once as
 * method handles (docs/ARCHITECTURE.md §1.5): {@code EagerOperation}'s constructor and output handles, {@code
 * EagerSession}'s context and resource scope, and a {@code RawTensor}'s native tensor. Method
 * handles held in static finals cost about as much as a direct call once the JIT has inlined them.
 * On the module path without {@code --add-opens tensorflow/org.tensorflow=dev.keraslite} the
 * lookups fail and {@link #available()} is false: keras-lite then uses TensorFlow Java's builders.
 */
final class TfInternals {
  private static final Class<?> EAGER_OPERATION;
  private static final MethodHandle NEW_EAGER_OPERATION;
  private static final MethodHandle OUTPUT_HANDLES;
  private static final MethodHandle CONTEXT;
  private static final MethodHandle ATTACH;
  private static final MethodHandle TENSOR_HANDLE;
  private static final Throwable FAILURE;

  static {
    Class<?> type = null;
    MethodHandle newOp = null;
    MethodHandle outputs = null;
    MethodHandle context = null;
    MethodHandle attach = null;
    MethodHandle tensor = null;
    Throwable failure = null;
    try {
      type = Class.forName("org.tensorflow.EagerOperation");
      MethodHandles.Lookup ops = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
      newOp =
          ops.findConstructor(
                  type,
                  MethodType.methodType(
                      void.class,
                      EagerSession.class,
                      TFE_Op.class,
                      TFE_TensorHandle[].class,
                      String.class,
                      String.class))
              .asType(
                  MethodType.methodType(
                      Operation.class,
                      EagerSession.class,
                      TFE_Op.class,
                      TFE_TensorHandle[].class,
                      String.class,
                      String.class));
      outputs =
          ops.findGetter(type, "outputHandles", TFE_TensorHandle[].class)
              .asType(MethodType.methodType(TFE_TensorHandle[].class, Operation.class));
      MethodHandles.Lookup sessions =
          MethodHandles.privateLookupIn(EagerSession.class, MethodHandles.lookup());
      context =
          sessions.findVirtual(
              EagerSession.class, "nativeHandle", MethodType.methodType(TFE_Context.class));
      attach =
          sessions.findVirtual(
              EagerSession.class, "attach", MethodType.methodType(void.class, Pointer[].class));
      tensor =
          MethodHandles.privateLookupIn(RawTensor.class, MethodHandles.lookup())
              .findVirtual(RawTensor.class, "nativeHandle", MethodType.methodType(TF_Tensor.class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      failure = e;
      type = null;
    }
    EAGER_OPERATION = type;
    NEW_EAGER_OPERATION = newOp;
    OUTPUT_HANDLES = outputs;
    CONTEXT = context;
    ATTACH = attach;
    TENSOR_HANDLE = tensor;
    FAILURE = failure;
  }

  private TfInternals() {}

  /** Whether every handle resolved. */
  static boolean available() {
    return FAILURE == null;
  }

  /** Why they did not, or null. */
  static Throwable failure() {
    return FAILURE;
  }

  /** A TensorFlow Java {@code EagerOperation} over handles this package produced. */
  static Operation newEagerOperation(
      EagerSession session, TFE_Op op, TFE_TensorHandle[] outputs, String type, String name) {
    try {
      return (Operation) NEW_EAGER_OPERATION.invokeExact(session, op, outputs, type, name);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code op} is an eager operation (the only kind whose outputs are tensor handles). */
  static boolean isEagerOperation(Operation op) {
    return EAGER_OPERATION.isInstance(op);
  }

  /** The output handles of an eager operation; {@link #isEagerOperation} must hold. */
  static TFE_TensorHandle[] outputHandles(Operation eagerOperation) {
    try {
      return (TFE_TensorHandle[]) OUTPUT_HANDLES.invokeExact(eagerOperation);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** The session's {@code TFE_Context}; throws IllegalStateException once it is closed. */
  static TFE_Context context(EagerSession session) {
    try {
      return (TFE_Context) CONTEXT.invokeExact(session);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Adds {@code resource} to the session's resource scope: the session releases one reference to
   * it when it closes, before it deletes its context.
   */
  static void attach(EagerSession session, Pointer resource) {
    try {
      ATTACH.invokeExact(session, new Pointer[] {resource});
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** The native tensor behind a TensorFlow Java tensor. */
  static TF_Tensor nativeTensor(RawTensor tensor) {
    try {
      return (TF_Tensor) TENSOR_HANDLE.invokeExact(tensor);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }
}
