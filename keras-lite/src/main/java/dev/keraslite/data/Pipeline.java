package dev.keraslite.data;

import java.util.Iterator;

/**
 * One stage of a {@link Dataset}: a source of host {@link Element}s. Each {@link #iterator()} call
 * is one pass ("epoch") over the stage, independent of other passes.
 */
interface Pipeline {
  /** A new pass over the elements. */
  Iterator<Element> iterator();

  /** The number of elements of a pass, or {@link Dataset#INFINITE_CARDINALITY}. */
  long cardinality();

  /** Whether {@link #get} works: elements addressable by index (arrays, maps over arrays). */
  default boolean randomAccess() {
    return false;
  }

  /** Element {@code index} of a pass, for stages that are {@link #randomAccess()}. */
  default Element get(long index) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " is not indexable");
  }
}
