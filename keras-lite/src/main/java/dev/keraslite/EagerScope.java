package dev.keraslite;

import dev.keraslite.autodiff.RecordingEnvironment;

/**
 * A region of eager code whose results are released when it closes (see {@link Eager#scope()}).
 * Scopes nest. A scope closed while a tape is recording hands its values to the enclosing region
 * instead, because the tape may still need them.
 */
public final class EagerScope implements AutoCloseable {
  private final RecordingEnvironment env;
  private boolean closed;

  EagerScope(RecordingEnvironment env) {
    this.env = env;
    env.pushArena();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    var ops = env.popArena();
    if (env.isRecording()) {
      env.adopt(ops);
    } else {
      env.release(ops);
    }
  }
}
