package dev.keraslite;

import dev.keraslite.layers.Layer;

/** Test fixture for {@link ArchitectureTest}: a core class that (wrongly) knows a layer. */
final class CoreWrongImportFixture {
  static String nameOf(Layer layer) {
    return layer.name();
  }
}
