package dev.keraslite.internal.fast;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.tensorflow.EagerSession;

/**
 * Runs an action when an {@link EagerSession} closes, before the session deletes its {@code
 * TFE_Context} (handles and ops must die before their context). The session releases one
 * reference to every pointer in its resource scope on close; this pointer's deallocator is the
 * action.
 */
final class SessionCloseHook extends Pointer {
  private SessionCloseHook(Pointer memory, Runnable action) {
    // The resource scope hashes pointers by address: one byte of our own makes the address unique.
    this.address = memory.address();
    deallocator(new OnRelease(this, memory, action));
  }

  /**
   * The deallocator. It holds the hook strongly, and JavaCPP holds it until it runs, so the
   * garbage collector never runs it early: only the session's close does (the session's resource
   * scope holds its pointers weakly).
   */
  private static final class OnRelease implements Deallocator {
    @SuppressWarnings("unused")
    private final SessionCloseHook hook;
    private final Pointer memory;
    private final Runnable action;

    OnRelease(SessionCloseHook hook, Pointer memory, Runnable action) {
      this.hook = hook;
      this.memory = memory;
      this.action = action;
    }

    @Override
    public void deallocate() {
      try {
        action.run();
      } finally {
        Pointer.free(memory);
      }
    }
  }

  /** Arranges for {@code action} to run when {@code session} closes. */
  static SessionCloseHook install(EagerSession session, Runnable action) {
    // Registering a deallocator attaches the pointer to the innermost open JavaCPP PointerScope, if
    // the caller has one; a scope of our own takes that reference and gives it back at once, so
    // only the session's reference is left.
    try (PointerScope scope = new PointerScope()) {
      SessionCloseHook hook = new SessionCloseHook(Pointer.malloc(1), action);
      TfInternals.attach(session, hook);
      return hook;
    }
  }
}
