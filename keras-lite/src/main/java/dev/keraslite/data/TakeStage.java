package dev.keraslite.data;

import java.util.Iterator;

/** The first {@code count} elements of the upstream. */
final class TakeStage implements Pipeline {
  private final Pipeline upstream;
  private final long count;

  TakeStage(Pipeline upstream, long count) {
    this.upstream = upstream;
    this.count = count;
  }

  @Override
  public Iterator<Element> iterator() {
    Iterator<Element> in = upstream.iterator();
    return new Lookahead<>() {
      private long taken;

      @Override
      protected Element advance() {
        if (taken >= count || !in.hasNext()) {
          return null;
        }
        taken++;
        return in.next();
      }
    };
  }

  @Override
  public long cardinality() {
    long upstreamCount = upstream.cardinality();
    return upstreamCount == Dataset.INFINITE_CARDINALITY ? count : Math.min(count, upstreamCount);
  }
}
