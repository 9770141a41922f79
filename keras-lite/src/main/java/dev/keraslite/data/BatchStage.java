package dev.keraslite.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Stacks consecutive upstream elements into batches; the last may be partial unless dropped. */
final class BatchStage implements Pipeline {
  private final Pipeline upstream;
  private final int batchSize;
  private final boolean dropRemainder;

  BatchStage(Pipeline upstream, int batchSize, boolean dropRemainder) {
    this.upstream = upstream;
    this.batchSize = batchSize;
    this.dropRemainder = dropRemainder;
  }

  @Override
  public Iterator<Element> iterator() {
    Iterator<Element> in = upstream.iterator();
    return new Lookahead<>() {
      @Override
      protected Element advance() {
        List<Element> elements = new ArrayList<>(batchSize);
        while (elements.size() < batchSize && in.hasNext()) {
          elements.add(in.next());
        }
        if (elements.isEmpty() || (dropRemainder && elements.size() < batchSize)) {
          return null;
        }
        return Element.stack(elements, "Dataset.batch(" + batchSize + ")");
      }
    };
  }

  @Override
  public long cardinality() {
    long upstreamCount = upstream.cardinality();
    if (upstreamCount == Dataset.INFINITE_CARDINALITY) {
      return upstreamCount;
    }
    return dropRemainder ? upstreamCount / batchSize : (upstreamCount + batchSize - 1) / batchSize;
  }
}
