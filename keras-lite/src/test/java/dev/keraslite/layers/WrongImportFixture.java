package dev.keraslite.layers;

import dev.keraslite.internal.fast.FastShape;
import dev.keraslite.models.Model;
import org.tensorflow.ndarray.Shape;

/**
 * Test fixture for {@code ArchitectureTest}: a class in {@code layers} that (wrongly) imports a
 * model and the internal fast path, so that the rules can be seen to fail.
 */
public final class WrongImportFixture {
  private WrongImportFixture() {}

  public static Shape outputOf(Model model) {
    return FastShape.of(null) == null ? null : Shape.unknown();
  }
}
