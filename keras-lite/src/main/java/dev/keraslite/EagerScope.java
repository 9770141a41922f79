package dev.keraslite;

import dev.keraslite.internal.recording.RecordingEnvironment;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.op.Ops;

/**
 * A region of eager code whose results are released when it closes (see {@link Eager#scope()}).
 * Scopes nest. A scope closed while a tape is recording hands its values to the enclosing region
 * instead, because the tape may still need them.
 */
public final class EagerScope implements AutoCloseable {
  /** Null for a scope that releases nothing (see {@link #open}). */
  private final RecordingEnvironment env;
  private boolean closed;

  EagerScope(RecordingEnvironment env) {
    this.env = env;
    if (env != null) {
      env.pushArena();
    }
  }

  /**
   * Opens a scope on whatever environment {@code tf} builds ops in, for code that is handed an
   * {@code Ops} rather than an {@link Eager}:
   *
   * <pre>{@code
   * try (EagerScope scope = EagerScope.open(tf)) {
   *   float value = metric.result(tf).asTensor().getFloat();
   * }
   * }</pre>
   *
   * <p>For the {@code Ops} of a keras-lite eager context ({@link Eager#tf()}) it is the region
   * {@link Eager#scope()} opens: what is computed inside is released at close, except variables
   * and kept values. For any other environment (a {@code Graph} being traced, a plain {@code
   * EagerSession}) there is nothing keras-lite could release, and the scope's close does nothing.
   */
  public static EagerScope open(Ops tf) {
    ExecutionEnvironment env = tf.scope().env();
    // A keras-lite environment over a graph has nothing to release: its ops live in the graph.
    if (env instanceof RecordingEnvironment recording && recording.delegate().isEager()) {
      return new EagerScope(recording);
    }
    return new EagerScope(null);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (env == null) {
      return;
    }
    var ops = env.popArena();
    if (env.isRecording()) {
      env.adopt(ops);
    } else {
      env.release(ops);
    }
  }
}
