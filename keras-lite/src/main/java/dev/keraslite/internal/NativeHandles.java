package dev.keraslite.internal;

import java.lang.reflect.Field;
import java.util.logging.Logger;
import org.bytedeco.javacpp.Pointer;
import org.tensorflow.Operation;

/**
 * Frees the native memory of an eager operation at once instead of when the garbage collector gets
 * to it.
 *
 * <p>TensorFlow Java 1.1.0 gives every eager output handle a deallocator but frees it only when its
 * Java wrapper is collected (docs/ARCHITECTURE.md §1.4), so a training loop can hold gigabytes of dead results.
 * The handles live in package-private fields of {@code org.tensorflow.EagerOperation}; this class
 * reaches them by reflection, once, and closes them. A closed handle reads as null to TensorFlow
 * Java, so a released value used again raises {@link IllegalStateException} instead of touching
 * freed memory. Where reflection is refused (the module path without {@code --add-opens}), release
 * degrades to TensorFlow Java's own garbage-collected behaviour, with one warning.
 */
public final class NativeHandles {
  private static final Logger LOG = Logger.getLogger(NativeHandles.class.getName());
  private static final Field OP_HANDLE;
  private static final Field OUTPUT_HANDLES;
  private static final Class<?> EAGER_OPERATION;
  private static final java.lang.reflect.Method CONTEXT_HANDLE;
  private static final java.lang.reflect.Method DETACH;

  static {
    Class<?> type = null;
    Field op = null;
    Field outputs = null;
    try {
      type = Class.forName("org.tensorflow.EagerOperation");
      op = type.getDeclaredField("opHandle");
      outputs = type.getDeclaredField("outputHandles");
      op.setAccessible(true);
      outputs.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warning(
          "keras-lite cannot release eager tensors deterministically ("
              + e
              + "); memory is freed when the garbage collector runs. On the module path, add "
              + addOpensFlag()
              + ".");
      type = null;
    }
    EAGER_OPERATION = type;
    java.lang.reflect.Method context = null;
    try {
      context = org.tensorflow.EagerSession.class.getDeclaredMethod("nativeHandle");
      context.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warning(
          "keras-lite cannot reach the eager context to clear its kernel cache ("
              + e
              + "); add "
              + addOpensFlag()
              + ".");
    }
    CONTEXT_HANDLE = context;
    java.lang.reflect.Method detach = null;
    try {
      detach = org.tensorflow.EagerSession.class.getDeclaredMethod("detach", Pointer[].class);
      detach.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warning(
          "keras-lite cannot detach released handles from their session ("
              + e
              + "); add "
              + addOpensFlag()
              + ".");
    }
    DETACH = detach;
    OP_HANDLE = op;
    OUTPUT_HANDLES = outputs;
  }

  private NativeHandles() {}

  /** Whether this JVM lets keras-lite free eager results deterministically. */
  public static boolean available() {
    return EAGER_OPERATION != null;
  }

  /**
   * Frees the output handles and the op handle of an eager operation. Tensors already read from it
   * with {@code asTensor()} stay valid: they own their own reference to the buffer and are freed by
   * the garbage collector, as in TensorFlow Java. Releasing twice is harmless.
   */
  public static void release(Operation operation) {
    if (EAGER_OPERATION == null || !EAGER_OPERATION.isInstance(operation)) {
      return;
    }
    try {
      Pointer[] handles = (Pointer[]) OUTPUT_HANDLES.get(operation);
      // TensorFlow Java's own handles sit in the session's set of resources: take them out first
      // (which frees them), or freed entries pile up there and slow every later op down.
      if (DETACH != null && operation.env() instanceof org.tensorflow.EagerSession) {
        try {
          DETACH.invoke(operation.env(), (Object) handles);
        } catch (java.lang.reflect.InvocationTargetException closed) {
          // The session is closed: it has freed everything it held already.
        }
      }
      for (int i = 0; i < handles.length; i++) {
        Pointer handle = handles[i];
        if (handle != null && !ReleasedValues.isReleased(handle) && !handle.isNull()) {
          handle.close();
        }
        // Every later use (asTensor, shape, an op input) now explains the release.
        handles[i] = ReleasedValues.HANDLE;
      }
      Pointer op = (Pointer) OP_HANDLE.get(operation);
      if (op != null && !op.isNull()) {
        op.close();
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code operation}'s outputs have been released. */
  public static boolean isReleased(Operation operation) {
    if (EAGER_OPERATION == null || !EAGER_OPERATION.isInstance(operation)) {
      return false;
    }
    try {
      Pointer[] handles = (Pointer[]) OUTPUT_HANDLES.get(operation);
      return handles.length > 0
          && (handles[0] == null
              || ReleasedValues.isReleased(handles[0])
              || handles[0].isNull());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Empties the eager context's kernel and op caches. TensorFlow caches one kernel per distinct
   * {@code Const} value and never evicts it, so a loop that makes a constant of each new batch grows
   * native memory by the batch's size per step (measured: ~170 KB per 50×784 batch) until this runs.
   * Live tensors are not affected; the next op of each kind is instantiated again.
   */
  public static void clearCaches(org.tensorflow.EagerSession session) {
    if (CONTEXT_HANDLE == null) {
      return;
    }
    try {
      org.tensorflow.internal.c_api.TFE_Context ctx =
          (org.tensorflow.internal.c_api.TFE_Context) CONTEXT_HANDLE.invoke(session);
      org.tensorflow.internal.c_api.global.tensorflow.TFE_ContextClearCaches(ctx);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The JVM flag that lets keras-lite read TensorFlow Java's private handles when both run on the
   * module path: TensorFlow Java's module is {@code tensorflow}, and keras-lite is either the named
   * module {@code dev.keraslite} or, on the class path, in the unnamed module.
   */
  public static String addOpensFlag() {
    Module tensorflow = org.tensorflow.EagerSession.class.getModule();
    Module kerasLite = NativeHandles.class.getModule();
    String source = tensorflow.isNamed() ? tensorflow.getName() : "tensorflow";
    String target = kerasLite.isNamed() ? kerasLite.getName() : "ALL-UNNAMED";
    return "--add-opens " + source + "/org.tensorflow=" + target;
  }
}
