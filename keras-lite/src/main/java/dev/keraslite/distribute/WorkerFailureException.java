package dev.keraslite.distribute;

import java.util.List;

/**
 * A collective step could not complete because a worker died or cannot be reached: raised on the
 * surviving workers within the strategy's timeout. Restart every worker to resume from the last
 * checkpoint.
 */
public final class WorkerFailureException extends RuntimeException {
  private final List<ClusterSpec.Task> unreachable;

  WorkerFailureException(String message, List<ClusterSpec.Task> unreachable, Throwable cause) {
    super(message, cause);
    this.unreachable = List.copyOf(unreachable);
  }

  /** The tasks that did not accept a connection when the step failed (empty if all did). */
  public List<ClusterSpec.Task> unreachable() {
    return unreachable;
  }
}
