package dev.keraslite.layers;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.types.TBool;

/**
 * The masks attached to tensors (Keras's {@code tensor._keras_mask}): a layer's output carries the
 * mask its {@link Layer#computeMask} produced, so that the next layer applied to that output sees it,
 * in user code, a {@code Sequential} or a functional model alike. Keys are held by identity and
 * weakly, so a dropped tensor drops its mask.
 */
final class Masks {
  private static final class Key extends WeakReference<Operand<?>> {
    private final int hash;

    Key(Operand<?> x, ReferenceQueue<Operand<?>> queue) {
      super(x, queue);
      this.hash = System.identityHashCode(x);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      if (!(o instanceof Key other)) {
        return false;
      }
      Object mine = get();
      return mine != null && mine == other.get();
    }
  }

  private static final ReferenceQueue<Operand<?>> QUEUE = new ReferenceQueue<>();
  private static final Map<Key, Operand<TBool>> MASKS = new HashMap<>();

  private Masks() {}

  /** The mask attached to {@code x}, or null. */
  static synchronized Operand<TBool> get(Operand<?> x) {
    expunge();
    return x == null ? null : MASKS.get(new Key(x, null));
  }

  /** Attaches {@code mask} to {@code x}; null removes any mask. */
  static synchronized void put(Operand<?> x, Operand<TBool> mask) {
    expunge();
    if (mask == null) {
      MASKS.remove(new Key(x, null));
    } else {
      MASKS.put(new Key(x, QUEUE), mask);
    }
  }

  private static void expunge() {
    for (Object k; (k = QUEUE.poll()) != null; ) {
      MASKS.remove(k);
    }
  }
}
