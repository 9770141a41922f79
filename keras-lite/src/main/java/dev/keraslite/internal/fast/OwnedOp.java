package dev.keraslite.internal.fast;

import org.tensorflow.internal.c_api.TFE_Op;

/**
 * A {@code TFE_Op} owned by the dispatcher: a cached op reused for every op of its type, or one that
 * an {@code EagerOperation} keeps (ops with list outputs, whose {@code outputListLength} queries
 * it). Deleted once, like {@link OwnedHandle}.
 */
final class OwnedOp extends TFE_Op {
  private final NativeCell cell;

  OwnedOp(long address, NativeOwner owner) {
    this.address = address;
    this.cell = owner.track(this, address, NativeCell.OP);
  }

  @Override
  public void close() {
    setNull();
    cell.free();
  }

  @Override
  public void deallocate() {
    close();
  }
}
