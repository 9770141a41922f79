package demo;

import dev.keraslite.internal.fast.FastShape;

/** Must not compile: dev.keraslite does not export its internal packages. */
public class Internal {
  Object shape = FastShape.class;
}
