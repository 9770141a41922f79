package dev.keraslite.training.internal;

/**
 * Whether the step being traced defers its non-finite guard. A guarded step gates its update on its
 * gradients being finite with a switch per step ({@code Recording.updateIf}), which keeps a graph
 * off TensorFlow's single-threaded executor. A group of steps traced for one {@code Session.run}
 * ({@code steps_per_execution}) instead applies every update and only reports which steps were not
 * finite; when one was, the runner restores the state the group started from and runs its batches
 * again one guarded step at a time ({@link CompiledSteps#runGroup}), so the weights come out as if
 * each step had been guarded: the same guarantee, without a switch in the common, finite case.
 */
final class GuardDeferral {
  private boolean active;

  /** Whether the step being traced now defers its guard. */
  boolean active() {
    return active;
  }

  /** Runs {@code trace} with the guard deferred. */
  <T> T during(java.util.function.Supplier<T> trace) {
    active = true;
    try {
      return trace.get();
    } finally {
      active = false;
    }
  }
}
