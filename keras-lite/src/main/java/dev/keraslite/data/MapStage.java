package dev.keraslite.data;

import java.util.Iterator;
import java.util.function.Function;

/** Applies a function to each element of the upstream, lazily, on every pass. */
final class MapStage implements Pipeline {
  private final Pipeline upstream;
  private final Function<Element, Element> fn;

  MapStage(Pipeline upstream, Function<Element, Element> fn) {
    this.upstream = upstream;
    this.fn = fn;
  }

  @Override
  public Iterator<Element> iterator() {
    Iterator<Element> in = upstream.iterator();
    return new Lookahead<>() {
      @Override
      protected Element advance() {
        return in.hasNext() ? apply(in.next()) : null;
      }
    };
  }

  @Override
  public long cardinality() {
    return upstream.cardinality();
  }

  @Override
  public boolean randomAccess() {
    return upstream.randomAccess();
  }

  @Override
  public Element get(long index) {
    return apply(upstream.get(index));
  }

  Element apply(Element element) {
    Element result = fn.apply(element);
    if (result == null) {
      throw new IllegalStateException("Dataset.map: the function returned null for " + element);
    }
    return result;
  }
}
