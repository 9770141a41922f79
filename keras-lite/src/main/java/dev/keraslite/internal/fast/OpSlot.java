package dev.keraslite.internal.fast;

/**
 * One op type in one eager context: its {@link OpTraits}, whether the context enables it, and the
 * {@code TFE_Op} reused (through {@code TFE_OpReset}) by every op of the type.
 */
final class OpSlot {
  final OpTraits traits;
  /** Whether the session accepts ops of this type at all. */
  final boolean enabled;
  /** Whether ops of this type may take the fast path in this context. */
  final boolean fast;
  /** The reused op, created on first use; always reset (holding no inputs) when idle. */
  OwnedOp cached;
  /** Set while {@link #cached} executes an op, so a reentrant build of the type gets its own. */
  boolean busy;

  OpSlot(OpTraits traits, boolean enabled) {
    this.traits = traits;
    this.enabled = enabled;
    this.fast = traits.fast && enabled;
  }
}
