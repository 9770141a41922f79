package dev.keraslite.data;

import java.util.Iterator;

/** The upstream without its first {@code count} elements; {@code count < 0} skips them all. */
final class SkipStage implements Pipeline {
  private final Pipeline upstream;
  private final long count;

  SkipStage(Pipeline upstream, long count) {
    this.upstream = upstream;
    this.count = count;
  }

  @Override
  public Iterator<Element> iterator() {
    Iterator<Element> in = upstream.iterator();
    return new Lookahead<>() {
      private boolean skipped;

      @Override
      protected Element advance() {
        if (!skipped) {
          skipped = true;
          for (long i = 0; (count < 0 || i < count) && in.hasNext(); i++) {
            in.next();
          }
        }
        return in.hasNext() ? in.next() : null;
      }
    };
  }

  @Override
  public long cardinality() {
    long upstreamCount = upstream.cardinality();
    if (upstreamCount == Dataset.INFINITE_CARDINALITY) {
      return count < 0 ? 0 : upstreamCount;
    }
    return count < 0 ? 0 : Math.max(0, upstreamCount - count);
  }
}
