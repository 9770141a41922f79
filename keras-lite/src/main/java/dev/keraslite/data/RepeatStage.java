package dev.keraslite.data;

import java.util.Iterator;

/**
 * The upstream's passes one after another, {@code count} times or forever ({@code count < 0}). Each
 * repetition is a new pass, so a shuffle upstream reshuffles every repetition, as in {@code
 * tf.data}. An empty upstream ends the repetition instead of looping forever.
 */
final class RepeatStage implements Pipeline {
  private final Pipeline upstream;
  private final long count;

  RepeatStage(Pipeline upstream, long count) {
    this.upstream = upstream;
    this.count = count;
  }

  @Override
  public Iterator<Element> iterator() {
    return new Lookahead<>() {
      private Iterator<Element> pass;
      private long passes;
      private boolean passWasEmpty;

      @Override
      protected Element advance() {
        while (pass == null || !pass.hasNext()) {
          if ((pass != null && passWasEmpty) || (count >= 0 && passes >= count)) {
            return null;
          }
          pass = upstream.iterator();
          passes++;
          passWasEmpty = true;
        }
        passWasEmpty = false;
        return pass.next();
      }
    };
  }

  @Override
  public long cardinality() {
    long upstreamCount = upstream.cardinality();
    if (upstreamCount == 0 || count == 0) {
      return 0;
    }
    if (count < 0 || upstreamCount == Dataset.INFINITE_CARDINALITY) {
      return Dataset.INFINITE_CARDINALITY;
    }
    return Math.multiplyExact(upstreamCount, count);
  }
}
