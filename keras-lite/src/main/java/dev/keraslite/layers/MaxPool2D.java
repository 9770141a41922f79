package dev.keraslite.layers;

import dev.keraslite.regularizers.Regularizers;
import dev.keraslite.regularizers.Regularizer;
import java.util.Map;

/**
 * Keras's alias {@code MaxPool2D} of {@link MaxPooling2D}, as the tutorial's CNN spells it. It is
 * the same layer: named {@code max_pooling2d...} and shown as {@code MaxPooling2D}, as in Keras
 * where the alias is the same class.
 */
public class MaxPool2D extends MaxPooling2D {
  /** A 2x2 window. */
  public MaxPool2D() {
    this(DEFAULT_POOL_SIZE);
  }

  /** A square window of side {@code poolSize}. */
  public MaxPool2D(int poolSize) {
    this(new int[] {poolSize});
  }

  /** A window of {@code poolSize = {height, width}}. */
  public MaxPool2D(int[] poolSize) {
    super("max_pooling2d", poolSize);
  }

  @Override
  public MaxPool2D name(String name) {
    super.name(name);
    return this;
  }

  @Override
  public MaxPool2D activityRegularizer(Regularizer regularizer) {
    super.activityRegularizer(regularizer);
    return this;
  }

  @Override
  public MaxPool2D activityRegularizer(String name) {
    return activityRegularizer(Regularizers.get(name));
  }

  @Override
  public MaxPool2D strides(int strides) {
    super.strides(strides);
    return this;
  }

  @Override
  public MaxPool2D strides(int[] strides) {
    super.strides(strides);
    return this;
  }

  @Override
  public MaxPool2D padding(String padding) {
    super.padding(padding);
    return this;
  }

  @Override
  public String typeName() {
    return "MaxPooling2D";
  }

  /** A layer from a Keras config. */
  public static MaxPool2D fromConfig(Map<String, Object> config) {
    LayerConfig c = LayerConfig.of("MaxPool2D", config);
    return Pooling2D.configure(new MaxPool2D(c.getInts("pool_size", 2, new int[] {2, 2})), c);
  }
}
